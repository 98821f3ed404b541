"""Download tables, blank templates and uploads: the files are what they claim."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box, mapping
from small_dataset import make_dataset

from geo.dataset import Group
from geo.export.tables import csv_bytes, funding_table, gap_table, report_table, xlsx_bytes
from geo.io.config import read_config
from geo.io.templates import DATASET_TOML_EXAMPLE, TEMPLATE_LAYERS, template_frame, template_xlsx
from geo.io.uploads import UploadError, unpack_upload
from geo.io.validate import validate_dataset
from geo.summary import summarize


def test_funding_table_has_chinese_headers_and_adds_up_to_the_budget() -> None:
    summary = summarize(make_dataset())
    table = funding_table(summary, "zh").frame
    assert list(table.columns)[:3] == ["代码", "乡镇", "未覆盖"]
    assert table["建议分配（元）"].sum() == 100000
    assert funding_table(summary, "en").frame.columns[1] == "Township"


def test_gap_table_is_ranked_by_people_out_of_reach() -> None:
    table = gap_table(summarize(make_dataset()), "zh").frame
    assert list(table["代码"]) == ["T1", "T3", "T4", "T2"]
    assert list(table["未覆盖"]) == [80, 40, 30, 0]


def test_csv_has_a_bom_and_reads_back() -> None:
    data = csv_bytes(funding_table(summarize(make_dataset()), "zh"))
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["乡镇"]) == ["一镇", "二镇", "三镇", "四镇"]


def test_xlsx_reads_back_with_a_frozen_header() -> None:
    table = funding_table(summarize(make_dataset()), "zh")
    data = xlsx_bytes(table)
    back = pd.read_excel(io.BytesIO(data), sheet_name=table.sheet)
    assert back["建议分配（元）"].sum() == 100000
    assert openpyxl.load_workbook(io.BytesIO(data))[table.sheet].freeze_panes == "A2"


def test_a_ready_made_table_keeps_its_index_and_coordinates() -> None:
    frame = pd.DataFrame(
        {"编号": ["001"], "经度": [118.123456], "增益": [12]},
        index=pd.Index([1], name="序号"),
    )
    table = report_table(frame, "选址")
    assert list(table.frame.columns) == ["序号", "编号", "经度", "增益"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table)))["选址"]
    assert sheet["B2"].value == "001"
    assert sheet["C2"].number_format == "General"
    assert sheet["D2"].number_format == "#,##0"


def _write_template_dataset(folder: Path) -> None:
    groups = _example_groups(folder)
    for layer in ("sites", "demand", "projects"):
        (folder / f"{layer}.xlsx").write_bytes(template_xlsx(layer, groups))
    # the example coordinates are GCJ-02 (as the example dataset.toml says): a box around them
    township = {"type": "Feature", "properties": {"代码": "321311113", "名称": "新庄镇"},
                "geometry": mapping(box(118.40, 33.92, 118.50, 34.00))}  # fmt: skip
    (folder / "townships.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [township]}), encoding="utf-8"
    )


def _example_groups(folder: Path) -> tuple[Group, ...]:
    (folder / "dataset.toml").write_text(DATASET_TOML_EXAMPLE, encoding="utf-8")
    config, problems = read_config(folder)
    assert config is not None, problems
    return config.groups


def test_filled_in_templates_make_a_valid_dataset(tmp_path: Path) -> None:
    _write_template_dataset(tmp_path)
    problems = validate_dataset(tmp_path)
    assert [p for p in problems if p.severity == "error"] == []


def test_templates_have_chinese_headers_for_every_layer() -> None:
    groups = make_dataset().groups
    assert set(TEMPLATE_LAYERS) == {"townships", "sites", "demand", "projects"}
    assert list(template_frame("demand", groups).columns)[-2:] == ["留守老人", "留守儿童"]
    assert template_frame("sites", groups).at[0, "服务群体"] == "留守老人；留守儿童"
    with pytest.raises(ValueError, match=r"`layer` must be one of 'townships'.*got 'roads'"):
        template_frame("roads", groups)


def test_unpack_a_zipped_folder_and_loose_files(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mydata/dataset.toml", "x")
        archive.writestr("mydata/sites.csv", "id")
        archive.writestr("__MACOSX/mydata/._sites.csv", "junk")
    (tmp_path / "a").mkdir()
    found = unpack_upload([("mydata.zip", buffer.getvalue())], tmp_path / "a")
    assert found == tmp_path / "a" / "mydata"
    assert (found / "sites.csv").read_text() == "id"
    (tmp_path / "b").mkdir()
    loose = unpack_upload([("dataset.toml", b"x"), ("townships.shp.zip", b"PK")], tmp_path / "b")
    assert loose == tmp_path / "b" and (loose / "townships.shp.zip").is_file()


def test_broken_or_unsafe_zips_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadError):
        unpack_upload([("data.zip", b"not a zip")], tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.txt", "x")
    with pytest.raises(UploadError, match=r"outside its folder: \.\./evil\.txt"):
        unpack_upload([("data.zip", buffer.getvalue())], tmp_path)


def test_an_unreadable_zip_is_named_in_the_ui_language(tmp_path: Path) -> None:
    with pytest.raises(UploadError) as raised:
        unpack_upload([("folder/村居数据.zip", b"not a zip")], tmp_path)
    assert raised.value.file == "村居数据.zip"
    assert raised.value.message("zh").startswith("村居数据.zip 不是有效的 zip 压缩包")
    assert raised.value.message("en").startswith("村居数据.zip is not a valid zip archive")
