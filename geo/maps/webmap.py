"""Interactive Leaflet maps (folium) that work with no network at all.

folium's maps pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. The maps built here
need only Leaflet, whose JS and CSS come from the ``django-js-lib-leaflet`` package installed
from PyPI (nothing third-party is kept in this repository). The dashboard serves those files
from the installed package; :func:`standalone_html` writes them into the page itself, so that a
map saved to disk opens anywhere, offline.

No tile layer is drawn by default: the township outlines are the base map. Online base maps
(OpenStreetMap, Tianditu, Gaode) are optional; Gaode's tiles are in GCJ-02, so the data are
shifted to GCJ-02 for display when Gaode is on (:func:`display_datum`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Figure
from folium.template import Template

from geo.errors import check_choice
from geo.io.datum import from_wgs84
from geo.text.i18n import format_count, t

__all__ = [
    "BASEMAPS",
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "DrawnMark",
    "Fetched",
    "GeoJsonLayer",
    "LabelLayer",
    "Legend",
    "Restyle",
    "Subset",
    "add_basemap",
    "compact_json",
    "display_datum",
    "leaflet_asset_dir",
    "new_map",
    "points_to_features",
    "polygons_to_features",
    "prepare_polygons",
    "remote_assets",
    "site_popup_labels",
    "site_popup_values",
    "standalone_html",
    "style_index",
    "to_display_datum",
]

LEAFLET_JS: Final = "leaflet.js"
LEAFLET_CSS: Final = "leaflet.css"
BASEMAPS: Final = ("none", "osm", "tianditu", "gaode")
_COORD_DECIMALS: Final = 5  # about 1 m: plenty for display, and a third of the bytes


def leaflet_asset_dir() -> Path:
    """The folder of the installed Leaflet 1.9 files.

    ``leaflet.js``, ``leaflet.css`` and ``images/``, from the ``django-js-lib-leaflet`` package.
    """
    folder = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    return Path(str(folder))


class _OfflineMap(folium.Map):
    """A folium map that links only Leaflet itself, from ``asset_base``."""

    def __init__(self, *, asset_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default_js = [("leaflet", asset_base + LEAFLET_JS)]
        self.default_css = [("leaflet_css", asset_base + LEAFLET_CSS)]


def new_map(
    bounds: Sequence[float] | np.ndarray,
    *,
    asset_base: str = "leaflet/",
    background: str = "#f3f5f7",
    font_px: int = 14,
    legend_px: int = 0,
    prefer_canvas: bool = False,
) -> folium.Map:
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in degrees), with no tiles.

    Parameters
    ----------
    bounds
        The area to show, e.g. ``townships.total_bounds``.
    asset_base
        URL prefix under which ``leaflet.js`` and ``leaflet.css`` are served (relative or
        absolute). :func:`standalone_html` replaces these links by the files' contents.
    background
        Colour behind the township shapes (there are no tiles by default).
    font_px
        Base font size of tooltips and popups (larger in briefing mode).
    legend_px
        Width kept free on the right for a legend, so that it does not cover the data.
    prefer_canvas
        Paint every shape on one canvas instead of one SVG element each: thousands of shapes
        (a province's townships and sites) then draw and restyle in a fraction of the time,
        and still answer hovers and clicks.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    fmap = _OfflineMap(
        asset_base=asset_base,
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        tiles=None,
        zoom_start=10,
        control_scale=False,  # folium's scale bar adds miles and feet
        zoom_snap=0.25,
        prefer_canvas=prefer_canvas,
    )
    _MetricScale().add_to(fmap)  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
    _CanvasPane().add_to(fmap)  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
    # Leaflet's keyboard handler focuses the map on mousedown; when the map is partly out of
    # view the page then scrolls between mousedown and mouseup, and the click lands elsewhere
    # (a what-if station or a township ~90 px off). Keyboard panning is not worth that.
    fmap.options["keyboard"] = False
    fmap.fit_bounds(
        [[miny, minx], [maxy, maxx]],
        padding_top_left=(8, 8),
        padding_bottom_right=(8 + legend_px, 8),
    )
    style = (
        f"<style>.leaflet-container{{background:{background} !important;font-size:{font_px}px;"
        "font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC',"
        "'Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif;}"
        f".leaflet-tooltip,.leaflet-popup-content{{font-size:{font_px}px;}}"
        ".atlas-popup th{text-align:left;padding-right:0.6em;color:#4b5563;font-weight:400}"
        "</style>"
    )
    page(fmap).header.add_child(folium.Element(style), name="atlas_style")
    return fmap


def page(fmap: folium.Map) -> Figure:
    """The HTML page that holds ``fmap`` (its ``header`` and ``html`` take extra elements)."""
    return cast(Figure, fmap.get_root())


# --- geometry preparation -------------------------------------------------------------------


def prepare_polygons(
    townships: gpd.GeoDataFrame, *, tolerance_deg: float = 0.0004
) -> gpd.GeoSeries:
    """Township polygons simplified for display, shared edges kept shared.

    The tolerance is about 40 m, or a quarter of a pixel of the whole extent on a wide screen
    when that is more (about 100 m for a province, 1.5 km for the country).

    ``shapely.coverage_simplify`` simplifies the edge two townships share once, so that no
    gaps or overlaps open between neighbours; coordinates are then rounded to about 1 m.
    """
    minx, miny, maxx, maxy = townships.total_bounds if len(townships) else (0, 0, 0, 0)
    # A whole province on a 1,600-pixel map: a pixel is about extent / 1,600 degrees.
    tolerance_deg = max(tolerance_deg, max(maxx - minx, maxy - miny) / 4000)
    geoms = shapely.coverage_simplify(townships.geometry.to_numpy(), tolerance_deg)
    geoms = shapely.set_precision(geoms, 10.0**-_COORD_DECIMALS, mode="pointwise")
    return gpd.GeoSeries(geoms, index=townships.index, crs=townships.crs)


def display_datum(basemap: str) -> str:
    """The datum the map data must be in to line up with ``basemap``'s tiles."""
    check_choice("basemap", basemap, BASEMAPS)
    return "gcj02" if basemap == "gaode" else "wgs84"


