"""Load test: N planners at once on one dashboard server, and what each costs the server.

Starts the dashboard on a free loopback port (127.0.0.1 only) and drives N concurrent
sessions with lightweight protocol clients (``bench/streamlit_client.py``: Streamlit's own
websocket protocol, no browser), each a real Streamlit session following a planner's path:

1. 总览 (overview) opened with one beneficiary group in the URL (``?group=...``);
2. 覆盖与缺口 (coverage), then a second group added in the sidebar's group filter;
3. the list of villages out of reach downloaded as CSV (made on the server, as on a click);
4. 选址建议 (siting), then 数据 (data).

Each step waits until the server reports the script run finished (``script_finished``) and
checks that the page drew its heading and no error. Alongside, one real Chromium session
follows the same pages (map drawn, township clicked) as a check that the path renders.

The server is measured on its own process, apart from the clients: CPU-seconds from
``/proc/PID/stat`` (user + system, all threads) and resident memory from
``/proc/PID/status``: VmHWM, the kernel's high-water mark (reset before the N sessions start
through ``/proc/PID/clear_refs``, so no peak is missed between samples), and VmRSS sampled
every 0.2 s. One warm-up session runs first (caches filled, fonts cut); the figures are the
difference over the N sessions, total and per session. Linux only.

    .venv/bin/python bench/load_dashboard.py [--sessions 20] [--timeout 600] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit_client import Element, Run, Session  # noqa: E402

from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, dashboard_process, is_local  # noqa: E402

GROUPS = {
    "elders_left_behind": "留守老人",
    "disabled": "残疾人",
    "children_left_behind": "留守儿童",
    "families_hardship": "困难家庭",
}
HEADINGS = {"overview": "总览", "coverage": "覆盖与缺口", "siting": "选址建议", "data": "数据"}
MAP = "iframe[title*='st_folium']"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ServerUse:
    """The server process's CPU-seconds so far, and its resident memory now and at peak (MB)."""

    cpu_s: float
    rss_mb: float
    peak_mb: float


def server_use(pid: int) -> ServerUse:
    """Read the server's own figures from /proc (the clients are other processes)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return ServerUse(
        cpu, int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    )


def reset_peak(pid: int) -> None:
    """Start the kernel's peak-memory count (VmHWM) again from the current resident size."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Walk:
    """What one planner's path took: the seconds of each script run, and what went wrong."""

    runs: list[tuple[str, float]] = field(default_factory=list)
    download_bytes: int = 0
    download_404s: int = 0
    seconds: float = 0.0


def _checked(run: Run, page: str) -> Run:
    if run.errors:
        raise RuntimeError(f"{page}: the app showed an error: {run.errors[0]}")
    if not any(h.startswith(HEADINGS[page]) for h in run.texts("heading")):
        raise RuntimeError(f"{page}: no heading {HEADINGS[page]!r} in {run.texts('heading')}")
    return run


async def _download(session: Session, button: Element, done: Walk) -> bytes | None:
    """The file behind ``button``, clicked up to three times while the link was gone
    (None when it never came); every 404 is counted.

    Streamlit alone deletes a file made on a click once two script runs of *any* session have
    finished, which under load came before the fetch; ``dashboard.downloads.deferred_button``
    keeps it for the session, so a 404 here is a regression.
    """
    for _ in range(3):
        try:
            return await session.download(button)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            done.download_404s += 1
    return None


