"""Build the offline release: ``make bundle``.

One archive, ``dist/service-atlas-VERSION-pyXY-PLATFORM.tar.gz``, holding the wheel of the
project and of every runtime dependency at the versions of uv.lock (each checked against the
lock's sha256 when it is downloaded and again when it is installed), the install and start
scripts, the demo dataset, the Streamlit theme and the deployment examples. It installs on a
machine with the same Python minor version and platform and no network at all
(``./install.sh``: ``pip install --no-index --find-links wheels --require-hashes``).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def bundle_name(version: str) -> str:
    """``service-atlas-VERSION-pyXY-PLATFORM``, for the Python that runs this script."""
    python = f"py{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"service-atlas-{version}-{python}-{platform}"


def build(uv: str, out: Path) -> Path:
    """Build the bundle folder and archive under ``out``; return the archive's path."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    name = bundle_name(version)
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)
    requirements = folder / "requirements.txt"
    # The runtime set of the lock (no test tools, not the project), with every file's sha256.
    _run(uv, "export", "--locked", "--no-dev", "--no-emit-project", "--quiet",
         "--format", "requirements-txt", "--output-file", str(requirements))  # fmt: skip
    _run(sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--only-binary", ":all:", "--no-deps", "--require-hashes",
         "-r", str(requirements), "--dest", str(wheels))  # fmt: skip
    _run(uv, "build", "--wheel", "--quiet", "--out-dir", str(wheels), str(ROOT))
    for script in ("install.sh", "run.sh"):
        shutil.copy2(HERE / script, folder / script)
        (folder / script).chmod(0o755)
    shutil.copy2(HERE / "INSTALL.md", folder / "INSTALL.md")
    (folder / "PYTHON_VERSION").write_text(
        f"{sys.version_info.major}.{sys.version_info.minor}\n", encoding="ascii"
    )
    for demo in ("suyu", "suyu-2020"):  # the demo and its earlier year (the comparison)
        shutil.copytree(ROOT / "data" / demo, folder / "demo" / demo)
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit", ignore=_no_secrets)
    for example in ("nginx", "systemd"):
        shutil.copytree(HERE / example, folder / "deploy" / example)
    archive = out / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=name)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (out / f"{archive.name}.sha256").write_text(f"{digest}  {archive.name}\n", encoding="ascii")
    shutil.rmtree(folder)
    return archive


def _no_secrets(_folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "secrets.toml"]


def _run(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, check=True)


def main() -> None:
    """``python deploy/bundle.py --uv PATH [--out dist]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uv", default="uv", help="the uv executable")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder")
    args = parser.parse_args()
    started = time.monotonic()
    archive = build(args.uv, args.out)
    seconds = time.monotonic() - started
    print(f"{archive}: {archive.stat().st_size / 1e6:.0f} MB, built in {seconds:.0f} s")


if __name__ == "__main__":
    main()