def to_display_datum(geometry: gpd.GeoSeries, datum: str) -> gpd.GeoSeries:
    """``geometry`` (WGS-84) converted to ``datum`` for display on that datum's tiles."""
    if datum in ("wgs84", "cgcs2000"):
        return geometry

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = from_wgs84(xy[:, 0], xy[:, 1], datum)
        return np.column_stack([lon, lat])

    moved = shapely.transform(geometry.to_numpy(), convert)
    return gpd.GeoSeries(moved, index=geometry.index, crs=geometry.crs)


def polygons_to_features(geometry: gpd.GeoSeries, properties: pd.DataFrame) -> dict[str, object]:
    """A GeoJSON FeatureCollection of ``geometry`` with one properties dict per row."""
    rounded = shapely.transform(geometry.to_numpy(), lambda xy: np.round(xy, _COORD_DECIMALS))
    # pandas < 3.1 gives no records at all for a frame without columns
    records = properties.to_dict("records") if len(properties.columns) else [{}] * len(properties)
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": dict(props)}
        for geom, props in zip(rounded, records, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def points_to_features(geometry: gpd.GeoSeries, properties: pd.DataFrame) -> dict[str, object]:
    """A GeoJSON FeatureCollection of points (compact: coordinates rounded to about 1 m)."""
    lon = np.round(geometry.x.to_numpy(), _COORD_DECIMALS)
    lat = np.round(geometry.y.to_numpy(), _COORD_DECIMALS)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": p}
        for x, y, p in zip(lon.tolist(), lat.tolist(), properties.to_dict("records"), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


# --- map elements ---------------------------------------------------------------------------


def compact_json(value: object) -> str:
    r"""JSON for a ``<script>``: UTF-8 text, no spaces, no string that closes the element.

    Text stays UTF-8 (not ``\u`` escapes); ``<``, ``>`` and ``&`` are escaped.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Fetched:
    """Map data the browser fetches from ``url`` instead of finding it in the page."""

    url: str


class GeoJsonLayer(folium.MacroElement):
    """A GeoJSON layer styled feature by feature, with no extra JavaScript libraries.

    Each feature's ``properties`` may hold ``s`` (an index into ``styles``, the Leaflet path
    options shared by many features), ``r`` (a radius in metres: the point is drawn as a
    geographic circle, e.g. a catchment), ``t`` (tooltip HTML) and ``p`` (the popup: a list
    ``[title, value, ...]`` with one value per ``popup_labels`` entry, None to leave a row
    out; the browser builds the table, so the labels travel once, not once per feature).
    Points without ``r`` are drawn as circle markers (``radius`` in pixels). Every shape gets
    the CSS class ``atlas-<name>`` (e.g. ``atlas-townships``), which the browser tests count;
    with ``canvas=True`` (only for a layer that is not ``interactive``, e.g. thousands of
    catchment circles) the shapes are painted on one canvas above the townships instead,
    which stays quick to draw and to pan and lets every click through.

    Parameters
    ----------
    data
        The FeatureCollection, its :func:`compact_json` text (geometry encoded once and
        drawn many times), or :class:`Fetched`: where the browser fetches it (a large layer
        that stays the same while the page changes, which the browser then keeps).
    register
        Keep the layer as ``map.atlasLayers[<name in lower case>]`` (the element must then
        be added to the map itself), where :class:`Restyle` and :class:`Subset` find it.
    show
        Draw the layer; False keeps it only for a :class:`Subset` to draw parts of.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles_json }}, labels = {{ this.labels_json }};
            var interactive = {{ this.interactive|tojson }};
            function esc(v) {
                return String(v).replace(/[&<>"]/g, function (c) {
                    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c];
                });
            }
            function popup(p) {
                var html = '<b>' + esc(p[0]) + '</b><table class="atlas-popup">';
                for (var i = 1; i < p.length; i++) {
                    if (p[i] === null || p[i] === '') { continue; }
                    html += '<tr><th>' + esc(labels[i - 1]) + '</th><td>' + esc(p[i]);
                    html += '</td></tr>';
                }
                return html + '</table>';
            }
            var base = {interactive: interactive, className: {{ this.class_name|tojson }}};
            if ({{ this.canvas|tojson }}) {
                // A canvas in the pane above the townships that lets every click through
                // (new_map makes the pane).
                base.renderer = L.canvas({padding: 0.5, pane: 'atlas-canvas'});
            }
            function style(f) { return Object.assign({}, base, styles[f.properties.s || 0]); }
            var layer = L.geoJSON(null, {
                interactive: interactive,
                style: style,
                pointToLayer: function (f, latlng) {
                    if (!f.properties.r) { return L.circleMarker(latlng, style(f)); }
                    return L.circle(latlng, Object.assign({radius: f.properties.r}, style(f)));
                },
                onEachFeature: function (f, layer) {
                    if (f.properties.p) { layer.bindPopup(popup(f.properties.p), {maxWidth: 360}); }
                    if (f.properties.t) { layer.bindTooltip(f.properties.t, {sticky: true}); }
                }
            });
            {%- if this.url %}
            layer.atlasReady = fetch({{ this.url|tojson }})
                .then(function (response) { return response.json(); })
                .then(function (data) {
                    layer.addData(data);
                    // it arrives after the layers drawn over it (villages, sites): under them,
                    // each shape in its order (the last one sent to the back goes first)
                    if (layer._map) {
                        layer.getLayers().reverse().forEach(function (shape) {
                            shape.bringToBack();
                        });
                    }
                    return layer;
                });
            {%- else %}
            layer.addData({{ this.data_json }});
            layer.atlasReady = Promise.resolve(layer);
            {%- endif %}
            // the layer's own canvas goes with it (a filter change replaces the layer)
            if (base.renderer) { layer.on('remove', function () { base.renderer.remove(); }); }
            {%- if this.register %}
            var map = {{ this._parent.get_name() }};
            map.atlasLayers = map.atlasLayers || {};
            map.atlasLayers[{{ this._name.lower()|tojson }}] = layer;
            {%- endif %}
            return {{ "layer.addTo(" ~ this._parent.get_name() ~ ")" if this.show else "layer" }};
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, object] | str | Fetched,
        *,
        name: str,
        styles: Sequence[dict[str, object]] = ({},),
        popup_labels: Sequence[str] = (),
        interactive: bool = True,
        canvas: bool = False,
        register: bool = False,
        show: bool = True,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        if canvas and interactive:
            msg = "a canvas layer lets clicks through, so it cannot be `interactive`."
            raise ValueError(msg)
        self.canvas = canvas
        self.register = register
        self.show = show
        self._name = name
        self.url = data.url if isinstance(data, Fetched) else None
        if isinstance(data, Fetched):
            self.data_json = "null"
        else:
            self.data_json = data if isinstance(data, str) else compact_json(data)
        self.styles_json = compact_json(list(styles))
        self.labels_json = compact_json(list(popup_labels))
        self.interactive = interactive
        self.class_name = "atlas-" + name.lower()

    @property
    def data(self) -> dict[str, Any]:
        """The layer's GeoJSON FeatureCollection (None when the browser fetches it)."""
        return cast(dict[str, Any], json.loads(self.data_json))


