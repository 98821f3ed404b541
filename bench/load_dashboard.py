"""Load test: N planners at once on one dashboard server, and what each costs the server.

Starts the dashboard on a free loopback port (127.0.0.1 only) and drives N concurrent
sessions in headless Chromium (one browser context per planner, so N real Streamlit sessions
over websockets). Each follows a planner's path in the same session:

1. opens the overview for one beneficiary group (``/?group=...``) and waits for the map;
2. goes to 覆盖与缺口 (coverage) through the sidebar and waits for the map;
3. clicks a township on the map and waits for its detail;
4. goes to 公益创投 (funding), then to 数据 (data), waiting for each page's heading.

The server is measured on its own process, separately from the browsers: CPU-seconds from
``/proc/PID/stat`` (user + system) and peak resident memory from ``/proc/PID/status``
(VmHWM, which the kernel keeps, so no sampling is missed). Both are read once the server has
served one warm-up session (caches filled), and again after the N sessions; the difference
divided by N is the cost per session. Linux only.

Why Chromium and not protocol-level websocket clients: the path includes a click on the
Leaflet map and page switches, which only a browser performs as a planner would. On a
2-core machine the browsers compete with the server for CPU, so wall-clock times here are
pessimistic; the server's CPU-seconds and memory are not affected by that.

    .venv/bin/python bench/load_dashboard.py [--sessions 20] [--timeout 600]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, free_port, is_local  # noqa: E402

GROUPS = ("elders_left_behind", "disabled", "children_left_behind", "families_hardship")
MAP = "iframe[title*='st_folium']"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ServerUse:
    """The server process's CPU-seconds so far, and its resident memory now and at peak (MB)."""

    cpu_s: float
    rss_mb: float
    peak_mb: float


def server_use(pid: int) -> ServerUse:
    """Read the server's own figures from /proc (children, e.g. browsers, are not included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    peak = int(status["VmHWM"].split()[0]) / 1024
    rss = int(status["VmRSS"].split()[0]) / 1024
    return ServerUse(cpu, rss, peak)


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.serverAddress", "localhost",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"the dashboard did not answer at {url}; see {log}")


async def planner(browser: object, url: str, number: int, timeout_ms: int) -> float:
    """One planner's path in its own browser context; seconds it took."""
    rng = random.Random(number)
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    outside: list[str] = []

    async def route(r: object) -> None:
        if is_local(r.request.url):
            await r.continue_()
        else:
            outside.append(r.request.url)
            await r.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    started = time.perf_counter()
    try:
        await page.goto(f"{url}/?group={rng.choice(GROUPS)}")
        await _map_drawn(page)
        await page.get_by_role("link", name="覆盖与缺口").click()
        await page.get_by_role("heading", name="覆盖与缺口").first.wait_for()
        townships = await _map_drawn(page)
        count = await townships.count()
        await townships.nth(rng.randrange(count)).dispatch_event("click")
        await page.get_by_role("heading", name="详情").first.wait_for()
        for name in ("公益创投", "数据"):
            await page.get_by_role("link", name=name).click()
            await page.get_by_role("heading", level=1).filter(has_text=name).first.wait_for()
    finally:
        await context.close()
    if outside:
        raise RuntimeError(f"session {number} requested {outside[:3]}")
    return time.perf_counter() - started


async def _map_drawn(page: object) -> object:
    townships = page.frame_locator(MAP).first.locator("path.atlas-townships")
    await townships.first.wait_for()
    return townships


async def drive(url: str, sessions: int, timeout_s: float) -> tuple[list[float], int]:
    """Seconds of each session that finished its path within ``timeout_s``; how many did not."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            jobs = [
                asyncio.create_task(planner(browser, url, n, int(timeout_s * 1000)))
                for n in range(sessions)
            ]
            done, pending = await asyncio.wait(jobs, timeout=timeout_s)
            for job in pending:
                job.cancel()
            finished = [job.result() for job in done if job.exception() is None]
            for job in done:
                if job.exception() is not None:
                    print(f"a session failed: {job.exception()}", file=sys.stderr)
            return finished, sessions - len(finished)
        finally:
            await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for all sessions")
    args = parser.parse_args()
    # a SIGTERM (timeout, Ctrl+C in a pipeline) still stops the server in the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"load_dashboard_{os.getpid()}.log"
    process, url = start_server(log)
    try:
        idle = server_use(process.pid)
        warm_s = asyncio.run(drive(url, 1, args.timeout))[0][0]
        warm = server_use(process.pid)
        started = time.perf_counter()
        times, unfinished = asyncio.run(drive(url, args.sessions, args.timeout))
        wall = time.perf_counter() - started
        time.sleep(2)
        done = server_use(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
    n = args.sessions
    times.sort()
    print(f"server at start: {idle.rss_mb:.0f} MB resident, {idle.cpu_s:.1f} CPU-s")
    print(f"one warm-up session: {warm_s:.1f} s; server then {warm.rss_mb:.0f} MB resident")
    if times:
        print(
            f"{n} concurrent sessions in {wall:.1f} s: {len(times)} finished the path "
            f"(median {times[len(times) // 2]:.1f} s, slowest {times[-1]:.1f} s), "
            f"{unfinished} did not within {args.timeout:.0f} s (browsers share the cores)"
        )
    cpu = done.cpu_s - warm.cpu_s
    grown = done.peak_mb - warm.peak_mb
    print(f"server CPU: {cpu:.1f} s for {n} sessions = {cpu / n:.2f} CPU-s per session")
    print(
        f"server peak memory: {done.peak_mb:.0f} MB (+{grown:.0f} MB over the warm server "
        f"= {grown / n:.1f} MB per session); {done.rss_mb:.0f} MB resident after they closed"
    )


if __name__ == "__main__":
    main()
