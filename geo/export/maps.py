"""Static maps for reports: indicator choropleth, coverage of one group, funding allocation.

Every map is drawn in the conformal projection fit for the dataset's extent
(``geo.projection.drawing_crs``: the UTM zone of a district, a conic centred on a province or a
country), with a scale bar true at the map's centre and catchments drawn at the map's scale
where each site stands, a title,
a subtitle (groups, parameters, date, data source), a legend with the class breaks, township
labels, a scale bar and a north arrow. Figures are plain ``matplotlib.figure.Figure`` objects
(no pyplot state), so a web server can draw several at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.compare import Comparison
from geo.coverage import site_radii
from geo.dataset import Dataset, Group
from geo.errors import check_choice
from geo.export import layout as _layout
from geo.export.layout import HALO, INK, MUTED, PageText
from geo.indicators import (
    CLOSED_COLOUR,
    INDICATORS,
    NO_DATA_COLOUR,
    OPENED_COLOUR,
    Classification,
    change_legend_labels,
    classify_change_pp,
    classify_indicator,
    classify_values,
    format_change_pp,
    legend_labels,
)
from geo.privacy import PROTECTED, indicator_shown, indicator_texts, public_demand, public_text
from geo.projection import drawing_crs, point_scale
from geo.selection import filter_sites
from geo.summary import Summary
from geo.text.fonts import apply_cjk_font
from geo.text.i18n import format_count, format_percent, format_yuan, t

__all__ = [
    "MAP_THEMES",
    "MapLayers",
    "catchment_discs",
    "class_legend_handles",
    "draw_coverage_map",
    "draw_figure_rows",
    "draw_funding_map",
    "draw_indicator_map",
    "draw_map_page",
    "edition_layers",
    "finish_map",
    "map_figure",
    "page_text",
    "project_layers",
    "save_figure",
]

#: What a static map shows (its ``view`` argument); not the page maps' ``geo.maps.views.MapView``.
MapTheme = Literal["indicator", "coverage", "funding"]
MAP_THEMES: Final = ("indicator", "coverage", "funding")
FIGURE_FORMATS: Final = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
PNG_DPI: Final = 300
MAX_LABELLED_TOWNSHIPS: Final = 60

EDGE: Final = "#6e7781"
CATCHMENT: Final = "#74c476"
UNREACHED: Final = "#d7301f"
SITE_STYLE: Final = {"organization": ("^", "#7a0177"), "station": ("o", "#1f2328")}


@dataclass(frozen=True)
class MapLayers:
    """The dataset's layers in the CRS its maps are drawn in, ready to draw.

    Attributes
    ----------
    crs
        ``geo.projection.drawing_crs`` of the townships.
    townships
        Index: township code; columns ``name``, ``geometry``.
    sites, demand
        As in the dataset, projected; demand keeps only rows with a point.
    labels
        ``x``, ``y`` of a point inside each township (index: township code).
    """

    crs: pyproj.CRS
    townships: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    labels: pd.DataFrame


def project_layers(dataset: Dataset) -> MapLayers:
    """Project the dataset's layers to the CRS fit for its extent (done once per export)."""
    crs = drawing_crs(dataset.townships)
    towns = dataset.townships.to_crs(crs).set_index("code")[["name", "geometry"]]
    points = shapely.point_on_surface(towns.geometry.to_numpy())
    labels = pd.DataFrame(
        {"x": shapely.get_x(points), "y": shapely.get_y(points)}, index=towns.index
    )
    demand = dataset.demand[dataset.demand.geometry.notna()].to_crs(crs)
    return MapLayers(
        crs=crs, townships=towns, sites=dataset.sites.to_crs(crs), demand=demand, labels=labels
    )


