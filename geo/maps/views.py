"""The maps the dashboard shows, built from a summary; the HTML export saves the same maps.

:func:`build_map` draws, in this order: the township choropleth of an indicator (with a
legend and labels), optionally the catchment circles, the villages out of reach sized by the
people not reached, and the site markers styled by kind and category.
"""

from __future__ import annotations

import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TypedDict, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.dataset import Dataset
from geo.indicators import (
    Classification,
    Scheme,
    classify_indicator,
    format_indicator_value,
    indicator_name,
    legend_labels,
)
from geo.maps.webmap import (
    DrawnMark,
    Fetched,
    GeoJsonLayer,
    LabelLayer,
    Legend,
    Restyle,
    Subset,
    add_basemap,
    compact_json,
    display_datum,
    new_map,
    points_to_features,
    polygons_to_features,
    prepare_polygons,
    site_popup_labels,
    site_popup_values,
    style_index,
    to_display_datum,
)
from geo.privacy import Disclosure, indicator_shown, indicator_texts
from geo.selection import filter_sites, site_catchment_radii, unreached_points
from geo.summary import Summary
from geo.text.i18n import format_count, t

__all__ = [
    "CATCHMENT_GROUP_LIMIT",
    "CATEGORY_COLOURS",
    "KNOWN_CATEGORY_COLOURS",
    "LayeredMap",
    "MapView",
    "build_layered_map",
    "build_map",
    "catchments_by_default",
    "category_colours",
]

# Warm and dark hues that stand out on the choropleth palettes (which are light and cool):
# the well-known categories have their own (KNOWN_CATEGORY_COLOURS), any other category one of
# CATEGORY_COLOURS by a hash of its name.
CATEGORY_COLOURS = (
    "#a0522d", "#b8860b", "#6b8e23", "#c71585", "#8b0000", "#4b0082", "#ff1493", "#556b2f",
)  # fmt: skip
OTHER_COLOUR = "#444444"
# Above this many groups the circles of every site for every group cover the whole district
# (the demo: 7 groups, hundreds of overlapping circles), so they start switched off.
CATCHMENT_GROUP_LIMIT = 2
# Beyond this many villages out of reach the map shows them summed per township.
MAX_VILLAGE_MARKERS = 3000
# More catchment circles than this are painted on one canvas, not as SVG elements; so is the
# whole map of a dataset with more townships and sites than this.
CANVAS_FROM = 1000
_KIND_FILL = {"organization": "#1e1b4b", "station": "#64748b"}


class _MarkerStyle(TypedDict):
    radius: float
    color: str
    weight: float


_KIND_STYLE: dict[str, _MarkerStyle] = {
    "organization": {"radius": 8, "color": "#1e1b4b", "weight": 2.5},
    "station": {"radius": 5.5, "color": "#ffffff", "weight": 1.5},
}


@dataclass(frozen=True)
class MapView:
    """What a map shows and how.

    Attributes
    ----------
    indicator
        The choropleth indicator (see ``geo.indicators.INDICATORS``).
    lang
        ``"zh"`` or ``"en"``.
    basemap
        ``"none"`` (default, offline), ``"osm"``, ``"tianditu"`` or ``"gaode"``.
    tianditu_key
        Needed for the Tianditu base map.
    show_sites, show_catchments, show_unreached
        Which point layers to draw.
    kinds, categories
        Site filters (None = all).
    township
        A township code to outline in bold (the one whose detail is open).
    zoom_to_township
        Fit the map to that township instead of the whole district.
    briefing
        Large type for a projector.
    colour_by_category
        Fill the site markers by category; otherwise one dark colour per kind, so that
        nothing on the map shares the red of the villages out of reach.
    site_scale
        Size of the site markers relative to the overview's (smaller where villages matter).
    township_opacity
        Fill opacity of the choropleth (lighter where points must stand out on it).
    asset_base
        Where the browser finds ``leaflet.js``/``leaflet.css`` (see ``geo.maps.webmap.new_map``).
    breaks
        The class breaks of the choropleth; None: the indicator's default (fixed classes for
        shares, natural breaks for the rest; see ``geo.indicators.classify_indicator``).
    data_url
        Where the browser may fetch the large parts of the map that no filter changes (the
        township outlines, every site): given such a part as JSON text, returns the URL it
        is served at. None writes them into the page (a map saved to disk).
    """

    indicator: str = "coverage"
    lang: str = "zh"
    basemap: str = "none"
    tianditu_key: str | None = None
    show_sites: bool = True
    show_catchments: bool = False
    show_unreached: bool = False
    kinds: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    township: str | None = None
    zoom_to_township: bool = False
    briefing: bool = False
    colour_by_category: bool = True
    site_scale: float = 1.0
    township_opacity: float = 0.85
    asset_base: str = "leaflet/"
    breaks: Scheme | None = None
    data_url: Callable[[str], str] | None = None

    @property
    def font_px(self) -> int:
        """The map's type size: larger in briefing mode, for a projector."""
        return 22 if self.briefing else 14


