"""Download buttons for the view on the page: map (PNG/PDF), briefing pack, tables, HTML map,
and a table's CSV and Excel files.

Files are made only when a button is clicked (Streamlit runs the callable then, on its own
thread), so the buttons cost nothing on a rerun; :func:`deferred_button` keeps such a file
until the browser has fetched it, which Streamlit alone does not (see there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any, Final

import streamlit as st
from streamlit import runtime
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import ScriptRunContext, add_script_run_ctx, get_script_run_ctx

from dashboard import state
from geo.cli.export import ExportOptions, export_bytes
from geo.compare import compare, shared_groups
from geo.dataset import Dataset
from geo.errors import OptionError
from geo.export.tables import ReportTable, csv_bytes, xlsx_bytes
from geo.summary import Summary
from geo.text.fonts import cjk_font_ready, ensure_cjk_font
from geo.text.i18n import t

XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (button text key, what, extension, file name key, MIME type)
_BUTTONS: Final = (
    ("export.ui.map_png", "map", ".png", "export.file.map", "image/png"),
    ("export.ui.map_pdf", "map", ".pdf", "export.file.map", "application/pdf"),
    ("export.ui.pack", "pack", ".pdf", "export.file.pack", "application/pdf"),
    ("export.ui.tables", "tables", ".xlsx", "export.file.tables", XLSX_MIME),
    ("export.ui.html", "html", ".html", "export.file.html", "text/html"),
)


def deferred_button(
    label: str,
    make: Callable[[], bytes],
    *,
    file_name: str,
    mime: str,
    key: str,
    where: DeltaGenerator | None = None,
    **options: Any,
) -> None:
    """A download button whose file is made by ``make`` only when it is clicked.

    Streamlit stores a file made on a click with no session referring to it, and the end of
    any two script runs, of any session, deletes such a file: on a busy server that happens
    before the browser's request for it arrives, and the click gets "404 not found". Here the
    file is also registered for the session that clicked, as a file its page shows is, so it
    stays until that session's next run (the click itself reruns nothing).

    Parameters
    ----------
    label
        The button's text.
    make
        Makes the file's bytes (on Streamlit's thread for deferred files, without a script
        context: no ``st`` calls).
    file_name, mime
        The saved file's name and MIME type.
    key
        The button's key, unique on the page.
    where
        The container (a column, say) to put the button in; the page when None.
    **options
        More ``st.download_button`` options (``icon``, ``width``, ...).
    """
    session = get_script_run_ctx(suppress_warning=True)
    target = st if where is None else where
    target.download_button(
        label,
        data=partial(_made_and_kept, make, session, mime, file_name, key),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",  # a rerun of the session would release the file at once
        **options,
    )


def table_buttons(
    table: ReportTable | Callable[[], ReportTable],
    *,
    labels: tuple[str, str],
    stem: str,
    key: str,
    where: Sequence[DeltaGenerator] | None = None,
    **options: Any,
) -> None:
    """Two download buttons for ``table``: CSV (UTF-8 with BOM) and Excel, made when clicked.

    Parameters
    ----------
    table
        The report table, as :func:`geo.export.tables.csv_bytes` and ``xlsx_bytes`` write it
        (the public edition's table has its small counts withheld already), or what makes it
        when a button is clicked (a province's quarter of a million rows).
    labels
        The buttons' texts, the CSV one first.
    stem
        The files' name without the extension.
    key
        Makes the buttons' keys (``{key}_csv``, ``{key}_xlsx``), unique on the page.
    where
        The two containers (columns, say) for the buttons; two narrow columns when None.
    **options
        More ``st.download_button`` options for both (``icon``, ...).
    """
    left, right = st.columns([1, 1, 3])[:2] if where is None else where
    files = ((".csv", csv_bytes, "text/csv"), (".xlsx", xlsx_bytes, XLSX_MIME))
    for label, column, (extension, write, mime) in zip(labels, (left, right), files, strict=True):
        deferred_button(
            label,
            partial(_written, write, table),
            file_name=f"{stem}{extension}",
            mime=mime,
            key=f"{key}_{extension[1:]}",
            where=column,
            **options,
        )


def _written(
    write: Callable[[ReportTable], bytes], table: ReportTable | Callable[[], ReportTable]
) -> bytes:
    return write(table() if callable(table) else table)


def _made_and_kept(
    make: Callable[[], bytes],
    session: ScriptRunContext | None,
    mime: str,
    file_name: str,
    slot: str,
) -> bytes:
    """``make()``'s bytes, registered for ``session`` first (see :func:`deferred_button`)."""
    data = make()
    if session is not None and runtime.exists():
        _keep_for_session(session, data, mime, file_name, slot)
    return data


def _keep_for_session(
    session: ScriptRunContext, data: bytes, mime: str, file_name: str, slot: str
) -> None:
    """Register ``data`` as a file of ``session`` at the coordinate ``slot``.

    The same bytes, type and name give the same file as the one Streamlit stores for the
    click, so this reference keeps that file. Streamlit's media manager takes the session
    from the calling thread's script context, hence the short thread that carries it.
    """
    server = runtime.get_instance()
    if not server.is_active_session(session.session_id):
        return  # the tab is gone: nobody will fetch the file
    files = server.media_file_mgr
    register = threading.Thread(
        target=files.add,
        args=(data, mime, f"download:{slot}", file_name, True),
        name="download-keep",
    )
    add_script_run_ctx(register, session)
    register.start()
    register.join()
    if not server.is_active_session(session.session_id):
        # the tab closed meanwhile and its references may be cleared already: hold nothing
        files.clear_session_refs(session.session_id)


@st.cache_resource(show_spinner=False)
def _prepare_font() -> threading.Thread | None:
    """Cut the Chinese font instances in the background once per server (35-70 s), so that
    the first export does not wait for it; None when the install prepared them already."""
    if cjk_font_ready():
        return None
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
    font_thread = _prepare_font()
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
        if font_thread is not None and font_thread.is_alive():
            st.info(t("export.ui.font_wait", lang), icon=":material/hourglass_top:")
        columns = st.columns(len(_BUTTONS))
        for column, (label, what, extension, name, mime) in zip(columns, _BUTTONS, strict=True):
            deferred_button(
                t(label, lang),
                partial(_file_bytes, summary, what, extension, previous, options),
                file_name=f"{district}_{t(name, lang)}_{stamp}{extension}",
                mime=mime,
                key=f"{key}_export_{what}{extension}",
                where=column,
                width="stretch",
            )


def township_sheet_button(summary: Summary, township: str, name: str, *, lang: str) -> None:
    """A download button for the township's one-page sheet (A4 PDF)."""
    _prepare_font()
    stamp = date.today().isoformat()
    deferred_button(
        t("export.ui.township", lang),
        partial(
            export_bytes,
            summary,
            "township",
            ".pdf",
            ExportOptions(lang=lang, townships=(township,)),
        ),
        file_name=f"{name}_{t('export.file.township', lang)}_{stamp}.pdf",
        mime="application/pdf",
        key=f"township_sheet_{township}",
        icon=":material/picture_as_pdf:",
    )
