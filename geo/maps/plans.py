"""Maps of the planning tools: suggested stations, "what if" stations and accessibility.

:func:`build_siting_map` draws the townships, the group's existing sites with their
catchments, the suggested stations as numbered markers (1 = chosen first) with theirs, the
hypothetical stations a planner added, and the villages coloured by what reaches them.
:func:`build_access_map` draws a group's 2SFCA/E2SFCA accessibility, either as village points
coloured by score or as a township choropleth of the demand-weighted score. Both link only
Leaflet (see :mod:`geo.maps.webmap`), so they work offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal, cast

import folium
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from folium.template import Template

from geo.access import AccessResult, group_sites
from geo.dataset import Dataset
from geo.errors import check_choice
from geo.indicators import NO_DATA_COLOUR, Classification, classify_values
from geo.maps.views import MapView
from geo.maps.webmap import (
    GeoJsonLayer,
    LabelLayer,
    Legend,
    add_basemap,
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
from geo.planning import village_reach
from geo.selection import filter_sites
from geo.siting import SitingResult
from geo.text.i18n import format_count, format_score, t

__all__ = [
    "ACCESS_LAYERS",
    "REACH_COLOURS",
    "NumberedMarkers",
    "PlanView",
    "access_classes",
    "build_access_map",
    "build_siting_map",
]

ACCESS_LAYERS = ("points", "townships")
SUGGESTED_COLOUR = "#ea580c"
HYPOTHETICAL_COLOUR = "#7c3aed"
SITE_COLOUR = "#1e3a8a"
UNREACHED_COLOUR = "#dc2626"
REACH_COLOURS = {
    "existing": "#9ca3af",
    "suggested": "#16a34a",
    "hypothetical": HYPOTHETICAL_COLOUR,
    "unreached": UNREACHED_COLOUR,
}
_PLAIN_TOWNSHIP = {"fillColor": "#ffffff", "fillOpacity": 0.55, "color": "#6b7280", "weight": 1.2}


@dataclass(frozen=True)
class PlanView:
    """How a planning map is shown.

    Attributes
    ----------
    lang
        ``"zh"`` or ``"en"``.
    basemap, tianditu_key
        Base map (``"none"`` by default: offline) and the Tianditu key it may need.
    asset_base
        Where the browser finds Leaflet (see :func:`geo.maps.webmap.new_map`).
    show_catchments
        Draw the catchments of existing, suggested and hypothetical stations.
    """

    lang: str = "zh"
    basemap: str = "none"
    tianditu_key: str | None = None
    asset_base: str = "leaflet/"
    show_catchments: bool = True
    font_px: int = 14


class NumberedMarkers(folium.MacroElement):
    """Round markers with a number or short text inside (e.g. the rank of a suggestion).

    Parameters
    ----------
    points
        Where the markers go (display datum).
    texts
        The text inside each marker (a few characters).
    tips
        Tooltip HTML of each marker.
    colour
        Fill colour of the markers.
    name
        Layer name; also the CSS class ``atlas-num-<name>`` of each marker.
    size_px
        Diameter of a marker.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .atlas-num { background: none; border: none; }
        /* scoped by the layer's class: each layer keeps its own colour and size */
        .{{ this.css_class }} span {
            display: flex; align-items: center; justify-content: center;
            width: {{ this.size_px }}px; height: {{ this.size_px }}px; border-radius: 50%;
            transform: translate(-50%, -50%); box-sizing: border-box;
            background: {{ this.colour }}; color: #fff; border: 2px solid #fff;
            font-weight: 700; font-size: {{ (this.size_px * 0.5)|round|int }}px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.55); white-space: nowrap;
        }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup(
            {{ this.items|tojson }}.map(function (m) {
                // A marker that listens to clicks keeps them: the map underneath (where a
                // click adds a station) does not see a click on a marker.
                return L.marker([m[0], m[1]], {
                    keyboard: false, riseOnHover: true, zIndexOffset: 1000,
                    bubblingMouseEvents: false,
                    icon: L.divIcon({className: 'atlas-num {{ this.css_class }}',
                                     html: '<span>' + m[2] + '</span>', iconSize: [0, 0]})
                }).on('click', L.DomEvent.stopPropagation)
                  .bindTooltip(m[3], {direction: 'top', offset: [0, -{{ this.size_px // 2 }}]});
            })
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        points: gpd.GeoSeries,
        texts: Sequence[str],
        tips: Sequence[str],
        *,
        colour: str,
        name: str,
        size_px: int = 30,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = name
        self.css_class = f"atlas-num-{name.lower()}"
        lat = np.round(points.y.to_numpy(), 5).tolist()
        lon = np.round(points.x.to_numpy(), 5).tolist()
        self.items = [
            [y, x, escape(s), tip] for y, x, s, tip in zip(lat, lon, texts, tips, strict=True)
        ]
        self.colour = colour
        self.size_px = size_px


# --- shared layers --------------------------------------------------------------------------


def _base_map(
    dataset: Dataset, view: PlanView | MapView, *, focus: str | None = None, legend_em: int = 12
) -> tuple[folium.Map, gpd.GeoSeries, str]:
    """An empty map fitted to the district (or to township ``focus``).

    ``legend_em`` font sizes stay free on the right for the legend.
    """
    datum = display_datum(view.basemap)
    shapes = to_display_datum(prepare_polygons(dataset.townships.set_index("code")), datum)
    area = shapes if focus is None or focus not in shapes.index else shapes.loc[[focus]]
    area = cast(gpd.GeoSeries, area)
    fmap = new_map(
        area.total_bounds,
        asset_base=view.asset_base,
        font_px=view.font_px,
        legend_px=legend_em * view.font_px,
    )
    add_basemap(fmap, view.basemap, tianditu_key=view.tianditu_key, lang=view.lang)
    return fmap, shapes, datum


def _add_townships(
    fmap: folium.Map,
    dataset: Dataset,
    shapes: gpd.GeoSeries,
    styles: Sequence[dict[str, object]],
    tips: Sequence[str],
    font_px: int,
) -> None:
    """Township polygons (``code`` and ``name`` in each feature, for clicks) and labels."""
    towns = dataset.townships
    distinct, index = style_index(list(styles))
    properties = pd.DataFrame(
        {"code": towns["code"].to_numpy(), "name": towns["name"].to_numpy(), "s": index, "t": tips}
    )
    drawn = cast(gpd.GeoSeries, shapes.loc[towns["code"]])
    data = polygons_to_features(drawn, properties)
    GeoJsonLayer(data, name="Townships", styles=distinct).add_to(fmap)
    LabelLayer(
        drawn.representative_point(),
        list(towns["name"]),
        font_px=font_px - 1,
        priority=shapely.area(drawn.to_numpy()),
    ).add_to(fmap)


def _add_circles(
    fmap: folium.Map,
    points: gpd.GeoSeries,
    radii_m: np.ndarray,
    style: dict[str, object],
    *,
    name: str,
    datum: str,
) -> None:
    if len(points) == 0:
        return
    properties = pd.DataFrame({"r": np.round(np.asarray(radii_m, dtype=float), 1)})
    data = points_to_features(to_display_datum(points, datum), properties)
    GeoJsonLayer(data, name=name, styles=[style], interactive=False).add_to(fmap)


def _add_sites(
    fmap: folium.Map, dataset: Dataset, sites: gpd.GeoDataFrame, datum: str, lang: str
) -> None:
    """Existing sites as small dark dots with the atlas's site popups."""
    if sites.empty:
        return
    labels = {g.code: g.display(lang) for g in dataset.groups}
    names = dataset.townships.set_index("code")["name"].to_dict()
    popups = [
        site_popup_values(row, group_labels=labels, township=names.get(row["township"]), lang=lang)
        for _, row in sites.iterrows()
    ]
    style = {
        "radius": 5,
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": SITE_COLOUR,
        "fillOpacity": 0.95,
        "bubblingMouseEvents": False,
    }
    properties = pd.DataFrame({"id": sites["id"].to_numpy(), "p": popups})
    data = points_to_features(to_display_datum(sites.geometry, datum), properties)
    GeoJsonLayer(data, name="Sites", styles=[style], popup_labels=site_popup_labels(lang)).add_to(
        fmap
    )


def _point_sizes(people: np.ndarray, *, smallest: float = 3.0, largest: float = 9.0) -> np.ndarray:
    biggest = float(people.max()) if len(people) else 0.0
    if biggest <= 0:
        return np.full(len(people), smallest)
    return np.round(smallest + (largest - smallest) * np.sqrt(people / biggest))


def _add_villages(
    fmap: folium.Map,
    villages: gpd.GeoDataFrame,
    colours: Sequence[str],
    tips: Sequence[str],
    datum: str,
) -> None:
    if villages.empty:
        return
    sizes = _point_sizes(villages["people"].to_numpy(dtype=float))
    styles, index = style_index(
        [
            {
                "radius": float(r),
                "color": "#374151",
                "weight": 0.8,
                "fillColor": c,
                "fillOpacity": 0.85,
            }
            for r, c in zip(sizes, colours, strict=True)
        ]
    )
    properties = pd.DataFrame({"id": villages["id"].to_numpy(), "s": index, "t": list(tips)})
    data = points_to_features(to_display_datum(villages.geometry, datum), properties)
    GeoJsonLayer(data, name="Villages", styles=styles).add_to(fmap)


def _village_tip(name: object, vid: object, line: str) -> str:
    title = name if isinstance(name, str) and name else vid
    return f"<b>{escape(str(title))}</b><br>{line}"


# --- the siting map -------------------------------------------------------------------------


def _lonlat_points(lon: npt.ArrayLike, lat: npt.ArrayLike) -> gpd.GeoSeries:
    return gpd.GeoSeries.from_xy(np.asarray(lon, float), np.asarray(lat, float), crs="EPSG:4326")


def build_siting_map(
    dataset: Dataset,
    result: SitingResult,
    view: PlanView,
    *,
    hypothetical: pd.DataFrame | None = None,
) -> folium.Map:
    """The siting map of ``result``'s group.

    Parameters
    ----------
    dataset
        The dataset the suggestions were computed from.
    result
        Suggested stations (:func:`geo.siting.suggest_sites`); their catchment is
        ``result.radius_m``.
    view
        Language, base map and layers.
    hypothetical
        Hypothetical stations with ``lon``, ``lat`` (WGS-84) and ``label`` (the text in their
        marker), drawn with the same catchment.

    Returns
    -------
    folium.Map
        Suggestion markers carry the CSS class ``atlas-num-suggested``, hypothetical ones
        ``atlas-num-hypothetical``.
    """
    lang = view.lang
    fmap, shapes, datum = _base_map(dataset, view, legend_em=19)
    tips = [f"<b>{escape(str(n))}</b>" for n in dataset.townships["name"]]
    _add_townships(fmap, dataset, shapes, [_PLAIN_TOWNSHIP] * len(tips), tips, view.font_px)
    rows = result.suggestions
    extra = hypothetical if hypothetical is not None else pd.DataFrame(columns=["lon", "lat"])
    sites = group_sites(dataset, dataset.group(result.group))
    if view.show_catchments:
        _add_siting_catchments(fmap, sites, rows, extra, result.radius_m, datum)
    _add_reach_villages(fmap, dataset, result, (extra["lon"], extra["lat"]), datum, lang)
    _add_sites(fmap, dataset, sites, datum, lang)
    _add_station_markers(fmap, dataset, rows, extra, datum, lang)
    _add_siting_legend(fmap, dataset, result, view)
    return fmap


def _add_siting_catchments(
    fmap: folium.Map,
    sites: gpd.GeoDataFrame,
    suggested: pd.DataFrame,
    hypothetical: pd.DataFrame,
    radius_m: float,
    datum: str,
) -> None:
    """Existing sites' catchments (thin blue), new stations' (dashed, their marker colour)."""
    style = {"color": "#1d4ed8", "weight": 0.8, "fillColor": "#3b82f6", "fillOpacity": 0.05}
    radii = sites["radius_m"].to_numpy(float)
    _add_circles(fmap, sites.geometry, radii, style, name="Catchments", datum=datum)
    for rows, colour, name in (
        (suggested, SUGGESTED_COLOUR, "SuggestedCatchments"),
        (hypothetical, HYPOTHETICAL_COLOUR, "HypotheticalCatchments"),
    ):
        points = _lonlat_points(rows["lon"], rows["lat"])
        style = {
            "color": colour,
            "weight": 2,
            "dashArray": "6 4",
            "fillColor": colour,
            "fillOpacity": 0.10,
        }
        radii = np.full(len(points), radius_m)
        _add_circles(fmap, points, radii, style, name=name, datum=datum)


def _add_reach_villages(
    fmap: folium.Map,
    dataset: Dataset,
    result: SitingResult,
    hypothetical: tuple[pd.Series, pd.Series],
    datum: str,
    lang: str,
) -> None:
    rows = result.suggestions
    villages = village_reach(
        dataset,
        result.group,
        radius_m=result.radius_m,
        suggested=(rows["lon"].to_numpy(), rows["lat"].to_numpy()),
        hypothetical=(hypothetical[0].to_numpy(float), hypothetical[1].to_numpy(float)),
    )
    colours = villages["reach"].map(REACH_COLOURS).tolist()
    tips = [
        _village_tip(
            n,
            i,
            t(f"siting.reach.{r}", lang)
            + " · "
            + t("siting.people", lang, n=format_count(p, lang)),
        )
        for n, i, r, p in zip(
            villages["name"], villages["id"], villages["reach"], villages["people"], strict=True
        )
    ]
    _add_villages(fmap, villages, colours, tips, datum)


def _add_station_markers(
    fmap: folium.Map,
    dataset: Dataset,
    rows: pd.DataFrame,
    extra: pd.DataFrame,
    datum: str,
    lang: str,
) -> None:
    names = dataset.townships.set_index("code")["name"].to_dict()
    if len(extra):
        labels = [str(v) for v in extra.get("label", pd.Series(range(1, len(extra) + 1)))]
        tips = [f"<b>{escape(t('siting.hypothetical_one', lang, label=v))}</b>" for v in labels]
        points = to_display_datum(_lonlat_points(extra["lon"], extra["lat"]), datum)
        NumberedMarkers(
            points, labels, tips, colour=HYPOTHETICAL_COLOUR, name="Hypothetical", size_px=26
        ).add_to(fmap)
    if len(rows):
        tips = [
            f"<b>{escape(t('siting.suggestion_one', lang, rank=int(r['rank'])))}</b>"
            f"<br>{escape(str(r['name'] if isinstance(r['name'], str) else r['candidate_id']))} · "
            f"{escape(names.get(r['township'], t('map.outside', lang)))}<br>"
            + escape(t("siting.gain_tip", lang, n=format_count(r["gain"], lang)))
            for r in rows.to_dict("records")
        ]
        points = to_display_datum(_lonlat_points(rows["lon"], rows["lat"]), datum)
        texts = [str(int(r)) for r in rows["rank"]]
        NumberedMarkers(points, texts, tips, colour=SUGGESTED_COLOUR, name="Suggested").add_to(fmap)


def _add_siting_legend(
    fmap: folium.Map, dataset: Dataset, result: SitingResult, view: PlanView
) -> None:
    lang = view.lang
    group = dataset.group(result.group)
    symbols = [
        (t("siting.legend.suggested", lang), SUGGESTED_COLOUR, "#ffffff", 18),
        (t("siting.legend.hypothetical", lang), HYPOTHETICAL_COLOUR, "#ffffff", 16),
        (t("siting.legend.sites", lang), SITE_COLOUR, "#ffffff", 11),
    ]
    symbols += [
        (t(f"siting.reach.{state}", lang), colour, "#374151", 12)
        for state, colour in REACH_COLOURS.items()
    ]
    if view.show_catchments:
        symbols.append((t("map.catchments", lang), "#dbeafe", "#1d4ed8", 14))
    note = t("siting.legend.note", lang, radius=format_count(result.radius_m, lang))
    if dataset.demo:
        note += " · " + t("demo.short", lang)
    title = t("siting.legend.title", lang, group=group.display(lang))
    Legend(title, [], symbols=symbols, note=note, font_px=view.font_px).add_to(fmap)


# --- the accessibility map ------------------------------------------------------------------


def access_classes(values: pd.Series) -> Classification:
    """Natural-break classes of the positive scores (green: more supply per person).

    Zero scores (no site in reach) and missing ones get no class: the maps show them
    apart, as "no site within reach" and "no data".
    """
    positive = values.astype(float).where(values.astype(float) > 0)
    return classify_values(positive, palette="Greens")


def _class_labels(classes: Classification) -> list[str]:
    labels = []
    for lo, hi, _ in classes.legend:
        low, high = format_score(lo), format_score(hi)
        labels.append(low if low == high else f"{low} – {high}")
    return labels


def build_access_map(
    dataset: Dataset,
    access: AccessResult,
    view: MapView,
    *,
    layer: Literal["points", "townships"] = "points",
) -> folium.Map:
    """A group's accessibility: village points or a township choropleth of the score.

    Parameters
    ----------
    dataset
        The dataset ``access`` was computed from.
    access
        :func:`geo.access.compute_access` of one group.
    view
        Language, base map, site filters (``kinds``, ``categories``), the outlined
        ``township`` and whether catchments are drawn (``show_catchments``).
    layer
        ``"points"``: villages coloured by their score (red: no site within reach);
        ``"townships"``: townships coloured by the demand-weighted mean score.

    Returns
    -------
    folium.Map
        Township features carry ``code`` and ``name`` (a click opens the township's detail).
    """
    check_choice("layer", layer, ACCESS_LAYERS)
    focus = view.township if view.zoom_to_township else None
    fmap, shapes, datum = _base_map(dataset, view, focus=focus)
    towns = access.townships.set_index("code").reindex(dataset.townships["code"])
    if layer == "townships":
        classes = access_classes(towns["score"])
        fills = np.where(towns["score"].eq(0), UNREACHED_COLOUR, classes.colours.to_numpy(object))
        base = [{**_PLAIN_TOWNSHIP, "fillColor": f, "fillOpacity": 0.85} for f in fills]
    else:
        villages = _scored_villages(dataset, access)
        classes = access_classes(villages["score"])
        base = [_PLAIN_TOWNSHIP] * len(towns)
    outline = {"color": "#111827", "weight": 4}
    styles = [
        {**style, **outline} if code == view.township else style
        for style, code in zip(base, towns.index, strict=True)
    ]
    score_label = escape(t("access.score", view.lang)) + t("app.colon", view.lang)
    tips = [
        f"<b>{escape(str(n))}</b><br>{score_label}{format_score(s)}"
        for n, s in zip(towns["name"], towns["score"], strict=True)
    ]
    _add_townships(fmap, dataset, shapes, styles, tips, view.font_px)
    sites = filter_sites(
        group_sites(dataset, dataset.group(access.group)),
        kinds=view.kinds,
        categories=view.categories,
    )
    if view.show_catchments:
        style = {"color": "#1d4ed8", "weight": 1, "fillColor": "#3b82f6", "fillOpacity": 0.06}
        _add_circles(
            fmap,
            sites.geometry,
            sites["radius_m"].to_numpy(float),
            style,
            name="Catchments",
            datum=datum,
        )
    if layer == "points":
        _add_scored_villages(fmap, villages, classes, datum, view.lang)
    _add_sites(fmap, dataset, sites, datum, view.lang)
    _add_access_legend(fmap, dataset, access, classes, view, layer)
    return fmap


def _scored_villages(dataset: Dataset, access: AccessResult) -> gpd.GeoDataFrame:
    points = access.points
    located = dataset.demand.set_index("id").geometry.reindex(points["id"])
    frame = gpd.GeoDataFrame(
        points.rename(columns={"demand": "people"}),
        geometry=np.asarray(located, dtype=object),
        crs="EPSG:4326",
    )
    return frame[frame["people"] > 0].reset_index(drop=True)


def _add_scored_villages(
    fmap: folium.Map,
    villages: gpd.GeoDataFrame,
    classes: Classification,
    datum: str,
    lang: str,
) -> None:
    scores = villages["score"].to_numpy(dtype=float)
    colours = np.where(scores > 0, classes.colours.to_numpy(dtype=object), UNREACHED_COLOUR)
    tips = [
        _village_tip(
            n,
            i,
            f"{escape(t('access.score', lang))}{t('app.colon', lang)}{format_score(s)} · "
            + escape(t("siting.people", lang, n=format_count(p, lang))),
        )
        for n, i, s, p in zip(
            villages["name"], villages["id"], scores, villages["people"], strict=True
        )
    ]
    _add_villages(fmap, villages, list(colours), tips, datum)


def _add_access_legend(
    fmap: folium.Map,
    dataset: Dataset,
    access: AccessResult,
    classes: Classification,
    view: MapView,
    layer: str,
) -> None:
    lang = view.lang
    swatches = list(zip(_class_labels(classes), [c for *_, c in classes.legend], strict=True))
    swatches.append((t("access.none_in_reach", lang), UNREACHED_COLOUR))
    if layer == "townships" and access.townships["score"].isna().any():
        swatches.append((t("legend.no_data", lang), NO_DATA_COLOUR))
    symbols = [(t("siting.legend.sites", lang), SITE_COLOUR, "#ffffff", 11)]
    if view.show_catchments:
        symbols.append((t("map.catchments", lang), "#dbeafe", "#1d4ed8", 14))
    notes = [
        t("access.capacity_note", lang, n=len(access.supply_defaulted), total=len(access.sites))
    ]
    if dataset.demo:
        notes.append(t("demo.short", lang))
    group = dataset.group(access.group).display(lang)
    title = t(f"access.title.{access.method}", lang, group=group)
    Legend(title, swatches, symbols=symbols, note=" · ".join(notes), font_px=view.font_px).add_to(
        fmap
    )
