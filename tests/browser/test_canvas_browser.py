"""A map of more than a thousand shapes, as a province's: painted on canvas, still clickable.

The dataset is generated (``bench/make_province.py``, 60 townships and 1,000 sites); no
township or site is an SVG element then, so the test asks Leaflet where things are.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.offline_page import OfflinePage
from dashboard.headless import MAP_DRAWN, serve_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MAP_FRAME = "iframe[title*='st_folium']"


@pytest.fixture(scope="module")
def canvas_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: ARG001
    folder = tmp_path_factory.mktemp("many")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_province.py"), str(folder), "--scale",
         "district", "--townships", "60", "--demand", "2000", "--sites", "1000"],
        check=True, capture_output=True,
    )  # fmt: skip
    with serve_dashboard(env={"ATLAS_DATA": str(folder)}, log=folder / "server.log") as url:
        yield url


def _map_frame(page: OfflinePage) -> object:
    page.page.frame_locator(MAP_FRAME).first.locator(MAP_DRAWN).wait_for(timeout=120_000)
    return next(f for f in page.page.frames if "st_folium" in (f.url or ""))


def test_a_site_on_the_canvas_opens_its_popup(canvas_url: str, offline_page: OfflinePage) -> None:
    offline_page.page.goto(canvas_url)
    frame = _map_frame(offline_page)
    assert frame.locator("path.atlas-townships").count() == 0  # painted, not SVG elements
    assert frame.locator("canvas").count() >= 1
    townships = frame.evaluate("() => map.atlasLayers.townships.getLayers().length")
    assert townships == 60
    assert frame.evaluate("() => map.atlasLayers.sites.getLayers().length") == 1000
    offline_page.page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    # the site drawn last is on top of everything where it stands
    site = frame.evaluate(
        """() => {
            const shown = [], view = map.getBounds().pad(-0.1);
            map.eachLayer(l => {
                if (!(l.feature && l.feature.properties.p && view.contains(l.getLatLng()))) {
                    return;
                }
                const at = map.latLngToContainerPoint(l.getLatLng());
                const box = map.getContainer().getBoundingClientRect();
                const top = document.elementFromPoint(box.left + at.x, box.top + at.y);
                if (top && top.tagName === 'CANVAS') { shown.push(l); }  // not under the legend
            });
            const last = shown[shown.length - 1];
            const at = map.latLngToContainerPoint(last.getLatLng());
            return {x: at.x, y: at.y, name: last.feature.properties.p[0]};
        }"""
    )
    box = offline_page.page.locator(MAP_FRAME).first.bounding_box()
    offline_page.page.mouse.click(box["x"] + site["x"], box["y"] + site["y"])
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert popup.inner_text().startswith(site["name"])


def test_a_township_clicked_on_the_canvas_opens_its_detail(
    canvas_url: str, offline_page: OfflinePage
) -> None:
    offline_page.page.goto(canvas_url + "/coverage")
    frame = _map_frame(offline_page)
    name = frame.evaluate(
        """() => {
            const town = map.atlasLayers.townships.getLayers()[7];
            town.fire('click', {latlng: town.getBounds().getCenter()}, true);  // as a real one
            return town.feature.properties.name;
        }"""
    )
    heading = offline_page.page.get_by_role("heading", name=name).first
    heading.wait_for(timeout=60_000)
    assert name in heading.inner_text()
