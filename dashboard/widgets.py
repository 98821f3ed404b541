"""Widgets shared by the pages: styles, notices, KPI tiles, the group picker, the map."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from geo.dataset import Dataset, Group
from geo.errors import DatasetError, Problem
from geo.export.tables import ReportTable
from geo.io.store import StoreError
from geo.maps.views import LayeredMap
from geo.privacy import district_shown, public_text
from geo.selection import district_kpis
from geo.summary import Summary
from geo.text.i18n import format_count, format_number, format_percent, format_yuan, t

_BASE_CSS = """
<style>
h1 { font-size: 2.1rem !important; }
[data-testid="stMetricValue"] { font-size: 2.2rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
[data-testid="stMetric"] { background: #f5f7fa; border-radius: 8px; padding: 0.6rem 0.9rem;
    border-left: 6px solid #2c7fb8; }
</style>
"""
_BRIEFING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.2rem 2rem 0 2rem !important;
    max-width: 100% !important; }
h1 { font-size: 3.2rem !important; padding: 0 0 0.2rem 0 !important; }
[data-testid="stMetric"] { padding: 1.1rem 1.4rem; margin-bottom: 0.6rem;
    border-left-width: 10px; }
[data-testid="stMetricValue"] { font-size: 4.2rem; line-height: 1.1; }
[data-testid="stMetricLabel"] p { font-size: 1.7rem; }
[data-testid="stMetricDelta"] { font-size: 1.3rem; }
</style>
"""


# What makes Markdown of plain text: emphasis, code, links and images ([, ], !), HTML and
# autolinks (<, >), headings, tables, strikethrough, and Streamlit's :color[...] and
# :material/icon: directives and $LaTeX$. Every ASCII punctuation mark may be escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~:$])")


def plain(text: object) -> str:
    """Text from the data (a dataset name, a file name, provenance), escaped for Markdown.

    ``st.markdown``, ``st.title``, ``st.caption`` and the alert boxes render Markdown, in
    which ``![x](http://host/t.png)`` in a dataset name would make every viewer's browser
    fetch that address. Escaped, it shows as typed.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def apply_styles(*, briefing: bool) -> None:
    """Large, readable type; in briefing mode no sidebar, header or toolbar at all."""
    st.html(_BASE_CSS + (_BRIEFING_CSS if briefing else ""))


def demo_notice(dataset: Dataset, lang: str) -> None:
    """The 'simulated data' banner and the schematic-boundary note, for demo data only."""
    if dataset.demo:
        st.warning(
            f"{t('demo.banner', lang)}  \n{t('demo.boundaries', lang)}", icon=":material/warning:"
        )


def source_failure(error: DatasetError | StoreError, source: str | None, lang: str) -> None:
    """The page shown instead of the atlas when the configured dataset cannot be opened."""
    st.title(t("app.title", lang))
    if isinstance(error, DatasetError):
        st.error(t("app.source_invalid", lang, source=source), icon=":material/error:")
        st.dataframe(problems_frame(error.problems, lang), hide_index=True, width="stretch")
    elif source is None:
        st.error(t("app.store_unavailable", lang, message=error.message(lang)))
    else:
        message = error.message(lang)
        st.error(t("app.source_unavailable", lang, source=source, message=message))


def group_picker(dataset: Dataset, lang: str) -> tuple[str, ...]:
    """Multi-select of beneficiary groups in the sidebar, the same choice on every page.

    Returns the chosen group codes in the dataset's order; every group when none is chosen
    (the empty box then says "all groups").
    """
    st.sidebar.multiselect(
        t("filter.groups", lang),
        options=list(dataset.group_codes),
        format_func=lambda code: dataset.group(code).display(lang),
        help=t("filter.groups_help", lang),
        placeholder=t("filter.groups_all", lang),
        **state.bind("groups", state.GROUPS_KEY, lambda: state.initial_groups(dataset)),
    )
    return state.selected_groups()


def groups_text(groups: Sequence[Group], dataset: Dataset, lang: str) -> str:
    """The groups shown, named: "全部 7 类服务群体" when every group is, else their names."""
    if len(groups) == len(dataset.groups):
        return t("deck.groups_all", lang, n=len(groups))
    return "、".join(g.display(lang) for g in groups)


def district_texts(summary: Summary, lang: str) -> dict[str, str]:
    """The district's people, covered, out-of-reach and coverage figures as the summary's
    edition shows them: "<k" or "*" where the public one keeps them (``geo.privacy``)."""
    kpis = district_kpis(summary)
    shown = district_shown(summary)
    k = summary.disclosure.min_count if summary.disclosure is not None else 0
    return {
        "people": public_text(kpis.people, shown["people"], format_count(kpis.people, lang), k),
        "covered": public_text(kpis.covered, shown["covered"], format_count(kpis.covered, lang), k),
        "unreached": public_text(
            kpis.unreached, shown["unreached"], format_count(kpis.unreached, lang), k
        ),
        "coverage": public_text(
            0, shown["coverage"], format_percent(kpis.coverage), k, count=False
        ),
    }


def figure_text(value: object, number: Callable[[float], str]) -> str:
    """A figure formatted, or the public edition's "<k" / "*" as it is."""
    return value if isinstance(value, str) else number(float(value))  # type: ignore[arg-type]


def kpi_tiles(summary: Summary, lang: str) -> None:
    """The headline figures as five metric tiles in a row (as the summary's edition shows)."""
    kpis = district_kpis(summary)
    texts = district_texts(summary, lang)
    funding_label = (
        t("kpi.funding", lang, year=kpis.funding_year)
        if kpis.funding_year
        else t("kpi.funding_any", lang)
    )
    tiles = [
        (t("kpi.organizations", lang), format_count(kpis.organizations, lang), None),
        (t("kpi.stations", lang), format_count(kpis.stations, lang), None),
        (t("kpi.people", lang), texts["people"], None),
        (
            t("kpi.coverage", lang),
            texts["coverage"],
            t("kpi.covered_of", lang, covered=texts["covered"]),
        ),
        (
            funding_label,
            format_yuan(kpis.funding_yuan, lang),
            t("kpi.projects_one" if kpis.projects == 1 else "kpi.projects", lang, n=kpis.projects),
        ),
    ]
    for column, (label, value, note) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, delta=note, delta_color="off", delta_arrow="off")


def show_map(
    fmap: folium.Map | LayeredMap,
    *,
    key: str,
    height: int,
    returned: list[str] | None = None,
    on_change: Callable[[], None] | None = None,
) -> None:
    """Draw a folium map; the page reruns only for the ``returned`` interactions, after
    ``on_change`` has read them from ``st.session_state[key]``.

    Of a :class:`LayeredMap` the browser keeps the base while it stays the same (the frame
    is not rebuilt) and swaps only the layers: a filter change then redraws colours and
    markers, not a province's outlines and names.
    """
    base, layers = (fmap.base, fmap.layers) if isinstance(fmap, LayeredMap) else (fmap, None)
    st_folium(
        base,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=returned or [],
        on_change=on_change,
        feature_group_to_add=layers,
    )


def tianditu_key() -> str | None:
    """The Tianditu key from the Streamlit secrets or the TIANDITU_KEY variable."""
    try:
        secret = st.secrets.get("TIANDITU_KEY")
    except FileNotFoundError:
        secret = None
    return secret or os.environ.get("TIANDITU_KEY") or None


def basemap_picker(lang: str) -> str:
    """Base-map choice in the sidebar; offline ('none') by default.

    Tianditu is offered without a key too: picking it then says, right there, that the
    person who runs the app has to set one (an office user cannot, and needs not know how).
    """
    key = tianditu_key()
    options = ["none", "osm", "tianditu", "gaode"]
    choice = st.sidebar.selectbox(
        t("filter.basemap", lang),
        options,
        format_func=lambda b: t(f"basemap.{b}", lang),
        help=t("basemap.online_note", lang),
        **state.bind("basemap", "kept.basemap", lambda: "none"),
    )
    if choice == "tianditu" and not key:
        st.sidebar.warning(t("basemap.tianditu_nokey", lang), icon=":material/key_off:")
        return "none"
    return choice


def problems_frame(problems: list[Problem] | tuple[Problem, ...], lang: str) -> pd.DataFrame:
    """Problems as a table: severity, file, row, column, message, in ``lang``."""
    return pd.DataFrame(
        {
            t("problem.severity.error", lang) + "/" + t("problem.severity.warning", lang): [
                t(f"problem.severity.{p.severity}", lang) for p in problems
            ],
            t("problem.file", lang): [p.file for p in problems],
            t("problem.row", lang): [p.row if p.row is not None else "" for p in problems],
            t("problem.column", lang): [p.column or "" for p in problems],
            t("problem.message", lang): [p.message(lang) for p in problems],
        }
    )


def show_table(
    frame: pd.DataFrame,
    *,
    percent: Sequence[str] = (),
    decimals: Mapping[str, int] | None = None,
    max_rows: int = 20,
) -> None:
    """A table as people read it: every row in view (up to ``max_rows``), numbers with
    thousands separators, the ``percent`` columns (shares 0-1) with one decimal and the
    ``decimals`` columns rounded (yuan to whole yuan, scores to one decimal)."""
    shown = frame.copy()
    config: dict[str, object] = {}
    for column in shown.columns:
        values = shown[column]
        if column in percent:
            shown[column] = values.map(lambda v: v if isinstance(v, str) else format_percent(v))
        elif values.map(lambda v: isinstance(v, str) and v[:1] in "<*").any():
            # the public edition's "<5" and "*" among the numbers: all shown as text
            shown[column] = values.map(lambda v: v if isinstance(v, str) else format_number(v))
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if decimals and column in decimals:
                shown[column] = values.round(decimals[column])
            config[column] = st.column_config.NumberColumn(format="localized")
    height = 35 * (min(len(shown), max_rows) + 1) + 3  # Streamlit's 35 px rows and header
    st.dataframe(shown, hide_index=True, width="stretch", height=height, column_config=config)


def show_report_table(table: ReportTable, *, max_rows: int = 20) -> None:
    """A report table (``geo.export.tables``) on screen as in its spreadsheet: each column
    rounded and shown as its Excel number format says (shares as percentages)."""
    percent = [c for c, f in zip(table.frame.columns, table.formats, strict=True) if "%" in f]
    decimals = {
        column: len(fmt.partition(".")[2])
        for column, fmt in zip(table.frame.columns, table.formats, strict=True)
        if fmt != "@" and "%" not in fmt
    }
    show_table(table.frame, percent=percent, decimals=decimals, max_rows=max_rows)
