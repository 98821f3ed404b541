"""bench/load_dashboard.py, small: 3 protocol sessions and the Chromium check follow the
planner's path on a real server, so the load test cannot rot (its figures are not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent.parent


def test_three_planners_finish_the_path_and_the_server_is_measured(
    chromium_path: str,  # noqa: ARG001 - skips (or fails) without Chromium
    tmp_path: Path,
) -> None:
    figures_file = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_dashboard.py"), "--sessions", "3",
         "--timeout", "300", "--json", str(figures_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(figures_file.read_text())
    assert (figures["sessions"], figures["finished"], figures["failures"]) == (3, 3, [])
    assert figures["runs"] == 3 * 5  # overview, coverage, its group filter, siting, data
    assert figures["browser_check_error"] is None and figures["browser_check_s"] > 0
    assert figures["sessions_on_server"] == 4
    assert figures["server_cpu_s"] > 0
    assert figures["server_peak_mb"] >= figures["server_rss_warm_mb"] > 0
    assert 0 < figures["run_p50_s"] <= figures["run_p95_s"]
    assert (figures["download_404s"], figures["downloads_lost"]) == (0, 0)
    assert "CPU-s per session" in done.stdout
