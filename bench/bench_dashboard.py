"""Dashboard figures: rerun time after a filter change, map size, time to a visible map.

Usage::

    .venv/bin/python bench/bench_dashboard.py [--reruns 15] [--no-browser]

Prints one line per figure. Targets (issue 3): median rerun under 300 ms, map HTML under
400 KB, map visible under 3 s after the page has loaded in headless Chromium.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.io.load import load_dataset  # noqa: E402
from geo.maps.views import MapView, build_map  # noqa: E402
from geo.maps.webmap import standalone_html  # noqa: E402
from geo.summary import summarize  # noqa: E402

APP = str(ROOT / "dashboard" / "app.py")
DEMO = ROOT / "data" / "suyu"


def time_reruns(page: str, reruns: int) -> list[float]:
    """Seconds per rerun while the group selection alternates (each selection cached after
    its first run, as when a planner flips between groups)."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["page"] = page
    app.run()
    choices = [
        ["elders_left_behind"],
        ["disabled"],
        ["children_left_behind", "children_difficulty"],
    ]
    times = []
    for i in range(reruns):
        widget = app.multiselect(key="groups").set_value(choices[i % len(choices)])
        started = time.perf_counter()
        widget.run()
        times.append(time.perf_counter() - started)
        if app.exception:
            raise RuntimeError(app.exception[0].value)
    return times


def map_sizes() -> dict[str, int]:
    """Bytes of the map document per view (Leaflet itself is linked, or inlined for export)."""
    summary = summarize(load_dataset(DEMO))
    views = {
        "overview map": MapView(),
        "coverage map (all groups, catchments, gaps)": MapView(
            show_catchments=True, show_unreached=True
        ),
        "briefing map": MapView(briefing=True),
    }
    sizes = {
        name: len(build_map(summary, v).get_root().render().encode()) for name, v in views.items()
    }
    sizes["standalone HTML export (Leaflet inlined)"] = len(
        standalone_html(build_map(summary, MapView())).encode()
    )
    return sizes


def time_map_in_chromium(path: str = "/", runs: int = 3) -> list[tuple[float, float]]:
    """(seconds from navigation, seconds from the page's load event) to the first township."""
    from playwright.sync_api import sync_playwright

    from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, serve_dashboard

    results = []
    with serve_dashboard() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs + 1):  # the first run warms the server's caches
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            started = time.perf_counter()
            page.goto(url + path, wait_until="load")
            loaded = time.perf_counter()
            frame = page.frame_locator("iframe[title*='st_folium']").first
            frame.locator("path.atlas-townships").first.wait_for(timeout=60_000)
            visible = time.perf_counter()
            results.append((visible - started, visible - loaded))
            page.close()
        browser.close()
    return results[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    for page in ("overview", "coverage"):
        times = time_reruns(page, args.reruns)
        print(
            f"rerun after a group change, {page} page (AppTest, {len(times)} runs): "
            f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    for name, size in map_sizes().items():
        print(f"{name}: {size / 1024:.0f} KB")
    if args.no_browser:
        return
    for label, path in (("overview", "/"), ("briefing", "/?mode=briefing")):
        timings = time_map_in_chromium(path)
        from_start = statistics.median(t for t, _ in timings)
        from_load = statistics.median(t for _, t in timings)
        print(
            f"map visible in headless Chromium, {label} (median of {len(timings)}): "
            f"{from_load:.2f} s after the load event, {from_start:.2f} s after navigation"
        )


if __name__ == "__main__":
    main()