class Subset(folium.MacroElement):
    """Draws some features of a registered :class:`GeoJsonLayer`: those at ``rows``.

    The layer (e.g. every site of the dataset, with its popup) travels to the browser once;
    a filter change then sends only which of its features to show.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows_json }};
            var Subset = L.Layer.extend({
                onAdd: function (map) {
                    var self = this, target = (map.atlasLayers || {})[{{ this.target|tojson }}];
                    if (!target) { return; }
                    target.atlasReady.then(function () {
                        if (self._map !== map) { return; }  // taken off before the data came
                        var all = target.getLayers();
                        self._group = L.featureGroup(rows.map(function (i) { return all[i]; }));
                        self._group.addTo(map);
                    });
                },
                onRemove: function (map) {
                    if (this._group) { map.removeLayer(this._group); this._group = null; }
                }
            });
            return new Subset().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, target: str, rows: Sequence[int]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "Subset"
        self.target = target
        self.rows = [int(r) for r in rows]
        self.rows_json = compact_json(self.rows)


class Restyle(folium.MacroElement):
    """Styles and tooltips for the features of a registered :class:`GeoJsonLayer`.

    The layer (registered under ``target``, e.g. ``"townships"``) keeps its shapes; this
    layer, when added to the map, gives each feature the style and tooltip of its ``key``
    property (a township's code, say): ``values`` maps a key to ``(index into styles,
    tooltip HTML or None)``; a feature whose key is missing gets ``styles[missing]`` and no
    tooltip. A filter change that only recolours the townships then sends and draws no
    geometry.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles_json }}, values = {{ this.values_json }};
            var Restyle = L.Layer.extend({
                onAdd: function (map) {
                    var target = (map.atlasLayers || {})[{{ this.target|tojson }}];
                    if (target) { target.atlasReady.then(restyle); }
                },
                onRemove: function () {}
            });
            function restyle(target) {
                target.eachLayer(function (shape) {
                    var key = shape.feature.properties[{{ this.key|tojson }}];
                    var value = values[key] || [{{ this.missing }}, null];
                    shape.setStyle(styles[value[0]]);
                    if (value[1] === null) { shape.unbindTooltip(); }
                    else if (shape.getTooltip()) { shape.setTooltipContent(value[1]); }
                    else { shape.bindTooltip(value[1], {sticky: true}); }
                });
            }
            return new Restyle().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        target: str,
        *,
        key: str,
        styles: Sequence[dict[str, object]],
        values: Mapping[str, tuple[int, str | None]],
        missing: int = 0,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "Restyle"
        self.target = target
        self.key = key
        self.missing = int(missing)
        self.styles = [dict(s) for s in styles]
        self.values = {str(k): [int(i), tip] for k, (i, tip) in values.items()}
        self.styles_json = compact_json(self.styles)
        self.values_json = compact_json(self.values)


