"""Session state and the shareable view in the URL (``st.query_params``).

The planner's choices (the groups, the township, the catchment radii) live in plain session
keys, which Streamlit keeps across page changes (a widget's own key is dropped as soon as a
page does not draw that widget). Each widget is bound to such a key with :func:`bind`: it
starts from the kept value and writes back to it when changed. :func:`sync_url` writes the
kept choices to the URL on every page, so a link opens the same view of the same data:
``page``, ``group`` (comma-separated codes), ``township``, ``radius`` (``code:metres`` pairs
that differ from the dataset's), ``indicator``, ``lang``, ``mode=briefing``, ``v`` (the stored
version shown, see :mod:`dashboard.source`), and on the siting page its scenario (see
``dashboard.views.siting``), ``view=public`` (:func:`public_view`). When the data shown
changes, the choices about its groups and townships are forgotten (:func:`_forget_choices`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import streamlit as st

from dashboard import auth, loader, source
from dashboard.loader import ViewParameters
from dashboard.source import Current
from geo.compare import Comparison, shared_groups
from geo.dataset import Dataset
from geo.errors import OptionError
from geo.indicators import CHOROPLETH_INDICATORS
from geo.summary import Summary

LANG_KEY = "lang"
BRIEFING_KEY = "briefing"
PUBLIC_KEY = "public_view"
GROUPS_KEY = "kept.groups"
TOWNSHIP_KEY = "kept.township"
RADII_KEY = "kept.radii"
INDICATOR_KEY = "kept.indicator"
SHOWN_KEY = "shown_token"

T = TypeVar("T")


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


def public_view() -> bool:
    """Whether this session sees the public edition: small counts kept private (geo.privacy).

    The one place that decides; every page, table, tooltip and download follows it through
    :func:`summary`: ``?view=public`` in the URL, kept for the session once seen (a
    page change cannot drop it), and always for viewers and anonymous visitors
    (:func:`dashboard.auth.public`). Planners see the internal edition, every count.
    """
    return public_asked() or auth.public()


def public_asked() -> bool:
    """Whether the URL asked for the public view (``?view=public``), kept for the session.

    Only this is written back to the URL: the public view a viewer's role imposes is not, so a
    planner who logs in later in the same tab sees every count.
    """
    if not st.session_state.get(PUBLIC_KEY):
        st.session_state[PUBLIC_KEY] = st.query_params.get("view") == "public"
    return bool(st.session_state[PUBLIC_KEY])


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
    """The data this session shows (see :mod:`dashboard.source`).

    When it is other data than the last rerun showed (a draft pinned or published here or
    elsewhere, a version archived), the choices made on the old data are forgotten first.
    """
    cur = source.current()
    shown = st.session_state.get(SHOWN_KEY)
    if shown != cur.token:
        if shown is not None:
            _forget_choices()
        st.session_state[SHOWN_KEY] = cur.token
    return cur


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
    sync_param("view", "public" if public_asked() else None)


def previous_source() -> Callable[[], Dataset] | None:
    """How to load the year before the current dataset, when there is one: the demo carries
    its 2020; a stored version is compared with the version published before it. A callable,
    so that a download can load it only when it is asked for."""
    cur = current()
    if cur.token == loader.DEMO_TOKEN:
        return loader.demo_previous_dataset
    if cur.version is None or cur.store is None:
        return None
    store, before = cur.store, cur.store.published_before(cur.version)
    if before is None:
        return None
    return partial(loader.version_dataset, store, before.id, before.content_hash)


def previous() -> Dataset | None:
    """The year before the current dataset, when there is one."""
    source = previous_source()
    return source() if source is not None else None


def comparison(groups: tuple[str, ...] | None = None) -> Comparison | None:
    """The current dataset against :func:`previous` over the chosen groups both years have
    (all shared groups when none of the chosen is shared); None without an earlier year."""
    old = previous()
    if old is None:
        return None
    cur = current()
    try:
        shared, _ = shared_groups(old, cur.dataset)
    except OptionError:  # the two years share no group
        return None
    chosen = groups if groups is not None else selected_groups()
    codes = tuple(c for c in shared if c in chosen) or shared
    token = f"{cur.token}:previous"
    return loader.comparison_for(old, cur.dataset, token, codes, public=public_view())


def summary(parameters: ViewParameters | None = None) -> Summary:
    """The cached summary of the current dataset (default: the chosen groups and radii).

    The public edition (``geo.privacy.public_summary``) when :func:`public_view`: whatever a
    page draws or writes from it keeps the small counts private.
    """
    cur = current()
    chosen = parameters or ViewParameters.of(selected_groups(), radii=selected_radii())
    return loader.summary_for(cur.dataset, cur.token, chosen, public=public_view())
