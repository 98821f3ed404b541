"""覆盖与缺口 Coverage & gaps: filters, catchments, villages out of reach, township detail."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import access_layer, downloads, loader, state, widgets
from dashboard.loader import ViewParameters
from geo.dataset import Dataset
from geo.export.tables import gap_table, unreached_table
from geo.maps.views import MapView
from geo.selection import TownshipDetail, count_unreached_villages, township_detail
from geo.summary import Summary
from geo.text.i18n import format_count, format_percent, format_yuan, t

MAP_KEY = "coverage_map"
SHOWN_UNREACHED = 1000


def _site_filters(
    dataset: Dataset, lang: str
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    kinds = st.sidebar.multiselect(
        t("filter.kind", lang),
        ["organization", "station"],
        format_func=lambda k: t(f"kind.{k}", lang),
        placeholder=t("kind.all", lang),
        **state.bind("kinds", "kept.kinds", list),
    )
    categories = sorted(dataset.sites["category"].dropna().astype(str).unique())
    chosen = st.sidebar.multiselect(
        t("filter.category", lang),
        categories,
        placeholder=t("kind.all", lang),
        **state.bind("categories", "kept.categories", list),
    )
    return (tuple(kinds) or None), (tuple(chosen) or None)


def _radius_inputs(dataset: Dataset, groups: tuple[str, ...], lang: str) -> dict[str, float]:
    """A catchment radius per chosen group; the changed ones are kept for every page."""
    radii = state.selected_radii()
    with st.sidebar.expander(t("map.catchments", lang), expanded=bool(radii)):
        for code in groups:
            group = dataset.group(code)
            key = f"radius_{code}"
            st.session_state[key] = int(radii.get(code, group.radius_m))
            st.number_input(
                t("filter.radius", lang, group=group.display(lang)),
                min_value=100,
                max_value=20000,
                step=100,
                key=key,
                on_change=_keep_radius,
                args=(dataset, code),
            )
    return {c: r for c, r in state.selected_radii().items() if c in groups}


def _keep_radius(dataset: Dataset, code: str) -> None:
    radii = state.selected_radii()
    metres = float(st.session_state[f"radius_{code}"])
    if metres == dataset.group(code).radius_m:
        radii.pop(code, None)
    else:
        radii[code] = metres
    state.keep(state.RADII_KEY, radii)


def _township_picker(dataset: Dataset, lang: str) -> str | None:
    names = dataset.townships.set_index("code")["name"].to_dict()
    st.sidebar.selectbox(
        t("filter.township", lang),
        ["", *names],
        format_func=lambda c: names.get(c, t("filter.township_all", lang)),
        **state.bind("township", state.TOWNSHIP_KEY, lambda: state.initial_township(dataset)),
    )
    return state.selected_township()


def _clicked_township(result: object) -> str | None:
    """The township code of the shape last clicked on the map, if it was a township."""
    drawing = result.get("last_active_drawing") if isinstance(result, dict) else None
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    if isinstance(props, dict) and "code" in props and "name" in props:
        return str(props["code"])
    return None


def _open_clicked_township() -> None:
    """Map callback: runs before the rerun, so it may still set the township picker."""
    clicked = _clicked_township(st.session_state.get(MAP_KEY))
    if clicked:
        state.keep(state.TOWNSHIP_KEY, clicked)


def _gap_table(summary: Summary, lang: str) -> None:
    st.subheader(t("coverage.gap_table", lang))
    widgets.show_report_table(gap_table(summary, lang))


def _detail(detail: TownshipDetail, lang: str, dataset: Dataset) -> None:
    st.subheader(t("coverage.detail", lang, township=widgets.plain(detail.name)))
    row = detail.row
    cols = st.columns(4)
    cols[0].metric(
        t("kpi.people", lang), widgets.figure_text(row["people"], partial(format_count, lang=lang))
    )
    cols[1].metric(t("kpi.coverage", lang), widgets.figure_text(row["coverage"], format_percent))
    cols[2].metric(t("kpi.sites", lang), format_count(row["organizations"] + row["stations"], lang))
    cols[3].metric(
        t("col.funding_yuan", lang),
        widgets.figure_text(row["funding_yuan"], partial(format_yuan, lang=lang)),
    )
    groups = detail.groups.assign(
        label=[dataset.group(c).display(lang) for c in detail.groups.index]
    )
    columns = ("label", "demand", "covered", "unreached", "coverage")
    headers = {c: t("col.group" if c == "label" else f"col.{c}", lang) for c in columns}
    widgets.show_table(
        groups[list(columns)].rename(columns=headers), percent=[t("col.coverage", lang)]
    )
    if len(detail.groups) < len(dataset.group_codes):
        names = t("export.sep", lang).join(groups["label"])
        st.caption(t("coverage.by_group_note", lang, groups=names))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('coverage.sites_in', lang)}**")
        if detail.sites.empty:
            st.caption(t("coverage.no_sites_here", lang))
        else:
            widgets.show_table(
                pd.DataFrame(
                    {
                        t("col.site", lang): detail.sites["name"],
                        t("col.kind", lang): detail.sites["kind"].map(
                            lambda k: t(f"kind.{k}", lang)
                        ),
                        t("col.category", lang): detail.sites["category"],
                    }
                )
            )
    with right:
        st.markdown(f"**{t('coverage.projects_in', lang)}**")
        if detail.projects.empty:
            st.caption(t("coverage.no_projects", lang))
        else:
            projects = pd.DataFrame(
                {
                    t("col.project", lang): detail.projects["name"],
                    t("col.projects_yuan", lang): detail.projects["amount_yuan"],
                }
            )
            widgets.show_table(projects, decimals={t("col.projects_yuan", lang): 0})


def _unreached_list(summary: Summary, township: str | None, name: str, lang: str) -> None:
    """The villages out of reach (of the township, or the district), sortable, downloadable."""
    st.subheader(t("coverage.unreached_list", lang, where=name))
    # a province's list runs to a quarter of a million rows (12 MB sent at every filter
    # change, half a second to make): the screen shows the rows with the most people, the
    # downloads (made when clicked) every row
    shown = unreached_table(summary, lang, township=township, most=SHOWN_UNREACHED)
    if shown.frame.empty:
        st.caption(t("coverage.unreached_none", lang))
        return
    st.caption(t("coverage.unreached_help", lang))
    widgets.show_report_table(shown, max_rows=12)
    hidden = None if summary.disclosure is None else summary.disclosure.hidden
    total = count_unreached_villages(summary, township, hidden)
    if total > len(shown.frame):
        count = format_count(total, lang)
        st.caption(t("coverage.unreached_cut", lang, shown=len(shown.frame), n=count))
    stem = f"{shown.sheet}_{name}_{date.today().isoformat()}"
    labels = (t("coverage.download_csv", lang), t("coverage.download_xlsx", lang))
    downloads.table_buttons(
        partial(unreached_table, summary, lang, township=township),  # every row, on a click
        labels=labels,
        stem=stem,
        key="unreached",
        icon=":material/download:",
    )


def render() -> None:
    """The coverage page."""
    lang = state.lang()
    cur = state.current()
    groups = widgets.group_picker(cur.dataset, lang)
    kinds, categories = _site_filters(cur.dataset, lang)
    township = _township_picker(cur.dataset, lang)
    radii = _radius_inputs(cur.dataset, groups, lang)
    basemap = widgets.basemap_picker(lang)
    parameters = ViewParameters.of(groups, radii=radii)
    summary = state.summary(parameters)
    st.title(t("coverage.title", lang))
    widgets.demo_notice(cur.dataset, lang)
    view = MapView(
        indicator="coverage",
        lang=lang,
        basemap=basemap,
        tianditu_key=widgets.tianditu_key(),
        show_unreached=True,
        colour_by_category=False,
        site_scale=0.7,
        township_opacity=0.7,
        kinds=kinds,
        categories=categories,
        township=township,
        zoom_to_township=township is not None,
        asset_base=loader.leaflet_asset_base(),
        data_url=loader.map_data_url,
    )
    widgets.show_map(
        access_layer.coverage_map(summary, view, parameters),
        key=MAP_KEY,
        height=620,
        returned=["last_active_drawing"],
        on_change=_open_clicked_township,
    )
    if township:
        detail = township_detail(summary, township)
        _detail(detail, lang, cur.dataset)
        if not summary.public:  # a planner's working sheet of named villages: internal only
            downloads.township_sheet_button(summary, township, detail.name, lang=lang)
        _unreached_list(summary, township, detail.name, lang)
    else:
        st.caption(t("coverage.pick", lang))
        _unreached_list(summary, None, t("filter.township_all", lang), lang)
    _gap_table(summary, lang)
    one = groups[0] if len(groups) == 1 else None
    downloads.export_buttons(
        summary,
        lang=lang,
        key="coverage",
        view="coverage" if one else "indicator",
        group=one,
        township=township,
    )
