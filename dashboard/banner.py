"""Which data a page shows, said on every page: the edition (公开 / 内部), the sidebar line,
the notice above a page when the session shows a draft or an older version, and a discreet
line in briefing mode."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import source, state
from dashboard.source import Current
from dashboard.widgets import plain
from geo.io.store import VersionInfo
from geo.text.i18n import t


def local_time(moment: datetime, *, with_time: bool = True) -> str:
    """A stored UTC time in the server's time zone, as people write it."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def version_name(info: VersionInfo, lang: str) -> str:
    """``第 12 版「2026年度」`` / ``version 12 “2026”``."""
    return t("version.name", lang, id=info.id, label=info.label)


def describe(cur: Current, lang: str) -> str:
    """Where the data shown comes from, in one line (the data page and the sidebar)."""
    if cur.version is not None:
        info = cur.version
        status = t("version.draft_status" if cur.draft else f"version.{info.status}", lang)
        return t(
            "version.describe",
            lang,
            name=version_name(info, lang),
            date=local_time(info.added_at, with_time=False),
            status=status,
            who=info.added_by,
        )
    if cur.folder is not None:
        return t("version.folder", lang, folder=Path(cur.folder).expanduser().resolve())
    return t("version.demo", lang)


def sidebar(cur: Current, lang: str) -> None:
    """The edition badge (公开 / 内部) and the line under the dataset's name."""
    edition(st.sidebar, lang)
    st.sidebar.caption(
        t("app.dataset", lang, name=plain(cur.dataset.name)) + "  \n" + describe(cur, lang)
    )


def edition(where: DeltaGenerator, lang: str) -> None:
    """The edition shown: 公开 (small counts kept private) or 内部 (every count)."""
    if state.public_view():
        where.badge(t("edition.public", lang), icon=":material/public:", color="blue")
    else:
        where.badge(t("edition.internal", lang), icon=":material/lock:", color="orange")


def notice(cur: Current, lang: str) -> None:
    """Above every page: the draft preview, an older version from a link, a link that named no
    version; with the way back to the data everyone sees."""
    missing = st.session_state.pop(source.MISSING_LINK_KEY, None)
    if missing is not None:
        st.info(t("version.link_missing", lang, id=missing), icon=":material/link_off:")
    if not cur.pinned or cur.version is None:
        return
    shown = version_name(cur.version, lang)
    if cur.draft:
        text = t("version.draft_notice", lang, name=shown, who=cur.version.added_by)
        icon = ":material/edit_note:"
    else:
        text = t("version.older_notice", lang, name=shown)
        icon = ":material/history:"
    if cur.base is not None:
        base = version_name(cur.base, lang)
        text += "  \n" + t("version.base_is", lang, name=base, date=local_time(cur.base.added_at))
    (st.warning if cur.draft else st.info)(text, icon=icon)
    label = t("version.leave_draft" if cur.draft else "version.show_base", lang)
    st.button(label, on_click=source.unpin, key="leave_pinned_version")


def briefing(cur: Current, lang: str) -> None:
    """One small grey line (orange for a draft) under the briefing screen."""
    if cur.version is None:
        return
    text = t(
        "version.briefing",
        lang,
        name=version_name(cur.version, lang),
        date=local_time(cur.version.added_at, with_time=False),
    )
    if cur.draft:
        text = t("version.draft_status", lang) + " · " + text
    color = "#b45309" if cur.draft else "#9ca3af"
    st.markdown(
        f"<div style='color:{color};font-size:0.95rem'>{text}</div>", unsafe_allow_html=True
    )
