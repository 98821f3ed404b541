"""Download buttons for the view on the page: map (PNG/PDF), briefing pack, tables, HTML map.

Files are made only when a button is clicked (Streamlit runs the callable then, on its own
thread), so the buttons cost nothing on a rerun.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Final

import streamlit as st

from dashboard import state
from geo.cli.export import ExportOptions, export_bytes
from geo.compare import compare, shared_groups
from geo.dataset import Dataset
from geo.errors import OptionError
from geo.summary import Summary
from geo.text.fonts import ensure_cjk_font
from geo.text.i18n import t

# (button text key, what, extension, file name key, MIME type)
_BUTTONS: Final = (
    ("export.ui.map_png", "map", ".png", "export.file.map", "image/png"),
    ("export.ui.map_pdf", "map", ".pdf", "export.file.map", "application/pdf"),
    ("export.ui.pack", "pack", ".pdf", "export.file.pack", "application/pdf"),
    (
        "export.ui.tables",
        "tables",
        ".xlsx",
        "export.file.tables",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("export.ui.html", "html", ".html", "export.file.html", "text/html"),
)


@st.cache_resource(show_spinner=False)
def _prepare_font() -> threading.Thread:
    """Cut the Chinese font instances in the background once per server (about 20 s the
    first time on a machine), so that the first export does not wait for it."""
    thread = threading.Thread(target=ensure_cjk_font, name="cjk-font", daemon=True)
    thread.start()
    return thread


def _file_bytes(
    summary: Summary,
    what: str,
    extension: str,
    previous: Callable[[], Dataset] | None,
    options: ExportOptions,
) -> bytes:
    """The export's bytes; the pack gets its "what changed" page when there is an earlier
    year (loaded and compared only now, when the pack is asked for)."""
    if what == "pack" and previous is not None:
        earlier = previous()
        try:
            shared, _ = shared_groups(earlier, summary.dataset)
        except OptionError:  # no group in common: a pack without the comparison
            shared = ()
        codes = [c for c in shared if c in summary.group_codes]
        if codes:
            options = replace(options, comparison=compare(earlier, summary.dataset, groups=codes))
    return export_bytes(summary, what, extension, options)


def export_buttons(
    summary: Summary,
    *,
    lang: str,
    key: str,
    view: str = "indicator",
    indicator: str = "coverage",
    group: str | None = None,
    township: str | None = None,
) -> None:
    """An "export" expander with one download button per report file of the current view.

    Parameters
    ----------
    summary
        The summary the page shows (its groups and parameters go into the files).
    lang
        ``"zh"`` or ``"en"``.
    key
        A prefix that makes the buttons' keys unique on the page.
    view
        The static map's view: ``"indicator"``, ``"coverage"`` (of ``group``) or ``"funding"``.
    indicator
        The indicator of the choropleth (and of the pack's overview page).
    group
        The group of the coverage map.
    township
        The township open on the page: the map zooms to it, as on the screen.
    """
    _prepare_font()
    district = summary.dataset.district or "atlas"
    stamp = date.today().isoformat()
    previous = state.previous_source()
    options = ExportOptions(
        lang=lang,
        indicator=indicator,
        view=view,
        group=group,
        townships=(township,) if township else None,
    )
    with st.expander(t("export.ui.title", lang), icon=":material/download:"):
        st.caption(t("export.ui.help", lang))
        columns = st.columns(len(_BUTTONS))
        for column, (label, what, extension, name, mime) in zip(columns, _BUTTONS, strict=True):
            column.download_button(
                t(label, lang),
                data=partial(_file_bytes, summary, what, extension, previous, options),
                file_name=f"{district}_{t(name, lang)}_{stamp}{extension}",
                mime=mime,
                key=f"{key}_export_{what}{extension}",
                on_click="ignore",
                width="stretch",
            )


def township_sheet_button(summary: Summary, township: str, name: str, *, lang: str) -> None:
    """A download button for the township's one-page sheet (A4 PDF)."""
    _prepare_font()
    stamp = date.today().isoformat()
    st.download_button(
        t("export.ui.township", lang),
        data=partial(
            export_bytes,
            summary,
            "township",
            ".pdf",
            ExportOptions(lang=lang, townships=(township,)),
        ),
        file_name=f"{name}_{t('export.file.township', lang)}_{stamp}.pdf",
        mime="application/pdf",
        key=f"township_sheet_{township}",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
