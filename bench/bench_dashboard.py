"""Dashboard figures: rerun time after a filter change, map size, time to a visible map.

Usage::

    .venv/bin/python bench/bench_dashboard.py [--reruns 15] [--no-browser]
    .venv/bin/python bench/bench_dashboard.py --data bench/out/province [--no-browser]

Prints one line per figure. Targets on the demo (issue 3): median rerun under 300 ms, map HTML
under 400 KB, map visible under 3 s after the page has loaded in headless Chromium.

With ``--data`` (a dataset folder, e.g. the province of bench/make_province.py) the page
functions are driven directly, as the dashboard calls them: the first map (load the folder,
summarise, build the map, render its HTML, then draw it in headless Chromium from a file),
a filter change (summarise another choice of groups and build the map again, uncached) and the
map payload. Targets at province scale (issue 15): first map under 5 s, a filter change under
1 s, the map payload under 3 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
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

    from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, serve_dashboard

    results = []
    with serve_dashboard() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs + 1):  # the first run warms the server's caches
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            started = time.perf_counter()
            page.goto(url + path, wait_until="load")
            loaded = time.perf_counter()
            frame = page.frame_locator("iframe[title*='st_folium']").first
            frame.locator(MAP_DRAWN).first.wait_for(timeout=60_000)
            visible = time.perf_counter()
            results.append((visible - started, visible - loaded))
            page.close()
        browser.close()
    return results[1:]


VIEWS = {
    "overview": MapView(),
    "coverage (catchments, villages out of reach)": MapView(
        show_catchments=True, show_unreached=True, site_scale=0.7, township_opacity=0.55
    ),
}
FILTERS = (("elders_left_behind",), ("disabled",), ("children_left_behind", "children_difficulty"))


def time_folder(folder: Path, *, browser: bool, runs: int = 3) -> None:
    """The first map, a filter change and the payload for a dataset folder (see the notes)."""
    started = time.perf_counter()
    dataset = load_dataset(folder)
    loaded = time.perf_counter() - started
    print(
        f"{folder.name}: {len(dataset.townships):,} townships, {len(dataset.demand):,} villages, "
        f"{len(dataset.sites):,} sites; loading the folder {loaded:.2f} s (once per session)"
    )
    for label, view in VIEWS.items():
        builds, html = [], ""
        for groups in FILTERS[:runs]:
            began = time.perf_counter()
            html = build_map(summarize(dataset, groups=list(groups)), view).get_root().render()
            builds.append(time.perf_counter() - began)
        print(
            f"  {label}: summary + map + HTML per filter change median "
            f"{statistics.median(builds):.2f} s (max {max(builds):.2f}); "
            f"payload {len(html.encode()) / 1024**2:.2f} MB"
        )
        if browser:
            page = standalone_html(build_map(summarize(dataset, groups=list(FILTERS[0])), view))
            drawn = time_file_in_chromium(page, runs)
            print(
                f"  {label}: drawn in headless Chromium (median of {len(drawn)}) "
                f"{statistics.median(drawn):.2f} s; first map "
                f"{loaded + statistics.median(builds) + statistics.median(drawn):.2f} s in all"
            )


def time_file_in_chromium(page: str, runs: int) -> list[float]:
    """Seconds from navigation to the first township shape, the page opened from a file."""
    from playwright.sync_api import sync_playwright

    from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN

    times = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "map.html"
        path.write_text(page, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            tab = browser.new_page(viewport={"width": 1600, "height": 1000})
            began = time.perf_counter()
            tab.goto(path.as_uri(), wait_until="load")
            tab.locator(MAP_DRAWN).first.wait_for(timeout=60_000)
            tab.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            times.append(time.perf_counter() - began)
            tab.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--data", type=Path, help="a dataset folder to measure instead")
    args = parser.parse_args()
    if args.data:
        time_folder(args.data, browser=not args.no_browser)
        return
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
