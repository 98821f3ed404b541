"""A planner's day in a real Chromium: the chosen groups and township follow every page
change in the sidebar, a siting link restores its scenario for a colleague (a fresh browser
context), and the list of villages out of reach is the map's red villages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geo.io.load import load_dataset
from geo.selection import unreached_villages
from geo.summary import summarize

if TYPE_CHECKING:
    from browser.offline_page import OfflinePage
from dashboard.headless import MAP_DRAWN

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "data" / "suyu"
MAP_FRAME = "iframe[title*='st_folium']"
GROUPS = "group=children_left_behind%2Cdisabled"


def _heading(page: OfflinePage) -> None:
    page.page.get_by_role("heading", level=1).first.wait_for(timeout=90_000)


def _chips(page: OfflinePage, expected: list[str]) -> list[str]:
    """The group chips in the sidebar, once they read ``expected`` (or after 60 s)."""
    box = page.page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    tags = box.locator(".react-aria-ComboBox [data-tag] span[title]")
    chips: list[str] = []
    for _ in range(120):
        chips = [tags.nth(i).get_attribute("title") or "" for i in range(tags.count())]
        if chips == expected:
            break
        page.page.wait_for_timeout(500)
    return chips


def test_groups_and_township_follow_every_page_change(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = offline_page.page
    page.goto(f"{app_url}/coverage?{GROUPS}&township=321311108")
    _heading(offline_page)
    assert _chips(offline_page, ["留守儿童", "残疾人"]) == ["留守儿童", "残疾人"]
    nav = page.locator("[data-testid='stSidebarNav']")
    for link, title in (("选址建议", "选址建议"), ("公益创投", "公益创投"), ("总览", "总览"),
                        ("数据", "数据"), ("覆盖与缺口", "覆盖与缺口")):  # fmt: skip
        nav.get_by_text(link, exact=True).click()
        page.get_by_role("heading", level=1, name=title).first.wait_for(timeout=90_000)
        page.wait_for_function(f"location.search.includes('{GROUPS}')", timeout=90_000)
        assert "township=321311108" in page.url, link
        if link != "数据":
            assert _chips(offline_page, ["留守儿童", "残疾人"]) == ["留守儿童", "残疾人"], link
        if link == "选址建议":
            sidebar = page.locator("[data-testid='stSidebar']")
            assert "所选 2 个之一" in sidebar.inner_text()
            page.screenshot(path=screenshot_dir / "siting_two_groups.png")
    page.get_by_text("来龙镇详情").first.wait_for(timeout=90_000)  # the township is open again
    assert offline_page.outside == []


def test_a_siting_link_restores_the_scenario_in_a_fresh_context(
    app_url: str, browser: object, screenshot_dir: Path
) -> None:
    from browser.offline_page import OfflinePage

    planner = OfflinePage(browser, 1440, 900)
    page = planner.page
    page.goto(f"{app_url}/siting?group=disabled&k=4&r=1800")
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".atlas-num-suggested span").first.wait_for(timeout=90_000)
    assert frame.locator(".atlas-num-suggested span").count() == 4
    box = frame.locator(".atlas-label", has_text="晓店街道").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + 40)
    frame.locator(".atlas-num-hypothetical span").first.wait_for(timeout=90_000)
    page.wait_for_function("location.search.includes('stations=')", timeout=90_000)
    link = page.url
    colour = frame.locator(".atlas-num-hypothetical span").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert colour == "rgb(124, 58, 237)"  # the legend's purple, not the suggestions' orange
    planner.close()

    colleague = OfflinePage(browser, 1440, 900)
    try:
        colleague.page.goto(link)
        frame = colleague.page.frame_locator(MAP_FRAME).first
        frame.locator(".atlas-num-hypothetical span").first.wait_for(timeout=90_000)
        assert frame.locator(".atlas-num-suggested span").all_inner_texts() == list("1234")
        assert frame.locator(".atlas-num-hypothetical span").all_inner_texts() == ["假1"]
        sidebar = colleague.page.locator("[data-testid='stSidebar']")
        inputs = sidebar.locator("input[type='number']")
        assert inputs.nth(0).input_value() == "4"
        assert inputs.nth(1).input_value() == "1800"
        colleague.page.wait_for_timeout(800)
        colleague.page.screenshot(path=screenshot_dir / "siting_link_restored.png")
        assert colleague.outside == []
    finally:
        colleague.close()


def test_the_unreached_list_is_the_red_villages_of_the_map(
    app_url: str, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(f"{app_url}/coverage?group=children_left_behind")
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.atlas-unreached").first.wait_for(timeout=90_000)
    summary = summarize(load_dataset(DEMO), groups=["children_left_behind"])
    villages = unreached_villages(summary)
    assert frame.locator("path.atlas-unreached").count() == villages["id"].nunique()
    # drawn over the townships, though the outlines arrive later (fetched): red, not tinted
    frame.locator(MAP_DRAWN).wait_for(timeout=60_000)
    order = frame.locator("path").evaluate_all(
        "paths => paths.map(p => (p.getAttribute('class') || '').split(' ')[0])"
    )
    assert max(i for i, c in enumerate(order) if c == "atlas-townships") < min(
        i for i, c in enumerate(order) if c == "atlas-unreached"
    )
    page.get_by_text("未覆盖村居清单：全区").first.wait_for(timeout=90_000)
    grid = page.locator("[data-testid='stDataFrame']").filter(has_text="")
    assert grid.count() >= 2  # the list and the gap ranking


def test_a_click_on_a_download_saves_the_file(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    """The unreached villages' CSV and the briefing pack, made on the click and saved."""
    page = offline_page.page
    page.goto(f"{app_url}/coverage?group=children_left_behind")
    page.get_by_text("未覆盖村居清单：全区").first.wait_for(timeout=90_000)
    with page.expect_download(timeout=90_000) as saving:
        page.get_by_role("button", name="下载 CSV").click()
    csv = Path(saving.value.path()).read_bytes()
    assert saving.value.suggested_filename.endswith(".csv")
    assert csv.startswith(b"\xef\xbb\xbf") and "村".encode() in csv
    page.get_by_text("导出报告材料").first.click()
    with page.expect_download(timeout=180_000) as saving:
        page.get_by_role("button", name="汇报材料（PDF）").click()
    assert Path(saving.value.path()).read_bytes().startswith(b"%PDF")
    assert saving.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(screenshot_dir / "downloads.png"))


