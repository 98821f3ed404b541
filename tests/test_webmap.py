"""Offline Leaflet maps: only local assets, a self-contained page, display datums, layers."""

from __future__ import annotations

import hashlib
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box
from small_dataset import make_dataset

from geo.indicators import INDICATORS, classify_indicator
from geo.maps import views
from geo.maps.views import (
    KNOWN_CATEGORY_COLOURS,
    MapView,
    build_layered_map,
    build_map,
    catchments_by_default,
    category_colours,
)
from geo.maps.webmap import (
    LEAFLET_CSS,
    LEAFLET_JS,
    add_basemap,
    compact_json,
    display_datum,
    leaflet_asset_dir,
    new_map,
    polygons_to_features,
    prepare_polygons,
    remote_assets,
    standalone_html,
    to_display_datum,
)
from geo.selection import filter_sites, unreached_points
from geo.summary import Summary, summarize

#: dist/leaflet.js of Leaflet 1.9.4 as released (the npm package leaflet@1.9.4), which the
#: locked django-js-lib-leaflet wheel ships; the proxy test checks the file the browser gets.
LEAFLET_JS_SHA256 = "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a"


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(make_dataset())


def _layer(page: str, layer: str) -> tuple[list[dict], list[dict]]:
    """The GeoJSON features and the shared styles of the map layer ``layer`` in a page."""
    match = re.search(rf"var {layer}_[0-9a-f]{{32}} = \(function", page)
    assert match, layer
    decoder = json.JSONDecoder()
    start = page.index("var styles = ", match.end()) + len("var styles = ")
    styles, _ = decoder.raw_decode(page, start)
    start = page.index("layer.addData(", match.end()) + len("layer.addData(")
    data, _ = decoder.raw_decode(page, start)
    return data["features"], styles


def _features(page: str, layer: str) -> list[dict]:
    """The features the map shows: of the sites, the ones the layers' subset picks."""
    features = _layer(page, layer)[0]
    if layer != "sites":
        return features
    match = re.search(r"var subset_\w+ = \(function \(\) \{\s*var rows = ", page)
    if match is None:
        return []
    rows, _ = json.JSONDecoder().raw_decode(page, match.end())
    return [features[row] for row in rows]


def _style(page: str, layer: str, feature: dict) -> dict:
    if layer == "townships":  # drawn grey, coloured by the layers a filter change sends
        match = re.search(r"var restyle_\w+ = \(function \(\) \{\s*var styles = ", page)
        assert match
        decoder = json.JSONDecoder()
        styles, end = decoder.raw_decode(page, match.end())
        values, _ = decoder.raw_decode(page, page.index("values = ", end) + len("values = "))
        return styles[values[feature["properties"]["code"]][0]]
    return _layer(page, layer)[1][feature["properties"].get("s", 0)]


def _legend(page: str) -> str:
    match = re.search(r"div\.innerHTML = ", page)
    assert match
    text, _ = json.JSONDecoder().raw_decode(page, match.end())
    return text


def test_leaflet_comes_from_the_installed_package() -> None:
    folder = leaflet_asset_dir()
    assert (folder / LEAFLET_JS).read_text(encoding="utf-8").count("Leaflet 1.9") >= 1
    assert hashlib.sha256((folder / LEAFLET_JS).read_bytes()).hexdigest() == LEAFLET_JS_SHA256
    assert (folder / LEAFLET_CSS).is_file()
    assert (folder / "images" / "layers.png").is_file()


