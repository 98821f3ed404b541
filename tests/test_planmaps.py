"""The siting and accessibility maps on the tiny dataset (see tests/test_planning.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from geo.access import compute_access
from geo.dataset import Dataset
from geo.io.load import load_dataset
from geo.maps.plans import (
    HYPOTHETICAL_COLOUR,
    REACH_COLOURS,
    SUGGESTED_COLOUR,
    UNREACHED_COLOUR,
    NumberedMarkers,
    PlanView,
    access_classes,
    build_access_map,
    build_siting_map,
)
from geo.maps.views import MapView
from geo.maps.webmap import GeoJsonLayer, Legend, remote_assets
from geo.siting import suggest_sites


@pytest.fixture
def dataset(make_dataset_folder: Callable[..., Path]) -> Dataset:
    return load_dataset(make_dataset_folder())


def _children(fmap: object, kind: type) -> dict[str, object]:
    return {c._name: c for c in fmap._children.values() if isinstance(c, kind)}  # type: ignore[attr-defined]


def _feature_fills(layer: GeoJsonLayer, key: str = "id") -> dict[str, str]:
    styles = json.loads(layer.styles_json)
    return {
        f["properties"][key]: styles[f["properties"].get("s", 0)]["fillColor"]
        for f in layer.data["features"]  # type: ignore[index]
    }


def test_the_siting_map_numbers_the_suggestions_and_colours_the_villages(
    dataset: Dataset,
) -> None:
    result = suggest_sites(dataset, "elders", 3)
    hypothetical = pd.DataFrame({"lon": [118.46], "lat": [33.86], "label": ["假1"]})
    fmap = build_siting_map(dataset, result, PlanView(), hypothetical=hypothetical)
    markers = _children(fmap, NumberedMarkers)
    assert [m[2] for m in markers["Suggested"].items] == ["1"]  # only D2 is left to reach
    assert markers["Suggested"].colour == SUGGESTED_COLOUR
    assert markers["Suggested"].items[0][:2] == pytest.approx([33.85, 118.39])
    assert "新增覆盖 50 人" in markers["Suggested"].items[0][3]
    assert [m[2] for m in markers["Hypothetical"].items] == ["假1"]
    assert markers["Hypothetical"].colour == HYPOTHETICAL_COLOUR
    layers = _children(fmap, GeoJsonLayer)
    fills = _feature_fills(layers["Villages"])
    assert fills == {
        "D1": REACH_COLOURS["existing"],
        "D2": REACH_COLOURS["suggested"],
        "D3": REACH_COLOURS["existing"],
    }
    radii = [f["properties"]["r"] for f in layers["SuggestedCatchments"].data["features"]]
    assert radii == [2000.0]
    assert len(layers["Sites"].data["features"]) == 2  # S1 and S2 serve the elders
    html = fmap.get_root().render()
    assert "atlas-num-suggested" in html and remote_assets(html) == []
    assert fmap.options["keyboard"] is False  # no focus scroll between mousedown and mouseup


def test_the_siting_map_in_english_without_suggestions(dataset: Dataset) -> None:
    result = suggest_sites(dataset, "elders", 0)
    fmap = build_siting_map(dataset, result, PlanView(lang="en", show_catchments=False))
    assert "Suggested" not in _children(fmap, NumberedMarkers)
    assert "SuggestedCatchments" not in _children(fmap, GeoJsonLayer)
    legend = _children(fmap, Legend)["Legend"]
    assert "Siting: Left-behind elders" in legend.body
    assert "Still out of reach" in legend.body


def test_the_access_map_colours_villages_by_score(dataset: Dataset) -> None:
    access = compute_access(dataset, "elders")
    fmap = build_access_map(dataset, access, MapView(), layer="points")
    fills = _feature_fills(_children(fmap, GeoJsonLayer)["Villages"])
    assert fills["D2"] == UNREACHED_COLOUR  # no site within reach: score 0
    assert fills["D1"] != fills["D3"] != UNREACHED_COLOUR  # 3 and 1/80: different classes
    towns = _feature_fills(_children(fmap, GeoJsonLayer)["Townships"], key="code")
    assert set(towns.values()) == {"#ffffff"}  # plain townships under the points
    legend = _children(fmap, Legend)["Legend"].body
    assert "1/2 个站点未填服务能力，按 1 计" in legend  # S2 has no capacity
    assert "留守老人可及性（2SFCA）" in legend


def test_the_access_map_as_a_township_choropleth(dataset: Dataset) -> None:
    access = compute_access(dataset, "elders", method="e2sfca")
    view = MapView(lang="en", township="321311001")
    fmap = build_access_map(dataset, access, view, layer="townships")
    layer = _children(fmap, GeoJsonLayer)["Townships"]
    codes = {f["properties"]["code"]: f["properties"]["name"] for f in layer.data["features"]}
    assert codes == {"321311001": "一镇", "321311002": "二镇"}  # clicks open the detail
    fills = _feature_fills(layer, key="code")
    assert fills["321311001"] != fills["321311002"]
    assert "Villages" not in _children(fmap, GeoJsonLayer)
    styles = json.loads(layer.styles_json)
    widths = {f["properties"]["code"]: styles[f["properties"]["s"]]["weight"]
              for f in layer.data["features"]}  # fmt: skip
    assert widths["321311001"] > widths["321311002"]  # the open township is outlined
    assert "(E2SFCA)" in _children(fmap, Legend)["Legend"].body


def test_the_access_map_rejects_an_unknown_layer(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="layer"):
        build_access_map(dataset, compute_access(dataset, "elders"), MapView(), layer="hexagons")  # type: ignore[arg-type]


def test_access_classes_leave_zero_and_missing_scores_out() -> None:
    classes = access_classes(pd.Series([0.0, 0.5, 1.0, 2.0, float("nan")]))
    assert classes.classes.tolist()[0] == -1 and classes.classes.tolist()[-1] == -1
    assert classes.legend[0][0] == 0.5
