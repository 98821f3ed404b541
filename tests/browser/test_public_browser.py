"""The public view in a real Chromium: what the map holds (every feature's tooltip, as the
browser has it) shows no count below the threshold; the internal view shows the figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser.offline_page import OfflinePage
from dashboard.headless import MAP_DRAWN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAP_FRAME = "iframe[title*='st_folium']"
# Every Leaflet map in the frame, every layer with a GeoJSON feature, drawn or kept for the
# layers to show (map.atlasLayers): its properties and tooltip as JSON.
_PAYLOAD = """() => {
    const out = [];
    const take = layer => {
        if (!layer.feature) return;
        const tip = layer.getTooltip ? layer.getTooltip() : null;
        const text = tip ? String(tip.getContent()) : null;
        out.push(JSON.stringify(Object.assign({}, layer.feature.properties, {tooltip: text})));
    };
    for (const value of Object.values(window)) {
        if (value && window.L && value instanceof L.Map) {
            value.eachLayer(take);
            Object.values(value.atlasLayers || {}).forEach(kept => kept.eachLayer(take));
        }
    }
    return out;
}"""


def _map_payload(page: OfflinePage, url: str) -> list[str]:
    page.page.goto(url)
    frame = page.page.frame_locator(MAP_FRAME).first
    frame.locator(MAP_DRAWN).first.wait_for(timeout=90_000)
    page.page.wait_for_timeout(800)
    return [
        item
        for child in page.page.frames
        if child != page.page.main_frame
        for item in child.evaluate(_PAYLOAD)
    ]


def _small_counts(payload: list[str]) -> list[str]:
    """People counts 1-4 in the tooltips ("未覆盖 3 人", "未覆盖人数：2")."""
    text = "\n".join(payload)
    said = re.findall(r"(?<![\d,.<])(\d[\d,]*)(?= ?人)|未覆盖人数：(\d[\d,]*)", text)
    return [n for pair in said for n in pair if n and 0 < int(n.replace(",", "")) < 5]


@pytest.mark.parametrize("page", ["overview?indicator=unreached", "coverage"])
def test_the_public_map_holds_no_small_count(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path, page: str
) -> None:
    separator = "&" if "?" in page else "?"
    payload = _map_payload(offline_page, f"{app_url}/{page}{separator}view=public")
    townships = {p for p in payload if '"code"' in p and '"name"' in p}
    assert len(townships) == 12
    assert any(":*" in p or "：*" in p for p in townships)  # protected townships say so
    assert _small_counts(payload) == []
    assert "公开版" in offline_page.page.locator("[data-testid='stSidebar']").inner_text()
    offline_page.page.screenshot(path=screenshot_dir / f"public_{page.split('?')[0]}.png")
    assert offline_page.outside == []


def test_the_internal_map_shows_every_township_figure(
    app_url: str, offline_page: OfflinePage
) -> None:
    payload = _map_payload(offline_page, f"{app_url}/overview?indicator=unreached")
    townships = {p for p in payload if '"code"' in p and '"name"' in p}
    assert len(townships) == 12 and not any("：*" in p for p in townships)
    assert "内部版" in offline_page.page.locator("[data-testid='stSidebar']").inner_text()
    # the detector of the public test finds what it looks for
    assert _small_counts(['{"t":"<b>A村</b><br>未覆盖 3 人"}', '"未覆盖人数：2"']) == ["3", "2"]
    assert _small_counts(['"未覆盖 13 人"', '"未覆盖人数：<5"', '"1,234 人"']) == []