def style_index(styles: Sequence[dict[str, object]]) -> tuple[list[dict[str, object]], list[int]]:
    """Distinct styles and, per feature, the index of its style among them."""
    distinct: list[dict[str, object]] = []
    keys: dict[str, int] = {}
    index = []
    for style in styles:
        key = json.dumps(style, sort_keys=True)
        if key not in keys:
            keys[key] = len(distinct)
            distinct.append(style)
        index.append(keys[key])
    return distinct, index


class _MetricScale(folium.MacroElement):
    """Leaflet's scale bar in metres and kilometres only: Chinese plans use no miles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class DrawnMark(folium.MacroElement):
    """Counts the drawings of a map's layers in the map element's ``data-atlas-drawn``.

    Added last, it counts once the data of every registered layer are in and the elements
    before it have drawn; a browser test or benchmark waits for the count to change to see
    that the layers of a new choice are on.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var Mark = L.Layer.extend({
                onAdd: function (map) {
                    var layers = map.atlasLayers || {};
                    var ready = Object.keys(layers).map(function (k) {
                        return layers[k].atlasReady;
                    });
                    Promise.all(ready).then(function () {
                        var box = map.getContainer();
                        var count = parseInt(box.getAttribute('data-atlas-drawn')) || 0;
                        box.setAttribute('data-atlas-drawn', String(count + 1));
                    });
                },
                onRemove: function () {}
            });
            return new Mark().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "DrawnMark"