async def planner(url: str, number: int) -> Walk:
    """One planner's path in one session (see the module docstring)."""
    rng = random.Random(number)
    first, second = rng.sample(sorted(GROUPS), 2)
    done = Walk()
    started = time.perf_counter()
    async with Session.open(url) as session:

        async def step(page: str, **kwargs: object) -> Run:
            run = _checked(await session.run(page, **kwargs), page)  # type: ignore[arg-type]
            done.runs.append((page, run.seconds))
            return run

        await step("overview", query=f"group={first}")
        coverage = await step("coverage")
        groups = coverage.widget("multiselect", "服务群体")
        coverage = await step("coverage", values={groups.id: [GROUPS[first], GROUPS[second]]})
        shown = parse_qs(session.query).get("group", [""])[0].split(",")
        if sorted(shown) != sorted((first, second)):
            raise RuntimeError(f"the group filter did not reach the URL: {session.query}")
        csv = await _download(session, coverage.widget("download_button", "下载 CSV"), done)
        if csv is not None and not csv.startswith(b"\xef\xbb\xbf"):  # Excel's UTF-8 mark
            raise RuntimeError("the unreached-villages CSV is not what the page offers")
        done.download_bytes = len(csv or b"")
        await step("siting")
        await step("data")
    done.seconds = time.perf_counter() - started
    return done


async def browser_check(url: str, timeout_s: float) -> float:
    """The same pages in one real Chromium: the map draws, a township opens; seconds taken."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
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
            page.set_default_timeout(timeout_s * 1000)
            started = time.perf_counter()
            await page.goto(f"{url}/?group=disabled")
            await _map_drawn(page)
            await page.get_by_role("link", name="覆盖与缺口").click()
            await page.get_by_role("heading", name="覆盖与缺口").first.wait_for()
            townships = await _map_drawn(page)
            await townships.nth(0).dispatch_event("click")
            await page.get_by_role("heading", name="详情").first.wait_for()
            for name in ("选址建议", "数据"):
                await page.get_by_role("link", name=name).click()
                await page.get_by_role("heading", level=1).filter(has_text=name).first.wait_for()
            if outside:
                raise RuntimeError(f"the browser requested {outside[:3]}")
            return time.perf_counter() - started
        finally:
            await browser.close()


async def _map_drawn(page: object) -> object:
    townships = page.frame_locator(MAP).first.locator("path.atlas-townships")
    await townships.first.wait_for()
    return townships


async def _sample_rss(pid: int, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(server_use(pid).rss_mb)
        await asyncio.sleep(0.2)


def _failure(job: asyncio.Task[object]) -> str:
    error = job.exception()
    return f"{type(error).__name__}: {error}"


@dataclass
class Outcome:
    paths: list[Walk]
    failures: list[str]
    browser_s: float | None
    browser_error: str | None
    wall_s: float
    rss_samples: list[float]


async def drive(url: str, pid: int, sessions: int, timeout_s: float, *, browser: bool) -> Outcome:
    """N planners (and the browser check) at once, all stopped after ``timeout_s``."""
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(pid, samples, stop))
    started = time.perf_counter()
    jobs = [asyncio.create_task(planner(url, n)) for n in range(sessions)]
    check = asyncio.create_task(browser_check(url, timeout_s)) if browser else None
    done, pending = await asyncio.wait([*jobs, *([check] if check else [])], timeout=timeout_s)
    wall = time.perf_counter() - started
    for job in pending:
        job.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    stop.set()
    await sampler
    paths = [j.result() for j in jobs if j in done and j.exception() is None]
    failures = [
        f"{type(j.exception()).__name__}: {j.exception()}"
        for j in jobs
        if j in done and j.exception()
    ]
    failures += [f"did not finish within {timeout_s:.0f} s" for j in jobs if j in pending]
    browser_s = browser_error = None
    if check is not None:
        if check in pending:
            browser_error = f"did not finish within {timeout_s:.0f} s"
        elif check.exception() is not None:
            browser_error = _failure(check)
        else:
            browser_s = check.result()
    return Outcome(paths, failures, browser_s, browser_error, wall, samples)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, by linear interpolation."""
    ranked = sorted(values)
    if len(ranked) == 1:
        return ranked[0]
    return statistics.quantiles(ranked, n=100, method="inclusive")[int(q) - 1]