def catchment_discs(sites: gpd.GeoSeries, radii_m: np.ndarray) -> np.ndarray:
    """Discs of ``radii_m`` metres on the ground around ``sites`` (drawn in a map's CRS).

    Each radius is drawn at the map's scale where its site stands
    (``geo.projection.point_scale``): a 1,500 m catchment in Kashgar is as wide on a map of
    China as 1,500 m of the map's ground there.
    """
    centres = np.asarray(sites, dtype=object)
    located = ~shapely.is_missing(centres) & ~shapely.is_empty(centres)
    scale = np.ones(len(centres))
    if located.any():
        in_degrees = np.asarray(sites[located].to_crs("EPSG:4326"), dtype=object)
        scale[located] = point_scale(pyproj.CRS(sites.crs), shapely.get_coordinates(in_degrees))
    return np.asarray(shapely.buffer(centres, np.asarray(radii_m, dtype=float) * scale))


def edition_layers(layers: MapLayers, summary: Summary) -> MapLayers:
    """``layers`` as the summary's edition may draw them: the public one places no small group.

    The hidden cells (``geo.privacy``) are set to 0, so their villages get no point and the
    size legend is scaled on the shown villages only.
    """
    if summary.disclosure is None:
        return layers
    return replace(layers, demand=public_demand(layers.demand, summary.disclosure))


# --- the three map views ------------------------------------------------------------------------


def draw_indicator_map(
    ax: Axes, layers: MapLayers, summary: Summary, *, indicator: str, lang: str = "zh"
) -> tuple[Classification, list[str]]:
    """Townships coloured by ``indicator`` (class breaks from geo.indicators), with labels.

    Returns
    -------
    (Classification, list of str)
        The classes and their legend labels, for the side panel.
    """
    disclosure = summary.disclosure
    shown = None if disclosure is None else indicator_shown(disclosure, indicator)
    classes = classify_indicator(summary.townships, indicator, shown=shown)
    colours = classes.colours.reindex(layers.townships.index).fillna(NO_DATA_COLOUR)
    layers.townships.plot(ax=ax, color=colours.to_list(), edgecolor="white", linewidth=1.2)
    _draw_outline(ax, layers)
    _draw_sites(ax, filter_sites(layers.sites, groups=summary.group_codes), size=7, alpha=0.75)
    _label_townships(ax, layers, indicator_texts(summary, indicator, lang))
    return classes, legend_labels(classes, indicator, lang)


def draw_coverage_map(
    ax: Axes, layers: MapLayers, summary: Summary, *, group: Group, lang: str = "zh"
) -> None:
    """Catchments of the sites serving ``group``, its villages in and out of reach, and labels."""
    layers.townships.plot(ax=ax, color="#f6f8fa", edgecolor=EDGE, linewidth=0.8)
    serving, radii = site_radii(layers.sites, group)
    sites = layers.sites[serving]
    catchments = shapely.union_all(catchment_discs(sites.geometry, radii[serving]))
    # Clipped to the district: a disc reaching past the outline would suggest service there.
    catchments = shapely.intersection(catchments, _district(layers))
    if not shapely.is_empty(catchments):
        gpd.GeoSeries([catchments], crs=layers.crs).plot(
            ax=ax, color=CATCHMENT, alpha=0.35, edgecolor="#238b45", linewidth=0.4
        )
    _draw_outline(ax, layers)
    _draw_demand(ax, layers, summary, group.code)
    _draw_sites(ax, sites, size=14, alpha=1.0)
    coverage = summary.coverage[group.code].reindex(layers.townships.index)
    values = [format_percent(v) for v in coverage]
    if summary.disclosure is not None:
        exact = summary.disclosure.township_groups
        shown = (exact["people"] & exact["covered"])[group.code].reindex(coverage.index)
        values = [v if ok else PROTECTED for v, ok in zip(values, shown, strict=True)]
    texts = [t("export.label.coverage", lang, value=v) for v in values]
    _label_townships(ax, layers, pd.Series(texts, index=coverage.index))


