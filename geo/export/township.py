"""One page per township (乡镇一页纸): an A4 sheet for a township meeting.

The sheet holds the township's map (its outline, the catchments of the sites serving the
chosen groups, the villages out of reach sized by their people), its figures next to the
district's, coverage by group, the villages out of reach with the nearest serving site, and
its sites and venture projects. All twelve sheets of a district print as one PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.coverage import site_radii
from geo.export import layout as _layout
from geo.export.layout import INK, MUTED, PageText
from geo.export.maps import (
    CATCHMENT,
    EDGE,
    SITE_STYLE,
    UNREACHED,
    MapLayers,
    catchment_discs,
    fit_extent,
    page_text,
    project_layers,
)
from geo.export.pack import draw_table
from geo.selection import (
    TownshipDetail,
    district_kpis,
    site_catchment_radii,
    township_detail,
    unreached_points,
    unreached_villages,
)
from geo.summary import Summary
from geo.text.fonts import apply_cjk_font
from geo.text.i18n import format_count, format_number, format_percent, format_yuan, t

__all__ = ["SheetData", "township_figure", "write_township_sheets"]

A4_PORTRAIT: Final = (8.27, 11.69)
MAX_VILLAGES: Final = 12
MAX_SITES: Final = 7
MAX_PROJECTS: Final = 7
ROW_HEIGHT: Final = 0.0135  # of the page height: 11.4 pt, room for 7.5-8 pt text
TOWN_FILL: Final = "#fff7e6"


@dataclass(frozen=True)
class SheetData:
    """What every township's sheet draws from, computed once for the district."""

    layers: MapLayers
    villages: pd.DataFrame  # geo.selection.unreached_villages of the whole district
    points: gpd.GeoDataFrame  # geo.selection.unreached_points
    reached: shapely.Geometry  # where every chosen group is within reach

    @classmethod
    def of(cls, summary: Summary) -> SheetData:
        """Project the layers and select the villages out of reach, once."""
        layers = project_layers(summary.dataset)
        return cls(layers, unreached_villages(summary), unreached_points(summary),
                   _reached_by_all(layers, summary))  # fmt: skip


def township_figure(
    summary: Summary,
    code: str,
    *,
    lang: str = "zh",
    day: date | None = None,
    data: SheetData | None = None,
) -> Figure:
    """The one-page sheet of township ``code`` (A4 portrait).

    Parameters
    ----------
    summary
        From ``geo.summary.summarize``: its groups, radii and budget are the sheet's.
    code
        A township code of the dataset.
    lang
        ``"zh"`` or ``"en"``.
    day
        The date printed (today when None).
    data
        The district's layers and selections (:meth:`SheetData.of`), to draw every
        township without computing them again.

    Raises
    ------
    KeyError
        For a code that is not a township of the dataset.
    """
    apply_cjk_font()
    detail = township_detail(summary, code)
    data = data or SheetData.of(summary)
    fig = Figure(figsize=A4_PORTRAIT, facecolor="white")
    base = page_text(summary, view="indicator", lang=lang, day=day)
    title = t("export.township.title", lang, township=detail.name)
    top = _layout.draw_page_text(fig, PageText(title, base.subtitle, base.footer, base.badge))
    map_bottom = 0.56
    map_ax = fig.add_axes((0.04, map_bottom, 0.52, top - map_bottom))
    _draw_township_map(map_ax, data, summary, code, lang)
    _figures_table(fig.add_axes((0.60, top - 0.21, 0.36, 0.20)), summary, detail, lang)
    _map_legend(fig.add_axes((0.60, map_bottom, 0.36, top - 0.225 - map_bottom)), lang)
    y = _group_table(fig, map_bottom - 0.035, summary, detail, lang)
    villages = data.villages[data.villages["township"] == code]
    y = _villages_table(fig, y - 0.035, summary, villages, lang)
    _sites_table(fig, (0.04, 0.50), y - 0.035, detail, lang)
    _projects_table(fig, (0.57, 0.39), y - 0.035, detail, lang)
    return fig