class _CanvasPane(folium.MacroElement):
    """The pane of the canvas layers that let every click through.

    ``GeoJsonLayer(canvas=True)`` paints there: above the township shapes, below the markers.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var pane = map.createPane('atlas-canvas');
            pane.style.zIndex = 450;
            pane.style.pointerEvents = 'none';
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class LabelLayer(folium.MacroElement):
    """Text labels (e.g. township names) at fixed points; they never catch clicks.

    At every zoom the browser shows only the labels that overlap none shown before them, in
    order of ``priority`` (largest first, e.g. the townships' areas; as given when None): on
    a projector two small townships' names never print over each other, and a province's
    names never pile up. Zooming in shows the hidden ones.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .atlas-label { background: none; border: none; }
        .atlas-label span {
            display: inline-block; transform: translate(-50%, -50%); white-space: nowrap;
            font-size: {{ this.font_px }}px; font-weight: 600; color: #1f2937;
            text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff,
                0 0 4px #fff;
        }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (map) {
            var labels = {{ this.labels|tojson }}, px = {{ this.font_px }};
            var markers = labels.map(function (l) {
                return L.marker([l[0], l[1]], {
                    interactive: false, keyboard: false,
                    icon: L.divIcon({className: 'atlas-label', html: '<span>' + l[2] + '</span>',
                                     iconSize: [0, 0]})
                });
            });
            var group = L.layerGroup(markers).addTo(map);
            // Show a label only where it overlaps no label shown before it (the labels come
            // largest township first), so that a province's names never pile up.
            function declutter() {
                var view = map.getBounds(), shown = [];
                markers.forEach(function (m, i) {
                    var el = m.getElement(), keep = view.contains(m.getLatLng());
                    if (keep) {
                        var p = map.latLngToContainerPoint(m.getLatLng());
                        var w = (labels[i][2].length * px) / 2 + 4, h = px * 0.7 + 2;
                        var box = [p.x - w, p.y - h, p.x + w, p.y + h];
                        keep = shown.every(function (b) {
                            return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3];
                        });
                        if (keep) { shown.push(box); }
                    }
                    if (el) { el.style.display = keep ? '' : 'none'; }
                });
            }
            map.on('zoomend moveend', declutter);
            map.whenReady(declutter);
            return group;
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        points: gpd.GeoSeries,
        texts: Sequence[str],
        *,
        font_px: int = 14,
        priority: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "Labels"
        order = (
            np.argsort(-np.asarray(priority, dtype=float), kind="stable")
            if priority is not None
            else np.arange(len(texts))
        )
        points = cast(gpd.GeoSeries, points.iloc[order])
        texts = [texts[k] for k in order]
        lat = np.round(points.y.to_numpy(), _COORD_DECIMALS).tolist()
        lon = np.round(points.x.to_numpy(), _COORD_DECIMALS).tolist()
        self.labels = [[y, x, html.escape(s)] for y, x, s in zip(lat, lon, texts, strict=True)]
        self.font_px = font_px


class Legend(folium.MacroElement):
    """A legend box: a title, colour swatches for classes and circle symbols for points.

    Parameters
    ----------
    title
        Heading, e.g. the indicator's name.
    swatches
        ``(label, fill colour)`` per class, lowest first.
    symbols
        ``(label, fill colour, stroke colour, diameter px)`` per point symbol.
    note
        A line of small print (e.g. "示例数据 · 示意边界").
    font_px
        Base size of the text; 22 or more for a projector.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            // The style comes with the script: a legend among the layers a filter change
            // sends (streamlit-folium's feature group) brings no page header.
            if (!document.getElementById('atlas-legend-style')) {
                var css = document.createElement('style');
                css.id = 'atlas-legend-style';
                css.textContent = {{ this.css|tojson }};
                document.head.appendChild(css);
            }
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'atlas-legend');
                div.style.fontSize = '{{ this.font_px }}px';
                div.innerHTML = {{ this.body|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            // a layer, so that it can sit in a layer group and go when the group goes
            var Holder = L.Layer.extend({
                onAdd: function (map) { control.addTo(map); },
                onRemove: function () { control.remove(); }
            });
            return new Holder().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )
    css = (
        ".atlas-legend { background: rgba(255,255,255,0.94); padding: 0.6em 0.8em;"
        " border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); color: #111827;"
        " line-height: 1.35; max-width: 22em; }"
        " .atlas-legend h4 { margin: 0 0 0.35em 0; font-size: 1.1em; }"
        " .atlas-legend .row { display: flex; align-items: center; gap: 0.5em;"
        " margin: 0.15em 0; }"
        " .atlas-legend .sw { width: 1.6em; height: 1.05em; border: 1px solid #6b7280;"
        " flex: none; }"
        " .atlas-legend .dot { border-radius: 50%; border: 2px solid; flex: none; }"
        " .atlas-legend .note { margin-top: 0.4em; font-size: 0.8em; color: #4b5563; }"
    )

    def __init__(
        self,
        title: str,
        swatches: Sequence[tuple[str, str]],
        *,
        symbols: Sequence[tuple[str, str, str, int]] = (),
        note: str | None = None,
        font_px: int = 14,
        position: str = "bottomright",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "Legend"
        self.font_px = font_px
        self.position = position
        self.body = _legend_body(title, swatches, symbols, note)


def _legend_body(
    title: str,
    swatches: Sequence[tuple[str, str]],
    symbols: Sequence[tuple[str, str, str, int]],
    note: str | None,
) -> str:
    parts = [f"<h4>{html.escape(title)}</h4>"] if title else []
    parts += [
        f'<div class="row"><span class="sw" style="background:{colour}"></span>'
        f"<span>{html.escape(label)}</span></div>"
        for label, colour in swatches
    ]
    parts += [
        f'<div class="row"><span class="dot" style="background:{fill};border-color:{stroke};'
        f'width:{size}px;height:{size}px"></span><span>{html.escape(label)}</span></div>'
        for label, fill, stroke, size in symbols
    ]
    if note:
        parts.append(f'<div class="note">{html.escape(note)}</div>')
    return "".join(parts)


SITE_POPUP_FIELDS = ("kind", "category", "groups", "township", "rating", "inspected", "capacity")


def site_popup_labels(lang: str) -> list[str]:
    """Row labels of a site's popup, in the order of :func:`site_popup_values`."""
    keys = ("col.kind", "map.popup.category", "map.popup.groups", "map.popup.township",
            "map.popup.rating", "map.popup.inspected", "map.popup.capacity")  # fmt: skip
    return [t(key, lang) for key in keys]


def site_popup_values(
    site: Mapping[Hashable, Any] | pd.Series,
    *,
    group_labels: dict[str, str],
    township: str | None,
    lang: str,
) -> list[str | None]:
    """A site's popup: its name, then what the data say of it.

    Kind, category, groups served, township, rating, inspection and capacity (None where the
    data do not say).
    """
    inspected = site.get("inspected")
    capacity = site.get("capacity")
    return [
        str(site["name"]),
        t(f"kind.{site['kind']}", lang),
        str(site["category"]) if _given(site.get("category")) else None,
        "、".join(group_labels.get(g, g) for g in site["groups"]) or None,
        township or t("map.outside", lang),
        str(site["rating"]) if _given(site.get("rating")) else None,
        t("yes" if inspected else "no", lang) if _given(inspected) else None,
        format_count(capacity, lang) if _given(capacity) else None,
    ]


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


# --- base maps ------------------------------------------------------------------------------

_TILES: Final[dict[str, tuple[str, str, str]]] = {
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors",
        "abc",
    ),
    "tianditu": (
        "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
        "&copy; 天地图 Tianditu",
        "01234567",
    ),
    "gaode": (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        "&copy; 高德地图 AutoNavi",
        "1234",
    ),
}


