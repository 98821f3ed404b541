"""Page furniture shared by every static map and pack page.

Sizes, title block, footer, scale bar and north arrow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import matplotlib.patheffects as path_effects
import numpy as np
import pyproj
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib_scalebar.scalebar import ScaleBar

from geo.errors import check_choice
from geo.projection import point_scale
from geo.summary import Summary
from geo.text.i18n import display_width, t

PageSize = Literal["a4", "16x9"]

#: Page sizes in inches: A4 landscape (297 x 210 mm) and a 16:9 slide (33.867 x 19.05 cm).
PAGE_SIZES: Final[dict[str, tuple[float, float]]] = {
    "a4": (297 / 25.4, 210 / 25.4),
    "16x9": (13 + 1 / 3, 7.5),
}

INK: Final = "#1f2328"
MUTED: Final = "#57606a"
ALERT: Final = "#b42318"
HALO: Final = [path_effects.withStroke(linewidth=2.6, foreground="white")]

# Figure fractions: title block on top, map on the left, a side panel on the right.
MAP_RECT: Final = (0.03, 0.075, 0.64, 0.77)
PANEL_RECT: Final = (0.70, 0.075, 0.27, 0.77)


@dataclass(frozen=True)
class PageText:
    """The words around a map: title, subtitle lines, a demo badge and the footer."""

    title: str
    subtitle: tuple[str, ...]
    footer: str
    badge: str | None = None


def page_size(size: str) -> tuple[float, float]:
    """Width and height in inches for ``"a4"`` (landscape) or ``"16x9"``."""
    return PAGE_SIZES[check_choice("size", size, PAGE_SIZES)]


def new_page(size: str = "a4") -> Figure:
    """A blank white figure of the page size (not attached to pyplot, so it is thread-safe)."""
    return Figure(figsize=page_size(size), facecolor="white")


def draw_page_text(fig: Figure, text: PageText) -> float:
    """Title, subtitle, optional demo badge (top right) and footer on ``fig``.

    Subtitle and footer lines are wrapped to the page width. Returns the figure y just
    below the subtitle, so that the map can start there.
    """
    scale = fig.get_figwidth() / PAGE_SIZES["a4"][0]
    fig.text(0.03, 0.955, text.title, size=20 * scale, weight="bold", color=INK, va="top")
    sub_size = 9.5 * scale
    lines = [part for line in text.subtitle for part in wrap_text(line, _units(fig, sub_size))]
    fig.text(0.03, 0.905, "\n".join(lines), size=sub_size, color=MUTED, va="top", linespacing=1.5)
    if text.badge:
        fig.text(
            0.97, 0.955, text.badge, size=10 * scale, weight="bold", color=ALERT, ha="right",
            va="top", bbox={"boxstyle": "round,pad=0.4", "fc": "#fff5f5", "ec": ALERT, "lw": 1},
        )  # fmt: skip
    foot_size = 7.5 * scale
    footer = "\n".join(wrap_text(text.footer, _units(fig, foot_size, share=0.85)))
    fig.text(0.03, 0.025, footer, size=foot_size, color=MUTED, va="bottom")
    return 0.905 - len(lines) * sub_size * 1.5 / 72 / fig.get_figheight()


def _units(fig: Figure, size_pt: float, *, share: float = 0.94) -> int:
    """Half-width characters that fit in ``share`` of the page width at ``size_pt``."""
    return int(share * fig.get_figwidth() * 72 / (0.52 * size_pt))


def add_scale_bar(ax: Axes, crs: pyproj.CRS, *, font: FontProperties | None = None) -> None:
    """A metric scale bar in the lower left, true on the ground at the centre of the view.

    The axes are in ``crs`` (from :func:`geo.projection.drawing_crs`), whose scale varies over
    the map: the bar is measured at the view's centre, where the eye goes first. Call it once
    the extent is set; calling it again (after a zoom) replaces the bar.
    """
    for bar in [artist for artist in ax.artists if isinstance(artist, ScaleBar)]:
        bar.remove()
    ground_m_per_unit = 1.0 / float(point_scale(crs, [view_centre_lonlat(ax, crs)])[0])
    bar = ax.add_artist(
        ScaleBar(
            ground_m_per_unit,
            units="m",
            location="lower left",
            length_fraction=0.22,
            box_alpha=0.8,
            color=INK,
            font_properties=font or {"size": 8},
            border_pad=0.8,
            scale_formatter=_scale_label,
        )
    )
    bar.set_zorder(11)  # above the villages and labels (zorder up to 10) it may sit on


def _scale_label(value: float, units: str) -> str:
    """The bar's label; matplotlib-scalebar writes 1,000 km as "1 Mm", which no map reader uses.

    >>> _scale_label(1, "Mm"), _scale_label(500, "km"), _scale_label(2, "km")
    ('1000 km', '500 km', '2 km')
    """
    if units == "Mm":
        return f"{value * 1000:g} km"
    return f"{value:g} {units}"


def view_centre_lonlat(ax: Axes, crs: pyproj.CRS) -> tuple[float, float]:
    """WGS-84 longitude and latitude of the centre of the view of ``ax`` (drawn in ``crs``)."""
    x, y = sum(ax.get_xlim()) / 2.0, sum(ax.get_ylim()) / 2.0
    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    return float(lon), float(lat)


def north_angle_deg(crs: pyproj.CRS, lon: float, lat: float) -> float:
    """Angle of true north from the map's "up" (grid north), degrees clockwise.

    True north leans by the meridian convergence (under 1 deg near Suqian in its UTM zone,
    about 17 deg at Kashgar on a map of China); the arrow shows it as it is rather than
    pretending grid north is true north.
    """
    to_map = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)
    x1, y1 = to_map.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(x1 - x0, y1 - y0))


_NORTH_ARROW = "north-arrow"


def add_north_arrow(ax: Axes, crs: pyproj.CRS, *, label: str = "N") -> None:
    """A north arrow in the upper right of ``ax``, pointing to true north at the view's centre.

    Drawn in its own square inset so that its shape does not depend on the map's extent.
    Like the scale bar, call it once the extent is set; calling it again replaces the arrow.
    """
    for inset in [child for child in ax.child_axes if child.get_gid() == _NORTH_ARROW]:
        inset.remove()
    inset = ax.inset_axes((0.9, 0.78, 0.08, 0.2))
    inset.set_gid(_NORTH_ARROW)
    inset.set_xlim(-1, 1)
    inset.set_ylim(-1.2, 1.6)
    inset.set_aspect("equal")
    inset.axis("off")
    theta = math.radians(north_angle_deg(crs, *view_centre_lonlat(ax, crs)))
    rot = np.array([[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]])
    left = np.array([[0, 1], [-0.45, -0.9], [0, -0.45]]) @ rot.T
    right = _mirror(left, rot)
    inset.fill(left[:, 0], left[:, 1], fc=INK, ec=INK, lw=0.8)
    inset.fill(right[:, 0], right[:, 1], fc="white", ec=INK, lw=0.8)
    top = np.array([0, 1.08]) @ rot.T
    inset.text(top[0], top[1], label, ha="center", va="bottom", size=11, weight="bold", color=INK)


def _mirror(points: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """Mirror rotated ``points`` about the arrow's own axis."""
    upright = points @ rot
    mirrored: np.ndarray = (upright * np.array([-1, 1])) @ rot.T
    return mirrored


def today_text(day: date | None, lang: str) -> str:
    """``day`` (default today) as 2026年11月28日 or 28 Nov 2026."""
    day = day or date.today()
    if lang == "en":
        return day.strftime("%d %b %Y").lstrip("0")
    return f"{day.year}年{day.month}月{day.day}日"


_TOKEN = re.compile(r"[A-Za-z0-9.,%'’()\-/×÷=+:;<>]+ ?| +|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’%,.;:)")


def wrap_text(text: str, width: int) -> list[str]:
    """Greedy line breaking for mixed Chinese/Latin text (``textwrap`` needs spaces).

    Latin words are kept whole; a line never starts with closing punctuation (，。、）...).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKEN.findall(paragraph):
            if (
                line
                and display_width(line + token.rstrip()) > width
                and token[0] not in _NO_LINE_START
            ):
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def edition_text(summary: Summary, lang: str = "zh") -> str:
    """The edition for a cover, title block or first sheet: 内部 (every count) or 公开.

    Every export says which it is (``export.edition.internal`` / ``export.edition.public``).
    """
    if summary.disclosure is None:
        return t("export.edition.internal", lang)
    return t("export.edition.public", lang, k=summary.disclosure.min_count)
