"""A file made on a download click is still there when the browser comes to fetch it, however
many script runs other sessions finish in between.

Streamlit keeps the file a deferred download button makes (``data=callable``) in its media
store with no session referring to it, so the end of any two script runs -- of any session --
deletes it; on a busy server that happens before the browser's GET arrives, and the click gets
a 404. Here the order is forced: one session clicks, another finishes three runs, then the
first fetches. Real server, Streamlit's own protocol, no browser.
"""

from __future__ import annotations

import asyncio
import sys
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dashboard.headless import dashboard_process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from streamlit_client import Session

pytestmark = pytest.mark.slow


async def _get(session: Session, address: str) -> tuple[int, bytes]:
    try:
        return 200, await session.fetch(address)
    except urllib.error.HTTPError as error:
        return error.code, b""


async def _click_then_others_run(url: str) -> list[tuple[int, bytes]]:
    """What a planner's GETs of the CSV she clicked for answer: after another session's three
    runs (twice: a second save), and once she has moved on and the other ran three more."""
    async with Session.open(url) as planner, Session.open(url) as other:
        coverage = await planner.run("coverage", query="group=disabled")
        address = await planner.file_url(coverage.widget("download_button", "下载 CSV"))
        for _ in range(3):
            await other.run("overview")
        answers = [await _get(planner, address), await _get(planner, address)]
        await planner.run("siting")
        for _ in range(3):
            await other.run("overview")
        return [*answers, await _get(planner, address)]


def _scenario(url: str) -> list[tuple[int, bytes]]:
    return asyncio.run(asyncio.wait_for(_click_then_others_run(url), 300))


def test_a_clicked_file_outlives_other_sessions_runs(tmp_path: Path) -> None:
    # on a thread of its own: the browser tests' Playwright keeps a loop on this one
    with dashboard_process(log=tmp_path / "server.log") as (url, _), ThreadPoolExecutor(1) as th:
        answers = th.submit(_scenario, url).result()
    (status, data), second, later = answers
    assert status == 200, "the file was deleted before the browser fetched it"
    assert data.startswith(b"\xef\xbb\xbf")  # the unreached villages' CSV, with Excel's mark
    assert "村".encode() in data
    assert second == (200, data)
    assert later[0] == 404  # released once its session moved on: nothing is held for ever