def draw_funding_map(
    ax: Axes, layers: MapLayers, summary: Summary, *, lang: str = "zh"
) -> tuple[Classification, list[str]]:
    """Townships coloured by the recommended allocation, labelled with recommended and actual."""
    table = summary.townships.reindex(layers.townships.index)
    funding = table["funding_yuan"].astype(float)
    withheld = summary.disclosure is not None and not summary.disclosure.funding
    if withheld:  # the public edition: the allocation would give small counts away
        funding = pd.Series(np.nan, index=funding.index)
    classes = classify_values(funding, palette="Purples")
    layers.townships.plot(
        ax=ax, color=classes.colours.fillna(NO_DATA_COLOUR).to_list(), edgecolor="white", lw=1.2
    )
    _draw_outline(ax, layers)
    texts = [
        t("export.label.recommended", lang,
          value=PROTECTED if withheld else format_yuan(rec, lang))
        + "\n"
        + t("export.label.actual", lang, value=format_yuan(act, lang))
        for rec, act in zip(table["funding_yuan"], table["projects_yuan"], strict=True)
    ]  # fmt: skip
    _label_townships(ax, layers, pd.Series(texts, index=table.index))
    labels = [
        format_yuan(lo, lang) if lo == hi else f"{format_yuan(lo, lang)} – {format_yuan(hi, lang)}"
        for lo, hi, _ in classes.legend
    ]
    return classes, labels


def draw_change_map(
    ax: Axes, layers: MapLayers, comparison: Comparison, *, lang: str = "zh"
) -> tuple[Classification, list[str]]:
    """The later year's townships coloured and labelled by the change of coverage (points).

    With the sites opened (filled green) and closed (hollow dark red).
    """
    table = comparison.townships.reindex(layers.townships.index)
    classes = classify_change_pp(table["coverage_change_pp"])
    layers.townships.plot(ax=ax, color=classes.colours.to_list(), edgecolor=EDGE, linewidth=0.8)
    _draw_outline(ax, layers)
    for ids, dataset, fill, edge, size in (
        (comparison.opened, comparison.new.dataset, OPENED_COLOUR, "white", 26),
        (comparison.closed, comparison.old.dataset, "white", CLOSED_COLOUR, 24),
    ):
        sites = dataset.sites[dataset.sites["id"].isin(ids)].to_crs(layers.crs)
        if len(sites):
            ax.scatter(sites.geometry.x, sites.geometry.y, s=size, c=fill, edgecolors=edge,
                       linewidths=1.2, zorder=6)  # fmt: skip
    texts = [format_change_pp(v, lang) for v in table["coverage_change_pp"]]
    _label_townships(ax, layers, pd.Series(texts, index=table.index))
    return classes, change_legend_labels(lang)


def change_site_handles(comparison: Comparison, lang: str) -> list[Line2D]:
    """Legend entries of the sites opened and closed."""
    return [
        Line2D([], [], ls="", marker="o", ms=6, mfc=OPENED_COLOUR, mec="white",
               label=t("compare.site.opened_n", lang, n=len(comparison.opened))),
        Line2D([], [], ls="", marker="o", ms=6, mfc="white", mec=CLOSED_COLOUR, mew=1.2,
               label=t("compare.site.closed_n", lang, n=len(comparison.closed))),
    ]  # fmt: skip


def _district(layers: MapLayers) -> shapely.Geometry:
    return shapely.union_all(layers.townships.geometry.to_numpy())


def _draw_outline(ax: Axes, layers: MapLayers) -> None:
    outline = _district(layers)
    gpd.GeoSeries([outline], crs=layers.crs).boundary.plot(ax=ax, color=INK, linewidth=1.4)


def _draw_sites(ax: Axes, sites: gpd.GeoDataFrame, *, size: float, alpha: float) -> None:
    for kind, (marker, colour) in SITE_STYLE.items():
        chosen = sites[sites["kind"] == kind]
        if chosen.empty:
            continue
        ax.scatter(
            chosen.geometry.x,
            chosen.geometry.y,
            s=size,
            marker=marker,
            c=colour,
            edgecolors="white",
            linewidths=0.4,
            alpha=alpha,
            zorder=6,
        )


