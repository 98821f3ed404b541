"""Session state and the shareable view in the URL (``st.query_params``).

The planner's choices (the groups, the township, the catchment radii) live in plain session
keys, which Streamlit keeps across page changes (a widget's own key is dropped as soon as a
page does not draw that widget). Each widget is bound to such a key with :func:`bind`: it
starts from the kept value and writes back to it when changed. :func:`sync_url` writes the
kept choices to the URL on every page, so a link opens the same view: ``page``, ``group``
(comma-separated codes), ``township``, ``radius`` (``code:metres`` pairs that differ from the
dataset's), ``indicator``, ``lang``, ``mode=briefing``, and on the siting page its scenario
(see ``dashboard.views.siting``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from dashboard import loader
from dashboard.loader import ViewParameters
from geo.dataset import Dataset
from geo.indicators import CHOROPLETH_INDICATORS
from geo.summary import Summary

LANG_KEY = "lang"
BRIEFING_KEY = "briefing"
UPLOADED_KEY = "uploaded_dataset"
GROUPS_KEY = "kept.groups"
TOWNSHIP_KEY = "kept.township"
RADII_KEY = "kept.radii"
INDICATOR_KEY = "kept.indicator"

T = TypeVar("T")


@dataclass(frozen=True)
class Current:
    """The dataset this session works on, and its cache token."""

    dataset: Dataset
    token: str
    uploaded_name: str | None = None


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


def kept(key: str, initial: Callable[[], T]) -> T:
    """The value kept under ``key`` for the whole session; ``initial()`` the first time."""
    if key not in st.session_state:
        st.session_state[key] = initial()
    return st.session_state[key]


def keep(key: str, value: object) -> None:
    """Keep ``value`` under ``key`` (the next page drawn starts from it)."""
    st.session_state[key] = value


def bind(widget_key: str, kept_key: str, initial: Callable[[], object]) -> dict[str, object]:
    """Keyword arguments that bind a widget to a kept value.

    The widget starts from the kept value (set before the widget is drawn, so no ``value=``
    or ``default=`` may be given) and its ``on_change`` keeps what the user chose.
    """
    st.session_state[widget_key] = kept(kept_key, initial)
    return {"key": widget_key, "on_change": _copy, "args": (widget_key, kept_key)}


def _copy(widget_key: str, kept_key: str) -> None:
    st.session_state[kept_key] = st.session_state[widget_key]


def current() -> Current:
    """The uploaded dataset of this session if there is one, else the demo."""
    uploaded = st.session_state.get(UPLOADED_KEY)
    if uploaded is not None:
        return uploaded
    return Current(loader.demo_dataset(), loader.DEMO_TOKEN)


def replace_dataset(dataset: Dataset, token: str, name: str) -> None:
    """Make ``dataset`` (already validated) the session's current dataset."""
    st.session_state[UPLOADED_KEY] = Current(dataset, token, name)
    _forget_choices()


def reset_dataset() -> None:
    """Back to the demo dataset."""
    st.session_state.pop(UPLOADED_KEY, None)
    _forget_choices()


def _forget_choices() -> None:
    """Choices about one dataset's groups and townships do not carry over to another."""
    keep = {INDICATOR_KEY, "kept.basemap", "kept.siting_k", "kept.siting_reach", "kept.siting_mode"}
    for key in [k for k in st.session_state if str(k).startswith("kept.") and k not in keep]:
        del st.session_state[key]
    for key in ("group", "township", "radius"):
        sync_param(key, None)


# --- the kept choices, first read from the URL -----------------------------------------------


def initial_groups(dataset: Dataset) -> list[str]:
    """Group codes from the URL that the dataset knows; every group when none."""
    wanted = [c for c in st.query_params.get("group", "").split(",") if c]
    known = [c for c in wanted if c in dataset.group_codes]
    return known or list(dataset.group_codes)


def initial_indicator() -> str:
    value = st.query_params.get("indicator", CHOROPLETH_INDICATORS[0])
    return value if value in CHOROPLETH_INDICATORS else CHOROPLETH_INDICATORS[0]


def initial_township(dataset: Dataset) -> str:
    """The township code of the URL if the dataset has it, else ``""`` (the whole district)."""
    code = st.query_params.get("township", "")
    return code if code in set(dataset.townships["code"]) else ""


def initial_radii(dataset: Dataset) -> dict[str, float]:
    """Catchment radii from ``?radius=code:metres,...`` (known groups, 100-20000 m)."""
    radii: dict[str, float] = {}
    for pair in st.query_params.get("radius", "").split(","):
        code, _, value = pair.partition(":")
        if code in dataset.group_codes and _number(value) is not None:
            metres = float(value)
            if 100 <= metres <= 20000 and metres != dataset.group(code).radius_m:
                radii[code] = metres
    return radii


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def selected_groups() -> tuple[str, ...]:
    """The groups the planner chose (every group when none), in the dataset's order."""
    dataset = current().dataset
    chosen = kept(GROUPS_KEY, lambda: initial_groups(dataset)) or dataset.group_codes
    codes = tuple(c for c in dataset.group_codes if c in chosen)
    return codes or tuple(dataset.group_codes)


def selected_township() -> str | None:
    """The township the planner opened (None: the whole district)."""
    dataset = current().dataset
    code = kept(TOWNSHIP_KEY, lambda: initial_township(dataset))
    return code if code in set(dataset.townships["code"]) else None


def selected_radii() -> dict[str, float]:
    """The catchment radii the planner changed (group code -> metres)."""
    dataset = current().dataset
    return dict(kept(RADII_KEY, lambda: initial_radii(dataset)))


def selected_indicator() -> str:
    """The overview's indicator."""
    return kept(INDICATOR_KEY, initial_indicator)


#: The siting page's scenario in the URL (written by that page, dropped on the others).
SITING_PARAMS = ("site_group", "k", "reach", "mode", "r", "min", "cap", "stations")


def sync_url(page: str) -> None:
    """Write the kept choices to the URL of ``page`` (a parameter at its default is left out)."""
    if page != "siting":
        for name in SITING_PARAMS:
            sync_param(name, None)
    dataset = current().dataset
    groups = selected_groups()
    sync_param("group", None if len(groups) == len(dataset.group_codes) else ",".join(groups))
    sync_param("township", selected_township())
    radii = selected_radii()
    sync_param("radius", ",".join(f"{c}:{radii[c]:g}" for c in dataset.group_codes if c in radii))
    indicator = selected_indicator()
    sync_param("indicator", None if indicator == CHOROPLETH_INDICATORS[0] else indicator)


def summary(parameters: ViewParameters | None = None) -> Summary:
    """The cached summary of the current dataset (default: the chosen groups and radii)."""
    cur = current()
    chosen = parameters or ViewParameters.of(selected_groups(), radii=selected_radii())
    return loader.summary_for(cur.dataset, cur.token, chosen)
