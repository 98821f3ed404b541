"""The siting map as a file: what the siting page shows, for a written report.

Numbered suggested stations, the hypothetical stations the planner placed, their catchments,
the villages coloured by what reaches them, the existing sites, a legend with the key figures,
a scale bar and a north arrow. The colours are the web map's (``geo.maps.plans``).
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.access import group_sites
from geo.dataset import Dataset
from geo.export import layout as _layout
from geo.export.layout import INK, PageText
from geo.export.maps import (
    EDGE,
    MapLayers,
    catchment_discs,
    draw_figure_rows,
    fit_extent,
    project_layers,
)
from geo.planning import village_reach
from geo.siting import SitingResult
from geo.text.fonts import apply_cjk_font
from geo.text.i18n import format_count, format_percent, t

__all__ = ["siting_figure"]

# the web map's colours (geo.maps.plans), so that the file looks like the screen
SUGGESTED = "#ea580c"
HYPOTHETICAL = "#7c3aed"
SITE = "#1e3a8a"
REACH = {"existing": "#9ca3af", "suggested": "#16a34a", "hypothetical": HYPOTHETICAL,
         "unreached": "#dc2626"}  # fmt: skip


def siting_figure(
    dataset: Dataset,
    result: SitingResult,
    *,
    hypothetical: pd.DataFrame | None = None,
    lang: str = "zh",
    size: str = "a4",
    day: date | None = None,
) -> Figure:
    """The siting map of ``result`` (and hypothetical stations) as a page.

    Parameters
    ----------
    dataset
        The dataset the suggestions were computed from.
    result
        From ``geo.siting.suggest_sites``.
    hypothetical
        Stations the planner placed: ``lon``, ``lat`` (WGS-84) and ``label`` (as on the
        screen, e.g. "假1"); they share the suggestions' catchment ``result.radius_m``.
    lang, size, day
        Language, ``"a4"`` (landscape) or ``"16x9"``, and the date printed (today if None).
    """
    apply_cjk_font()
    extra = hypothetical if hypothetical is not None else pd.DataFrame(columns=["lon", "lat"])
    layers = project_layers(dataset)
    group = dataset.group(result.group)
    fig = _layout.new_page(size)
    top = _layout.draw_page_text(fig, _page_text(dataset, result, lang, day))
    rect = _layout.MAP_RECT
    ax = fig.add_axes((rect[0], rect[1], rect[2], top - 0.015 - rect[1]))
    panel = fig.add_axes((_layout.PANEL_RECT[0], rect[1], _layout.PANEL_RECT[2], top - rect[1]))
    panel.axis("off")
    layers.townships.plot(ax=ax, color="#ffffff", edgecolor=EDGE, linewidth=0.8)
    sites = group_sites(dataset, group).to_crs(layers.crs)
    _circles(ax, sites.geometry, sites["radius_m"].to_numpy(float), "#3b82f6", alpha=0.06)
    rows = result.suggestions
    suggested = _points(rows["lon"], rows["lat"], layers.crs)
    placed = _points(extra["lon"], extra["lat"], layers.crs)
    radius = np.full(len(suggested), result.radius_m)
    _circles(ax, suggested, radius, SUGGESTED, dashed=True)
    _circles(ax, placed, np.full(len(placed), result.radius_m), HYPOTHETICAL, dashed=True)
    _villages(ax, dataset, result, extra, layers.crs)
    ax.scatter(sites.geometry.x, sites.geometry.y, s=16, marker="s", c=SITE,
               edgecolors="white", linewidths=0.5, zorder=6)  # fmt: skip
    _numbered(ax, placed, [str(v) for v in extra.get("label", [])], HYPOTHETICAL, 150)
    _numbered(ax, suggested, [str(int(r)) for r in rows["rank"]], SUGGESTED, 190)
    _legend(panel, result, group.display(lang), lang)
    _figures(panel, result, lang)
    _layout_map(ax, layers, lang)
    return fig


def _page_text(dataset: Dataset, result: SitingResult, lang: str, day: date | None) -> PageText:
    district = dataset.name.split("（")[0].split("(")[0].strip() or dataset.name
    group = dataset.group(result.group).display(lang)
    source = str(dataset.metadata.get("source") or dataset.name)
    lines = (
        t("export.siting.sub", lang, k=len(result.suggestions),
          radius=format_count(result.radius_m, lang)),
        t("export.sub.meta", lang, date=_layout.today_text(day, lang), source=source),
    )  # fmt: skip
    note = t("export.note.demo" if dataset.demo else "export.note.real", lang)
    return PageText(
        title=t("export.siting.title", lang, district=district, group=group),
        subtitle=lines,
        footer=t("export.footer", lang, source=source, note=note),
        badge=t("export.badge.demo", lang) if dataset.demo else None,
    )


def _points(lon: pd.Series, lat: pd.Series, crs: pyproj.CRS) -> gpd.GeoSeries:
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    return gpd.GeoSeries(points.to_crs(crs))


def _circles(
    ax: Axes, centres: gpd.GeoSeries, radii: np.ndarray, colour: str, *,
    alpha: float = 0.10, dashed: bool = False,
) -> None:  # fmt: skip
    if len(centres) == 0:
        return
    discs = gpd.GeoSeries(catchment_discs(centres, radii), crs=centres.crs)
    discs.plot(ax=ax, color=colour, alpha=alpha, zorder=2)
    discs.boundary.plot(ax=ax, color=colour, linewidth=1.2 if dashed else 0.4,
                        linestyle="--" if dashed else "-", zorder=3)  # fmt: skip


def _villages(
    ax: Axes, dataset: Dataset, result: SitingResult, extra: pd.DataFrame, crs: pyproj.CRS
) -> None:
    rows = result.suggestions
    villages = village_reach(
        dataset, result.group, radius_m=result.radius_m,
        suggested=(rows["lon"].to_numpy(), rows["lat"].to_numpy()),
        hypothetical=(extra["lon"].to_numpy(float), extra["lat"].to_numpy(float)),
    ).to_crs(crs)  # fmt: skip
    top = float(villages["people"].max()) if len(villages) else 1.0
    sizes = 6 + 60 * villages["people"].to_numpy(float) / top
    ax.scatter(villages.geometry.x, villages.geometry.y, s=sizes,
               c=villages["reach"].map(REACH).to_list(), edgecolors="white", linewidths=0.4,
               alpha=0.9, zorder=5)  # fmt: skip


def _numbered(ax: Axes, points: gpd.GeoSeries, texts: list[str], colour: str, size: float) -> None:
    xs, ys = shapely.get_x(points.to_numpy()), shapely.get_y(points.to_numpy())
    for x, y, text in zip(xs, ys, texts, strict=True):
        ax.scatter([x], [y], s=size, c=colour, edgecolors="white", linewidths=1.5,
                   zorder=8)  # fmt: skip
        ax.annotate(text, (float(x), float(y)), ha="center", va="center", color="white",
                    size=7 if len(text) > 1 else 8, weight="bold", zorder=9)  # fmt: skip


def _legend(panel: Axes, result: SitingResult, group: str, lang: str) -> None:
    def dot(colour: str, label: str, size: float = 7, marker: str = "o") -> Line2D:
        return Line2D([], [], ls="", marker=marker, ms=size, mfc=colour, mec="white", label=label)

    handles: list[Line2D | Patch] = [
        dot(SUGGESTED, t("siting.legend.suggested", lang), 11),
        dot(HYPOTHETICAL, t("siting.legend.hypothetical", lang), 10),
        dot(SITE, t("siting.legend.sites", lang), 6, "s"),
        *[dot(colour, t(f"siting.reach.{state}", lang)) for state, colour in REACH.items()],
        Patch(facecolor="#dbeafe", edgecolor="#1d4ed8", label=t("map.catchments", lang)),
    ]
    note = t("siting.legend.note", lang, radius=format_count(result.radius_m, lang))
    legend = panel.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(0, 1), frameon=False,
        title=t("siting.legend.title", lang, group=group) + "\n" + note, alignment="left",
        fontsize=9, title_fontproperties={"size": 10.5, "weight": "bold"}, labelspacing=0.6,
    )  # fmt: skip
    legend.get_title().set_color(INK)


def _figures(panel: Axes, result: SitingResult, lang: str) -> None:
    demand = result.demand
    before = result.covered_before / demand if demand > 0 else None
    after = result.covered_after / demand if demand > 0 else None
    rows = [
        (t("siting.kpi.before", lang), format_percent(before)),
        (t("siting.kpi.after", lang, k=len(result.suggestions)), format_percent(after)),
        (t("siting.kpi.gain", lang),
         format_count(result.covered_after - result.covered_before, lang)),
    ]  # fmt: skip
    draw_figure_rows(panel, rows, top=0.28)


def _layout_map(ax: Axes, layers: MapLayers, lang: str) -> None:
    fit_extent(ax, layers.townships.total_bounds)
    ax.set_axis_off()
    _layout.add_scale_bar(ax, layers.crs)
    _layout.add_north_arrow(ax, layers.crs, label=t("export.north", lang))
