"""Static maps: the right size and resolution, Chinese without missing glyphs, the furniture."""

from __future__ import annotations

import io
import math
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from _export_data import TOWNSHIP_NAMES, make_dataset
from builder import build_dataset
from matplotlib.axes import Axes
from matplotlib_scalebar.scalebar import ScaleBar
from PIL import Image

from geo.dataset import Group
from geo.export import layout as _layout
from geo.export.charts import chart_figure
from geo.export.maps import (
    catchment_discs,
    map_figure,
    page_text,
    project_layers,
    save_figure,
    zoom_to_township,
)
from geo.projection import drawing_crs
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
    crs = drawing_crs((118.3, 33.9, 118.6, 34.0))  # UTM 50N, central meridian 117 E
    assert _layout.north_angle_deg(crs, 117.0, 34.0) == pytest.approx(0.0, abs=1e-6)
    east = _layout.north_angle_deg(crs, 118.4, 34.0)
    assert -1.0 < east < -0.5  # east of the central meridian true north leans west


# A country-wide dataset: a 10 km square township in each of four cities, one site in each.
CITIES = {"喀什": (75.99, 39.47), "上海": (121.47, 31.23), "哈尔滨": (126.63, 45.75),
          "三亚": (109.51, 18.25)}  # fmt: skip
GEOD = pyproj.Geod(ellps="WGS84")


def _national() -> Summary:
    half = 5_000 * math.sqrt(2)  # the corners of a 10 km square, from its centre
    towns = []
    for lon, lat in CITIES.values():
        corners = [GEOD.fwd(lon, lat, bearing, half)[:2] for bearing in (225, 135, 45, 315)]
        towns.append(shapely.Polygon(corners))
    codes = [f"T{n}" for n in range(len(CITIES))]
    points = [shapely.Point(p) for p in CITIES.values()]
    return summarize(
        build_dataset(
            groups=(Group("elders_left_behind", "留守老人", 2000.0),),
            townships={"code": codes, "name": list(CITIES), "geometry": towns},
            sites={
                "id": codes,
                "name": list(CITIES),
                "groups": [("elders_left_behind",)] * 4,
                "geometry": points,
            },
            demand={"id": codes, "elders_left_behind": [10] * 4, "geometry": points},
        )
    )


@pytest.fixture(scope="module")
def national() -> Summary:
    return _national()


def _bar_ground_m(ax: Axes, crs: pyproj.CRS) -> tuple[float, float]:
    """The scale bar's label in metres, and the ground length of a line as long drawn
    east-west through the centre of the view."""
    bar = next(a for a in ax.artists if isinstance(a, ScaleBar))
    label_m = bar.info.value * {"Mm": 1e6, "km": 1e3, "m": 1.0}[bar.info.units]
    x, y = sum(ax.get_xlim()) / 2, sum(ax.get_ylim()) / 2
    half = bar.info.length_px / 2  # matplotlib-scalebar's "px" are the axes' data units
    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([x - half, x + half], [y, y])
    return label_m, float(GEOD.inv(lon0, lat0, lon1, lat1)[2])


def test_a_national_map_is_drawn_in_a_conic_and_its_scale_bar_is_true(national: Summary) -> None:
    layers = project_layers(national.dataset)
    assert layers.crs.coordinate_operation.method_name == "Lambert Conic Conformal (2SP)"
    fig = map_figure(national, day=DAY, layers=layers)
    fig.savefig(io.BytesIO(), format="png", dpi=50)
    label_m, ground_m = _bar_ground_m(fig.axes[0], layers.crs)
    assert label_m >= 500_000  # a country: the bar is hundreds of kilometres
    bar = next(a for a in fig.axes[0].artists if isinstance(a, ScaleBar))
    assert bar.info.scale_text == f"{label_m / 1000:g} km"  # not "1 Mm"
    assert ground_m == pytest.approx(label_m, rel=1e-3)
    # Zoomed to Kashgar (25° west of the centre): the bar and the arrow are measured there.
    zoom_to_township(fig.axes[0], layers, "T0")
    fig.savefig(io.BytesIO(), format="png", dpi=50)
    label_m, ground_m = _bar_ground_m(fig.axes[0], layers.crs)
    assert label_m < 20_000
    assert ground_m == pytest.approx(label_m, rel=1e-3)
    arrows = [a for a in fig.axes[0].child_axes if a.get_gid() == "north-arrow"]
    assert len(arrows) == 1  # the first arrow was replaced, not covered


def test_a_township_in_kashgar_is_drawn_square_with_its_catchment_true(national: Summary) -> None:
    layers = project_layers(national.dataset)
    kashgar = layers.townships.geometry["T0"]
    minx, miny, maxx, maxy = kashgar.bounds
    assert (maxx - minx) / (maxy - miny) == pytest.approx(1.0, rel=0.01)
    # The 2 km disc is 2 km on the ground: its edge due north of the site is 2 km away.
    disc = catchment_discs(layers.sites.geometry.iloc[:1], np.array([2000.0]))[0]
    x = layers.sites.geometry.iloc[0].x
    to_lonlat = pyproj.Transformer.from_crs(layers.crs, "EPSG:4326", always_xy=True)
    top = to_lonlat.transform(x, shapely.bounds(disc)[3])
    assert GEOD.inv(*CITIES["喀什"], *top)[2] == pytest.approx(2000.0, rel=1e-3)


def test_the_north_arrow_points_north_on_a_map_of_china() -> None:
    crs = drawing_crs((73.5, 18.2, 134.8, 53.6))
    lon0 = (73.5 + 134.8) / 2
    assert _layout.north_angle_deg(crs, lon0, 30.0) == pytest.approx(0.0, abs=1e-9)
    # A conic's meridians meet at its apex: the convergence is n (lon0 - lon), with n the
    # cone constant; on the sphere n = ln(cos p1 / cos p2) / ln(tan(45 + p2/2) / tan(45 + p1/2)).
    p1, p2 = (math.radians(18.2 + 35.4 * k / 6) for k in (1, 5))
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
        math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)
    )
    kashgar = _layout.north_angle_deg(crs, 75.99, 39.47)
    assert kashgar == pytest.approx(n * (lon0 - 75.99), abs=0.2)  # about 16° clockwise
    assert _layout.north_angle_deg(crs, 2 * lon0 - 75.99, 39.47) == pytest.approx(-kashgar)


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
