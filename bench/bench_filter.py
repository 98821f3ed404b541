"""The dashboard as a planner uses it: a real Streamlit server, Chromium, filter clicks.

Usage::

    .venv/bin/python bench/bench_filter.py                          # the Suyu demo
    .venv/bin/python bench/bench_filter.py --data bench/out/province  # a generated province

For each page (overview, coverage) a new tab opens the page and waits for the map's first
drawing of its layers (the first map, timed from navigation). Then beneficiary groups are taken
out one by one in the sidebar (the x on its chip), each a choice not made before (so no
cache helps), and each click is timed until the map is drawn again. The time is split by
what the browser sees on the Streamlit websocket: the server's script run (the click until
the "script finished" message), the bytes it sent for the rerun (the payload), and the
browser's drawing (that message until the map shows the new layers); and the CPU seconds
the server and Chromium spent on it. Targets at province scale (issue 15): first map under
5 s, a filter change under 1 s, the payload under 3 MB.

Wall-clock times: on a machine shared with other work they are inflated; the load average is
printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, serve_dashboard  # noqa: E402

PAGES = {"overview": "/", "coverage": "/coverage"}
# Every group is shown at first; these are taken out one after another, so each click makes
# a selection of groups the session has not seen yet.
CLICKS = ("残疾人", "留守儿童", "困境儿童", "五保老人")
MAP_FRAME = "st_folium"
# A map whose layers (the townships' colours, the markers) were drawn after the last click:
# the layers count their drawings in data-atlas-drawn, which _mark_stale sets to "stale".
FRESH = f"{MAP_DRAWN}:not([data-atlas-drawn='stale'])"


@dataclass
class Socket:
    """The Streamlit websocket's incoming frames: arrival time, size, message type."""

    frames: list[tuple[float, int, str]] = field(default_factory=list)

    def received(self, payload: bytes | str) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        try:
            kind = ForwardMsg.FromString(data).WhichOneof("type") or ""
        except Exception:  # noqa: BLE001 - a frame that is no ForwardMsg is just counted
            kind = ""
        self.frames.append((time.perf_counter(), len(data), kind))

    def since(self, started: float) -> tuple[float | None, int]:
        """When the script finished after ``started``, and the bytes received until then."""
        size = 0
        for at, length, kind in self.frames:
            if at < started:
                continue
            size += length
            if kind == "script_finished":
                return at, size
        return None, size


@dataclass(frozen=True)
class Change:
    total_s: float
    server_s: float
    payload_mb: float
    draw_s: float
    server_cpu_s: float
    browser_cpu_s: float


_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float, str]]:
    """Every process: its parent, CPU seconds (user + system) and command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / _TICK,
            command,
        )
    return found


def cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of this process's descendants: the Streamlit server and Chromium's
    processes, steadier than wall time on a shared machine."""
    processes = _processes()

    def ours(pid: int) -> bool:
        parent = processes[pid][0]
        while parent not in (0, os.getpid()) and parent in processes:
            parent = processes[parent][0]
        return parent == os.getpid()

    totals = {"server": 0.0, "browser": 0.0}
    for pid, (_, cpu, command) in processes.items():
        if not ours(pid):
            continue
        if "streamlit" in command:
            totals["server"] += cpu
        elif "chrom" in command:
            totals["browser"] += cpu
    return totals


def _map_frame(page):
    for frame in page.frames:
        if MAP_FRAME in (frame.url or ""):
            return frame
    return None


def _wait_for_map(page, timeout_s: float = 120.0) -> float:
    """Block until a map frame has drawn layers not marked stale; the time it was seen."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        frame = _map_frame(page)
        try:
            if frame is not None and frame.query_selector(FRESH) is not None:
                return time.perf_counter()
        except Exception:  # noqa: BLE001 - the frame went away while it was asked
            pass
        page.wait_for_timeout(10)
    msg = "the map was not drawn"
    raise TimeoutError(msg)


def _mark_stale(page) -> None:
    frame = _map_frame(page)
    frame.evaluate(
        "() => document.querySelector('.leaflet-container')"
        ".setAttribute('data-atlas-drawn', 'stale')"
    )


def _remove_group(page, label: str) -> float:
    """Click the x of the group's chip in the sidebar; the time of the click."""
    button = page.get_by_role("button", name=f"Remove {label}", exact=True).first
    button.wait_for(timeout=30_000)
    clicked = time.perf_counter()
    button.click()
    return clicked


def measure_page(browser, url: str, path: str) -> tuple[float, list[Change]]:
    """The first map (seconds from navigation) and one :class:`Change` per click."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    socket = Socket()
    page.on("websocket", lambda ws: ws.on("framereceived", socket.received))
    started = time.perf_counter()
    page.goto(url + path, wait_until="load")
    first = _wait_for_map(page) - started
    page.wait_for_timeout(1000)  # let the page settle (late widgets, the URL sync rerun)
    changes = []
    for label in CLICKS:
        _mark_stale(page)
        before = cpu_seconds()
        clicked = _remove_group(page, label)
        drawn = _wait_for_map(page)
        after = cpu_seconds()
        finished, size = socket.since(clicked)
        server = (finished or drawn) - clicked
        changes.append(
            Change(
                drawn - clicked,
                server,
                size / 1024**2,
                drawn - (finished or drawn),
                after["server"] - before["server"],
                after["browser"] - before["browser"],
            )
        )
        page.wait_for_timeout(500)
    page.close()
    return first, changes


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="a dataset folder (default: the Suyu demo)")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    env = {"ATLAS_DATA": str(args.data.resolve())} if args.data else {}
    name = args.data.name if args.data else "Suyu demo"
    print(f"{name}: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    with serve_dashboard(env=env, timeout_s=120) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # a first visit loads the folder into the server's cache, as the first visitor does
        warm = browser.new_page()
        warm.goto(url, wait_until="load")
        _wait_for_map(warm, 300)
        warm.close()
        for label in args.pages:
            first, changes = measure_page(browser, url, PAGES[label])
            print(
                f"  {label}: first map {first:.2f} s; filter change median "
                f"{statistics.median(c.total_s for c in changes):.2f} s "
                f"(max {max(c.total_s for c in changes):.2f}) = server "
                f"{statistics.median(c.server_s for c in changes):.2f} s + drawing "
                f"{statistics.median(c.draw_s for c in changes):.2f} s; payload per change "
                f"{statistics.median(c.payload_mb for c in changes):.2f} MB; CPU per change: "
                f"server {statistics.median(c.server_cpu_s for c in changes):.2f} s, browser "
                f"{statistics.median(c.browser_cpu_s for c in changes):.2f} s"
            )
            for label_, change in zip(CLICKS, changes, strict=True):
                print(
                    f"      - {label_}: {change.total_s:.2f} s (server {change.server_s:.2f}, "
                    f"{change.payload_mb:.2f} MB, drawing {change.draw_s:.2f}; CPU server "
                    f"{change.server_cpu_s:.2f}, browser {change.browser_cpu_s:.2f})"
                )
        browser.close()
    print(f"  load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