def test_a_new_map_links_only_leaflet_from_the_asset_base() -> None:
    page = new_map((118.3, 33.8, 118.5, 34.0), asset_base="../assets/").get_root().render()
    assert re.findall(r'<script src="([^"]+)"', page) == ["../assets/leaflet.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == ["../assets/leaflet.css"]
    assert "tile" not in page.lower()  # no tile layer by default


def test_standalone_page_inlines_leaflet_and_loads_nothing_remote(summary: Summary) -> None:
    page = standalone_html(build_map(summary, MapView(show_catchments=True)), title="宿豫")
    assert remote_assets(page) == []
    assert "<script src" not in page and 'rel="stylesheet"' not in page
    assert "L.map(" in page and "<title>宿豫</title>" in page
    assert "data:image/png;base64," in page  # Leaflet's CSS images are embedded too
    assert len(page.encode("utf-8")) < 400_000


def test_remote_assets_are_found_and_refused() -> None:
    cdn_map = folium.Map(tiles=None)  # folium's default: Leaflet, jQuery, Bootstrap from CDNs
    page = cdn_map.get_root().render()
    assert any("jquery" in url for url in remote_assets(page))
    with pytest.raises(ValueError, match="cannot be inlined"):
        standalone_html(cdn_map)


def test_gaode_needs_gcj02_and_shifts_the_data() -> None:
    assert display_datum("none") == "wgs84"
    assert display_datum("tianditu") == "wgs84"
    assert display_datum("gaode") == "gcj02"
    with pytest.raises(ValueError, match="basemap"):
        display_datum("google")
    points = gpd.GeoSeries([Point(118.35, 33.95)], crs="EPSG:4326")
    shifted = to_display_datum(points, "gcj02")
    # GCJ-02 is a few hundred metres off WGS-84 in Jiangsu, mostly to the east
    assert 0.003 < shifted.x.iloc[0] - 118.35 < 0.008
    assert abs(shifted.y.iloc[0] - 33.95) < 0.004
    assert to_display_datum(points, "wgs84") is points


def test_tianditu_needs_a_key() -> None:
    fmap = new_map((118.3, 33.8, 118.5, 34.0))
    with pytest.raises(ValueError, match="key"):
        add_basemap(fmap, "tianditu")
    add_basemap(fmap, "tianditu", tianditu_key="abc123")
    assert "tk=abc123" in fmap.get_root().render()


def test_simplified_townships_keep_shared_edges() -> None:
    wiggly = box(0, 0, 1, 1).union(Point(1, 0.5).buffer(0.2, quad_segs=32))
    pair = gpd.GeoDataFrame(geometry=[wiggly, box(1, 0, 2, 1).difference(wiggly)])
    simple = prepare_polygons(pair, tolerance_deg=0.01)
    assert simple.area.sum() == pytest.approx(2.0, rel=1e-3)
    assert simple.iloc[0].intersection(simple.iloc[1]).area < 1e-6
    assert len(simple.iloc[0].exterior.coords) < len(wiggly.exterior.coords)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_every_indicator_map_renders(summary: Summary, indicator: str, lang: str) -> None:
    page = build_map(summary, MapView(indicator=indicator, lang=lang)).get_root().render()
    townships = _features(page, "townships")
    assert [f["properties"]["code"] for f in townships] == ["T1", "T2", "T3", "T4"]
    assert len(_features(page, "sites")) == 4
    # each township is filled with the colour of its own class of this indicator
    drawn = [_style(page, "townships", f)["fillColor"] for f in townships]
    expected = classify_indicator(summary.townships, indicator).colours
    assert drawn == expected.loc[["T1", "T2", "T3", "T4"]].tolist()


def test_indicators_draw_different_maps(summary: Summary) -> None:
    fills = set()
    for indicator in INDICATORS:
        page = build_map(summary, MapView(indicator=indicator)).get_root().render()
        townships = _features(page, "townships")
        fills.add(tuple(_style(page, "townships", f)["fillColor"] for f in townships))
    assert len(fills) >= 3, fills


def test_layers_follow_the_view(summary: Summary) -> None:
    view = MapView(show_catchments=True, show_unreached=True, kinds=("station",), township="T2")
    page = build_map(summary, view).get_root().render()
    assert [f["properties"]["id"] for f in _features(page, "sites")] == ["S1", "S2", "S3"]
    radii = [f["properties"]["r"] for f in _features(page, "catchments")]
    assert radii == [2000.0, 2000.0, 1000.0]
    unreached = _features(page, "unreached")
    assert len(unreached) == 4
    sizes = [_style(page, "unreached", f)["radius"] for f in unreached]
    assert sizes == sorted(sizes, reverse=True)  # sized by people not reached (V2 largest)
    weights = {
        f["properties"]["code"]: _style(page, "townships", f)["weight"]
        for f in _features(page, "townships")
    }
    assert weights["T2"] > weights["T1"]  # the selected township is outlined


def test_catchment_circles_start_on_only_for_one_or_two_groups() -> None:
    assert [catchments_by_default(n) for n in range(5)] == [False, True, True, False, False]


def test_the_gap_map_keeps_red_for_the_villages_out_of_reach(summary: Summary) -> None:
    plain = build_map(summary, MapView(show_unreached=True)).get_root().render()
    view = MapView(show_unreached=True, colour_by_category=False, site_scale=0.5)
    gaps = build_map(summary, view).get_root().render()
    fills = {_style(gaps, "sites", f)["fillColor"] for f in _features(gaps, "sites")}
    assert fills == {"#1e1b4b", "#64748b"}  # one dark colour per kind, no category reds
    radii = [
        (_style(plain, "sites", a)["radius"], _style(gaps, "sites", b)["radius"])
        for a, b in zip(_features(plain, "sites"), _features(gaps, "sites"), strict=True)
    ]
    assert all(small == pytest.approx(big / 2, abs=0.05) for big, small in radii)
    sizes = [_style(gaps, "unreached", f)["radius"] for f in _features(gaps, "unreached")]
    assert min(sizes) >= 2.5 and max(sizes) == 10
    # "社会组织" is also the organisations' kind label, which both legends show
    categories = set(summary.dataset.sites["category"].astype(str)) - {"社会组织"}
    assert categories and not any(c in _legend(gaps) for c in categories)
    assert all(c in _legend(plain) for c in categories)


def test_site_popup_names_what_is_there(summary: Summary) -> None:
    page = build_map(summary, MapView()).get_root().render()
    popups = {f["properties"]["id"]: f["properties"]["p"] for f in _features(page, "sites")}
    # name, kind, category, groups, township, rating, inspected, capacity
    assert popups["S4"] == [
        "四镇协会",
        "社会组织",
        "社会组织",
        "留守老人",
        "四镇",
        "3A",
        "是",
        "120",
    ]
    assert popups["S1"][5:7] == [None, None]  # no rating or inspection given: rows left out
    assert popups["S2"][3] == "留守老人、留守儿童"
    assert "评估等级" in page  # the row labels travel once, not once per site


def test_script_text_cannot_be_closed_by_data() -> None:
    text = compact_json({"name": "</script><b>甲</b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><b>甲</b>&"}
    assert "甲" in text  # UTF-8, not \\u escapes


def test_demo_maps_say_so_in_the_legend(summary: Summary) -> None:
    legend = _legend(build_map(summary, MapView()).get_root().render())
    assert "示例数据" in legend and "示意边界" in legend
    assert "所选群体覆盖率" in legend
    real = summarize(make_dataset(demo=False))
    assert "示意边界" not in _legend(build_map(real, MapView()).get_root().render())


def test_category_colours_are_stable() -> None:
    categories = make_dataset().sites["category"]
    colours = category_colours(categories)
    assert len(set(colours.values())) == 4
    assert category_colours(categories) == colours


def test_a_category_keeps_its_colour_whatever_else_the_dataset_holds() -> None:
    # 妇女之家 is the most frequent category in one dataset and the rarest in the other
    one = category_colours(pd.Series(["妇女之家"] * 5 + ["儿童之家", "助老食堂"]))
    other = category_colours(pd.Series(["妇女之家"] + ["助老食堂"] * 9 + ["乡村书屋"] * 4))
    assert one["妇女之家"] == other["妇女之家"] == KNOWN_CATEGORY_COLOURS["妇女之家"]
    assert one["助老食堂"] == other["助老食堂"]
    assert len(set(other.values())) == 3


def test_coordinates_are_rounded_for_size(summary: Summary) -> None:
    page = build_map(summary, MapView()).get_root().render()
    lon, _ = _features(page, "sites")[0]["geometry"]["coordinates"]
    assert lon == round(lon, 5)
    assert np.isfinite(lon)


def test_the_map_zooms_to_the_open_township(summary: Summary) -> None:
    whole = build_map(summary, MapView(township="T1")).get_root().render()
    zoomed = build_map(summary, MapView(township="T1", zoom_to_township=True)).get_root().render()

    def bounds(page: str) -> list[list[float]]:
        match = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.S)
        assert match
        return json.loads(match.group(1))

    assert bounds(whole) == [[33.8, 118.3], [34.0, 118.5]]
    assert bounds(zoomed) == [[33.8, 118.3], [33.9, 118.4]]


def test_polygons_without_properties_are_features_all_the_same() -> None:
    shapes = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    collection = polygons_to_features(shapes, pd.DataFrame(index=range(2)))
    assert [f["properties"] for f in collection["features"]] == [{}, {}]  # type: ignore[index]


def _without_ids(page: str) -> str:
    """A rendered page with folium's random element ids taken out."""
    return re.sub(r"_[0-9a-f]{32}\b", "_", page)


def test_a_filter_change_keeps_the_base_and_sends_new_layers() -> None:
    dataset = make_dataset()
    elders, children = (summarize(dataset, groups=[g]) for g in dataset.group_codes[:2])
    view = MapView(show_unreached=True)
    one, other = build_layered_map(elders, view), build_layered_map(children, view)
    assert _without_ids(one.base.get_root().render()) == _without_ids(
        other.base.get_root().render()
    )  # the browser keeps the outlines, names and sites it has
    one_layers, other_layers = (m.combined().get_root().render() for m in (one, other))
    assert _without_ids(one_layers) != _without_ids(other_layers)
    # every site is in the base; the layers pick the ones serving the groups shown
    assert len(_layer(one_layers, "sites")[0]) == len(dataset.sites)
    shown = {f["properties"]["id"] for f in _features(one_layers, "sites")}
    assert shown == set(filter_sites(dataset.sites, groups=elders.group_codes)["id"])


def test_unchanging_parts_are_fetched_not_written_into_the_page(summary: Summary) -> None:
    served: list[str] = []

    def url(text: str) -> str:
        served.append(text)
        return f"data/{len(served)}.json"

    page = build_map(summary, MapView(data_url=url)).get_root().render()
    outlines, sites = (json.loads(text)["features"] for text in served)
    assert [f["properties"]["code"] for f in outlines] == ["T1", "T2", "T3", "T4"]
    assert len(sites) == len(summary.dataset.sites)
    assert 'fetch("data/1.json")' in page and 'fetch("data/2.json")' in page
    assert '"coordinates"' not in page  # no geometry in the page itself
    # a map saved to disk has everything in it
    assert '"coordinates"' in build_map(summary, MapView()).get_root().render()


def test_a_map_with_thousands_of_shapes_paints_them_on_canvas(
    summary: Summary, monkeypatch: pytest.MonkeyPatch
) -> None:
    canvas = re.compile(r'"?preferCanvas"?: true')  # folium 0.17 writes a JS literal
    assert not canvas.search(build_map(summary, MapView()).get_root().render())
    monkeypatch.setattr(views, "CANVAS_FROM", 5)  # 4 townships and 5 sites
    assert canvas.search(build_map(summary, MapView()).get_root().render())


def test_villages_summed_per_township_are_drawn_each_where_the_map_is_zoomed(
    summary: Summary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_VILLAGE_MARKERS", 2)
    points = unreached_points(summary)
    assert len(points) > 2
    whole = build_map(summary, MapView(show_unreached=True)).get_root().render()
    assert not re.search(r"var unreached_[0-9a-f]{32} ", whole)
    summed = _features(whole, "unreached_by_township")
    assert len(summed) == points["township"].nunique()
    town = points["township"].iloc[0]
    zoomed = MapView(show_unreached=True, township=town, zoom_to_township=True)
    page = build_map(summary, zoomed).get_root().render()
    mine = points[points["township"] == town]
    assert [f["properties"]["id"] for f in _features(page, "unreached")] == list(mine["id"])
    assert len(_features(page, "unreached_by_township")) == len(summed) - 1
    legend = _legend(page)
    assert "未覆盖村居" in legend and "按乡镇汇总" in legend