class TileErrorNotice(folium.MacroElement):
    """A note on the map when the base map's tiles fail to load, instead of a blank map.

    Offices often have no internet; the data layers stay usable underneath the note.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .atlas-tile-error { background: #fff7ed; color: #9a3412; border: 1px solid #fdba74;
            border-radius: 4px; padding: 0.35em 0.7em; font-size: 13px; max-width: 22em; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var loaded = 0, failed = 0, shown = false;
            {{ this.layer }}.on('tileload', function () { loaded += 1; });
            {{ this.layer }}.on('tileerror', function () {
                failed += 1;
                if (shown || loaded > 0 || failed < 2) { return; }
                shown = true;
                var note = L.control({position: 'topright'});
                note.onAdd = function () {
                    var div = L.DomUtil.create('div', 'atlas-tile-error');
                    div.textContent = {{ this.message|tojson }};
                    return div;
                };
                note.addTo({{ this._parent.get_name() }});
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.TileLayer, message: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__
        self._name = "TileErrorNotice"
        self.layer = layer.get_name()
        self.message = message


def add_basemap(
    fmap: folium.Map, basemap: str, *, tianditu_key: str | None = None, lang: str = "zh"
) -> None:
    """Add an online tile layer under the data (nothing for ``"none"``).

    A note on the map, in ``lang``, shows when its tiles cannot be loaded.

    Raises
    ------
    ValueError
        For an unknown base map, or Tianditu without a key.
    """
    display_datum(basemap)
    if basemap == "none":
        return
    url, attribution, subdomains = _TILES[basemap]
    if basemap == "tianditu":
        if not tianditu_key:
            msg = "the Tianditu base map needs a key (tianditu_key)"
            raise ValueError(msg)
        url = url.replace("{key}", tianditu_key)
    tiles = folium.TileLayer(url, attr=attribution, subdomains=subdomains, max_zoom=18)
    tiles.add_to(fmap)
    name = t(f"basemap.{basemap}", lang)
    TileErrorNotice(tiles, t("basemap.offline", lang, name=name)).add_to(fmap)
    if basemap == "tianditu":
        annotation = url.replace("T=vec_w", "T=cva_w")
        folium.TileLayer(annotation, attr=attribution, subdomains=subdomains, overlay=True).add_to(
            fmap
        )


# --- the self-contained page ----------------------------------------------------------------

_SCRIPT_SRC = re.compile(r"<script[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>\s*</script>", re.I)
_CSS_LINK = re.compile(r"<link[^>]*\brel=[\"']stylesheet[\"'][^>]*>", re.I)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)
_CSS_URL = re.compile(r"url\((images/[a-z0-9-]+\.png)\)", re.I)


def _inline_css(css: str, folder: Path) -> str:
    """Leaflet's CSS with its images (layer-control icon, marker icons) as data URIs."""

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode((folder / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return _CSS_URL.sub(embed, css)


def remote_assets(page: str) -> list[str]:
    """Every script or stylesheet that ``page`` loads from another host (http, https, //)."""
    sources = _SCRIPT_SRC.findall(page)
    sources += [m.group(1) for link in _CSS_LINK.findall(page) if (m := _HREF.search(link))]
    return [s for s in sources if re.match(r"^(https?:)?//", s, re.I)]


def standalone_html(fmap: folium.Map, *, title: str | None = None) -> str:
    """The map as one HTML page that works opened from disk with no network.

    Leaflet's JS and CSS (with its images) are written into the page; no tile layer is
    included unless one was added to the map.

    Raises
    ------
    ValueError
        If an element of the map links a script or stylesheet that cannot be inlined.
    """
    folder = leaflet_asset_dir()
    page = fmap.get_root().render()
    js = (folder / LEAFLET_JS).read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = _inline_css((folder / LEAFLET_CSS).read_text(encoding="utf-8"), folder)

    def inline_script(match: re.Match[str]) -> str:
        is_leaflet = match.group(1).rsplit("/", 1)[-1] == LEAFLET_JS
        return f"<script>{js}</script>" if is_leaflet else match.group(0)

    def inline_link(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(0))
        is_leaflet = href is not None and href.group(1).rsplit("/", 1)[-1] == LEAFLET_CSS
        return f"<style>{css}</style>" if is_leaflet else match.group(0)

    page = _SCRIPT_SRC.sub(inline_script, page)
    page = _CSS_LINK.sub(inline_link, page)
    leftovers = _SCRIPT_SRC.findall(page) + _CSS_LINK.findall(page)
    if leftovers:
        msg = f"the map links assets that cannot be inlined: {leftovers}"
        raise ValueError(msg)
    if title:
        page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    return page
