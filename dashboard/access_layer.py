"""The coverage page's accessibility layer: the sidebar choices and the map they ask for.

The layer is part of the shareable view (``?layer=points`` or ``?layer=townships``).
"""

from __future__ import annotations

from dataclasses import replace

import folium
import streamlit as st

from dashboard import loader, state
from dashboard.loader import ViewParameters
from geo.access import METHODS, AccessResult
from geo.maps.plans import ACCESS_LAYERS, build_access_map
from geo.maps.views import LayeredMap, MapView, build_layered_map, catchments_by_default
from geo.summary import Summary
from geo.text.i18n import t

LAYERS = ("coverage", *ACCESS_LAYERS)


def _layer_choice(lang: str) -> str:
    def initial() -> str:
        wanted = st.query_params.get("layer", "coverage")
        return wanted if wanted in LAYERS else "coverage"

    layer = st.radio(
        t("access.layer", lang),
        LAYERS,
        format_func=lambda code: t(f"access.layer.{code}", lang),
        horizontal=True,
        **state.bind("access_layer", "kept.access_layer", initial),
    )
    state.sync_param("layer", None if layer == "coverage" else layer)
    return layer


def _group_choice(summary: Summary, lang: str) -> str:
    codes = summary.group_codes
    if len(codes) == 1:
        return codes[0]
    if st.session_state.get("kept.access_group") not in codes:
        state.keep("kept.access_group", codes[0])
    return st.selectbox(
        t("access.group", lang),
        codes,
        format_func=lambda code: summary.dataset.group(code).display(lang),
        **state.bind("access_group", "kept.access_group", lambda: codes[0]),
    )


def _catchment_toggle(group_count: int, lang: str) -> bool:
    """On by default for one or two groups; the key follows that default, so that picking
    many groups hides the circles again and going back to one shows them."""
    default = catchments_by_default(group_count)
    return st.toggle(
        t("map.show_catchments", lang),
        value=default,
        key=f"show_catchments_{'few' if default else 'many'}",
        help=t("map.show_catchments_help", lang),
    )


def _notes(access: AccessResult, lang: str) -> None:
    """What the score means, and how many sites lack a capacity (counted as 1)."""
    text = t("access.explain", lang)
    missing, total = len(access.supply_defaulted), len(access.sites)
    if missing:
        text += "  \n**" + t("access.capacity_warning", lang, n=missing, total=total) + "**"
    st.caption(text)


def coverage_map(
    summary: Summary, view: MapView, parameters: ViewParameters
) -> folium.Map | LayeredMap:
    """The coverage page's map: coverage (the default) or a group's accessibility.

    The choices sit right above the map: the layer, and for accessibility the group (when
    several are selected) and the method.

    Parameters
    ----------
    summary
        The page's summary (its dataset carries the page's radii).
    view
        The page's map view (language, base map, site filters, township).
    parameters
        The page's groups and catchment radii (the summary's parameters).
    """
    lang = view.lang
    left, middle, right = st.columns([5, 2.6, 2.4], vertical_alignment="bottom")
    # the accessibility layers place each village with its people of a group, small ones too:
    # a planner's analysis, not in the public view
    layer = "coverage"
    if not summary.public:
        with left:
            layer = _layer_choice(lang)
    if layer == "coverage":
        with middle:
            catchments = _catchment_toggle(len(summary.group_codes), lang)
        return build_layered_map(summary, replace(view, show_catchments=catchments))
    with middle:
        group = _group_choice(summary, lang)
    with right:
        method = st.selectbox(
            t("access.method", lang),
            METHODS,
            format_func=lambda code: t(f"access.method.{code}", lang),
            **state.bind("access_method", "kept.access_method", lambda: METHODS[0]),
        )
    cur = state.current()
    access = loader.access_for(cur.dataset, cur.token, method, parameters.for_group(group))
    _notes(access, lang)
    return build_access_map(summary.dataset, access, view, layer=layer)
