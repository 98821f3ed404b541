"""XLSX and CSV tables read back to the numbers of ``summary --json``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from _export_data import make_dataset

from geo.export.tables import township_table, unreached_table, write_csv, write_xlsx
from geo.summary import Summary, summarize, summary_to_json

SHEETS = ["乡镇汇总", "分群体覆盖", "缺口排名", "未覆盖村居", "资金分配", "服务点位"]
SHEETS += ["不在乡镇内的点位"]


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(make_dataset())


@pytest.fixture(scope="module")
def workbook(summary: Summary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "tables.xlsx"
    return write_xlsx(summary, path, day=date(2026, 3, 8))


def test_one_sheet_per_table_with_frozen_bold_headers(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["方法与数据说明", *SHEETS]
    assert book.worksheets[0]["B2"].value.startswith("内部")
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.cell(1, 1).font.bold


def test_number_formats_follow_the_columns(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["乡镇汇总"]
    formats = {sheet.cell(1, c).value: sheet.cell(2, c).number_format for c in range(1, 16)}
    assert formats["覆盖率"] == "0.0%"
    assert formats["服务对象"] == "#,##0"
    assert formats["建议分配（元）"] == "#,##0"
    assert formats["代码"] == "@"


def test_xlsx_reads_back_to_the_summary_json(summary: Summary, workbook: Path) -> None:
    doc = summary_to_json(summary)
    towns = pd.read_excel(workbook, sheet_name="乡镇汇总", dtype={"代码": str}).set_index("代码")
    groups = pd.read_excel(workbook, sheet_name="分群体覆盖", dtype={"代码": str})
    labels = {g.label: g.code for g in summary.groups}
    groups["code"] = groups["群体"].map(labels)
    for item in doc["townships"]:
        row = towns.loc[item["code"]]
        assert row["乡镇"] == item["name"]
        assert row["社会组织"] == item["organizations"]
        assert row["服务站点"] == item["stations"]
        assert round(row["建议比例"], 4) == item["funding_share"]
        assert row["建议分配（元）"] == item["funding_yuan"]
        mine = groups[groups["代码"] == item["code"]].set_index("code")
        for code in item["demand"]:
            assert round(mine.loc[code, "服务对象"], 2) == item["demand"][code]
            assert round(mine.loc[code, "已覆盖"], 2) == item["covered"][code]
            expected = item["coverage"][code]
            got = mine.loc[code, "覆盖率"]
            assert (pd.isna(got) and expected is None) or round(got, 3) == expected
    assert towns["建议分配（元）"].sum() == doc["totals"]["funding_yuan"]


def test_unassigned_and_sites_sheets(workbook: Path) -> None:
    outside = pd.read_excel(workbook, sheet_name="不在乡镇内的点位")
    assert outside["编号"].tolist() == ["X1"]
    sites = pd.read_excel(workbook, sheet_name="服务点位")
    assert sites.loc[sites["编号"] == "S1", "服务群体"].item() == "留守老人、留守儿童"
    assert sites.loc[sites["编号"] == "S4", "年检"].item() == "是"


def test_csv_has_a_bom_and_chinese_headers(summary: Summary, tmp_path: Path) -> None:
    path = write_csv(township_table(summary), tmp_path / "towns.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"代码": str})
    assert frame.columns[:2].tolist() == ["代码", "乡镇"]
    assert frame["乡镇"].tolist() == ["顺河街道", "新庄镇", "来龙镇"]


def test_english_headers(summary: Summary) -> None:
    table = township_table(summary, "en")
    assert table.sheet == "Townships"
    assert table.frame.columns[:3].tolist() == ["Code", "Township", "Organizations"]


def test_the_unreached_villages_sheet(summary: Summary, workbook: Path) -> None:
    sheet = pd.read_excel(workbook, sheet_name="未覆盖村居", dtype={"村居编号": str})
    expected = unreached_table(summary).frame
    headers = ["乡镇", "村居编号", "村居", "群体", "未覆盖", "最近的服务点位", "距离（米）"]
    assert list(sheet.columns) == [*headers, "该点位服务半径（米）"]
    assert list(sheet["村居编号"]) == list(expected["村居编号"])
    # the far village of each township, the near one of 来龙镇 for children (its station
    # serves elders only) and the village outside every township: 80+20 + 90+20 + 100+30+20 + 55
    assert sheet["未覆盖"].sum() == 415
    assert sheet["乡镇"].iloc[-1] == "不在任何乡镇内"
    book = openpyxl.load_workbook(workbook)["未覆盖村居"]
    assert book.cell(2, 7).number_format == "#,##0"


def test_the_screen_shows_the_rows_with_most_people_out_of_reach(summary: Summary) -> None:
    from geo.selection import count_unreached_villages

    full = unreached_table(summary).frame
    assert count_unreached_villages(summary) == len(full) == 9
    top = unreached_table(summary, most=3).frame
    # 100, 90 and 80 people out of reach, in the list's own order (by township)
    assert sorted(top["未覆盖"].tolist()) == [80.0, 90.0, 100.0]
    assert top.reset_index(drop=True).equals(
        full[full["未覆盖"] >= 80].reset_index(drop=True)
    )  # the same rows, names and nearest sites as in the whole list
    assert unreached_table(summary, most=50).frame.equals(full)