# The categories of the national and local site registers keep one colour everywhere.
KNOWN_CATEGORY_COLOURS = {
    "妇女之家": "#ff7f0e",
    "儿童之家": "#d62728",
    "日间照料中心": "#8c564b",
    "驿站": "#e377c2",
    "社工站": "#9467bd",
    "女性社会组织": "#bcbd22",
    "农村社区社会组织": "#7f7f7f",
    "社会组织": "#17becf",
}


def category_colours(categories: pd.Series) -> dict[str, str]:
    """A fill colour per site category by its name only: the same in every year and dataset.

    The well-known categories have their own colours (``KNOWN_CATEGORY_COLOURS``); any other
    category gets the colour of ``CATEGORY_COLOURS`` its name hashes to (CRC-32 of the UTF-8
    name), or the next free one when another category of the same map has it already. Beyond
    ``len(CATEGORY_COLOURS)`` other categories the rest share ``OTHER_COLOUR``.
    """
    names = sorted(set(categories.dropna().astype(str)))
    colours = {c: KNOWN_CATEGORY_COLOURS[c] for c in names if c in KNOWN_CATEGORY_COLOURS}
    taken: set[str] = set()
    for name in names:
        if name in colours:
            continue
        free = [c for c in CATEGORY_COLOURS if c not in taken]
        if not free:
            colours[name] = OTHER_COLOUR
            continue
        start = zlib.crc32(name.encode("utf-8")) % len(CATEGORY_COLOURS)
        ring = CATEGORY_COLOURS[start:] + CATEGORY_COLOURS[:start]
        colours[name] = next(c for c in ring if c in free)
        taken.add(colours[name])
    return colours


def catchments_by_default(group_count: int) -> bool:
    """Whether the coverage map starts with catchment circles: only for one or two groups.

    Parameters
    ----------
    group_count
        How many beneficiary groups are selected.

    Returns
    -------
    bool
        True up to :data:`CATCHMENT_GROUP_LIMIT` groups.
    """
    return 0 < group_count <= CATCHMENT_GROUP_LIMIT


@dataclass(frozen=True)
class LayeredMap:
    """A map in two parts, so that a filter change redraws only what it changes.

    Attributes
    ----------
    base
        What stays while the groups, kinds or indicator change: the township outlines and
        names, the base map, the extent. The same choices give the same base, to the byte.
    layers
        What they change: the townships' colours and tooltips (a :class:`Restyle` of the
        outlines), catchments, villages out of reach, sites and the legend.
    """

    base: folium.Map
    layers: folium.FeatureGroup

    def combined(self) -> folium.Map:
        """The base with the layers on it: one map, e.g. for a page saved to disk."""
        self.layers.add_to(self.base)
        return self.base


def build_map(summary: Summary, view: MapView) -> folium.Map:
    """The township map of ``summary`` as ``view`` asks for it, in one piece.

    Returns
    -------
    folium.Map
        Linking only Leaflet (from ``view.asset_base``); pass it to
        ``geo.maps.webmap.standalone_html`` for a self-contained page.
    """
    return build_layered_map(summary, view).combined()


