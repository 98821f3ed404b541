"""总览 Overview: KPI tiles, the indicator choropleth with sites, the ranked townships."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, downloads, loader, state, widgets
from dashboard.loader import ViewParameters
from geo.indicators import (
    CHOROPLETH_INDICATORS,
    INDICATORS,
    classify_indicator,
    format_indicator_value,
    indicator_name,
)
from geo.maps.views import MapView, build_map
from geo.selection import district_kpis
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


# how the ranking's value axis is labelled, by the indicator's value format
_AXIS = {"percent": "percent", "count": "count", "money": "count"}


def _ranking(summary: Summary, indicator: str, lang: str) -> None:
    table = summary.townships
    classes = classify_indicator(table, indicator)
    texts = [format_indicator_value(indicator, v, lang) for v in classes.values]
    title = t("overview.ranking", lang, indicator=indicator_name(indicator, lang))
    fig = charts.ranked_bar(
        table["name"],
        classes.values,
        texts,
        classes.colours,
        title=title,
        axis=_AXIS.get(INDICATORS[indicator].value_format, "plain"),
        lang=lang,
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


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
    basemap = widgets.basemap_picker(lang)
    summary = state.summary(ViewParameters.of(groups, radii=state.selected_radii()))
    st.title(t("overview.title", lang) + " · " + cur.dataset.name)
    widgets.demo_notice(cur.dataset, lang)
    widgets.kpi_tiles(district_kpis(summary), lang, briefing=False)
    view = MapView(
        indicator=indicator,
        lang=lang,
        basemap=basemap,
        tianditu_key=widgets.tianditu_key(),
        township=state.selected_township(),
        asset_base=loader.leaflet_asset_base(),
    )
    widgets.show_map(build_map(summary, view), key="overview_map", height=640)
    _unassigned(summary, lang)
    left, right = st.columns([1, 1], gap="large")
    with left:
        _ranking(summary, indicator, lang)
    with right:
        _quality(summary, lang)
    downloads.export_buttons(summary, lang=lang, key="overview", indicator=indicator)


def render_briefing() -> None:
    """Briefing mode: a large title, the map and four KPI tiles, nothing else."""
    lang = state.lang()
    cur = state.current()
    indicator = state.selected_indicator()
    summary = state.summary()
    title = t("app.title", lang) + " · " + cur.dataset.name
    st.title(title)
    if cur.dataset.demo:
        st.markdown(
            "<div style='font-size:1.35rem;color:#92400e;margin:-0.4rem 0 0.6rem 0'>"
            f"{t('demo.banner', lang)} {t('demo.boundaries', lang)}</div>",
            unsafe_allow_html=True,
        )
    view = MapView(
        indicator=indicator,
        lang=lang,
        briefing=True,
        asset_base=loader.leaflet_asset_base(),
    )
    left, right = st.columns([7, 3], gap="medium")
    with left:
        widgets.show_map(build_map(summary, view), key="briefing_map", height=840)
    with right:
        widgets.kpi_tiles(district_kpis(summary), lang, briefing=True)
    exit_link = "./?lang=en" if lang == "en" else "./"
    link = f"<a href='{exit_link}' target='_self' style='color:#9ca3af'>"
    st.markdown(link + t("app.briefing_exit", lang) + "</a>", unsafe_allow_html=True)
