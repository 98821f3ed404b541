"""The year-on-year map: the change of coverage per township, the sites opened and closed.

A diverging choropleth (fixed classes in percentage points, red = loss, blue = gain; grey where
a township is in one year only or has no demand) with the township names, the sites opened
(filled green) and closed (hollow, dark red) on top.
"""

from __future__ import annotations

from html import escape

import folium
import geopandas as gpd
import pandas as pd
import shapely

from geo.compare import Comparison
from geo.indicators import (
    CHANGE_COLOURS,
    CLOSED_COLOUR,
    NO_DATA_COLOUR,
    OPENED_COLOUR,
    change_legend_labels,
    classify_change_pp,
)
from geo.indicators import format_change_pp as pp
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
    style_index,
    to_display_datum,
)
from geo.text.i18n import format_percent, t

__all__ = ["build_change_map"]


def build_change_map(comparison: Comparison, view: MapView) -> folium.Map:
    """The change map of ``comparison`` in ``view``'s language, base map and type size.

    The new dataset's townships, then those only the old one has.

    Returns
    -------
    folium.Map
        Linking only Leaflet (from ``view.asset_base``).
    """
    datum = display_datum(view.basemap)
    shapes = _shapes(comparison, datum)
    fmap = new_map(
        shapes.total_bounds,
        asset_base=view.asset_base,
        font_px=view.font_px,
        legend_px=15 * view.font_px,
    )
    add_basemap(fmap, view.basemap, tianditu_key=view.tianditu_key)
    table = comparison.townships.loc[shapes.index]
    classes = classify_change_pp(table["coverage_change_pp"])
    _add_townships(fmap, table, shapes, classes.colours, view)
    if view.show_sites:
        _add_site_changes(fmap, comparison, datum, view)
    _add_legend(fmap, comparison, classes.has_missing, view)
    return fmap


def _shapes(comparison: Comparison, datum: str) -> gpd.GeoSeries:
    new = comparison.new.dataset.townships.set_index("code").geometry
    old = comparison.old.dataset.townships.set_index("code").geometry
    both = pd.concat([new, old[~old.index.isin(new.index)]])
    return to_display_datum(prepare_polygons(gpd.GeoDataFrame(geometry=both)), datum)


def _add_townships(
    fmap: folium.Map,
    table: pd.DataFrame,
    shapes: gpd.GeoSeries,
    colours: pd.Series,
    view: MapView,
) -> None:
    lang = view.lang
    styles, index = style_index(
        [
            {"fillColor": c, "fillOpacity": view.township_opacity, "color": "#4b5563",
             "weight": 1.2, "dashArray": None if s == "both" else "6 4"}
            for c, s in zip(colours, table["status"], strict=True)
        ]
    )  # fmt: skip
    tips = [
        f"<b>{escape(str(row['name']))}</b><br>"
        + escape(
            t(
                f"compare.tip.{row['status']}",
                lang,
                old=format_percent(row["coverage_old"]),
                new=format_percent(row["coverage_new"]),
                change=pp(row["coverage_change_pp"], lang),
                opened=int(row["sites_opened"]),
                closed=int(row["sites_closed"]),
            )
        )
        for _, row in table.iterrows()
    ]
    properties = pd.DataFrame(
        {"code": table.index, "name": table["name"].to_numpy(), "s": index, "t": tips}
    )
    GeoJsonLayer(polygons_to_features(shapes, properties), name="Townships", styles=styles).add_to(
        fmap
    )
    labels = [f"{n} {pp(v, unit=False)}" for n, v in zip(table["name"], table["coverage_change_pp"],
                                                   strict=True)]  # fmt: skip
    LabelLayer(
        shapes.representative_point(),
        labels,
        font_px=view.font_px - 1,
        priority=shapely.area(shapes.to_numpy()),
    ).add_to(fmap)


def _add_site_changes(fmap: folium.Map, comparison: Comparison, datum: str, view: MapView) -> None:
    lang = view.lang
    for ids, dataset, key, style in (
        (comparison.opened, comparison.new.dataset, "opened",
         {"radius": 7, "color": "#ffffff", "weight": 1.5, "fillColor": OPENED_COLOUR,
          "fillOpacity": 0.95}),
        (comparison.closed, comparison.old.dataset, "closed",
         {"radius": 6, "color": CLOSED_COLOUR, "weight": 2.5, "fillColor": "#ffffff",
          "fillOpacity": 0.6}),
    ):  # fmt: skip
        sites = dataset.sites[dataset.sites["id"].isin(ids)]
        if sites.empty:
            continue
        tips = [
            f"<b>{escape(str(n))}</b><br>{escape(t(f'compare.site.{key}', lang))}"
            for n in sites["name"]
        ]
        properties = pd.DataFrame({"id": sites["id"].to_numpy(), "s": 0, "t": tips})
        data = points_to_features(to_display_datum(sites.geometry, datum), properties)
        GeoJsonLayer(data, name=f"Sites{key.title()}", styles=[style]).add_to(fmap)


def _add_legend(fmap: folium.Map, comparison: Comparison, missing: bool, view: MapView) -> None:
    lang = view.lang
    swatches = list(zip(change_legend_labels(lang), CHANGE_COLOURS, strict=True))
    if missing:
        key = (
            "compare.legend.one_year_or_protected"
            if comparison.new.public
            else "compare.legend.one_year"
        )
        swatches.append((t(key, lang), NO_DATA_COLOUR))
    symbols: list[tuple[str, str, str, int]] = []
    if view.show_sites:
        symbols = [
            (t("compare.site.opened_n", lang, n=len(comparison.opened)), OPENED_COLOUR,
             "#ffffff", 14),
            (t("compare.site.closed_n", lang, n=len(comparison.closed)), "#ffffff",
             CLOSED_COLOUR, 12),
        ]  # fmt: skip
    demo = comparison.old.dataset.demo or comparison.new.dataset.demo
    note = t("demo.short", lang) if demo else None
    Legend(
        t("compare.legend.title", lang), swatches, symbols=symbols, note=note,
        font_px=view.font_px,
    ).add_to(fmap)  # fmt: skip