def write_township_sheets(
    summary: Summary,
    path: Path | str,
    *,
    codes: list[str] | None = None,
    lang: str = "zh",
    day: date | None = None,
) -> Path:
    """Write the sheets of ``codes`` (every township when None) into one PDF, one per page."""
    path = Path(path)
    codes = list(summary.townships.index) if codes is None else codes
    data = SheetData.of(summary)
    names = t("export.sep", lang).join(str(summary.townships.at[c, "name"]) for c in codes[:3])
    title = t("export.township.title", lang, township=names + ("…" if len(codes) > 3 else ""))
    metadata = {"Title": title, "Creator": "service-coverage atlas", "Subject": title}
    with PdfPages(path, metadata=metadata) as pdf:
        for n, code in enumerate(codes, start=1):
            fig = township_figure(summary, code, lang=lang, day=day, data=data)
            if len(codes) > 1:
                fig.text(
                    0.96, 0.025, t("export.pack.page", lang, n=n, total=len(codes)), size=7,
                    color=MUTED, ha="right", va="bottom",
                )  # fmt: skip
            pdf.savefig(fig)
    return path


# --- the map --------------------------------------------------------------------------------------


def _draw_township_map(ax: Axes, data: SheetData, summary: Summary, code: str, lang: str) -> None:
    """The township and its neighbours' edges, catchments clipped to it, sites, villages."""
    layers = data.layers
    towns = layers.townships
    town = towns.loc[[code]]
    towns.plot(ax=ax, color="#f3f4f6", edgecolor=EDGE, linewidth=0.6)
    town.plot(ax=ax, color=TOWN_FILL, edgecolor=INK, linewidth=1.6, zorder=2)
    catchments = shapely.intersection(data.reached, town.geometry.iloc[0])
    if not shapely.is_empty(catchments):
        gpd.GeoSeries([catchments], crs=layers.crs).plot(
            ax=ax, color=CATCHMENT, alpha=0.35, edgecolor="#238b45", linewidth=0.4, zorder=3
        )
    radii = site_catchment_radii(layers.sites, summary.groups).to_numpy()
    serving = np.isfinite(radii) & layers.sites.geometry.notna().to_numpy()
    for kind, (marker, colour) in SITE_STYLE.items():
        chosen = layers.sites[serving & (layers.sites["kind"] == kind).to_numpy()]
        ax.scatter(
            chosen.geometry.x, chosen.geometry.y, s=22, marker=marker, c=colour,
            edgecolors="white", linewidths=0.5, zorder=6,
        )  # fmt: skip
    out = data.points[data.points["township"] == code]
    xy = gpd.GeoSeries(layers.demand.set_index("id").geometry.reindex(out["id"]))
    top = float(out["unreached"].max()) if len(out) else 1.0
    ax.scatter(
        xy.x, xy.y, s=10 + 110 * out["unreached"].to_numpy(float) / top, c=UNREACHED,
        alpha=0.75, edgecolors="white", linewidths=0.5, zorder=7,
    )  # fmt: skip
    fit_extent(ax, town.total_bounds, pad=0.06)
    ax.set_axis_off()
    _layout.add_scale_bar(ax, layers.crs)
    _layout.add_north_arrow(ax, layers.crs, label=t("export.north", lang))


def _reached_by_all(layers: MapLayers, summary: Summary) -> shapely.Geometry:
    """The part of the district within reach of a site for every chosen group.

    With several groups, one group's catchments would show as "reached" a place where
    another group is out of reach; their intersection never contains a red village.
    """
    reached = shapely.union_all(layers.townships.geometry.to_numpy())
    located = layers.sites.geometry.notna().to_numpy()
    for group in summary.groups:
        serves, radii = site_radii(layers.sites, group)
        chosen = serves & located
        discs = catchment_discs(layers.sites[chosen].geometry, radii[chosen])
        reached = shapely.intersection(reached, shapely.union_all(discs))
    return reached


