"""Security: a public export of a dataset built to have small counts shows none of them.

The dataset is the one of tests/test_privacy.py (k = 5): village counts 1-4 in every township,
township A's hidden 3 recoverable by subtraction in the internal tables.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from test_privacy import small_counts_summary

from geo.cli.export import ExportOptions, export_summary
from geo.export.maps import edition_layers, project_layers
from geo.privacy import public_summary
from geo.summary import Summary

pypdf = pytest.importorskip("pypdf")
DAY = date(2026, 11, 30)  # no small number in the printed date

# Headers of the people columns of the tables (zh): 服务对象, 已覆盖, 未覆盖.
COUNT_HEADERS = ("服务对象", "已覆盖", "未覆盖")


@pytest.fixture(scope="module")
def summary() -> Summary:
    return small_counts_summary()


def _people_cells(rows: list[list[object]]) -> list[object]:
    header = [str(h) for h in rows[0]]
    columns = [i for i, h in enumerate(header) if h.startswith(COUNT_HEADERS)]
    return [row[i] for row in rows[1:] for i in columns]


def _small(values: list[object]) -> list[object]:
    return [v for v in values if isinstance(v, int | float) and 0 < v < 5]


def _xlsx_rows(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def test_internal_tables_show_the_small_counts(summary: Summary, tmp_path: Path) -> None:
    """The control: without --public the counts a public export must hide are there."""
    sheets = _xlsx_rows(export_summary(summary, "tables", tmp_path / "t.xlsx"))
    assert _small(_people_cells(sheets["分群体覆盖"]))  # E: 3 out of reach


def test_no_small_count_in_the_public_workbook(summary: Summary, tmp_path: Path) -> None:
    path = export_summary(summary, "tables", tmp_path / "t.xlsx", ExportOptions(public=True))
    sheets = _xlsx_rows(path)
    first = next(iter(sheets.values()))
    assert str(first[1][1]).startswith("公开")
    for name, rows in sheets.items():
        if rows and any(str(h).startswith(COUNT_HEADERS) for h in rows[0]):
            assert _small(_people_cells(rows)) == [], name
    groups = {(r[0], r[2]): r for r in sheets["分群体覆盖"][1:]}
    assert groups[("A", "困境儿童")][3] == "*"  # 22 - 12 - 7 would give A2 = 3 away


def test_no_small_count_in_the_public_csv(summary: Summary, tmp_path: Path) -> None:
    path = export_summary(summary, "tables", tmp_path / "t.csv", ExportOptions(public=True))
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    numbers = [float(v) for v in _people_cells(rows) if re.fullmatch(r"[\d.]+", str(v))]  # type: ignore[arg-type]
    assert _small(numbers) == []  # type: ignore[arg-type]
    assert {"*", "<5"} <= set(_people_cells(rows))  # type: ignore[arg-type]


def test_cli_public_flag(tmp_path: Path) -> None:
    """``geo export --public`` on a dataset folder; a kind without a public version is refused."""
    out = tmp_path / "public.xlsx"
    demo = Path(__file__).resolve().parents[1] / "data" / "suyu"
    run = [sys.executable, "-m", "geo", "export", str(demo), "--what", "tables", "--public"]
    done = subprocess.run([*run, "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert str(_xlsx_rows(out)["方法与数据说明"][1][1]).startswith("公开")
    sheets = [*run[:-3], "--what", "township", "--public", "--out", str(tmp_path / "p.pdf")]
    refused = subprocess.run(sheets, capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr and "--public" in refused.stderr


def test_no_small_count_in_the_public_html_map(summary: Summary, tmp_path: Path) -> None:
    options = ExportOptions(indicator="unreached", public=True)
    page = export_summary(summary, "html", tmp_path / "m.html", options).read_text("utf-8")
    assert "公开" in page
    internal = export_summary(
        summary, "html", tmp_path / "i.html", ExportOptions(indicator="unreached")
    )
    said = re.compile(r"未覆盖(?:人数：| )(\d+)")
    assert {int(n) for n in said.findall(internal.read_text("utf-8"))} & {1, 2, 3, 4}  # control
    assert [n for n in said.findall(page) if 0 < int(n) < 5] == []
    assert "未覆盖人数：*" in page  # township A's 7 + hidden 3 is protected


def test_public_unreached_sheet_leaves_out_the_small_groups(
    summary: Summary, tmp_path: Path
) -> None:
    """A row names a village: with "<5" people it would point at a household, so it goes."""
    internal = _xlsx_rows(export_summary(summary, "tables", tmp_path / "i.xlsx"))
    public = _xlsx_rows(
        export_summary(summary, "tables", tmp_path / "p.xlsx", ExportOptions(public=True))
    )
    ids = {name: sorted(str(r[1]) for r in rows[1:]) for name, rows in (
        ("internal", internal["未覆盖村居"]), ("public", public["未覆盖村居"])
    )}  # fmt: skip
    assert ids["internal"] == ["A3", "B1", "B2", "B3", "C1", "C2", "C3", "D1", "D2", "D3", "E2"]
    assert ids["public"] == ["A3", "B3", "C3", "D3"]


# Numbers a page prints that are no count of people: dates, distances, shares, yuan, page
# numbers, group weights, the contents list, ranks and sites of the gap table, site counts.
_NOT_COUNTS = [
    r"\d{4}年\d{1,2}月\d{1,2}日",
    r"\d[\d,.]*\s*(?:km|m|%|元)",
    r"第 \d+ 页，共 \d+ 页",
    r"权重[^\n]*",
    r"(?m)^\s*\d+ {2}",  # contents: page number, two spaces, title
    r"(?m)^\d+ (?=\S+镇 )",  # gap table: the rank
    r"(?m)(?<=镇 )(\S+ \S+ \S+ \S+) \d+$",  # gap table: the sites after four figures
    r"(?:社会组织|服务站点) \d+",
    r"(?m)^困境儿童 [\d,]+ \d+",  # method table: radius and weight
]


def _small_numbers(text: str) -> list[str]:
    """Whole numbers 1-4 printed as such (not "<5", not part of a larger number)."""
    for pattern in _NOT_COUNTS:
        text = re.sub(pattern, lambda m: m.group(1) if m.re.groups else " ", text)
    return re.findall(r"(?<![\d.,<])[1-4](?![\d.,])", text)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize(
    ("what", "options"),
    [
        ("pack", {}),
        ("map", {"view": "coverage"}),
        ("map", {"indicator": "unreached"}),
        ("chart", {}),
    ],
    ids=["pack", "coverage-map", "unreached-map", "gap-chart"],
)
def test_no_small_count_in_the_public_pdfs(
    summary: Summary, tmp_path: Path, what: str, options: dict[str, str]
) -> None:
    """Every count 1-4 of the internal edition (the control) is gone from the public one."""
    internal = _pdf_text(
        export_summary(summary, what, tmp_path / "i.pdf", ExportOptions(day=DAY, **options))
    )
    public = _pdf_text(
        export_summary(
            summary, what, tmp_path / "p.pdf", ExportOptions(day=DAY, public=True, **options)
        )
    )
    assert "内部" in internal and "公开" in public
    if what != "map" or options.get("indicator"):
        assert _small_numbers(internal)  # the detector finds them where they are
    assert _small_numbers(public) == [], public


def test_the_public_pack_protects_the_subtraction_case(summary: Summary, tmp_path: Path) -> None:
    """Township A: 22 people, 12 and 7 shown: exact 22 would give A2 = 3 away."""
    path = export_summary(summary, "pack", tmp_path / "p.pdf", ExportOptions(public=True))
    gaps = next(
        p.extract_text() for p in pypdf.PdfReader(path).pages if "排名 乡镇" in p.extract_text()
    )
    assert re.search(r"A镇 \* \* \* \*", gaps)  # people, covered, unreached, coverage
    assert re.search(r"E镇 13 \* <5 \*", gaps)  # E: people exact, the covered split not
    assert "22" not in gaps


def test_the_public_map_places_no_village_of_a_small_group(summary: Summary) -> None:
    """The drawn villages of the public edition are those with a count of at least k."""
    layers = edition_layers(project_layers(summary.dataset), public_summary(summary))
    drawn = set(layers.demand.loc[layers.demand["kids"] > 0, "id"])
    assert drawn == {"A1", "A3", "B3", "C3", "D3", "E3"}