def test_an_online_base_map_offline_says_so_on_the_map(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = offline_page.page
    page.goto(f"{app_url}/overview?lang=en")
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.atlas-townships").first.wait_for(timeout=90_000)
    base_map = page.get_by_role("combobox", name="Base map")
    # A click that scrolls the sidebar closes the list it opens.
    base_map.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    base_map.click()
    page.get_by_role("option", name="OpenStreetMap").click()
    note = page.frame_locator(MAP_FRAME).first.locator(".atlas-tile-error")
    note.wait_for(timeout=90_000)
    assert "cannot be loaded" in note.inner_text()
    assert page.frame_locator(MAP_FRAME).first.locator("path.atlas-townships").count() == 12
    page.screenshot(path=screenshot_dir / "basemap_offline.png")
    assert offline_page.outside  # the tiles were asked for, and refused


def test_switching_to_english_relabels_the_sidebar_and_map_layer(
    app_url: str, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(f"{app_url}/coverage?{GROUPS}")
    _heading(offline_page)
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_role("heading", level=1, name="Coverage & gaps").wait_for(timeout=90_000)
    page.wait_for_timeout(1000)
    english = ["Left-behind children", "Disabled people"]
    assert _chips(offline_page, english) == english
    boxes = {name: page.get_by_role("combobox", name=name).input_value()
             for name in ("Base map", "Township")}  # fmt: skip
    assert boxes == {"Base map": "None (township outlines only)", "Township": "Whole district"}
    layer = page.get_by_role("radiogroup").filter(has_text="Coverage").first
    assert layer.get_by_role("radio", name="Coverage").is_checked()
