"""load_dataset: the Dataset frames as documented, from every format, in WGS-84."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import (
    DEFAULT_TOML,
    default_demand,
    default_projects,
    default_sites,
    default_townships,
)

from geo.dataset import Dataset
from geo.errors import DatasetError
from geo.io.datum import from_wgs84
from geo.io.load import PROJECT_COLUMNS, SITE_COLUMNS, load_dataset

MakeFolder = Callable[..., Path]
ROOT = Path(__file__).resolve().parent.parent


def test_default_folder(dataset_folder: Path) -> None:
    dataset = load_dataset(dataset_folder)
    assert isinstance(dataset, Dataset)
    assert (dataset.name, dataset.demo, dataset.coordinates, dataset.budget_yuan) == (
        "测试数据",
        False,
        "wgs84",
        100000,
    )
    assert dataset.group_codes == ("elders", "children")
    assert dataset.group("children").weight == 2.0
    assert dataset.metadata == {"boundary_note": "示意边界"}
    assert dataset.warnings == ()
    assert dataset.source == dataset_folder


def test_frames_have_the_documented_columns_and_types(dataset_folder: Path) -> None:
    dataset = load_dataset(dataset_folder)
    assert dataset.townships.columns.tolist() == ["code", "name", "geometry"]
    assert dataset.sites.columns.tolist() == list(SITE_COLUMNS)
    assert dataset.demand.columns.tolist() == [
        "id", "name", "township", "elders", "children", "geometry"
    ]  # fmt: skip
    assert dataset.projects.columns.tolist() == list(PROJECT_COLUMNS)
    for frame in (dataset.townships, dataset.sites, dataset.demand):
        assert frame.crs.to_epsg() == 4326
        assert frame.index.tolist() == list(range(len(frame)))
    sites = dataset.sites.set_index("id")
    assert sites["kind"].tolist() == ["station", "station", "organization"]
    assert sites["groups"].tolist() == [("elders",), ("elders", "children"), ("children",)]
    assert sites["category"].tolist() == ["社工站", "驿站", None]
    assert sites["rating"].tolist() == [None, None, "3A"]
    assert sites["inspected"].tolist() == [None, None, True]
    assert sites["radius_m"].isna().tolist() == [True, True, False]
    assert sites.loc["S1", "capacity"] == 300.0
    assert sites["township"].tolist() == ["321311001", "321311002", "321311002"]


def test_demand_townships_and_counts(dataset_folder: Path) -> None:
    demand = load_dataset(dataset_folder).demand.set_index("id")
    assert demand["township"].tolist() == ["321311001", "321311001", "321311002", "321311002"]
    assert demand["elders"].dtype == np.int64
    assert demand["children"].tolist() == [10, 20, 0, 5]  # a blank count is 0
    assert demand.geometry.isna().tolist() == [False, False, False, True]
    assert demand["name"].tolist() == ["甲村", "乙村", "丙村", None]


def test_township_level_demand_without_coordinate_columns(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand().drop(columns=["lon", "lat"])
    demand["township"] = ["321311001", "一镇", "二镇", "二镇"]
    loaded = load_dataset(make_dataset_folder(demand=demand)).demand
    assert loaded.geometry.isna().all()
    assert loaded["township"].tolist() == ["321311001", "321311001", "321311002", "321311002"]


def test_projects(dataset_folder: Path) -> None:
    projects = load_dataset(dataset_folder).projects
    assert projects["year"].tolist() == [2021, 2021]
    assert projects["amount_yuan"].tolist() == [50000.0, 30000.0]
    assert projects["groups"].tolist() == [("elders",), ("children",)]
    assert projects["townships"].tolist() == [("321311001",), ("321311001", "321311002")]
    assert projects["person_times"].isna().tolist() == [False, True]


def test_projects_for_the_whole_district(make_dataset_folder: MakeFolder) -> None:
    projects = default_projects()
    projects.loc[0, "townships"] = "全区"
    dataset = load_dataset(make_dataset_folder(projects=projects))
    assert dataset.projects["townships"][0] == ("321311001", "321311002")


def test_defaults_of_name_and_budget(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML.replace('name = "测试数据"\n', "").replace("budget_yuan = 100000\n", "")
    folder = make_dataset_folder(toml=toml)
    dataset = load_dataset(folder)
    assert (dataset.name, dataset.budget_yuan) == (folder.name, 80000)
    without_projects = load_dataset(make_dataset_folder(toml=toml, omit=("projects",)))
    assert without_projects.budget_yuan == 0
    assert without_projects.projects.empty
    assert without_projects.projects.columns.tolist() == list(PROJECT_COLUMNS)


def assert_same_dataset(left: Dataset, right: Dataset) -> None:
    for name in ("townships", "sites", "demand"):
        a, b = getattr(left, name), getattr(right, name)
        assert a.drop(columns="geometry").equals(b.drop(columns="geometry")), name
        # shapefiles store rings clockwise: compare the normalised shapes
        same = shapely.equals_exact(
            shapely.normalize(a.geometry.to_numpy()), shapely.normalize(b.geometry.to_numpy()), 1e-9
        )
        assert same.sum() == a.geometry.notna().sum() == b.geometry.notna().sum(), name
    pd.testing.assert_frame_equal(left.projects, right.projects)


@pytest.mark.parametrize(
    "formats",
    [
        {"sites": "xlsx", "demand": "xlsx", "projects": "xlsx"},
        {"sites": "geojson", "demand": "geojson"},
        {"townships": "gpkg", "sites": "gpkg"},
        {"townships": "shp.zip"},
    ],
    ids=["xlsx", "geojson", "gpkg", "shp.zip"],
)
def test_every_format_gives_the_same_dataset(
    make_dataset_folder: MakeFolder, dataset_folder: Path, formats: dict[str, str]
) -> None:
    assert_same_dataset(
        load_dataset(make_dataset_folder(formats=formats)), load_dataset(dataset_folder)
    )


CHINESE_HEADERS = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "category": "类别",
    "groups": "服务群体",
    "lon": "经度",
    "lat": "纬度",
    "radius_m": "服务半径（米）",
    "capacity": "服务能力(人/年)",
    "rating": "评估等级",
    "inspected": "年检",
    "township": "所属乡镇",
    "elders": "留守老人",
    "children": "留守儿童",
    "org": "实施组织",
    "year": "年度",
    "amount_yuan": "资助金额（元）",
    "townships": "服务乡镇",
    "person_times": "服务人次",
}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_chinese_headers_and_labels(
    make_dataset_folder: MakeFolder, dataset_folder: Path, encoding: str
) -> None:
    sites = default_sites().rename(columns=CHINESE_HEADERS)
    sites["类型"] = ["站点", "站点", "组织"]
    sites["服务群体"] = ["留守老人", "留守老人、留守儿童", "留守儿童"]
    sites["备注"] = ["extra columns are ignored", "", ""]
    demand = default_demand().rename(columns=CHINESE_HEADERS)
    projects = default_projects().rename(columns=CHINESE_HEADERS | {"name": "项目名称"})
    folder = make_dataset_folder(sites=sites, demand=demand, projects=projects, encoding=encoding)
    assert_same_dataset(load_dataset(folder), load_dataset(dataset_folder))


def shifted_folder(make_dataset_folder: MakeFolder, datum: str) -> Path:
    """The default dataset with every lon/lat written in ``datum``."""
    sites, demand = default_sites(), default_demand()
    for frame in (sites, demand):
        has = frame["lon"].ne("")
        lon, lat = from_wgs84(
            frame.loc[has, "lon"].astype(float), frame.loc[has, "lat"].astype(float), datum
        )
        frame.loc[has, "lon"] = [f"{v:.9f}" for v in lon]
        frame.loc[has, "lat"] = [f"{v:.9f}" for v in lat]
    townships = default_townships()
    townships.geometry = shapely.transform(
        townships.geometry.to_numpy(),
        lambda xy: np.column_stack(from_wgs84(xy[:, 0], xy[:, 1], datum)),
    )
    toml = DEFAULT_TOML.replace('"wgs84"', f'"{datum}"')
    return make_dataset_folder(toml=toml, sites=sites, demand=demand, townships=townships)


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_shifted_datums_are_converted_to_wgs84(
    make_dataset_folder: MakeFolder, dataset_folder: Path, datum: str
) -> None:
    folder = shifted_folder(make_dataset_folder, datum)
    written = pd.read_csv(folder / "sites.csv")
    assert abs(written["lon"][0] - 118.35) > 0.004  # some hundred metres away in the file
    dataset = load_dataset(folder)
    assert dataset.coordinates == datum
    expected = load_dataset(dataset_folder)
    for name in ("townships", "sites"):
        got = getattr(dataset, name).geometry
        assert got.geom_equals_exact(getattr(expected, name).geometry, tolerance=1e-7).all()
    assert dataset.sites["township"].tolist() == expected.sites["township"].tolist()


def test_projected_townships_are_reprojected_not_shifted(
    make_dataset_folder: MakeFolder, dataset_folder: Path
) -> None:
    """A CGCS2000 Gauss-Kruger file carries a real datum: no GCJ-02 shift on top of it."""
    projected = default_townships().to_crs(4549)
    toml = DEFAULT_TOML.replace('"wgs84"', '"gcj02"')
    sites, demand = default_sites(), default_demand()
    folder = make_dataset_folder(
        toml=toml, townships=projected, formats={"townships": "gpkg"}, sites=sites, demand=demand
    )
    got = load_dataset(folder).townships.geometry
    expected = load_dataset(dataset_folder).townships.geometry
    assert got.geom_equals_exact(expected, tolerance=1e-7).all()


def test_outside_points_load_with_a_warning(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, ["lon", "lat"]] = ["119.0", "33.85"]
    dataset = load_dataset(make_dataset_folder(sites=sites))
    assert dataset.sites["township"].tolist() == [None, "321311002", "321311002"]
    (warning,) = dataset.warnings
    assert (warning.code, warning.params["ids"]) == ("outside_townships", ["S1"])


def test_errors_raise_with_every_problem(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, "lon"] = "x"
    sites.loc[1, ["lon", "lat"]] = ["119.0", "33.85"]
    demand = default_demand()
    demand.loc[0, "elders"] = "-1"
    with pytest.raises(DatasetError) as caught:
        load_dataset(make_dataset_folder(sites=sites, demand=demand))
    codes = sorted((p.code, p.file, p.severity) for p in caught.value.problems)
    assert codes == [
        ("bad_value", "demand.csv", "error"),
        ("bad_value", "sites.csv", "error"),
        ("outside_townships", "sites.csv", "warning"),
    ]
    assert len(caught.value.errors) == 2
    assert "sites.csv 第 2 行" in caught.value.report("zh")


def test_missing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        load_dataset(tmp_path / "missing")
    assert caught.value.problems[0].code == "folder_missing"


def test_the_embedded_demo_loads_cleanly() -> None:
    dataset = load_dataset(ROOT / "data/suyu")
    assert dataset.demo
    assert len(dataset.townships) == 12
    assert [p for p in dataset.warnings if p.code != "outside_townships"] == []
    assert dataset.sites["township"].notna().all()
