"""公益创投 Funding: the allocation rule in words, weights and budget, recommended vs actual."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, downloads, loader, state, widgets
from dashboard.loader import ViewParameters
from geo.dataset import Dataset
from geo.export.tables import funding_table
from geo.maps.views import MapView, build_layered_map
from geo.summary import Summary
from geo.text.i18n import format_yuan, t


def _parameters(
    dataset: Dataset, groups: tuple[str, ...], lang: str
) -> tuple[int, dict[str, float]]:
    budget = st.number_input(
        t("funding.budget", lang),
        min_value=0,
        value=int(dataset.budget_yuan),
        step=10000,
        key="budget",
    )
    st.caption(format_yuan(budget, lang))  # the input shows 300000; a reader wants 30万元
    st.markdown(f"**{t('funding.weights', lang)}**")
    weights: dict[str, float] = {}
    columns = st.columns(min(len(groups), 4) or 1)
    for i, code in enumerate(groups):
        group = dataset.group(code)
        weights[code] = float(
            columns[i % len(columns)].number_input(
                t("funding.weight", lang, group=group.display(lang)),
                min_value=0.0,
                max_value=10.0,
                value=float(group.weight),
                step=0.1,
                key=f"weight_{code}",
            )
        )
    return int(budget), {c: w for c, w in weights.items() if w != dataset.group(c).weight}


def _charts(summary: Summary, lang: str) -> None:
    table = summary.townships
    series = {t("funding.actual", lang): table["projects_yuan"]}
    if summary.disclosure is None or summary.disclosure.funding:
        series = {t("funding.recommended", lang): table["funding_yuan"], **series}
    else:  # the allocation follows every out-of-reach count: withheld in the public view
        st.caption(t("funding.withheld", lang))
    fig = charts.grouped_bar(table["name"], series, title=t("funding.chart", lang), lang=lang)
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


def _table(summary: Summary, lang: str) -> None:
    table = funding_table(summary, lang)
    widgets.show_report_table(table)
    st.markdown(
        t("funding.total", lang, total=format_yuan(summary.townships["funding_yuan"].sum(), lang))
    )
    labels = (t("funding.download_csv", lang), t("funding.download_xlsx", lang))
    downloads.table_buttons(
        table, labels=labels, stem="funding", key="funding", where=st.columns(2)
    )


def render() -> None:
    """The funding page."""
    lang = state.lang()
    cur = state.current()
    groups = widgets.group_picker(cur.dataset, lang)
    st.title(t("funding.title", lang))
    widgets.demo_notice(cur.dataset, lang)
    st.info(t("funding.formula", lang))
    budget, weights = _parameters(cur.dataset, groups, lang)
    summary = state.summary(ViewParameters.of(groups, weights=weights, budget=budget))
    view = MapView(
        indicator="funding_yuan",
        lang=lang,
        show_sites=False,
        township=state.selected_township(),
        asset_base=loader.leaflet_asset_base(),
        data_url=loader.map_data_url,
    )
    left, right = st.columns([1, 1])
    with left:
        widgets.show_map(build_layered_map(summary, view), key="funding_map", height=520)
    with right:
        _charts(summary, lang)
    _table(summary, lang)
    downloads.export_buttons(summary, lang=lang, key="funding", view="funding")
