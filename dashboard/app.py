"""The service-coverage atlas: ``streamlit run dashboard/app.py``.

Builds the navigation over the four pages, the language switch and briefing mode; every
figure comes from geo/ through the cached wrappers in ``dashboard.loader``.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from dashboard import auth, banner, loader, source, state, widgets
from dashboard.views import briefing as deck
from dashboard.views import compare, coverage, data, funding, overview, siting
from geo.errors import DatasetError
from geo.io.store import StoreError
from geo.text.i18n import t

PAGES = (
    ("overview", overview.render, ":material/map:"),
    ("coverage", coverage.render, ":material/radar:"),
    ("funding", funding.render, ":material/payments:"),
    ("siting", siting.render, ":material/add_location_alt:"),
    ("compare", compare.render, ":material/compare_arrows:"),
    ("data", data.render, ":material/database:"),
)


#: Pages the public view (``state.public_view``) does not offer.
PLANNER_PAGES = ("siting", "data")


def _sidebar_controls(lang: str) -> None:
    choice = st.sidebar.radio(
        t("app.language", lang),
        ["zh", "en"],
        format_func=lambda code: "中文" if code == "zh" else "English",
        index=0 if lang == "zh" else 1,
        horizontal=True,
    )
    if choice != lang:
        st.session_state[state.LANG_KEY] = choice
        state.sync_param("lang", None if choice == "zh" else "en")
        st.rerun()
    if st.sidebar.toggle(t("app.briefing", lang), value=False, help=t("app.briefing_help", lang)):
        st.session_state[state.BRIEFING_KEY] = True
        state.sync_param("mode", "briefing")
        st.rerun()


def _forward(pages: dict[str, st.Page]) -> None:
    """Open the page named by ``?page=`` (the overview when none or unknown) at its own URL."""
    target = pages.get(st.query_params.get("page", ""), pages["overview"])
    st.switch_page(target, query_params=st.query_params.to_dict())


def _pages(lang: str, hidden: Collection[str]) -> list[st.Page]:
    """The router, then every page not hidden, each at its own URL (/overview, /coverage, ...).

    The root is a hidden page that forwards to the page ?page=NAME asks for (the overview when
    none), keeping the other parameters. Were the overview the default page, /overview itself
    would be "not found".
    """
    pages = {
        name: st.Page(func, title=t(f"page.{name}", lang), icon=icon, url_path=name)
        for name, func, icon in PAGES
        if name not in hidden
    }
    router = st.Page(
        lambda: _forward(pages), title=t("app.title", lang), url_path="", default=True,
        visibility="hidden",
    )  # fmt: skip
    return [router, *pages.values()]


def main() -> None:
    """Configure the page, then run the page the URL asks for."""
    st.set_page_config(
        page_title=t("app.title"),
        page_icon="🗺️",  # a material icon here would be fetched from a font CDN
        layout="wide",
        initial_sidebar_state="expanded",
    )
    lang, briefing = state.lang(), state.briefing()
    widgets.apply_styles(briefing=briefing)
    store, store_error = source.open_office_store()
    if auth.gate(store, store_error, lang) is None:
        # The login page instead of any page; the navigation keeps the URL asked for (/data),
        # which the login then opens.
        st.navigation(_pages(lang, hidden=()), position="hidden")
        return
    try:
        current = source.resolve()
    except (DatasetError, StoreError) as error:
        widgets.source_failure(error, loader.configured_source(), lang)
        return
    # the public view has no planner's tools: no siting (villages by name and count), no data
    hidden = PLANNER_PAGES if state.public_view() else ()
    page = st.navigation(_pages(lang, hidden=hidden), position="hidden" if briefing else "sidebar")
    if briefing:
        deck.render()
        banner.briefing(current, lang)
        return
    if page.url_path:
        state.sync_param("page", page.url_path)
        state.sync_url(page.url_path)
    banner.sidebar(current, lang)
    _sidebar_controls(lang)
    if page.url_path:  # not on the router's run, which only forwards to the page
        banner.notice(current, lang)
    page.run()


main()
