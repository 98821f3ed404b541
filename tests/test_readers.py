"""Readers: encodings, spreadsheets, spatial formats, row numbers and files that cannot be read."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from conftest import default_sites, default_townships, write_layer
from openpyxl import Workbook
from shapely.geometry import box

from geo.errors import DatasetError
from geo.io import readers
from geo.io.readers import find_layer_file, normalize_name, read_layer, read_table

CHINESE_CSV = "编号,名称,经度\n001,顺河街道社工站,118.35\n002,豫新街道妇女之家,118.31\n"


def problem_of(call: object, *args: object) -> tuple[str, str]:
    with pytest.raises(DatasetError) as caught:
        call(*args)  # type: ignore[operator]
    (problem,) = caught.value.problems
    return problem.code, problem.file


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings_with_chinese_headers(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "sites.csv"
    text = CHINESE_CSV.replace(",", "\t") if encoding == "utf-16" else CHINESE_CSV
    path.write_bytes(text.encode(encoding))
    frame = read_table(path)
    assert frame.columns.tolist() == ["编号", "名称", "经度"]
    assert frame["编号"].tolist() == ["001", "002"]
    assert frame["名称"].tolist() == ["顺河街道社工站", "豫新街道妇女之家"]


def test_gbk_bytes_really_are_not_utf8(tmp_path: Path) -> None:
    data = CHINESE_CSV.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "demand.csv"
    path.write_bytes(data)
    assert read_table(path).iloc[1, 1] == "豫新街道妇女之家"


def test_rows_keep_their_spreadsheet_numbers(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id,name\n a ,x\n\n,\n b,y\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.index.tolist() == [2, 5]
    assert frame["id"].tolist() == ["a", "b"]


def test_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("站点名单（2021年）,,\n编号,名称,经度\nS1,a,118.3\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.columns.tolist() == ["编号", "名称", "经度"]
    assert frame.index.tolist() == [3]
    workbook = Workbook()
    workbook.active.append(["站点名单"])
    workbook.active.append([])
    workbook.active.append(["编号", "名称", None])
    workbook.active.append(["S1", "a", None])
    workbook.save(tmp_path / "sites.xlsx")
    frame = read_table(tmp_path / "sites.xlsx")
    assert frame.to_dict("list") == {"编号": ["S1"], "名称": ["a"]}
    assert frame.index.tolist() == [4]


def test_single_column_table_is_not_mistaken_for_a_title(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id\nS1\nS2\n", encoding="utf-8")
    assert read_table(path)["id"].tolist() == ["S1", "S2"]


def test_semicolon_separated_csv(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id;lon\nS1;118,35\n", encoding="utf-8")
    assert read_table(path).to_dict("list") == {"id": ["S1"], "lon": ["118,35"]}


def test_ragged_rows_are_padded_and_both_short_and_long_rows_reported(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id,name\nS1\nS2,b,,\nS3,c,oops\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.to_dict("list") == {"id": ["S1", "S2", "S3"], "name": ["", "b", "c"]}
    problems = frame.attrs["problems"]
    found = [(p.code, p.row, p.params["found"], p.params["expected"]) for p in problems]
    assert found == [("short_row", 2, 1, 2), ("extra_cells", 4, 3, 2)]


def test_a_deleted_comma_is_reported_not_read_as_a_blank_last_cell(tmp_path: Path) -> None:
    """The fast path (no long rows): the counts would shift one column left, the last read 0."""
    path = tmp_path / "demand.csv"
    path.write_text("id,a,b,c\nV1,1,2,3\nV2,4,56\n\nV3,7,8,9\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.index.tolist() == [2, 3, 5]
    (problem,) = frame.attrs["problems"]
    assert (problem.code, problem.row, problem.params) == (
        "short_row",
        3,
        {"found": 3, "expected": 4},
    )
    assert "3" in problem.message("en") and "4" in problem.message("zh")


def test_xlsx_cells_read_as_typed(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["this sheet explains the columns"])
    sheet = workbook.create_sheet("sites")
    sheet.append(["编号", "经度", "服务能力", "年检"])
    sheet.append(["001", 118.35, 300.0, True])
    sheet.append([None, None, None, None])
    sheet.append([7, 118.4, 12.5, None])
    workbook.save(tmp_path / "sites.xlsx")
    frame = read_table(tmp_path / "sites.xlsx")
    assert frame.index.tolist() == [2, 4]
    assert frame.to_dict("list") == {
        "编号": ["001", "7"],
        "经度": ["118.35", "118.4"],
        "服务能力": ["300", "12.5"],
        "年检": ["true", ""],
    }


def test_xlsx_first_sheet_when_none_is_named_like_the_layer(tmp_path: Path) -> None:
    write_layer(tmp_path / "demand.xlsx", default_sites())  # sheet "demand"
    workbook = Workbook()
    workbook.active.append(["id"])
    workbook.active.append(["A"])
    workbook.save(tmp_path / "projects.xlsx")
    assert read_table(tmp_path / "projects.xlsx")["id"].tolist() == ["A"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("sites.csv", b"", "file_empty"),
        ("sites.csv", b"  \r\n\n", "file_empty"),
        ("sites.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "file_format_mismatch"),
        ("sites.csv", b"PK\x03\x04rest-of-an-xlsx", "file_format_mismatch"),
        ("sites.csv", bytes(range(256)) * 4, "file_binary"),
        ("sites.xlsx", b"\x01\x02\x00garbage", "xlsx_invalid"),
        ("sites.xlsx", b"PK\x03\x04 but broken", "xlsx_invalid"),
        ("sites.xlsx", b"id,name\n", "file_format_mismatch"),
    ],
)
def test_unreadable_tables(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problem_of(read_table, path) == (code, name)


def test_random_bytes_are_never_a_traceback(tmp_path: Path) -> None:
    rng = np.random.default_rng(2021)
    outcomes = set()
    for size in (1, 10, 100, 5000):
        for name in ("sites.csv", "sites.xlsx", "sites.geojson", "sites.gpkg"):
            path = tmp_path / name
            path.write_bytes(rng.integers(1, 256, size, dtype=np.uint8).tobytes())
            try:
                read_layer(path)  # a few bytes can pass as a one-column CSV header
            except DatasetError as error:
                (problem,) = error.problems
                assert problem.file == name
                outcomes.add(problem.code)
    assert outcomes >= {"file_binary", "xlsx_invalid", "file_format_mismatch"}


def test_geojson_numeric_codes_read_as_text(tmp_path: Path) -> None:
    townships = default_townships()
    townships["code"] = [321311001, 321311002]
    write_layer(tmp_path / "townships.geojson", townships)
    assert (
        json.loads((tmp_path / "townships.geojson").read_text())["features"][0]["properties"][
            "code"
        ]
        == 321311001
    )
    frame = read_layer(tmp_path / "townships.geojson")
    assert frame["code"].tolist() == ["321311001", "321311002"]
    assert frame.index.tolist() == [1, 2]


def test_geojson_list_properties_read_as_list_cells(tmp_path: Path) -> None:
    features = [
        {"groups": ["elders", "children"], "n": [1, 2.5]},
        {"groups": ["留守儿童"], "n": [3]},
        {"groups": [], "n": None},
        {"groups": None, "n": []},
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": None} for props in features
        ],
    }
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    frame = read_layer(path)
    assert frame["groups"].tolist() == ["elders;children", "留守儿童", "", ""]
    assert frame["n"].tolist() == ["1;2.5", "3", "", ""]


def test_truncated_geojson_names_the_position(tmp_path: Path) -> None:
    path = tmp_path / "townships.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [{"type": "Feat', encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_layer(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["line"]) == ("json_invalid", 2)


def test_geopackage(tmp_path: Path) -> None:
    write_layer(tmp_path / "townships.gpkg", default_townships())
    frame = read_layer(tmp_path / "townships.gpkg")
    assert frame["name"].tolist() == ["一镇", "二镇"]
    assert frame.crs.to_epsg() == 4326


def test_geopackage_with_several_layers_needs_the_layer_name(tmp_path: Path) -> None:
    path = tmp_path / "townships.gpkg"
    default_townships().to_file(path, layer="boundaries")
    default_townships().to_file(path, layer="other")
    assert problem_of(read_layer, path) == ("layer_ambiguous", "townships.gpkg")
    default_townships().iloc[:1].to_file(path, layer="townships")
    assert len(read_layer(path)) == 1


def test_zipped_shapefile_in_a_projected_crs(tmp_path: Path) -> None:
    write_layer(tmp_path / "townships.shp.zip", default_townships().to_crs(4549))
    frame = read_layer(tmp_path / "townships.shp.zip")
    assert frame.crs.to_epsg() == 4549
    assert frame["name"].tolist() == ["一镇", "二镇"]


def test_zipped_shapefile_in_gbk_without_cpg(tmp_path: Path) -> None:
    """Shapefiles from Chinese desktop GIS often carry GBK names and no .cpg file."""
    work = tmp_path / "shp"
    work.mkdir()
    default_townships().to_file(work / "t.shp", encoding="GBK")
    (work / "t.cpg").unlink(missing_ok=True)
    with zipfile.ZipFile(tmp_path / "townships.shp.zip", "w") as archive:
        for part in work.iterdir():
            archive.write(part, part.name)
    assert read_layer(tmp_path / "townships.shp.zip")["name"].tolist() == ["一镇", "二镇"]


def test_find_layer_file(tmp_path: Path) -> None:
    assert find_layer_file(tmp_path, "sites") is None
    (tmp_path / "Sites.CSV").write_text("id\n")
    (tmp_path / "sites_old.xlsx").write_text("")
    assert find_layer_file(tmp_path, "sites") == tmp_path / "Sites.CSV"
    (tmp_path / "sites.geojson").write_text("")
    with pytest.raises(DatasetError) as caught:
        find_layer_file(tmp_path, "sites")
    assert caught.value.problems[0].params["files"] == ["Sites.CSV", "sites.geojson"]


def test_shapefile_parts_outside_a_zip_are_not_accepted(tmp_path: Path) -> None:
    gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326).to_file(tmp_path / "townships.shp")
    assert problem_of(find_layer_file, tmp_path, "townships")[0] == "file_unsupported"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Radius_m", "radiusm"),
        (" radius m ", "radiusm"),
        ("radius_m（米）", "radiusm"),
        ("服务半径(米)", "服务半径"),
        ("服务半径　（米）", "服务半径"),
        ("资助金额（元）", "资助金额"),
        ("ＬＯＮ", "lon"),
        ("(米)", "(米)"),
    ],
)
def test_normalize_name(written: str, key: str) -> None:
    assert normalize_name(written) == key


def _random_csv(rng: np.random.Generator) -> str:
    """A small CSV of plain, blank, short and long rows, as offices' files come."""
    width = int(rng.integers(1, 5))
    sep = str(rng.choice([",", "\t", ";"]))
    cells = ["", " ", "a", "中文", "\u3000", "x y", "NA", "null", "1.5", "#", "nan", "-"]
    names = ["c0", "c1", "c2", "c3", " ", "中", "c0"]
    header = sep.join(str(rng.choice(names)) for _ in range(width))
    rows = []
    for _ in range(int(rng.integers(0, 7))):
        count = int(rng.choice([0, width, width, width, width - 1, width + 1]))
        rows.append(sep.join(str(rng.choice(cells)) for _ in range(max(count, 0))))
    end = str(rng.choice(["\n", "\r\n", ""]))
    newline = "\r\n" if end == "\r\n" else "\n"
    return header + newline + newline.join(rows) + end


