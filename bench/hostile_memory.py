"""Peak memory of the read path on hostile files: the CLI, and the dashboard's upload path.

Builds the full-size cases of ``tests/fixtures/hostile.py`` (once, into --cases) and runs
each in a fresh Python process, which reports its own peak resident memory (ru_maxrss):

- ``validate FOLDER`` on the command line, for each dataset folder;
- the data page's upload path (unpack the zip, validate, load: the geo calls the server
  makes when "校验并保存为草稿" is pressed), for each zip;
- with ``--server``, the server itself: the dashboard on loopback with a fresh store, each
  zip (and two small ones: a zip holding both ``d/x`` and ``d/x/y``, and a member name of
  300 bytes) uploaded through the data page by a protocol client
  (``bench/streamlit_client.py``), the server's peak resident memory (VmHWM, reset before
  each case through ``/proc/PID/clear_refs``) and what the page said.

``--code DIR`` runs another checkout's geo/ (e.g. the previous release) for a before/after.

    .venv/bin/python bench/hostile_memory.py [--cases DIR] [--code DIR] [--server]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("shp_bomb", "lying_shp", "big_csv")
ZIPS = ("shp_bomb.zip", "lying_shp.zip", "big_csv.zip", "lying.zip")

_CLI = """
import contextlib, io, resource, sys
from geo.cli.commands import main
err = io.StringIO()
with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
    code = main(["validate", sys.argv[1], "--lang", "en"])
lines = [l for l in err.getvalue().splitlines() if l.startswith(("error", "internal"))]
print(f"exit {code}: {lines[0] if lines else 'valid'}")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_UPLOAD = """
import resource, sys, tempfile
from pathlib import Path
from geo.io.load import load_dataset
from geo.io.uploads import UploadError, unpack_upload
from geo.io.validate import validate_dataset
path = Path(sys.argv[1])
with tempfile.TemporaryDirectory() as tmp:
    try:
        folder = unpack_upload([(path.name, path.read_bytes())], Path(tmp))
        errors = [p for p in validate_dataset(folder) if p.severity == "error"]
        if errors:
            outcome = "refused: " + errors[0].message("en")
        else:
            load_dataset(folder)
            outcome = "accepted"
    except UploadError as error:
        outcome = "refused: " + error.message("en")
    except Exception as error:
        outcome = f"crashed: {type(error).__name__}: {error}"
print(outcome)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(script: str, target: Path, code: Path) -> tuple[str, float, float]:
    """(outcome, peak MB, seconds) of ``script`` run on ``target`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or len(lines) < 2:
        tail = done.stderr.strip().splitlines()[-1:] or ["?"]
        return f"process failed ({done.returncode}): {tail[0]}", float("nan"), seconds
    return lines[0][:110], int(lines[1]) / 1024, seconds


def small_cases() -> dict[str, bytes]:
    """The two small hostile zips: a file and a folder of one name, a 300-byte member name."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.hostile import zip_of

    return {
        "nested.zip": zip_of({"d/x": b"a", "d/x/y": b"b"}),
        "long_name.zip": zip_of({"d/" + "名" * 100 + ".csv": b"id,name\n1,a\n"}),
    }


async def _upload_case(url: str, name: str, data: bytes) -> str:
    from held_memory import upload_on_data_page
    from streamlit_client import Session

    async with Session.open(url) as session:
        run = await upload_on_data_page(session, name, data)
    if run.errors:
        return f"TRACEBACK: {run.errors[0]}"
    if any("已保存为草稿" in t for t in run.texts("alert")):
        return "SAVED as a draft"
    problems = [t.split(" ", 1)[1] for t in run.texts("markdown") if ":material/error:" in t]
    said = [t for t in run.texts("alert") if t.startswith("无法读取")] + problems
    return "refused: " + (said[0] if said else "?")


def server_peaks(cases: Path) -> None:
    """Each hostile zip uploaded through the data page of one server: its peak memory."""
    import asyncio

    sys.path.insert(0, str(ROOT / "bench"))
    from load_dashboard import reset_peak, server_use

    from dashboard.headless import dashboard_process
    from geo.io.store import open_store

    uploads = {name: (cases / name).read_bytes() for name in ZIPS} | small_cases()
    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{Path(tmp) / 'atlas.sqlite'}"
        env = {"ATLAS_STORE": store, "ATLAS_DATA": ""}
        with dashboard_process(log=Path(tmp) / "server.log", env=env) as (url, server):
            asyncio.run(_upload_case(url, "warm.zip", small_cases()["nested.zip"]))
            for name, data in uploads.items():
                base = server_use(server.pid).rss_mb
                reset_peak(server.pid)
                started = time.perf_counter()
                outcome = asyncio.run(_upload_case(url, name, data))
                seconds = time.perf_counter() - started
                peak = server_use(server.pid).peak_mb
                print(
                    f"server upload {name} ({len(data) / 2**20:.2f} MB): peak {peak:.0f} MB "
                    f"({peak - base:+.0f} MB over {base:.0f} MB), {seconds:.1f} s; {outcome[:160]}"
                )
        with open_store(store) as opened:
            print(f"versions in the store afterwards: {len(opened.versions())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=Path(tempfile.gettempdir()) / "hostile")
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--server", action="store_true", help="only the server's figures")
    args = parser.parse_args()
    if not (args.cases / "lying.zip").exists():
        subprocess.run(
            [sys.executable, "-m", "tests.fixtures.hostile", str(args.cases)], cwd=ROOT, check=True
        )
    if args.server:
        server_peaks(args.cases)
        return
    for name in FOLDERS:
        outcome, peak, seconds = measure(_CLI, args.cases / name, args.code)
        print(f"CLI validate {name}: peak {peak:.0f} MB, {seconds:.1f} s; {outcome}")
    for name in ZIPS:
        outcome, peak, seconds = measure(_UPLOAD, args.cases / name, args.code)
        print(f"upload {name}: peak {peak:.0f} MB, {seconds:.1f} s; {outcome}")


if __name__ == "__main__":
    main()
