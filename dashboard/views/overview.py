"""总览 Overview: KPI tiles, the indicator choropleth with sites, the ranked townships."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, downloads, loader, state, widgets
from dashboard.loader import ViewParameters
from geo.indicators import (
    CHOROPLETH_INDICATORS,
    INDICATORS,
    Scheme,
    classify_indicator,
    indicator_name,
)
from geo.maps.views import MapView, build_layered_map
from geo.privacy import indicator_shown, indicator_texts
from geo.summary import Summary
from geo.text.i18n import format_count, t


def _indicator_picker(lang: str) -> str:
    st.sidebar.selectbox(
        t("filter.indicator", lang),
        CHOROPLETH_INDICATORS,
        format_func=lambda c: indicator_name(c, lang),
        **state.bind("indicator", state.INDICATOR_KEY, state.initial_indicator),
    )
    return state.selected_indicator()


def _breaks_picker(indicator: str, lang: str) -> Scheme | None:
    """Fixed share classes or the data's natural breaks, for the share indicators only."""
    if INDICATORS[indicator].value_format != "percent":
        return None
    return st.sidebar.selectbox(
        t("filter.breaks", lang),
        ("fixed", "natural_breaks"),
        format_func=lambda b: t(f"filter.breaks.{b}", lang),
        key="breaks",
        help=t("filter.breaks_help", lang),
    )


# how the ranking's value axis is labelled, by the indicator's value format
_AXIS = {"percent": "percent", "count": "count", "money": "count"}


# With more townships than twice this, the ranking shows this many at each end: a province's
# 1,300 bars made a chart 39,000 pixels tall that took the browser seconds at every filter.
RANKED_AT_EACH_END = 15


def _ranked_rows(values: pd.Series) -> pd.Index:
    """The townships the ranking shows: all, or the highest and lowest at each end."""
    if len(values) <= 2 * RANKED_AT_EACH_END:
        return values.index
    order = values.fillna(-1).sort_values(kind="stable").index
    return order[:RANKED_AT_EACH_END].append(order[-RANKED_AT_EACH_END:])


def _ranking(summary: Summary, indicator: str, breaks: Scheme | None, lang: str) -> None:
    table = summary.townships
    shown = None if summary.disclosure is None else indicator_shown(summary.disclosure, indicator)
    classes = classify_indicator(table, indicator, scheme=breaks, shown=shown)
    texts = indicator_texts(summary, indicator, lang).reindex(table.index)
    title = t("overview.ranking", lang, indicator=indicator_name(indicator, lang))
    rows = _ranked_rows(classes.values)
    fig = charts.ranked_bar(
        table.loc[rows, "name"],
        classes.values.loc[rows],
        texts.loc[rows].tolist(),
        classes.colours.loc[rows],
        title=title,
        axis=_AXIS.get(INDICATORS[indicator].value_format, "plain"),
        lang=lang,
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})
    if len(rows) < len(table):
        st.caption(t("overview.ranking_cut", lang, n=format_count(len(table), lang),
                     k=RANKED_AT_EACH_END))  # fmt: skip


def _quality(summary: Summary, lang: str) -> None:
    """Share of organizations rated and inspected, where the data say so."""
    sites = summary.dataset.sites
    if sites["rating"].isna().all() and sites["inspected"].isna().all():
        return
    table = summary.townships[["name", "organizations", "rated_share", "inspected_share"]]
    st.subheader(t("overview.quality", lang))
    st.caption(t("overview.quality_note", lang))
    widgets.show_table(
        table.rename(columns={c: t(f"col.{c}", lang) for c in table.columns}),
        percent=[t("col.rated_share", lang), t("col.inspected_share", lang)],
    )


def _unassigned(summary: Summary, lang: str) -> None:
    sites, demand = len(summary.unassigned_sites), len(summary.unassigned_demand)
    if sites or demand:
        st.info(
            t(
                "overview.unassigned",
                lang,
                sites=format_count(sites, lang),
                demand=format_count(demand, lang),
            )
        )


def render() -> None:
    """The overview page."""
    lang = state.lang()
    cur = state.current()
    groups = widgets.group_picker(cur.dataset, lang)
    indicator = _indicator_picker(lang)
    breaks = _breaks_picker(indicator, lang)
    basemap = widgets.basemap_picker(lang)
    summary = state.summary(ViewParameters.of(groups, radii=state.selected_radii()))
    st.title(t("overview.title", lang) + " · " + widgets.plain(cur.dataset.name))
    widgets.demo_notice(cur.dataset, lang)
    widgets.kpi_tiles(summary, lang)
    view = MapView(
        indicator=indicator,
        lang=lang,
        basemap=basemap,
        tianditu_key=widgets.tianditu_key(),
        township=state.selected_township(),
        asset_base=loader.leaflet_asset_base(),
        data_url=loader.map_data_url,
        breaks=breaks,
    )
    widgets.show_map(build_layered_map(summary, view), key="overview_map", height=640)
    _unassigned(summary, lang)
    left, right = st.columns([1, 1], gap="large")
    with left:
        _ranking(summary, indicator, breaks, lang)
    with right:
        _quality(summary, lang)
    downloads.export_buttons(summary, lang=lang, key="overview", indicator=indicator)