def build_layered_map(summary: Summary, view: MapView) -> LayeredMap:
    """The township map of ``summary`` as ``view`` asks for it, as a base and its layers.

    The dashboard sends the base once and only the layers when a filter changes (a
    province's outlines weigh megabytes; its colours a few kilobytes).
    """
    datum = display_datum(view.basemap)
    dataset = summary.dataset
    drawn = display_townships(dataset.townships, datum)
    shapes = drawn.shapes
    focus = (
        cast(gpd.GeoSeries, shapes.loc[[view.township]])
        if view.zoom_to_township and view.township
        else shapes
    )
    base = new_map(
        focus.total_bounds,
        asset_base=view.asset_base,
        font_px=view.font_px,
        legend_px=15 * view.font_px,
        prefer_canvas=len(dataset.townships) + len(dataset.sites) > CANVAS_FROM,
    )
    add_basemap(base, view.basemap, tianditu_key=view.tianditu_key, lang=view.lang)
    _add_outlines(base, drawn, view)
    colours = category_colours(dataset.sites["category"])
    if view.show_sites:
        _add_all_sites(base, dataset, colours, datum, view)
    layers = folium.FeatureGroup(name="layers")
    # the public edition (geo.privacy.public_summary): protected township values read "*" in
    # the tooltips, and villages are drawn without their small groups
    disclosure = summary.disclosure
    classes = _classify(summary, view, disclosure)
    _add_township_styles(layers, summary, classes, view, disclosure)
    sites = _visible_sites(summary, view)
    if view.show_catchments:
        _add_catchments(layers, summary, sites, datum)
    by_township = False
    if view.show_unreached:
        hidden = None if disclosure is None else disclosure.hidden
        by_township = _add_unreached(layers, summary, datum, view, hidden)
    if view.show_sites:
        Subset("sites", dataset.sites.index.get_indexer(sites.index).tolist()).add_to(layers)
    _add_legend(layers, summary, classes, colours, view, unreached_by_township=by_township)
    DrawnMark().add_to(layers)
    return LayeredMap(base, layers)


def _classify(summary: Summary, view: MapView, disclosure: Disclosure | None) -> Classification:
    """The choropleth classes; in the public view protected townships get no class (grey)."""
    shown = None if disclosure is None else indicator_shown(disclosure, view.indicator)
    return classify_indicator(summary.townships, view.indicator, scheme=view.breaks, shown=shown)


@dataclass(frozen=True)
class DisplayTownships:
    """The townships as a map draws them, computed once per dataset and datum.

    Attributes
    ----------
    shapes
        Simplified polygons (index: code), in the display datum.
    features_json
        Their GeoJSON, each feature with its ``code`` and ``name``, as compact JSON text.
    names
        The townships' names, in the same order.
    label_points
        Where each name is written (a point inside the polygon).
    """

    shapes: gpd.GeoSeries
    features_json: str
    names: pd.Series
    label_points: gpd.GeoSeries


# By (id of the townships frame, datum), while that frame lives.
_DISPLAY: dict[tuple[int, str], DisplayTownships] = {}


def display_townships(townships: gpd.GeoDataFrame, datum: str) -> DisplayTownships:
    """The townships of a dataset simplified for display in ``datum``.

    Kept while ``townships`` lives: a filter change redraws the map without simplifying and
    encoding a province's boundaries again.
    """
    key = (id(townships), datum)
    if key not in _DISPLAY:
        shapes = to_display_datum(prepare_polygons(townships.set_index("code")), datum)
        names = pd.Series(townships["name"].astype(str).to_numpy(), index=shapes.index)
        properties = pd.DataFrame({"code": shapes.index.astype(str), "name": names.to_numpy()})
        _DISPLAY[key] = DisplayTownships(
            shapes=shapes,
            features_json=compact_json(polygons_to_features(shapes, properties)),
            names=names,
            label_points=shapes.representative_point(),
        )
        weakref.finalize(townships, _DISPLAY.pop, key, None)
    return _DISPLAY[key]


