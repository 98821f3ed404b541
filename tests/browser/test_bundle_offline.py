"""The offline release: the bundle of ``make bundle`` installs and runs with no network.

The bundle is installed into a fresh folder inside a network namespace that has only loopback
(``unshare -n``, as root; elsewhere with every proxy pointed at a closed port and pip told to
use no index), then the app must answer its health check and draw the map in Chromium.
The test needs the archive: ``ATLAS_BUNDLE=dist/service-atlas-...tar.gz`` (CI builds it and
sets ``REQUIRE_BUNDLE=1``, which turns the skip without it into a failure).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _bundle() -> Path:
    given = os.environ.get("ATLAS_BUNDLE")
    if given and Path(given).is_file():
        return Path(given)
    message = "the offline-install test needs a bundle: make bundle, then ATLAS_BUNDLE=dist/..."
    if os.environ.get("REQUIRE_BUNDLE") == "1":
        pytest.fail(message + " (REQUIRE_BUNDLE=1 turns this skip into a failure)")
    pytest.skip(message)


def _isolated(command: list[str]) -> list[str]:
    """``command`` in a new network namespace with only loopback, when this user may make one."""
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("ip")):
        return command
    return ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]


def test_the_bundle_installs_and_runs_without_network(
    tmp_path: Path, chromium_path: str, screenshot_dir: Path
) -> None:
    del chromium_path  # skip (or fail) without Chromium
    archive = _bundle()
    command = _isolated(
        [sys.executable, str(HERE / "bundle_check.py"), str(archive), str(tmp_path)]
    )
    # its own process group, so that a time-out ends the install and the server as well
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    figures = json.loads(stdout.strip().splitlines()[-1])
    print("offline install:", figures)
    assert figures["townships"] == 12
    assert len(figures["fonts"]) == 2  # Regular and Bold prepared at install
    assert figures["store"] == ["home/.local/share/service-atlas/atlas.sqlite"]
    shutil.copy(tmp_path / "bundle.png", screenshot_dir / "bundle.png")
