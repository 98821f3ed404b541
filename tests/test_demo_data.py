"""The embedded demo (data/suyu/): deterministic, faithful to the report's figures, loadable."""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.io.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "suyu"
EARLIER = ROOT / "data" / "suyu-2020"
FILES = ("dataset.toml", "townships.geojson", "sites.csv", "demand.csv", "projects.csv")

# The 12 township-level units of the demo (NBS codes; 皂河镇 321311151 is left out).
TOWNSHIP_CODES = {
    "321311001": "顺河街道",
    "321311002": "豫新街道",
    "321311003": "下相街道",
    "321311004": "晓店街道",
    "321311005": "井头街道",
    "321311006": "陆集街道",
    "321311105": "仰化镇",
    "321311106": "大兴镇",
    "321311108": "来龙镇",
    "321311111": "关庙镇",
    "321311113": "新庄镇",
    "321311201": "曹集乡",
}
EIGHT_STATIONS = (
    "关爱下一代驿站",
    "普法教育驿站",
    "法律援助驿站",
    "妇女儿童活动驿站",
    "城乡研学驿站",
    "艺术培训驿站",
    "医疗援助驿站",
    "文化服务队孵化驿站",
)
GROUP_CODES = (
    "elders_left_behind",
    "elders_chronic",
    "elders_wubao",
    "children_left_behind",
    "children_difficulty",
    "disabled",
    "families_hardship",
)


