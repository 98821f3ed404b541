"""Take the README's screenshots of the dashboard with the embedded demo data.

Run from the repository root (needs Chromium and the ``test`` extra for Playwright)::

    python docs/make_screenshots.py

It starts the app on a free localhost port, opens briefing mode at 1920x1080 and the overview
at 1600x1000 in headless Chromium (every request off localhost refused, as in the browser
tests), writes ``docs/screenshot-briefing.png`` and ``docs/screenshot-overview.png`` at most
1600 px wide and 300 KB each, then stops the app. ``CHROMIUM`` overrides the browser path.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, Route, sync_playwright

from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, is_local, serve_dashboard

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_WIDTH = 1600
MAX_BYTES = 300 * 1024
SHOTS = (
    # file name, URL path, viewport
    ("screenshot-briefing.png", "/?mode=briefing", (1920, 1080)),
    ("screenshot-overview.png", "/overview", (1600, 1000)),
)


def _localhost_only(route: Route) -> None:
    if is_local(route.request.url):
        route.continue_()
    else:
        route.abort()


def capture(page: Page, url: str, target: Path) -> None:
    """Open ``url``, wait for the map's township shapes to be drawn, save a screenshot."""
    page.goto(url)
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator("path.atlas-townships").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2500)  # labels, legend and the KPI tiles settle
    page.screenshot(path=target)


def shrink_png(path: Path, *, max_width: int = MAX_WIDTH, max_bytes: int = MAX_BYTES) -> int:
    """Scale ``path`` down to ``max_width`` and reduce its palette until it fits ``max_bytes``.

    Returns
    -------
    int
        The file's size in bytes afterwards.
    """
    image = Image.open(path).convert("RGB")
    if image.width > max_width:
        height = round(image.height * max_width / image.width)
        image = image.resize((max_width, height), Image.Resampling.LANCZOS)
    image.save(path, optimize=True)
    # fewer colours only when needed: a palette can merge two legend colours that are close
    for colours in (256, 128, 64):
        if path.stat().st_size <= max_bytes:
            break
        image.quantize(colours, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    return path.stat().st_size


def main() -> None:
    """Start the app, take every screenshot in :data:`SHOTS`, stop the app."""
    with serve_dashboard() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path, (width, height) in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", _localhost_only)
            target = DOCS / name
            capture(context.new_page(), base + path, target)
            context.close()
            size = shrink_png(target)
            print(f"{target.relative_to(ROOT)}: {size / 1024:.0f} KB")
        browser.close()


if __name__ == "__main__":
    main()