def _visible_sites(summary: Summary, view: MapView) -> gpd.GeoDataFrame:
    return filter_sites(
        summary.dataset.sites,
        groups=summary.group_codes,
        kinds=view.kinds,
        categories=view.categories,
    )


# The outlines before the layers colour them (the same grey as "no data").
_OUTLINE_STYLE = {"fillColor": "#d9d9d9", "fillOpacity": 0.85, "color": "#4b5563", "weight": 1.2}


def _add_outlines(fmap: folium.Map, drawn: DisplayTownships, view: MapView) -> None:
    """The townships' shapes and names: the part of the map no filter changes."""
    GeoJsonLayer(
        _data(drawn.features_json, view), name="Townships", styles=[_OUTLINE_STYLE], register=True
    ).add_to(fmap)
    LabelLayer(
        drawn.label_points,
        [str(name) for name in drawn.names],
        font_px=view.font_px - 1,
        priority=shapely.area(drawn.shapes.to_numpy()),  # square degrees: only the order counts
    ).add_to(fmap)


def _add_township_styles(
    layers: folium.FeatureGroup,
    summary: Summary,
    classes: Classification,
    view: MapView,
    disclosure: Disclosure | None = None,
) -> None:
    """Each township's colour (its class of the indicator), outline and tooltip."""
    table = summary.townships
    name = indicator_name(view.indicator, view.lang)
    values = [format_indicator_value(view.indicator, v, view.lang) for v in classes.values]
    if disclosure is not None:
        values = list(indicator_texts(summary, view.indicator, view.lang).reindex(table.index))
    selected = table.index == view.township
    styles, index = style_index(
        [
            {
                "fillColor": colour,
                "fillOpacity": view.township_opacity,
                "color": "#111827" if is_selected else "#4b5563",
                "weight": 4 if is_selected else 1.2,
            }
            for colour, is_selected in zip(classes.colours, selected, strict=True)
        ]
    )
    tips = [
        f"<b>{escape(str(n))}</b><br>{escape(name)}{t('app.colon', view.lang)}{v}"
        for n, v in zip(table["name"], values, strict=True)
    ]
    styles.append({**_OUTLINE_STYLE, "fillOpacity": view.township_opacity})
    Restyle(
        "townships",
        key="code",
        styles=styles,
        values=dict(zip(table.index.astype(str), zip(index, tips, strict=True), strict=True)),
        missing=len(styles) - 1,
    ).add_to(layers)


def _add_catchments(
    layers: folium.FeatureGroup, summary: Summary, sites: gpd.GeoDataFrame, datum: str
) -> None:
    radii = site_catchment_radii(sites, summary.groups)
    shown = sites[radii.notna().to_numpy()]
    if shown.empty:
        return
    properties = pd.DataFrame({"r": radii[radii.notna()].round(1).to_numpy()})
    data = points_to_features(to_display_datum(shown.geometry, datum), properties)
    style = {
        "color": "#1d4ed8",
        "weight": 0.6,
        "opacity": 0.45,
        "fillColor": "#3b82f6",
        "fillOpacity": 0.04,
    }
    GeoJsonLayer(
        data, name="Catchments", styles=[style], interactive=False, canvas=len(shown) > CANVAS_FROM
    ).add_to(layers)


def _add_unreached(
    layers: folium.FeatureGroup,
    summary: Summary,
    datum: str,
    view: MapView,
    hidden: pd.DataFrame | None = None,
) -> bool:
    """The villages out of reach, sized by their people.

    Beyond ``MAX_VILLAGE_MARKERS`` they are summed per township, but for the township the
    map is zoomed to, whose villages are drawn each. Returns True when they are summed.
    """
    points = unreached_points(summary, hidden)
    if points.empty:
        return False
    if len(points) <= MAX_VILLAGE_MARKERS:
        _add_unreached_villages(layers, points, datum, view)
        return False
    zoomed = (points["township"] == view.township).to_numpy() & view.zoom_to_township
    if not zoomed.all():
        _add_unreached_by_township(layers, points[~zoomed], datum, view)
    if zoomed.any():
        _add_unreached_villages(layers, points[zoomed], datum, view)
    return True