@pytest.fixture(scope="module")
def make_suyu() -> ModuleType:
    path = ROOT / "data" / "make_suyu.py"
    spec = importlib.util.spec_from_file_location("make_suyu", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_suyu"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    return pd.read_csv(DEMO / "sites.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def demand() -> pd.DataFrame:
    return pd.read_csv(DEMO / "demand.csv", dtype={"id": str})


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return pd.read_csv(DEMO / "projects.csv", dtype={"id": str})


@pytest.fixture(scope="module")
def townships() -> dict[str, shapely.Geometry]:
    collection = json.loads((DEMO / "townships.geojson").read_text(encoding="utf-8"))
    return {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"])
        for f in collection["features"]
    }


def test_generator_writes_the_same_bytes_twice_and_matches_the_committed_demo(
    make_suyu: ModuleType, tmp_path: Path
) -> None:
    make_suyu.generate(tmp_path / "a", tmp_path / "a-2020")
    make_suyu.generate(tmp_path / "b", tmp_path / "b-2020")
    for folder, committed in (("", DEMO), ("-2020", EARLIER)):
        for name in FILES:
            first = (tmp_path / f"a{folder}" / name).read_bytes()
            assert first == (tmp_path / f"b{folder}" / name).read_bytes(), name
            assert first == (committed / name).read_bytes(), f"{name}: run python data/make_suyu.py"


def test_the_earlier_year_is_labelled_simulated_and_shares_the_townships() -> None:
    meta = tomllib.loads((EARLIER / "dataset.toml").read_text(encoding="utf-8"))
    assert meta["demo"] is True
    assert meta["year"] == 2020
    assert "2020" in meta["name"]
    assert "示例数据" in meta["name"]
    assert (EARLIER / "townships.geojson").read_bytes() == (DEMO / "townships.geojson").read_bytes()
    assert tomllib.loads((DEMO / "dataset.toml").read_text(encoding="utf-8"))["year"] == 2021


def test_metadata_marks_the_demo_and_declares_seven_groups() -> None:
    meta = tomllib.loads((DEMO / "dataset.toml").read_text(encoding="utf-8"))
    assert meta["demo"] is True
    assert meta["coordinates"] == "wgs84"
    assert meta["budget_yuan"] == 300_000
    assert meta["boundary_note"].startswith("示意边界")
    assert tuple(g["code"] for g in meta["groups"]) == GROUP_CODES
    assert {g["category"] for g in meta["groups"]} == {"为老", "为小", "为残", "为特", "为困"}
    assert all(g["radius_m"] > 0 and g["weight"] > 0 for g in meta["groups"])


def test_twelve_townships_with_their_codes_and_names(
    townships: dict[str, shapely.Geometry],
) -> None:
    collection = json.loads((DEMO / "townships.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]}
    assert names == TOWNSHIP_CODES
    assert (DEMO / "townships.geojson").stat().st_size < 150_000
    assert all(g.geom_type == "Polygon" and g.is_valid for g in townships.values())


def test_townships_tile_the_district_without_gaps_or_overlaps(
    townships: dict[str, shapely.Geometry],
) -> None:
    polygons = np.array(list(townships.values()))
    assert shapely.coverage_is_valid(polygons)
    union = shapely.union_all(polygons)
    assert union.geom_type == "Polygon"
    assert not union.interiors


def test_every_seat_lies_in_its_own_township(
    make_suyu: ModuleType, townships: dict[str, shapely.Geometry]
) -> None:
    for township in make_suyu.TOWNSHIPS:
        seat = shapely.Point(township.seat_lon, township.seat_lat)
        assert townships[township.code].contains(seat), township.name


def test_the_townships_fill_the_real_district_outline(
    townships: dict[str, shapely.Geometry],
) -> None:
    import geopandas as gpd

    metric = gpd.GeoSeries(list(townships.values()), crs="EPSG:4326").to_crs("EPSG:32650")
    outline = gpd.read_file(ROOT / "data" / "suyu_outline.geojson").to_crs("EPSG:32650")
    district = outline.geometry.iloc[0]
    assert metric.area.sum() / 1e6 == pytest.approx(district.area / 1e6, rel=0.001)
    assert district.area / 1e6 == pytest.approx(1125, rel=0.01)
    # the cells' union is the outline, up to the 6-decimal rounding of the written file
    assert shapely.union_all(metric.to_numpy()).symmetric_difference(district).area < 1e5
    assert metric.area.min() / 1e6 > 10


def test_sites_hold_the_reports_organization_counts(sites: pd.DataFrame) -> None:
    assert sites["id"].is_unique
    assert set(sites["kind"]) == {"organization", "station"}
    orgs = sites[sites["kind"] == "organization"]
    assert (orgs["category"] == "女性社会组织").sum() == 56
    assert (orgs["category"] == "农村社区社会组织").sum() == 50
    named = set(sites.loc[sites["source"] == "report", "name"])
    assert {"宿豫区心理协会", "宿豫区助残志愿者协会", "宿豫区全民阅读协会"} <= named
    society = sites[sites["name"] == "迅哥有约乡村振兴服务社"]
    assert society[["township", "category"]].to_numpy().tolist() == [["新庄镇", "农村社区社会组织"]]


def test_the_eight_named_stations_are_in_xinzhuang(sites: pd.DataFrame) -> None:
    stations = sites[sites["category"] == "驿站"]
    assert sorted(stations["name"]) == sorted(f"振友社区{n}" for n in EIGHT_STATIONS)
    assert set(stations["township"]) == {"新庄镇"}
    assert set(stations["kind"]) == {"station"}


def test_site_attributes_are_well_formed(sites: pd.DataFrame) -> None:
    known = set(GROUP_CODES)
    assert all(set(g.split(";")) <= known for g in sites["groups"])
    assert set(sites["rating"]) <= {"", "3A", "4A", "5A"}
    assert set(sites["inspected"]) <= {"", "是", "否"}
    orgs = sites[sites["kind"] == "organization"]
    # The report: few organizations take part in grading, and annual inspection is weak.
    assert 0 < (orgs["rating"] != "").mean() < 0.35
    inspected = orgs.loc[orgs["inspected"] != "", "inspected"]
    assert 0.3 < (inspected == "是").mean() < 0.8
    assert (sites["radius_m"] != "").sum() >= 5


def test_demand_points_carry_seven_non_negative_whole_counts(demand: pd.DataFrame) -> None:
    assert 250 <= len(demand) <= 400
    assert demand["id"].is_unique
    counts = demand[list(GROUP_CODES)]
    assert (counts.dtypes == "int64").all()
    assert (counts >= 0).all().all()
    zhenyou = demand[demand["id"] == "321311113003"]
    assert zhenyou[["name", "township"]].to_numpy().tolist() == [["振友社区", "新庄镇"]]
    assert set(demand["township"]) == set(TOWNSHIP_CODES.values())


def test_demand_magnitudes_fit_a_district_of_about_700000(demand: pd.DataFrame) -> None:
    assert 600_000 <= demand["population"].sum() <= 712_300
    totals = demand[list(GROUP_CODES)].sum()
    share = totals / demand["population"].sum()
    assert share["elders_wubao"] < share["elders_left_behind"]
    assert share["children_difficulty"] < share["children_left_behind"]
    assert (share < 0.05).all()


@pytest.mark.parametrize("layer", ["sites", "demand"])
def test_every_point_lies_in_its_own_township(
    layer: str, townships: dict[str, shapely.Geometry]
) -> None:
    frame = pd.read_csv(DEMO / f"{layer}.csv", dtype=str, keep_default_na=False)
    by_name = {TOWNSHIP_CODES[code]: geom for code, geom in townships.items()}
    inside = [
        by_name[t].contains(shapely.Point(float(x), float(y)))
        for t, x, y in zip(frame["township"], frame["lon"], frame["lat"], strict=True)
    ]
    assert all(inside)


def test_projects_are_the_2021_venture_round(projects: pd.DataFrame) -> None:
    assert len(projects) == 6
    assert (projects["amount_yuan"] == 50_000).all()
    assert (projects["year"] == 2021).all()
    assert projects["person_times"].sum() == 27_000
    assert set(projects["category"]) == {"为老", "为小", "为残", "为特", "为困"}
    served = {t for cell in projects["townships"] for t in cell.split("、")}
    assert served == set(TOWNSHIP_CODES.values())
    assert {"曹集乡", "大兴镇", "关庙镇", "豫新街道", "顺河街道"} <= served


def test_some_townships_are_well_served_and_some_poorly(
    sites: pd.DataFrame, demand: pd.DataFrame
) -> None:
    stations = sites[sites["kind"] == "station"].groupby("township").size()
    villages = demand.groupby("township").size()
    per_village = (stations.reindex(villages.index, fill_value=0) / villages).sort_values()
    assert per_village.iloc[0] < 0.2
    assert per_village.iloc[-1] > 0.8


def test_load_dataset_reads_the_demo_cleanly() -> None:
    dataset = load_dataset(DEMO)
    assert dataset.warnings == ()
    assert dataset.demo is True
    assert len(dataset.townships) == 12
    assert dataset.sites["township"].notna().all()
    assert dataset.demand["township"].notna().all()
    assert len(dataset.projects) == 6
