"""Static maps: the right size and resolution, Chinese without missing glyphs, the furniture."""

from __future__ import annotations

import io
import warnings
from datetime import date
from pathlib import Path

import pytest
from _export_data import TOWNSHIP_NAMES, make_dataset
from PIL import Image

from geo.export import layout as _layout
from geo.export.charts import chart_figure
from geo.export.maps import map_figure, page_text, save_figure
from geo.summary import Summary, summarize

pypdf = pytest.importorskip("pypdf")
DAY = date(2026, 3, 8)


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(make_dataset())


@pytest.mark.parametrize(("size", "pixels"), [("a4", (3508, 2480)), ("16x9", (4000, 2250))])
def test_png_is_300_dpi_at_the_page_size(
    summary: Summary, tmp_path: Path, size: str, pixels: tuple[int, int]
) -> None:
    path = save_figure(map_figure(summary, size=size, day=DAY), tmp_path / "map.png")
    with Image.open(path) as image:
        assert image.size[0] == pytest.approx(pixels[0], abs=1)  # 297 mm = 3507.9 px
        assert image.size[1] == pixels[1]
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


@pytest.mark.parametrize("view", ["indicator", "coverage", "funding"])
def test_every_view_draws_chinese_without_a_missing_glyph(summary: Summary, view: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = map_figure(summary, view=view, group="children_left_behind", day=DAY)
        fig.savefig(io.BytesIO(), format="png", dpi=50)
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []


def test_pdf_map_has_the_title_labels_and_badge_as_text(summary: Summary, tmp_path: Path) -> None:
    fig = map_figure(summary, view="coverage", group="留守老人", day=DAY)
    path = save_figure(fig, tmp_path / "map.pdf")
    text = pypdf.PdfReader(path).pages[0].extract_text()
    for expected in (*TOWNSHIP_NAMES, "宿豫区：留守老人服务覆盖情况", "示例数据 / 示意边界"):
        assert expected in text
    assert "2026年3月8日" in text


def test_svg_is_written_with_text_as_outlines(summary: Summary, tmp_path: Path) -> None:
    path = save_figure(map_figure(summary, view="funding", day=DAY), tmp_path / "map.svg")
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg  # glyphs as paths: the reader needs no Chinese font


def test_subtitle_names_groups_parameters_date_and_source(summary: Summary) -> None:
    text = page_text(summary, view="coverage", group=summary.groups[1], day=DAY)
    assert text.title == "宿豫区：留守儿童服务覆盖情况"
    assert text.subtitle[0] == "服务群体：留守儿童"
    assert text.subtitle[1] == "服务半径：留守儿童 1.5 km"
    assert "2026年3月8日" in text.subtitle[2] and "测试数据" in text.subtitle[2]
    assert text.badge == "示例数据 / 示意边界"
    funding = page_text(summary, view="funding", lang="en", day=DAY)
    assert "Budget ¥100,000" in funding.subtitle[1]


def test_real_data_has_no_demo_badge() -> None:
    text = page_text(summarize(make_dataset(demo=False)), view="indicator", day=DAY)
    assert text.badge is None
    assert "示意" not in text.footer


def test_bad_view_indicator_or_group_is_refused(summary: Summary, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="`view` must be one of"):
        map_figure(summary, view="heatmap")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`indicator` must be one of"):
        map_figure(summary, indicator="happiness")
    with pytest.raises(ValueError, match="not among the summary's groups"):
        map_figure(summary, view="coverage", group="disabled")
    with pytest.raises(ValueError, match="a map is written as"):
        save_figure(map_figure(summary, day=DAY), tmp_path / "map.jpg")


@pytest.mark.parametrize("chart", ["gaps", "funding"])
def test_charts_draw_with_the_title_block(summary: Summary, tmp_path: Path, chart: str) -> None:
    path = save_figure(chart_figure(summary, chart=chart, day=DAY), tmp_path / "chart.pdf")
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert all(name in text for name in TOWNSHIP_NAMES)


def test_north_arrow_follows_the_meridian_convergence() -> None:
    from geo.projection import local_metric_crs

    crs = local_metric_crs((118.3, 33.9, 118.6, 34.0))  # UTM 50N, central meridian 117 E
    assert _layout.north_angle_deg(crs, 117.0, 34.0) == pytest.approx(0.0, abs=1e-6)
    east = _layout.north_angle_deg(crs, 118.4, 34.0)
    assert -1.0 < east < -0.5  # east of the central meridian true north leans west


def test_wrap_text_keeps_width_and_never_starts_a_line_with_a_comma() -> None:
    text = (
        "覆盖：村居的某类服务对象，若至少有一个服务该群体的点位"
        "位于其服务半径之内（含边界），即计为已覆盖。"
    )
    lines = _layout.wrap_text(text, 20)
    assert "".join(lines) == text
    assert all(_layout.display_width(line) <= 24 for line in lines)  # + a closing sign
    assert not any(line[0] in "，。）" for line in lines)
    assert _layout.wrap_text("one two three", 8) == ["one two", "three"]
