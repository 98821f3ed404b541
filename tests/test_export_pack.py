"""The briefing pack: a real PDF with the expected pages, fonts embedded, searchable text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from _export_data import TOWNSHIP_NAMES, make_dataset

from geo.export.pack import build_pack
from geo.io.load import load_dataset
from geo.summary import summarize

pypdf = pytest.importorskip("pypdf")
DEMO = Path(__file__).resolve().parents[1] / "data" / "suyu"
DAY = date(2026, 3, 8)


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    summary = summarize(load_dataset(DEMO), groups=["elders_left_behind", "children_left_behind"])
    return build_pack(summary, tmp_path_factory.mktemp("pack") / "pack.pdf", day=DAY)


def test_pages_are_cover_overview_one_per_group_gaps_funding_chart_method(
    demo_pack: Path,
) -> None:
    reader = pypdf.PdfReader(demo_pack)
    assert len(reader.pages) == 8
    heads = [page.extract_text() for page in reader.pages]
    assert "社会服务覆盖情况汇报" in heads[0] and "示例数据（模拟）" in heads[0]
    assert "2026年3月8日" in heads[0]
    assert "所选群体覆盖率" in heads[1] and "社会组织" in heads[1]
    assert "留守老人服务覆盖情况" in heads[2]
    assert "留守儿童服务覆盖情况" in heads[3]
    assert "乡镇缺口排名" in heads[4]
    assert "建议分配" in heads[5] and "实际资助" in heads[5]
    assert "建议分配与实际资助对比" in heads[6]
    assert "方法与数据说明" in heads[7] and "最大余数" in heads[7]
    assert all(f"第 {n} 页，共 8 页" in text for n, text in enumerate(heads, start=1))


def test_every_township_name_is_searchable_text(demo_pack: Path) -> None:
    names = load_dataset(DEMO).townships["name"].tolist()
    reader = pypdf.PdfReader(demo_pack)
    assert len(names) == 12
    for page_number in (1, 2, 4, 5):  # overview map, a coverage map, gap table, funding
        text = reader.pages[page_number].extract_text()
        missing = [name for name in names if name not in text]
        assert missing == [], f"page {page_number + 1} lacks {missing}"


def test_fonts_are_embedded_truetype(demo_pack: Path) -> None:
    reader = pypdf.PdfReader(demo_pack)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
    assert "社会服务覆盖情况汇报" in reader.metadata.title


def test_english_pack_of_the_small_dataset(tmp_path: Path) -> None:
    path = build_pack(summarize(make_dataset()), tmp_path / "pack.pdf", lang="en", day=DAY)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 8  # two groups
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Social-service coverage briefing" in text and "8 Mar 2026" in text
    assert all(name in text for name in TOWNSHIP_NAMES)


def test_with_an_earlier_year_the_pack_says_what_changed(tmp_path: Path) -> None:
    from geo.compare import compare

    dataset = load_dataset(DEMO)
    earlier = load_dataset(DEMO.parent / "suyu-2020")
    summary = summarize(dataset, groups=["disabled"])
    comparison = compare(earlier, dataset, groups=["disabled"])
    path = build_pack(summary, tmp_path / "pack.pdf", day=DAY, comparison=comparison)
    reader = pypdf.PdfReader(path)
    heads = [page.extract_text() for page in reader.pages]
    assert len(heads) == 8  # cover, overview, one group, gaps, funding, chart, changes, method
    changes = heads[6]
    assert "与上年相比的变化（2020 → 2021）" in changes
    assert "覆盖率变化（百分点）" in changes
    assert f"新增站点/组织（{len(comparison.opened)}）" in changes
    worst = comparison.townships.sort_values("coverage_change_pp").iloc[0]
    assert worst["name"] in changes
    assert f"{worst['coverage_change_pp']:+.1f}" in changes
    assert "方法与数据说明" in heads[7]