def _map_legend(ax: Axes, lang: str) -> None:
    ax.axis("off")
    handles: list[Patch | Line2D] = [
        Patch(facecolor=TOWN_FILL, edgecolor=INK, label=t("export.township.this", lang)),
        Patch(facecolor=CATCHMENT, alpha=0.5, edgecolor="#238b45",
              label=t("export.township.reached_all", lang)),
        Line2D([], [], ls="", marker="o", ms=7, mfc=UNREACHED, alpha=0.75, mec="white",
               label=t("export.township.unreached_dot", lang)),
    ]  # fmt: skip
    handles += [
        Line2D([], [], ls="", marker=marker, ms=6, mfc=colour, mec="white",
               label=t(f"kind.{kind}", lang))
        for kind, (marker, colour) in SITE_STYLE.items()
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=8, labelspacing=0.5)


# --- the tables -----------------------------------------------------------------------------------


def _figures_table(ax: Axes, summary: Summary, detail: TownshipDetail, lang: str) -> None:
    """The township's figures next to the district's, with its rank among the townships."""
    row, kpis, table = detail.row, district_kpis(summary), summary.townships
    n = len(table)

    def rank(column: str, *, high_first: bool) -> str:
        order = table[column].rank(ascending=not high_first, method="min")
        value = order.get(detail.code)
        return t("export.township.rank", lang, n=int(value), total=n) if pd.notna(value) else ""

    sites_here = int(row["organizations"] + row["stations"])
    rows = [
        [t("kpi.people", lang), format_count(row["people"], lang),
         format_count(kpis.people, lang), rank("people", high_first=True)],
        [t("kpi.unreached", lang), format_count(row["unreached"], lang),
         format_count(kpis.unreached, lang), rank("unreached", high_first=True)],
        [t("kpi.coverage", lang), format_percent(row["coverage"]),
         format_percent(kpis.coverage), rank("coverage", high_first=True)],
        [t("kpi.sites", lang), format_count(sites_here, lang),
         format_count(kpis.organizations + kpis.stations, lang), ""],
        [t("col.funding_yuan", lang), format_yuan(row["funding_yuan"], lang),
         format_yuan(table["funding_yuan"].sum(), lang), rank("funding_yuan", high_first=True)],
        [t("col.projects_yuan", lang), format_yuan(row["projects_yuan"], lang),
         format_yuan(table["projects_yuan"].sum(), lang), ""],
    ]  # fmt: skip
    headers = [
        t("export.township.figure", lang),
        detail.name,
        t("export.township.district", lang),
        t("export.township.rank_col", lang),
    ]
    draw_table(ax, headers, rows, font_size=8, fill=True)


def _table_axes(
    fig: Figure, x: tuple[float, float], top: float, rows: int, headers: list[str]
) -> Axes:
    """Axes for a table of ``rows`` rows whose top edge is at ``top`` (figure fraction)."""
    header = 1.6 if any("（" in h or " (" in h for h in headers) else 1.0
    height = ROW_HEIGHT * (rows + header)
    return fig.add_axes((x[0], top - height, x[1], height))


def _group_table(
    fig: Figure, top: float, summary: Summary, detail: TownshipDetail, lang: str
) -> float:
    """Coverage by group, here and in the district; returns the bottom of the table."""
    district = summary.covered.sum() / summary.demand.sum().where(summary.demand.sum() > 0)
    rows = [
        [
            summary.dataset.group(code).display(lang),
            format_count(g["demand"], lang),
            format_count(g["unreached"], lang),
            format_percent(g["coverage"]),
            format_percent(district.get(code)),
        ]
        for code, g in zip(detail.groups.index.astype(str), detail.groups.to_dict("records"),
                           strict=True)
    ]  # fmt: skip
    headers = [
        t("col.group", lang),
        t("col.people", lang),
        t("col.unreached", lang),
        t("export.township.coverage_here", lang),
        t("export.township.coverage_district", lang),
    ]
    fig.text(0.04, top + 0.004, t("export.township.groups", lang), size=10, weight="bold")
    ax = _table_axes(fig, (0.04, 0.92), top, len(rows), headers)
    draw_table(ax, headers, rows, font_size=8, fill=True)
    return float(ax.get_position().y0)


def _section(fig: Figure, x: tuple[float, float], top: float, title: str) -> None:
    fig.text(x[0], top + 0.004, title, size=10, weight="bold", color=INK)


