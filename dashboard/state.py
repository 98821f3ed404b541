"""Session state and the shareable view in the URL (``st.query_params``).

The URL carries ``page``, ``group`` (comma-separated codes), ``indicator``, ``township``,
``lang``, ``mode=briefing`` and ``v`` (the stored version shown, see :mod:`dashboard.source`),
so a link opens the same view of the same data. Widgets start from the URL
and write their value back to it.
"""

from __future__ import annotations

import streamlit as st

from dashboard import loader, source
from dashboard.loader import ViewParameters
from dashboard.source import Current
from geo.dataset import Dataset
from geo.indicators import CHOROPLETH_INDICATORS
from geo.summary import Summary

LANG_KEY = "lang"
BRIEFING_KEY = "briefing"


def lang() -> str:
    """The UI language: ``"zh"`` unless the URL or the switch says ``"en"``."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = "en" if st.query_params.get("lang") == "en" else "zh"
    return st.session_state[LANG_KEY]


def briefing() -> bool:
    """Whether briefing mode is on (toggle, or ``?mode=briefing``)."""
    if BRIEFING_KEY not in st.session_state:
        st.session_state[BRIEFING_KEY] = st.query_params.get("mode") == "briefing"
    return bool(st.session_state[BRIEFING_KEY])


def sync_param(name: str, value: str | None) -> None:
    """Write one view parameter to the URL (remove it when None or empty)."""
    if value:
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def current() -> Current:
    """The data this session shows (see :mod:`dashboard.source`)."""
    return source.current()


def initial_groups(dataset: Dataset) -> list[str]:
    """Group codes from the URL that the dataset knows; every group when none."""
    wanted = [c for c in st.query_params.get("group", "").split(",") if c]
    known = [c for c in wanted if c in dataset.group_codes]
    return known or list(dataset.group_codes)


def initial_indicator() -> str:
    value = st.query_params.get("indicator", CHOROPLETH_INDICATORS[0])
    return value if value in CHOROPLETH_INDICATORS else CHOROPLETH_INDICATORS[0]


def initial_township(dataset: Dataset) -> str | None:
    code = st.query_params.get("township")
    return code if code in set(dataset.townships["code"]) else None


def selected_groups() -> tuple[str, ...]:
    """The groups chosen in the sidebar (every group before the widget exists)."""
    cur = current()
    chosen = st.session_state.get("groups") or initial_groups(cur.dataset)
    return tuple(c for c in cur.dataset.group_codes if c in chosen)


def summary(parameters: ViewParameters | None = None) -> Summary:
    """The cached summary of the current dataset (default: the sidebar's groups, no what-if)."""
    cur = current()
    chosen = parameters or ViewParameters.of(selected_groups())
    return loader.summary_for(cur.dataset, cur.token, chosen)
