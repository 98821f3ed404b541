"""The siting page in a real Chromium: numbered suggestions on the map, and a click on the map
adds a hypothetical station whose coverage shows at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geo.io.load import load_dataset
from geo.siting import suggest_sites
from geo.text.i18n import format_count, t

if TYPE_CHECKING:  # the fixture's class; importing conftest at run time is ambiguous
    from browser.offline_page import OfflinePage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO = Path(__file__).resolve().parents[2] / "data" / "suyu"
MAP_FRAME = "iframe[title*='st_folium']"
SUGGESTED = ".atlas-num-suggested span"
HYPOTHETICAL = ".atlas-num-hypothetical span"


def _siting_map(page: OfflinePage, url: str) -> object:
    page.page.goto(url)
    frame = page.page.frame_locator(MAP_FRAME).first
    frame.locator(SUGGESTED).first.wait_for(timeout=30_000)
    return frame


def _tile(page: OfflinePage, label: str) -> str:
    tile = page.page.locator("[data-testid='stMetric']", has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text()


def test_the_siting_map_shows_the_numbered_suggestions(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    frame = _siting_map(offline_page, f"{app_url}/siting?group=disabled")
    expected = suggest_sites(load_dataset(DEMO), "disabled", 3)
    assert frame.locator(SUGGESTED).all_inner_texts() == ["1", "2", "3"]
    legend = frame.locator(".atlas-legend").inner_text()
    assert legend.startswith("选址建议：残疾人")
    gain = expected.covered_after - expected.covered_before
    assert _tile(offline_page, "新增覆盖人数") == format_count(gain)
    offline_page.page.wait_for_timeout(800)
    offline_page.page.screenshot(path=screenshot_dir / "siting.png")
    assert offline_page.outside == []


def test_a_click_on_the_map_adds_a_hypothetical_station(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    frame = _siting_map(offline_page, f"{app_url}/siting")
    before = _tile(offline_page, t("whatif.kpi.coverage"))
    # a suggestion marker does not add a station: its click stays on the marker
    frame.locator(SUGGESTED).first.click()
    offline_page.page.wait_for_timeout(1500)
    assert frame.locator(HYPOTHETICAL).count() == 0
    # the north-west of the district, below 晓店街道's label: villages out of reach
    box = frame.locator(".atlas-label", has_text="晓店街道").first.bounding_box()
    assert box is not None
    offline_page.page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + 40)
    frame.locator(HYPOTHETICAL).first.wait_for(timeout=30_000)
    assert frame.locator(HYPOTHETICAL).all_inner_texts() == ["假1"]
    offline_page.page.get_by_role("button", name="移除").first.wait_for(timeout=30_000)
    after = _tile(offline_page, t("whatif.kpi.coverage"))
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    offline_page.page.screenshot(path=screenshot_dir / "siting_what_if.png")
    offline_page.page.get_by_role("button", name="移除").first.click()
    offline_page.page.get_by_role("button", name="移除").wait_for(state="detached", timeout=30_000)
    assert _tile(offline_page, t("whatif.kpi.coverage")) == before
    assert offline_page.outside == []