def _draw_demand(ax: Axes, layers: MapLayers, summary: Summary, code: str) -> None:
    demand = layers.demand[layers.demand[code] > 0]
    reached = summary.point_covered[code].reindex(demand["id"]).fillna(False).to_numpy(bool)
    near = demand[reached]
    ax.scatter(near.geometry.x, near.geometry.y, s=4, c="#636363", alpha=0.6, lw=0, zorder=5)
    far = demand[~reached]
    ax.scatter(
        far.geometry.x,
        far.geometry.y,
        s=_people_size(far[code].to_numpy(float), _size_reference(layers.demand[code])),
        c=UNREACHED,
        alpha=0.7,
        edgecolors="white",
        linewidths=0.5,
        zorder=7,
    )


def _size_reference(people: pd.Series) -> float:
    top = float(people.max()) if len(people) else 0.0
    return top if top > 0 else 1.0


def _people_size(people: np.ndarray, reference: float) -> np.ndarray:
    """Marker area in pt² proportional to people (the largest village = 160 pt²)."""
    return 8 + 152 * np.asarray(people, dtype=float) / reference


def _label_townships(ax: Axes, layers: MapLayers, values: pd.Series) -> None:
    """Each township's name (bold) with a second line of ``values`` below it."""
    if len(layers.townships) > MAX_LABELLED_TOWNSHIPS:
        return
    size = 9.5 if len(layers.townships) <= 20 else 7
    for code, name in layers.townships["name"].items():
        x, y = layers.labels.at[code, "x"], layers.labels.at[code, "y"]
        # A text with path effects is written to PDF as outlines, not text: the white halo is
        # a second copy underneath, so the name itself stays selectable and searchable.
        style: dict[str, Any] = {"ha": "center", "va": "bottom", "size": size, "weight": "bold"}
        ax.annotate(name, (x, y), color="white", path_effects=HALO, zorder=9, **style)
        ax.annotate(name, (x, y), color=INK, zorder=10, **style)
        ax.annotate(
            str(values.get(code, "")),
            (x, y),
            xytext=(0, -2),
            textcoords="offset points",
            ha="center",
            va="top",
            size=size * 0.82,
            color=INK,
            zorder=10,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
        )


# --- page composition ---------------------------------------------------------------------------


def page_text(
    summary: Summary,
    *,
    view: MapTheme,
    group: Group | None = None,
    indicator: str = "coverage",
    lang: str = "zh",
    day: date | None = None,
) -> PageText:
    """Title, subtitle, badge and footer for a map of ``view``."""
    ds = summary.dataset
    district = ds.district
    if view == "coverage" and group is not None:
        title = t("export.title.coverage", lang, district=district, group=group.display(lang))
        groups: tuple[Group, ...] = (group,)
    elif view == "funding":
        title = t("export.title.funding", lang, district=district)
        groups = summary.groups
    else:
        name = INDICATORS[indicator].name(lang)
        title = t("export.title.indicator", lang, district=district, indicator=name)
        groups = summary.groups
    lines = [t("export.sub.groups", lang, groups=_group_list(ds, groups, lang))]
    lines.append(_parameter_line(summary, view, groups, lang))
    source = _source_text(ds)
    lines.append(t("export.sub.meta", lang, date=_layout.today_text(day, lang), source=source))
    lines.append(_layout.edition_text(summary, lang))
    note = t("export.note.demo" if ds.demo else "export.note.real", lang)
    footer = t("export.footer", lang, source=source, note=note)
    badge = t("export.badge.demo", lang) if ds.demo else None
    return PageText(title=title, subtitle=tuple(lines), footer=footer, badge=badge)


def _group_list(dataset: Dataset, groups: tuple[Group, ...], lang: str) -> str:
    names = t("export.sep", lang).join(g.display(lang) for g in groups)
    if len(groups) == len(dataset.groups) and len(groups) > 3:
        return (
            f"{t('export.all_groups', lang, n=len(groups))}（{names}）"
            if lang == "zh"
            else (f"{t('export.all_groups', lang, n=len(groups))} ({names})")
        )
    return names


