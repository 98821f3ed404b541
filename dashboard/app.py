"""The service-coverage atlas: ``streamlit run dashboard/app.py``.

Builds the navigation over the four pages, the language switch and briefing mode; every
figure comes from geo/ through the cached wrappers in ``dashboard.loader``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state, widgets
from dashboard.views import coverage, data, funding, overview, siting
from geo.i18n import t

PAGES = (
    ("overview", overview.render, ":material/map:"),
    ("coverage", coverage.render, ":material/radar:"),
    ("funding", funding.render, ":material/payments:"),
    ("siting", siting.render, ":material/add_location_alt:"),
    ("data", data.render, ":material/database:"),
)


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
    if briefing:
        overview.render_briefing()
        return
    # ?page=NAME opens that page: it becomes the default (the page shown at the root URL)
    wanted = st.query_params.get("page", "overview")
    if wanted not in {name for name, _, _ in PAGES}:
        wanted = "overview"
    pages = [
        st.Page(
            func, title=t(f"page.{name}", lang), icon=icon, url_path=name, default=name == wanted
        )
        for name, func, icon in PAGES
    ]
    page = st.navigation(pages)
    st.sidebar.caption(t("app.dataset", lang, name=state.current().dataset.name))
    _sidebar_controls(lang)
    state.sync_param("page", page.url_path)
    page.run()


main()