def report(
    out: Outcome, served: int, warm_s: float, idle: ServerUse, warm: ServerUse, end: ServerUse
) -> dict[str, object]:
    """The figures, as printed and as written with --json; per session means over the
    ``served`` sessions on the server (the protocol ones and the browser's)."""
    n = len(out.paths) + len(out.failures)
    latencies = [s for p in out.paths for _, s in p.runs]
    cpu = end.cpu_s - warm.cpu_s
    grown = end.peak_mb - warm.rss_mb
    figures: dict[str, object] = {
        "sessions": n,
        "finished": len(out.paths),
        "failures": out.failures,
        "wall_s": round(out.wall_s, 1),
        "warm_up_s": round(warm_s, 1),
        "runs": len(latencies),
        "run_p50_s": round(percentile(latencies, 50), 2) if latencies else None,
        "run_p95_s": round(percentile(latencies, 95), 2) if latencies else None,
        "path_median_s": round(statistics.median(p.seconds for p in out.paths), 1)
        if out.paths
        else None,
        "server_cpu_s": round(cpu, 1),
        "sessions_on_server": served,
        "server_cpu_s_per_session": round(cpu / served, 2),
        "server_rss_start_mb": round(idle.rss_mb),
        "server_rss_warm_mb": round(warm.rss_mb),
        "server_peak_mb": round(end.peak_mb),
        "server_peak_sampled_mb": round(max(out.rss_samples, default=0)),
        "server_peak_growth_mb_per_session": round(grown / served, 1),
        "server_rss_after_mb": round(end.rss_mb),
        "download_404s": sum(p.download_404s for p in out.paths),
        "downloads_lost": sum(p.download_bytes == 0 for p in out.paths),
        "browser_check_s": round(out.browser_s, 1) if out.browser_s is not None else None,
        "browser_check_error": out.browser_error,
    }
    print(f"server at start {idle.rss_mb:.0f} MB; after one warm-up path ({warm_s:.1f} s) ", end="")
    print(f"{warm.rss_mb:.0f} MB")
    print(
        f"{n} concurrent protocol sessions in {out.wall_s:.1f} s: {len(out.paths)} finished "
        f"the path ({len(out.failures)} did not); {len(latencies)} script runs, "
        f"p50 {figures['run_p50_s']} s, p95 {figures['run_p95_s']} s"
    )
    for failure in out.failures[:5]:
        print(f"  failed: {failure}")
    print(
        f"CSV downloads: {figures['download_404s']} clicks found the file already gone (404); "
        f"{figures['downloads_lost']} planners had no file after three clicks"
    )
    sessions = f"{served} sessions" + (" (one of them the browser's)" if served > n else "")
    print(f"server CPU: {cpu:.1f} s for {sessions} = {cpu / served:.2f} CPU-s per session")
    print(
        f"server memory: peak {end.peak_mb:.0f} MB (+{grown:.0f} MB over the warm server = "
        f"{grown / served:.1f} MB per session); {end.rss_mb:.0f} MB resident after the sessions"
    )
    if out.browser_s is not None:
        print(f"Chromium alongside: the path rendered (map, township) in {out.browser_s:.1f} s")
    elif out.browser_error is not None:
        print(f"Chromium alongside: FAILED: {out.browser_error}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for all sessions")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium check")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    # a SIGTERM (timeout, Ctrl+C in a pipeline) still stops the server on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"load_dashboard_{os.getpid()}.log"
    with dashboard_process(log=log) as (url, process):
        pid = process.pid
        idle = server_use(pid)
        warm_s = asyncio.run(asyncio.wait_for(planner(url, -1), args.timeout)).seconds
        time.sleep(1)
        warm = server_use(pid)
        reset_peak(pid)
        outcome = asyncio.run(
            drive(url, pid, args.sessions, args.timeout, browser=not args.no_browser)
        )
        time.sleep(1)
        end = server_use(pid)
    served = args.sessions + (0 if args.no_browser else 1)
    figures = report(outcome, served, warm_s, idle, warm, end)
    print("(a 2-core machine shared with other work: wall-clock figures are noisy)")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    ok = not outcome.failures and outcome.browser_error is None
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