def test_the_arrow_reader_reads_plain_csvs_as_pandas_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick path (Arrow) gives the same frame, row numbers and problems as pandas."""
    rng = np.random.default_rng(15)
    texts = [_random_csv(rng) for _ in range(600)]

    def read(text: str) -> tuple[object, ...]:
        try:
            frame = readers._parse_csv("f.csv", text)
        except DatasetError as error:
            return ("error", [p.code for p in error.problems])
        problems = [(p.code, p.row, p.params) for p in frame.attrs["problems"]]
        cells = (list(frame.columns), list(frame.index), frame.to_numpy().tolist())
        return (cells, [str(d) for d in frame.dtypes], problems)

    def quick_path(text: str) -> bool:
        sep = readers._sniff_delimiter(text)
        lines = readers._plain_lines(text, sep)
        return lines is not None and readers._read_plain_csv(lines, sep) is not None

    assert sum(map(quick_path, texts)) > 30  # Arrow read a good many of them
    quick = [read(text) for text in texts]
    monkeypatch.setattr(readers, "_read_plain_csv", lambda *_: None)
    assert quick == [read(text) for text in texts]


def test_short_rows_are_counted_by_numpy_as_by_the_csv_module() -> None:
    rng = np.random.default_rng(16)
    for _ in range(300):
        text = _random_csv(rng).replace(";", ",").replace("\t", ",")
        frame = readers._parse_csv("f.csv", text)
        lines = readers._plain_lines(text, ",")
        if lines is None or "extra_cells" in {p.code for p in frame.attrs["problems"]}:
            continue
        quick = readers._short_plain_rows("f.csv", lines, ",", frame)
        slow = readers._short_quoted_rows("f.csv", text, ",", frame)
        assert [(p.row, p.params) for p in quick] == [(p.row, p.params) for p in slow], text