def _parameter_line(summary: Summary, view: MapTheme, groups: tuple[Group, ...], lang: str) -> str:
    sep = t("export.sep", lang)
    if view == "funding":
        weights = sep.join(f"{g.display(lang)} {g.weight:g}" for g in groups)
        budget = format_yuan(summary.budget_yuan, lang)
        return t("export.sub.budget", lang, budget=budget, weights=weights)
    radii = sep.join(f"{g.display(lang)} {_distance(g.radius_m)}" for g in groups)
    return t("export.sub.radii", lang, radii=radii)


def _distance(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def _source_text(dataset: Dataset) -> str:
    source = dataset.metadata.get("source")
    return str(source) if source else dataset.name


def map_figure(
    summary: Summary,
    *,
    view: MapTheme = "indicator",
    group: str | None = None,
    indicator: str = "coverage",
    lang: str = "zh",
    size: str = "a4",
    day: date | None = None,
    layers: MapLayers | None = None,
) -> Figure:
    """A complete map page: title block, map, legend panel, scale bar and north arrow.

    Parameters
    ----------
    summary
        From ``geo.summary.summarize`` for the groups of interest.
    view
        ``"indicator"`` (choropleth of ``indicator``), ``"coverage"`` (catchments and villages
        out of reach for ``group``) or ``"funding"`` (recommended allocation vs actual).
    group
        Group code for the coverage view; the summary's first group when None.
    indicator
        One of ``geo.indicators.INDICATORS`` for the indicator view.
    lang
        ``"zh"`` or ``"en"``.
    size
        ``"a4"`` (landscape) or ``"16x9"``.
    day
        The date printed on the map (today when None).
    layers
        Pre-projected layers, to save time when drawing several maps of one dataset.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_view(view, indicator)
    apply_cjk_font()
    fig = _layout.new_page(size)
    draw_map_page(
        fig,
        summary,
        view=view,
        group=group,
        indicator=indicator,
        lang=lang,
        day=day,
        layers=layers,
    )
    return fig


def draw_map_page(
    fig: Figure,
    summary: Summary,
    *,
    view: MapTheme,
    group: str | None = None,
    indicator: str = "coverage",
    lang: str = "zh",
    day: date | None = None,
    layers: MapLayers | None = None,
) -> Axes:
    """Draw a map page (map, legend panel, title block) on ``fig``; return the side panel.

    The briefing pack adds its key figures to the returned panel, below the legend.
    """
    layers = edition_layers(layers or project_layers(summary.dataset), summary)
    chosen = _pick_group(summary, group) if view == "coverage" else None
    text = page_text(summary, view=view, group=chosen, indicator=indicator, lang=lang, day=day)
    top = min(_layout.MAP_RECT[1] + _layout.MAP_RECT[3], _layout.draw_page_text(fig, text) - 0.015)
    ax = fig.add_axes(_with_top(_layout.MAP_RECT, top))
    panel = fig.add_axes(_with_top(_layout.PANEL_RECT, top))
    panel.axis("off")
    if chosen is not None:
        draw_coverage_map(ax, layers, summary, group=chosen, lang=lang)
        _coverage_legend(panel, layers, summary, chosen, lang)
    else:
        if view == "funding":
            classes, labels = draw_funding_map(ax, layers, summary, lang=lang)
            title = t("export.legend.funding", lang)
        else:
            classes, labels = draw_indicator_map(
                ax, layers, summary, indicator=indicator, lang=lang
            )
            title = INDICATORS[indicator].name(lang)
        _class_legend(panel, classes, labels, title, lang, sites=view == "indicator",
                      public=summary.public)  # fmt: skip
    finish_map(ax, layers, lang)
    return panel


def _with_top(
    rect: tuple[float, float, float, float], top: float
) -> tuple[float, float, float, float]:
    left, bottom, width, _ = rect
    return (left, bottom, width, top - bottom)


def _check_view(view: str, indicator: str) -> None:
    check_choice("view", view, MAP_THEMES)
    check_choice("indicator", indicator, INDICATORS)


def _pick_group(summary: Summary, code: str | None) -> Group:
    if code is None:
        return summary.groups[0]
    for g in summary.groups:
        if code in (g.code, g.label, g.label_en):
            return g
    msg = f"group {code!r} is not among the summary's groups {summary.group_codes}."
    raise ValueError(msg)


def finish_map(ax: Axes, layers: MapLayers, lang: str) -> None:
    """Fit the extent to the townships, hide the axes, add the scale bar and north arrow."""
    fit_extent(ax, layers.townships.total_bounds)
    ax.set_axis_off()
    _layout.add_scale_bar(ax, layers.crs)
    _layout.add_north_arrow(ax, layers.crs, label=t("export.north", lang))


def zoom_to_township(ax: Axes, layers: MapLayers, code: str, lang: str = "zh") -> None:
    """Zoom a finished map to township ``code`` and outline it, as the dashboard does.

    The scale bar and the north arrow are measured again at the township.

    Raises
    ------
    KeyError
        For a code that is not a township of the layers.
    """
    town = layers.townships.loc[[code]]
    town.boundary.plot(ax=ax, color=INK, linewidth=2.4, zorder=8)
    fit_extent(ax, town.total_bounds, pad=0.08)
    _layout.add_scale_bar(ax, layers.crs)
    _layout.add_north_arrow(ax, layers.crs, label=t("export.north", lang))


def fit_extent(ax: Axes, bounds: np.ndarray, *, pad: float = 0.04) -> None:
    """Show ``bounds`` (plus ``pad``) at equal scale, widened to the axes' own shape."""
    minx, miny, maxx, maxy = bounds
    margin = pad * max(maxx - minx, maxy - miny)
    width, height = maxx - minx + 2 * margin, maxy - miny + 2 * margin
    box = ax.get_position()
    page = ax.figure
    assert isinstance(page, Figure)  # a map's axes sit on the page itself, not on a subfigure
    fig_w, fig_h = page.get_size_inches()
    box_ratio = (box.width * fig_w) / (box.height * fig_h)
    width, height = max(width, height * box_ratio), max(height, width / box_ratio)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")


# --- legends ------------------------------------------------------------------------------------


def class_legend_handles(
    classes: Classification, labels: list[str], lang: str, *, public: bool = False
) -> list[Patch]:
    """One patch per class (and one for townships without a value, or withheld if public)."""
    handles = [
        Patch(facecolor=colour, edgecolor=EDGE, linewidth=0.5, label=label)
        for (_, _, colour), label in zip(classes.legend, labels, strict=True)
    ]
    if classes.has_missing:
        no_data = t("legend.no_data_or_protected" if public else "legend.no_data", lang)
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor=EDGE, label=no_data))
    return handles