def _add_unreached_villages(
    layers: folium.FeatureGroup, points: gpd.GeoDataFrame, datum: str, view: MapView
) -> None:
    biggest = float(points["unreached"].max())
    # area proportional to the people not reached, 2.5-10 px: big enough to compare, small
    # enough that hundreds of villages do not bury the townships under them
    radius = 2.5 + 7.5 * np.sqrt(points["unreached"].to_numpy(dtype=float) / biggest)
    tips = [
        f"<b>{escape(str(n or i))}</b><br>"
        + t("map.popup.unreached", view.lang, n=format_count(u, view.lang))
        for i, n, u in zip(points["id"], points["name"], points["unreached"], strict=True)
    ]
    base = {"color": "#7f1d1d", "weight": 0.8, "fillColor": "#ef4444", "fillOpacity": 0.7}
    styles, index = style_index([{**base, "radius": round(float(r) * 2) / 2} for r in radius])
    properties = pd.DataFrame({"id": points["id"].to_numpy(), "s": index, "t": tips})
    data = points_to_features(to_display_datum(points.geometry, datum), properties)
    GeoJsonLayer(data, name="Unreached", styles=styles).add_to(layers)


def _add_unreached_by_township(
    layers: folium.FeatureGroup, points: gpd.GeoDataFrame, datum: str, view: MapView
) -> None:
    """One circle per township, at the people-weighted centre of its villages out of reach.

    Tens of thousands of village markers would weigh megabytes and bury the townships; the
    township's detail lists its villages, and its map, zoomed in, draws them.
    """
    lon, lat = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    people = points["unreached"].to_numpy(dtype=float)
    town = points["township"].fillna("").astype(str).to_numpy()
    frame = pd.DataFrame({"t": town, "w": people, "x": lon * people, "y": lat * people})
    sums = frame.groupby("t", sort=False).agg(
        w=("w", "sum"), x=("x", "sum"), y=("y", "sum"), n=("w", "size")
    )
    centres = gpd.GeoSeries.from_xy(sums["x"] / sums["w"], sums["y"] / sums["w"], crs=points.crs)
    biggest = float(sums["w"].max())
    radius = 3.0 + 9.0 * np.sqrt(sums["w"].to_numpy() / biggest)
    tips = [
        t("map.popup.unreached_villages", view.lang, villages=int(n), n=format_count(w, view.lang))
        for w, n in zip(sums["w"], sums["n"], strict=True)
    ]
    base = {"color": "#7f1d1d", "weight": 0.8, "fillColor": "#ef4444", "fillOpacity": 0.7}
    styles, index = style_index([{**base, "radius": round(float(r) * 2) / 2} for r in radius])
    properties = pd.DataFrame({"s": index, "t": tips})
    data = points_to_features(to_display_datum(centres, datum), properties)
    GeoJsonLayer(data, name="UnreachedByTownship", styles=styles).add_to(layers)


def _data(text: str, view: MapView) -> str | Fetched:
    """A large, unchanging part of the map: in the page, or fetched (``view.data_url``)."""
    return text if view.data_url is None else Fetched(view.data_url(text))


def _add_all_sites(
    fmap: folium.Map,
    dataset: Dataset,
    colours: dict[str, str],
    datum: str,
    view: MapView,
) -> None:
    """Every site with its marker style and popup, kept for the layers to show (``Subset``)."""
    styles, features = _site_features(dataset, colours, datum, view)
    GeoJsonLayer(
        _data(features, view),
        name="Sites",
        styles=styles,
        popup_labels=site_popup_labels(view.lang),
        register=True,
        show=False,
    ).add_to(fmap)


