"""The dashboard in a real Chromium: the map draws, nothing is fetched from outside, and
briefing mode fills the screen without the sidebar."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from browser.offline_page import OfflinePage
from geo.indicators import classify_indicator
from geo.io.load import load_dataset
from geo.selection import filter_sites
from geo.summary import summarize

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO = Path(__file__).resolve().parents[2] / "data" / "suyu"
MAP_FRAME = "iframe[title*='st_folium']"


def _map(page: OfflinePage) -> object:
    frame = page.page.frame_locator(MAP_FRAME).first
    # the first page of a fresh server also creates the store: generous on a busy machine
    frame.locator("path.atlas-townships").first.wait_for(timeout=90_000)
    return frame


def test_the_map_draws_every_township_and_site(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    dataset = load_dataset(DEMO)
    offline_page.page.goto(app_url)
    frame = _map(offline_page)
    assert frame.locator("path.atlas-townships").count() == len(dataset.townships) == 12
    expected_sites = len(filter_sites(dataset.sites, groups=dataset.group_codes))
    assert frame.locator("path.atlas-sites").count() == expected_sites
    assert frame.locator(".atlas-label").count() == 12
    boxes = frame.locator(".atlas-label span").evaluate_all(
        "spans => spans.filter(s => s.offsetParent).map(s => {"
        " const r = s.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(boxes) >= 9  # most names show at the district's zoom ...
    assert not [  # ... and none prints over another
        (a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]  # fmt: skip
    assert frame.locator(".atlas-legend").inner_text().startswith("所选群体覆盖率")
    offline_page.page.wait_for_timeout(800)
    offline_page.page.screenshot(path=screenshot_dir / "overview.png")
    assert offline_page.outside == []


def test_a_filter_change_recolours_the_map_without_rebuilding_it(
    app_url: str, offline_page: OfflinePage
) -> None:
    dataset = load_dataset(DEMO)
    page = offline_page.page
    page.goto(app_url)
    _map(offline_page)
    frame = next(f for f in page.frames if "st_folium" in (f.url or ""))
    drawn = "() => document.querySelector('.leaflet-container').dataset.atlasDrawn"
    before = frame.evaluate(drawn)
    frame.evaluate("() => { window.atlasTestMark = 'kept'; }")
    page.get_by_role("button", name="Remove 残疾人", exact=True).first.click()
    frame.wait_for_function(f"n => ({drawn})() !== n", arg=before, timeout=60_000)
    assert frame.evaluate("() => window.atlasTestMark") == "kept"  # the same page, restyled
    groups = [g.code for g in dataset.groups if g.display("zh") != "残疾人"]
    summary = summarize(dataset, groups=groups)
    expected = classify_indicator(summary.townships, "coverage").colours
    fills = frame.locator("path.atlas-townships").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill'))"
    )
    assert fills == expected.loc[dataset.townships["code"]].tolist()
    sites = len(filter_sites(dataset.sites, groups=groups))
    assert sites < len(filter_sites(dataset.sites, groups=dataset.group_codes))
    assert frame.locator("path.atlas-sites").count() == sites
    assert frame.locator(".atlas-legend").count() == 1  # the old legend went with its layers


def test_no_request_leaves_localhost_on_any_page(app_url: str, offline_page: OfflinePage) -> None:
    for page in ("overview", "coverage", "funding", "compare", "data"):
        offline_page.page.goto(f"{app_url}/{page}")
        offline_page.page.get_by_role("heading", level=1).first.wait_for(timeout=30_000)
        if page != "data":
            _map(offline_page)
        offline_page.page.wait_for_timeout(500)
    assert offline_page.outside == []


def _fits_without_scrolling(page: object) -> bool:
    return page.evaluate(
        """() => [document.scrollingElement, document.querySelector("[data-testid='stMain']")]
            .filter(Boolean).every(e => e.scrollHeight <= e.clientHeight + 1)"""
    )


DECK_TITLES = ("全区服务覆盖", "覆盖最薄弱的乡镇", "下一轮公益创投资金建议分配", "与上年相比的变化")


def test_the_briefing_deck_fits_the_projector_and_turns_with_the_arrow_keys(
    app_url: str, projector_page: OfflinePage, screenshot_dir: Path
) -> None:
    started = time.monotonic()
    projector_page.page.goto(f"{app_url}/?mode=briefing")
    frame = _map(projector_page)
    visible_after = time.monotonic() - started
    page = projector_page.page
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.locator("[data-testid='stMetric']").count() == 4
    assert frame.locator("path.atlas-townships").count() == 12
    assert frame.locator("path.atlas-sites").count() == 0  # markers off: the choropleth reads
    legend_size = frame.locator(".atlas-legend").evaluate("e => getComputedStyle(e).fontSize")
    assert float(legend_size.removesuffix("px")) >= 20
    box = page.locator(MAP_FRAME).first.bounding_box()
    assert box is not None and box["height"] >= 700 and box["width"] >= 1100
    for number, title in enumerate(DECK_TITLES, start=1):
        heading = page.get_by_role("heading", level=1).first
        heading.filter(has_text=title).wait_for(timeout=30_000)
        _map(projector_page)
        page.wait_for_timeout(1200)
        assert "服务群体：全部 7 类服务群体" in page.locator(".deck-sub").inner_text()
        assert _fits_without_scrolling(page), f"slide {number} scrolls"
        page.screenshot(path=screenshot_dir / f"briefing_slide{number}_1920x1080.png")
        page.locator("body").press("ArrowRight")
    assert page.url.endswith("slide=4")
    page.locator("body").press("ArrowLeft")
    page.get_by_role("heading", level=1).first.filter(has_text=DECK_TITLES[2]).wait_for()
    # a link per slide
    page.locator(".deck-nav a", has_text="2").click()
    page.get_by_role("heading", level=1).first.filter(has_text=DECK_TITLES[1]).wait_for()
    assert visible_after < 15  # generous here; the bench measures the real figure
    assert projector_page.outside == []


def test_the_compare_page_maps_the_change_and_the_sites(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    offline_page.page.goto(f"{app_url}/compare")
    frame = _map(offline_page)
    assert frame.locator("path.atlas-townships").count() == 12
    legend = frame.locator(".atlas-legend").inner_text()
    assert legend.startswith("覆盖率变化（百分点）")
    assert "新增站点/组织（31）" in legend and "撤销站点/组织（10）" in legend
    assert frame.locator("path.atlas-sitesopened").count() == 31
    assert frame.locator("path.atlas-sitesclosed").count() == 10
    offline_page.page.wait_for_timeout(800)
    offline_page.page.screenshot(path=screenshot_dir / "compare.png", full_page=True)
    assert offline_page.outside == []


def test_clicking_a_township_opens_its_detail(app_url: str, offline_page: OfflinePage) -> None:
    codes = list(load_dataset(DEMO).townships["code"])
    offline_page.page.goto(f"{app_url}/coverage")
    frame = _map(offline_page)
    # the shapes are drawn in the dataset's order; a DOM click reaches Leaflet as a map click
    frame.locator("path.atlas-townships").nth(codes.index("321311108")).dispatch_event("click")
    heading = offline_page.page.get_by_role("heading", name="来龙镇详情")
    heading.wait_for(timeout=30_000)
    assert "township=321311108" in offline_page.page.url


@pytest.mark.parametrize("link", ["/overview", "/?page=coverage&lang=en", "/funding?lang=en"])
def test_a_shared_link_opens_its_page_without_not_found(
    app_url: str, offline_page: OfflinePage, link: str
) -> None:
    page = offline_page.page
    page.goto(app_url + link)
    page.get_by_role("heading", level=1).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the "Page not found" dialog arrives after the first run
    name = link.strip("/?").removeprefix("page=").split("?")[0].split("&")[0]
    assert f"/{name}" in page.url and f"page={name}" in page.url
    assert ("lang=en" in link) == ("lang=en" in page.url)
    assert page.get_by_text("Page not found").count() == 0