def _class_legend(
    panel: Axes,
    classes: Classification,
    labels: list[str],
    title: str,
    lang: str,
    *,
    sites: bool = True,
    public: bool = False,
) -> None:
    handles: list[Patch | Line2D] = list(class_legend_handles(classes, labels, lang, public=public))
    if sites:
        handles += _site_handles(lang)
    _legend(panel, handles, title)


def _coverage_legend(
    panel: Axes, layers: MapLayers, summary: Summary, group: Group, lang: str
) -> None:
    reference = _size_reference(layers.demand[group.code])
    samples = _round_samples(reference)
    if summary.disclosure is not None:  # a sample below k would read as a small count
        samples = [n for n in samples if n >= summary.disclosure.min_count]
    handles: list[Patch | Line2D] = [
        Patch(
            facecolor=CATCHMENT,
            alpha=0.5,
            edgecolor="#238b45",
            label=t("export.legend.catchment", lang),
        ),
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=3,
            mfc="#636363",
            mec="none",
            label=t("export.legend.covered", lang),
        ),
        Line2D([], [], ls="", marker="", label=t("export.legend.unreached", lang)),
    ]
    handles += [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=float(np.sqrt(_people_size(np.array([n]), reference))[0]),
            mfc=UNREACHED,
            alpha=0.7,
            mec="white",
            label="    " + t("export.legend.people", lang, n=format_count(n, lang)),
        )
        for n in samples
    ]
    handles += _site_handles(lang)
    _legend(panel, handles, group.display(lang))
    _group_figures(panel, summary, group, lang)