_SiteFeatures = tuple[list[dict[str, object]], str]
# By (id of the sites frame, what the markers depend on), while that frame lives.
_SITES: dict[tuple[object, ...], _SiteFeatures] = {}


def _site_features(
    dataset: Dataset, colours: dict[str, str], datum: str, view: MapView
) -> _SiteFeatures:
    """The sites' marker styles and their features as JSON text, each with its style and popup.

    Made once per dataset and look: a province's 5,000 popups take a fifth of a second.
    """
    sites = dataset.sites
    key = (id(sites), datum, view.lang, view.colour_by_category, view.site_scale)
    if key not in _SITES:
        styles, index = style_index(
            [
                {
                    **_scaled(_KIND_STYLE.get(kind, _KIND_STYLE["station"]), view.site_scale),
                    "fillColor": (
                        colours.get(str(category), OTHER_COLOUR)
                        if view.colour_by_category
                        else _KIND_FILL.get(kind, _KIND_FILL["station"])
                    ),
                    "fillOpacity": 0.95,
                }
                for kind, category in zip(sites["kind"], sites["category"], strict=True)
            ]
        )
        labels = {g.code: g.display(view.lang) for g in dataset.groups}
        names = dataset.townships.set_index("code")["name"].to_dict()
        popups = [
            site_popup_values(
                row, group_labels=labels, township=names.get(row["township"]), lang=view.lang
            )
            for row in pd.DataFrame(sites.drop(columns=sites.geometry.name)).to_dict("records")
        ]
        properties = pd.DataFrame({"id": sites["id"].to_numpy(), "s": index, "p": popups})
        data = points_to_features(to_display_datum(sites.geometry, datum), properties)
        _SITES[key] = (styles, compact_json(data))
        weakref.finalize(sites, _SITES.pop, key, None)
    return _SITES[key]


def _scaled(style: _MarkerStyle, scale: float) -> _MarkerStyle:
    if scale == 1.0:
        return style
    return {**style, "radius": round(style["radius"] * scale, 1),
            "weight": round(max(1.0, style["weight"] * scale), 1)}  # fmt: skip


def _add_legend(
    layers: folium.FeatureGroup,
    summary: Summary,
    classes: Classification,
    colours: dict[str, str],
    view: MapView,
    *,
    unreached_by_township: bool = False,
) -> None:
    lang = view.lang
    swatches = list(
        zip(
            legend_labels(classes, view.indicator, lang),
            [c for *_, c in classes.legend],
            strict=True,
        )
    )
    if classes.has_missing:
        missing = "legend.no_data_or_protected" if summary.public else "legend.no_data"
        swatches.append((t(missing, lang), "#d9d9d9"))
    symbols: list[tuple[str, str, str, int]] = []
    if view.show_sites and view.colour_by_category:
        symbols += [
            (t("kind.organization", lang), "#ffffff", "#1e1b4b", 16),
            (t("kind.station", lang), "#9ca3af", "#ffffff", 11),
        ]
        symbols += [(category, colour, "#ffffff", 11) for category, colour in colours.items()]
    elif view.show_sites:
        symbols += [
            (t("kind.organization", lang), _KIND_FILL["organization"], "#1e1b4b", 12),
            (t("kind.station", lang), _KIND_FILL["station"], "#ffffff", 9),
        ]
    if view.show_unreached:
        if not unreached_by_township or (view.zoom_to_township and view.township):
            symbols.append((t("map.unreached", lang), "#ef4444", "#7f1d1d", 12))
        if unreached_by_township:
            symbols.append((t("map.unreached_by_township", lang), "#ef4444", "#7f1d1d", 12))
    if view.show_catchments:
        symbols.append((t("map.catchments", lang), "#dbeafe", "#1d4ed8", 14))
    note = t("demo.short", lang) if summary.dataset.demo else None
    title = indicator_name(view.indicator, lang)
    Legend(title, swatches, symbols=symbols, note=note, font_px=view.font_px).add_to(layers)