def _more(fig: Figure, x: tuple[float, float], top: float, shown: int, total: int,
          lang: str) -> None:  # fmt: skip
    if total > shown:
        fig.text(
            x[0] + x[1], top + 0.004, t("export.township.more", lang, n=total - shown),
            size=7.5, color=MUTED, ha="right",
        )  # fmt: skip


def _none(fig: Figure, x: tuple[float, float], top: float, text: str) -> float:
    fig.text(x[0], top - 0.004, text, size=9, color=MUTED, va="top")
    return top - 0.02


def _villages_table(
    fig: Figure, top: float, summary: Summary, villages: pd.DataFrame, lang: str
) -> float:
    """The township's villages out of reach, most people first; returns the table's bottom."""
    x = (0.04, 0.92)
    _section(fig, x, top, t("export.township.villages", lang, n=villages["id"].nunique()))
    if villages.empty:
        return _none(fig, x, top, t("coverage.unreached_none", lang))
    shown = villages.sort_values("unreached", ascending=False, kind="stable").head(MAX_VILLAGES)
    columns = zip(
        shown["name"].where(shown["name"].notna(), shown["id"]).astype(str).tolist(),
        shown["group"].astype(str).tolist(),
        shown["unreached"].to_numpy(float),
        shown["site_name"].tolist(),
        shown["distance_m"].to_numpy(float),
        strict=True,
    )
    rows = [
        [
            name,
            summary.dataset.group(group).display(lang),
            format_count(float(people), lang),
            site if isinstance(site, str) else "—",
            format_number(float(metres)) if np.isfinite(metres) else "—",
        ]
        for name, group, people, site, metres in columns
    ]
    headers = [
        t("export.col.village", lang),
        t("col.group", lang),
        t("col.unreached", lang),
        t("export.col.nearest_site", lang),
        t("export.col.distance_m", lang),
    ]
    ax = _table_axes(fig, x, top, len(rows), headers)
    draw_table(ax, headers, rows, font_size=7.5, fill=True)
    _more(fig, x, top, len(shown), len(villages), lang)
    return float(ax.get_position().y0)


def _sites_table(
    fig: Figure, x: tuple[float, float], top: float, detail: TownshipDetail, lang: str
) -> None:
    _section(fig, x, top, t("export.township.sites", lang, n=len(detail.sites)))
    if detail.sites.empty:
        _none(fig, x, top, t("coverage.no_sites_here", lang))
        return
    sites = detail.sites.head(MAX_SITES)
    rows = [
        [str(name), t(f"kind.{kind}", lang), "" if category is None else str(category)]
        for name, kind, category in zip(
            sites["name"].tolist(),
            sites["kind"].tolist(),
            sites["category"].astype(object).where(sites["category"].notna(), None).tolist(),
            strict=True,
        )
    ]
    headers = [t("col.site", lang), t("col.kind", lang), t("col.category", lang)]
    draw_table(_table_axes(fig, x, top, len(rows), headers), headers, rows, font_size=7,
               fill=True)  # fmt: skip
    _more(fig, x, top, len(rows), len(detail.sites), lang)


def _projects_table(
    fig: Figure, x: tuple[float, float], top: float, detail: TownshipDetail, lang: str
) -> None:
    _section(fig, x, top, t("export.township.projects", lang, n=len(detail.projects)))
    if detail.projects.empty:
        _none(fig, x, top, t("coverage.no_projects", lang))
        return
    projects = detail.projects.head(MAX_PROJECTS)
    rows = [
        [str(name), str(int(year)), format_yuan(float(amount), lang)]
        for name, year, amount in zip(
            projects["name"].tolist(),
            projects["year"].to_numpy(int),
            projects["amount_yuan"].to_numpy(float),
            strict=True,
        )
    ]
    headers = [
        t("col.project", lang),
        t("export.township.year", lang),
        t("col.projects_yuan", lang),
    ]
    draw_table(_table_axes(fig, x, top, len(rows), headers), headers, rows, font_size=7,
               fill=True)  # fmt: skip
    _more(fig, x, top, len(rows), len(detail.projects), lang)