def _round_samples(reference: float) -> list[float]:
    """Two or three round people counts for the size legend, the largest near ``reference``."""
    magnitude = 10 ** np.floor(np.log10(max(reference, 1)))
    top = np.floor(reference / magnitude) * magnitude
    return sorted({float(v) for v in (top / 4, top / 2, top) if v >= 1})


def _site_handles(lang: str) -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            ls="",
            marker=marker,
            ms=6,
            mfc=colour,
            mec="white",
            label=t(f"kind.{kind}", lang),
        )
        for kind, (marker, colour) in SITE_STYLE.items()
    ]


def _legend(panel: Axes, handles: list[Patch | Line2D], title: str) -> None:
    legend = panel.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 1),
        frameon=False,
        title=title,
        alignment="left",
        fontsize=9,
        title_fontproperties={"size": 11, "weight": "bold"},
        handlelength=1.6,
        handleheight=1.1,
        labelspacing=0.6,
    )
    legend.get_title().set_color(INK)


def _group_figures(panel: Axes, summary: Summary, group: Group, lang: str) -> None:
    code = group.code
    people = float(summary.demand[code].sum())
    covered = float(summary.covered[code].sum())
    texts = {
        "people": format_count(people, lang),
        "unreached": format_count(people - covered, lang),
        "coverage": format_percent(covered / people if people else None),
    }
    if summary.disclosure is not None:
        exact = {f: bool(v) for f, v in summary.disclosure.district_groups.loc[code].items()}
        k = summary.disclosure.min_count
        texts["people"] = public_text(people, exact["people"], texts["people"], k)
        texts["unreached"] = public_text(
            people - covered, exact["unreached"], texts["unreached"], k
        )
        texts["coverage"] = public_text(
            0, exact["people"] and exact["covered"], texts["coverage"], k, count=False
        )
    rows = [
        (t("kpi.people", lang), texts["people"]),
        (t("kpi.unreached", lang), texts["unreached"]),
        (t("kpi.coverage", lang), texts["coverage"]),
        (t("export.kpi.radius", lang), _distance(group.radius_m)),
    ]
    draw_figure_rows(panel, rows, top=0.3)


def draw_figure_rows(panel: Axes, rows: list[tuple[str, str]], *, top: float) -> None:
    """Key figures as label / large value rows in a side panel (axes fraction coordinates)."""
    step = min(0.075, top / max(len(rows), 1))
    for i, (label, value) in enumerate(rows):
        y = top - i * step
        panel.text(0.0, y, label, size=9, color=MUTED, va="top", transform=panel.transAxes)
        panel.text(
            1.0,
            y + 0.004,
            value,
            size=13,
            weight="bold",
            color=INK,
            ha="right",
            va="top",
            transform=panel.transAxes,
        )


# --- files --------------------------------------------------------------------------------------


def save_figure(fig: Figure, path: Path | str) -> Path:
    """Write ``fig`` as PNG (300 dpi), SVG or PDF, chosen by the file's extension."""
    path = Path(path)
    fmt = FIGURE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        msg = (
            f"a map is written as {sorted(FIGURE_FORMATS)}, not {path.suffix or 'no extension'!r}."
        )
        raise ValueError(msg)
    metadata = {"Creator": "service-coverage atlas"} if fmt == "pdf" else None
    fig.savefig(path, format=fmt, dpi=PNG_DPI, facecolor="white", metadata=metadata)
    return path
