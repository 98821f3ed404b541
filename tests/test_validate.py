"""Every kind of bad input gives a problem that names its file, row and column."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import DEFAULT_TOML, default_demand, default_sites, default_townships
from shapely.geometry import Polygon, box

from geo.dataset import assign_townships
from geo.errors import Problem
from geo.io.validate import validate_dataset

MakeFolder = Callable[..., Path]


def only(problems: list[Problem], code: str) -> Problem:
    """The one problem with ``code`` (fails if there is none or several)."""
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [p.message("en") for p in problems]
    return found[0]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def test_default_folder_is_valid_and_clean(dataset_folder: Path) -> None:
    assert validate_dataset(dataset_folder) == []


# --- the folder and its files ------------------------------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    problem = only(validate_dataset(tmp_path / "nope"), "folder_missing")
    assert problem.file.endswith("nope")


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    path.write_bytes(b"PK")
    assert only(validate_dataset(path), "not_a_folder").file.endswith("data.zip")


def test_missing_layer_file(make_dataset_folder: MakeFolder) -> None:
    problem = only(validate_dataset(make_dataset_folder(omit=("sites",))), "file_missing")
    assert problem.file == "sites.*"
    assert "sites.csv" in problem.params["expected"]


def test_missing_dataset_toml(make_dataset_folder: MakeFolder) -> None:
    problem = only(validate_dataset(make_dataset_folder(toml=None)), "config_missing")
    assert problem.message("zh").startswith("dataset.toml：缺少数据集说明文件")


def test_projects_are_optional(make_dataset_folder: MakeFolder) -> None:
    assert validate_dataset(make_dataset_folder(omit=("projects",))) == []


def test_two_files_for_one_layer(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder()
    default_sites().to_excel(folder / "sites.xlsx", index=False)
    problem = only(validate_dataset(folder), "file_ambiguous")
    assert problem.params["files"] == ["sites.csv", "sites.xlsx"]


def test_unsupported_format(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder(omit=("sites",))
    (folder / "sites.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    problem = only(validate_dataset(folder), "file_unsupported")
    assert problem.file == "sites.xls"


def test_empty_file(make_dataset_folder: MakeFolder) -> None:
    problem = only(validate_dataset(make_dataset_folder(sites="")), "file_empty")
    assert problem.file == "sites.csv"


def test_binary_garbage(make_dataset_folder: MakeFolder) -> None:
    garbage = np.random.default_rng(7).integers(0, 256, 2000, dtype=np.uint8).tobytes()
    problem = only(validate_dataset(make_dataset_folder(demand=garbage)), "file_binary")
    assert problem.file == "demand.csv"


def test_png_renamed_to_csv(make_dataset_folder: MakeFolder) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    problem = only(validate_dataset(make_dataset_folder(sites=png)), "file_format_mismatch")
    assert (problem.file, problem.params["found"]) == ("sites.csv", "PNG")


def test_xlsx_that_is_not_a_zip(make_dataset_folder: MakeFolder) -> None:
    fake = b"\x00\x01\x02" * 100
    folder = make_dataset_folder(sites=fake, formats={"sites": "xlsx"})
    problem = only(validate_dataset(folder), "xlsx_invalid")
    assert problem.file == "sites.xlsx"


def test_csv_renamed_to_xlsx(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder(sites="id,name\n1,a\n", formats={"sites": "xlsx"})
    problem = only(validate_dataset(folder), "file_format_mismatch")
    assert problem.params["found"] == "text/CSV"


def test_truncated_geojson(make_dataset_folder: MakeFolder) -> None:
    text = default_townships().to_json()
    problem = only(validate_dataset(make_dataset_folder(townships=text[:300])), "json_invalid")
    assert problem.file == "townships.geojson"
    assert problem.params["line"] == 1
    assert 250 < problem.params["col"] <= 301  # where the cut-off token starts


def test_json_that_is_not_geojson(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder(townships=json.dumps({"code": 1}))
    assert only(validate_dataset(folder), "geojson_invalid").file == "townships.geojson"


def test_broken_files_do_not_hide_each_other(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder(sites="", demand=b"\x89PNG\r\n\x1a\n", toml="coordinates = ")
    codes = {(p.code, p.file) for p in validate_dataset(folder)}
    assert codes == {
        ("file_empty", "sites.csv"),
        ("file_format_mismatch", "demand.csv"),
        ("toml_invalid", "dataset.toml"),
    }


def test_header_only_tables(make_dataset_folder: MakeFolder) -> None:
    """No sites yet is a state a district can be in; no demand leaves nothing to measure."""
    folder = make_dataset_folder(
        sites="id,name,kind,groups,lon,lat\n", demand="id,elders,children\n"
    )
    problems = {p.file: p for p in validate_dataset(folder) if p.code == "no_rows"}
    assert problems["sites.csv"].severity == "warning"
    assert problems["demand.csv"].severity == "error"


def test_ragged_csv_row(make_dataset_folder: MakeFolder) -> None:
    text = default_sites().to_csv(index=False).replace("S3,", "S3,extra,", 1)
    problems = validate_dataset(make_dataset_folder(sites=text))
    assert only(problems, "extra_cells").row == 4


# --- dataset.toml ------------------------------------------------------------------------------


def test_broken_toml_gives_the_line(make_dataset_folder: MakeFolder) -> None:
    toml = 'name = "x"\ncoordinates = "wgs84\n'
    problem = only(validate_dataset(make_dataset_folder(toml=toml)), "toml_invalid")
    assert problem.row == 2


def test_unknown_datum(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML.replace('"wgs84"', '"beijing54"')
    problem = only(validate_dataset(make_dataset_folder(toml=toml)), "unknown_datum")
    assert (problem.file, problem.column, problem.params["found"]) == (
        "dataset.toml",
        "coordinates",
        "beijing54",
    )


def test_datum_spelling_is_forgiving(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML.replace('"wgs84"', '"GCJ-02"')
    assert validate_dataset(make_dataset_folder(toml=toml)) == []


def test_missing_coordinates_key(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML.replace('coordinates = "wgs84"\n', "")
    assert only(validate_dataset(make_dataset_folder(toml=toml)), "missing_key").column == (
        "coordinates"
    )


def test_no_groups(make_dataset_folder: MakeFolder) -> None:
    toml = 'coordinates = "wgs84"\n'
    assert only(validate_dataset(make_dataset_folder(toml=toml)), "no_groups")


def test_duplicate_group_code_and_label(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML + '\n[[groups]]\ncode = "elders"\nlabel = "留守儿童"\nradius_m = 1\n'
    problems = validate_dataset(make_dataset_folder(toml=toml))
    duplicates = {(p.column, p.params["value"]) for p in problems if p.code == "duplicate_group"}
    assert duplicates == {("code", "elders"), ("label", "留守儿童")}


def test_bad_group_radius(make_dataset_folder: MakeFolder) -> None:
    toml = DEFAULT_TOML.replace("radius_m = 1000", "radius_m = -5")
    problem = only(validate_dataset(make_dataset_folder(toml=toml)), "bad_value")
    assert (problem.column, problem.params["expected"]) == ("groups[2].radius_m", "positive")


# --- columns and cells -------------------------------------------------------------------------


def test_missing_column(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites().drop(columns=["kind"])
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "missing_column")
    assert (problem.file, problem.params["name"], problem.params["alias"]) == (
        "sites.csv",
        "kind",
        "类型",
    )


def test_missing_group_column_in_demand(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand().drop(columns=["children"])
    problem = only(validate_dataset(make_dataset_folder(demand=demand)), "missing_column")
    assert (problem.params["name"], problem.params["alias"]) == ("children", "留守儿童")


def test_two_columns_for_one_field(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites().assign(编号=["A", "B", "C"])
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "duplicate_column")
    assert problem.params["found"] == ["id", "编号"]


def test_duplicate_id(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[2, "id"] = "S1"
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "duplicate_value")
    assert (problem.file, problem.row, problem.column) == ("sites.csv", 4, "id")
    assert problem.params == {"value": "S1", "first": 2}


def test_duplicate_township_code(make_dataset_folder: MakeFolder) -> None:
    townships = default_townships()
    townships.loc[1, "code"] = "321311001"
    problem = only(validate_dataset(make_dataset_folder(townships=townships)), "duplicate_value")
    assert (problem.file, problem.row, problem.column) == ("townships.geojson", 2, "code")


@pytest.mark.parametrize("column", ["code", "name"])
def test_township_without_code_or_name(make_dataset_folder: MakeFolder, column: str) -> None:
    townships = default_townships()
    townships.loc[0, column] = None
    problem = only(validate_dataset(make_dataset_folder(townships=townships)), "empty_value")
    assert (problem.file, problem.row, problem.column) == ("townships.geojson", 1, column)


@pytest.mark.parametrize("value", ["abc", "-3", "2.5"])
def test_bad_count(make_dataset_folder: MakeFolder, value: str) -> None:
    demand = default_demand()
    demand.loc[1, "elders"] = value
    problem = only(validate_dataset(make_dataset_folder(demand=demand)), "bad_value")
    assert (problem.file, problem.row, problem.column) == ("demand.csv", 3, "elders")
    assert problem.params == {"expected": "count", "found": value}


def test_swapped_lat_lon(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, ["lon", "lat"]] = ["33.85", "118.35"]
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "lat_lon_swapped")
    assert (problem.file, problem.row) == ("sites.csv", 2)
    assert "经纬度可能颠倒" in problem.message("zh")


@pytest.mark.parametrize(
    ("column", "value", "expected"), [("lon", "200", "lon"), ("lat", "-91", "lat")]
)
def test_coordinate_out_of_range(
    make_dataset_folder: MakeFolder, column: str, value: str, expected: str
) -> None:
    sites = default_sites()
    sites.loc[1, column] = value
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "bad_value")
    assert (problem.row, problem.column, problem.params["expected"]) == (3, column, expected)


def test_coordinate_not_a_number(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites().rename(columns={"lon": "经度", "lat": "纬度"})
    sites.loc[2, "经度"] = "abc"
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "bad_value")
    assert (problem.row, problem.column) == (4, "经度")
    assert problem.message("zh") == (
        "sites.csv 第 4 行，列“经度”：应为 -180 到 180 之间的数字，实际为“abc”。"
    )


def test_site_without_coordinates(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, ["lon", "lat"]] = ["", ""]
    sites.loc[1, "lat"] = ""
    problems = validate_dataset(make_dataset_folder(sites=sites))
    found = {(p.row, p.column) for p in problems if p.code == "coordinates_missing"}
    assert found == {(2, None), (3, "lat")}


def test_unknown_group(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[1, "groups"] = "elders；残疾人"
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "unknown_group")
    assert (problem.file, problem.row, problem.column) == ("sites.csv", 3, "groups")
    assert problem.params["found"] == "残疾人"
    assert "elders (留守老人)" in problem.params["known"]


def test_group_list_separators(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites["groups"] = ["elders、children", "留守老人/留守儿童", "Elders , children"]
    assert validate_dataset(make_dataset_folder(sites=sites)) == []


@pytest.mark.parametrize(("column", "value"), [("kind", "学校"), ("inspected", "maybe")])
def test_unknown_vocabulary(make_dataset_folder: MakeFolder, column: str, value: str) -> None:
    sites = default_sites()
    sites.loc[0, column] = value
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "bad_value")
    assert (problem.row, problem.column, problem.params["found"]) == (2, column, value)


def test_bad_site_radius(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, "radius_m"] = "0"
    problem = only(validate_dataset(make_dataset_folder(sites=sites)), "bad_value")
    assert (problem.row, problem.column, problem.params["expected"]) == (2, "radius_m", "positive")


def test_many_bad_cells_are_summarised(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand().iloc[[0] * 30].reset_index(drop=True)
    demand["id"] = [f"X{i}" for i in range(30)]
    demand["elders"] = "x"
    problems = validate_dataset(make_dataset_folder(demand=demand))
    assert len([p for p in problems if p.code == "bad_value"]) == 20
    assert only(problems, "more_problems").params["count"] == 10


# --- demand and townships ----------------------------------------------------------------------


def test_township_level_row_needs_a_township(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand()
    demand.loc[3, "township"] = ""
    problem = only(validate_dataset(make_dataset_folder(demand=demand)), "township_required")
    assert (problem.row, problem.column) == (5, "township")


def test_unknown_township(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand()
    demand.loc[3, "township"] = "三镇"
    problem = only(validate_dataset(make_dataset_folder(demand=demand)), "unknown_township")
    assert (problem.row, problem.params["found"]) == (5, "三镇")


def test_township_column_that_disagrees_is_a_warning(make_dataset_folder: MakeFolder) -> None:
    demand = default_demand()
    demand.loc[0, "township"] = "二镇"  # D1 lies in 一镇
    problem = only(validate_dataset(make_dataset_folder(demand=demand)), "township_mismatch")
    assert problem.severity == "warning"
    assert (problem.row, problem.params["found"], problem.params["given"]) == (2, "一镇", "二镇")


def test_points_outside_every_township_are_a_warning(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[2, ["lon", "lat"]] = ["118.60", "33.85"]
    demand = default_demand()
    demand.loc[[0, 1], "lat"] = "34.5"
    problems = validate_dataset(make_dataset_folder(sites=sites, demand=demand))
    assert errors(problems) == []
    outside = {p.file: p for p in problems if p.code == "outside_townships"}
    assert outside["sites.csv"].params == {"count": 1, "ids": ["S3"]}
    assert outside["demand.csv"].params == {"count": 2, "ids": ["D1", "D2"]}
    assert outside["sites.csv"].severity == "warning"


def test_invalid_polygon_is_repaired_with_a_warning(make_dataset_folder: MakeFolder) -> None:
    townships = default_townships()
    # a bow-tie: the ring crosses itself in the middle of T1
    townships.loc[0, "geometry"] = Polygon(
        [(118.3, 33.8), (118.4, 33.9), (118.4, 33.8), (118.3, 33.9), (118.3, 33.8)]
    )
    problem = only(validate_dataset(make_dataset_folder(townships=townships)), "geometry_repaired")
    assert (problem.severity, problem.row, problem.params["name"]) == ("warning", 1, "一镇")


def test_polygon_without_area_is_rejected(make_dataset_folder: MakeFolder) -> None:
    townships = default_townships()
    townships.loc[1, "geometry"] = Polygon([(118.4, 33.8), (118.5, 33.8), (118.45, 33.8)])
    problems = validate_dataset(make_dataset_folder(townships=townships))
    assert only(errors(problems), "geometry_unusable").params["name"] == "二镇"


def test_a_broken_boundary_does_not_make_its_name_unknown(make_dataset_folder: MakeFolder) -> None:
    townships = default_townships()
    townships.loc[1, "geometry"] = None  # 二镇, which D4 and a project name
    problems = validate_dataset(make_dataset_folder(townships=townships))
    assert [p.code for p in errors(problems)] == ["geometry_missing"]


def test_township_geometry_must_be_a_polygon(make_dataset_folder: MakeFolder) -> None:
    townships = default_townships()
    townships.loc[1, "geometry"] = box(118.4, 33.8, 118.5, 33.9).exterior
    problem = only(validate_dataset(make_dataset_folder(townships=townships)), "geometry_type")
    assert (problem.row, problem.params["found"]) == (2, "LineString")


def test_point_on_a_shared_border_goes_to_the_first_township() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    points = gpd.GeoSeries([Point(118.4, 33.85), Point(118.45, 33.85), Point(119, 33), None])
    codes = assign_townships(points, default_townships())
    assert codes.tolist() == ["321311001", "321311002", None, None]


# --- every message names its file --------------------------------------------------------------


def test_every_message_names_its_file(make_dataset_folder: MakeFolder) -> None:
    sites = default_sites()
    sites.loc[0, ["lon", "lat", "kind", "groups"]] = ["x", "118", "?", "nobody"]
    demand = default_demand()
    demand.loc[0, ["elders", "lat"]] = ["-1", "80"]
    folder = make_dataset_folder(
        sites=sites, demand=demand, toml=DEFAULT_TOML.replace("2000", '"far"')
    )
    problems = validate_dataset(folder)
    assert len(problems) >= 5
    for problem in problems:
        for lang in ("zh", "en"):
            message = problem.message(lang)
            assert problem.file in message
            assert "{" not in message, message


@pytest.mark.parametrize("value", ["1", "4.5", '"five"', "true"])
def test_privacy_min_count_must_be_a_whole_number_of_at_least_2(
    make_dataset_folder: MakeFolder, value: str
) -> None:
    toml = DEFAULT_TOML.replace("[[groups]]", f"[privacy]\nmin_count = {value}\n\n[[groups]]", 1)
    problem = only(validate_dataset(make_dataset_folder(toml=toml)), "bad_value")
    assert problem.column == "privacy.min_count"
    assert "不小于 2 的整数" in problem.message("zh")


def test_privacy_min_count_defaults_to_5_and_is_read(make_dataset_folder: MakeFolder) -> None:
    from geo.io.load import load_dataset

    assert load_dataset(make_dataset_folder()).min_count == 5
    toml = DEFAULT_TOML.replace("[[groups]]", "[privacy]\nmin_count = 10\n\n[[groups]]", 1)
    assert load_dataset(make_dataset_folder(toml=toml)).min_count == 10


def test_a_site_whose_stated_township_disagrees_is_a_warning_with_the_distance(
    make_dataset_folder: MakeFolder,
) -> None:
    from pyproj import Geod

    sites = default_sites()
    # S1 agrees; S2 lies in 二镇, not in 一镇 (named by its code); S3 names no township
    sites["所属乡镇"] = ["一镇", "321311001", "321311999"]
    problems = validate_dataset(make_dataset_folder(sites=sites))
    mismatch = only(problems, "township_mismatch")
    assert mismatch.severity == "warning"
    assert (mismatch.file, mismatch.row, mismatch.column) == ("sites.csv", 3, "所属乡镇")
    assert (mismatch.params["found"], mismatch.params["given"]) == ("二镇", "321311001")
    # S2 (118.45, 33.85) is 0.05 degrees east of 一镇's border at 118.4
    border = Geod(ellps="WGS84").inv(118.45, 33.85, 118.4, 33.85)[2]
    assert abs(float(str(mismatch.params["distance"]).replace(",", "")) - border) < 5
    text = mismatch.message("zh")
    assert "sites.csv 第 3 行" in text and "二镇" in text and "321311001" in text and "米" in text
    unknown = only(problems, "stated_township_unknown")
    assert (unknown.row, unknown.severity, unknown.params["found"]) == (4, "warning", "二镇")
    assert "321311999" in unknown.message("en")


def test_a_layer_in_several_files_is_combined(make_dataset_folder: MakeFolder) -> None:
    from conftest import write_layer

    from geo.io.load import load_dataset

    sites = default_sites()
    folder = make_dataset_folder(omit=("sites",))
    write_layer(folder / "sites-一镇.csv", sites.iloc[[0]])
    write_layer(folder / "sites-二镇.xlsx", sites.iloc[[1, 2]])
    assert validate_dataset(folder) == []
    dataset = load_dataset(folder)
    assert list(dataset.sites["id"]) == ["S1", "S2", "S3"]
    assert list(dataset.sites["township"]) == ["321311001", "321311002", "321311002"]


def test_duplicates_and_conflicts_across_files_name_both_files_and_rows(
    make_dataset_folder: MakeFolder,
) -> None:
    from conftest import write_layer

    sites = default_sites()
    folder = make_dataset_folder()  # sites.csv: S1, S2, S3
    again = sites.iloc[[0, 2]].copy()  # S1 exactly again; S3 with another radius
    again.loc[2, "radius_m"] = "800"
    write_layer(folder / "sites-二镇.csv", again)
    problems = validate_dataset(folder)
    duplicate = only(problems, "duplicate_across_files")
    assert (duplicate.severity, duplicate.file, duplicate.row) == ("warning", "sites-二镇.csv", 2)
    assert (duplicate.params["other_file"], duplicate.params["other_row"]) == ("sites.csv", 2)
    conflict = only(problems, "conflict_across_files")
    assert (conflict.severity, conflict.file, conflict.row) == ("error", "sites-二镇.csv", 3)
    assert conflict.params["other_row"] == 4 and conflict.params["columns"] == "radius_m"
    text = conflict.message("zh")
    assert "sites-二镇.csv 第 3 行" in text and "sites.csv 第 4 行" in text


def test_a_part_in_another_format_is_named(make_dataset_folder: MakeFolder) -> None:
    folder = make_dataset_folder()
    (folder / "sites-来龙镇.xls").write_bytes(b"old excel")
    problem = only(validate_dataset(folder), "file_unsupported")
    assert problem.file == "sites-来龙镇.xls"
