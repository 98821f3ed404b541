"""数据 Data: what is shown, the office's versions (preview, publish, roll back, download),
a new version from an upload or from one replaced layer, the change log, templates.

An upload is judged on its own: after every attempt the uploader gets a fresh key, so files of
an earlier upload are never merged with the new ones. A valid upload becomes a *draft*
version in the store, previewed in this session only until someone publishes it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, banner, downloads, loader, source, state, widgets
from dashboard.source import Current
from dashboard.views import accounts
from geo.dataset import Dataset
from geo.errors import DatasetError, Problem
from geo.io.config import FILE as CONFIG_FILE
from geo.io.store import PublishConflictError, Store, StoreError, VersionInfo
from geo.io.templates import DATASET_TOML_EXAMPLE, TEMPLATE_LAYERS, template_xlsx
from geo.io.uploads import UploadError, replace_layer_file, unpack_upload
from geo.io.validate import LAYERS
from geo.text.i18n import format_count, t
from geo.text.provenance import provenance_items

ROUND_KEY = "upload_round"  # bumped after every attempt: the uploaders start empty again
REPORT_KEY = "upload_report"
MESSAGE_KEY = "data_message"
ACTOR_KEY = "actor"
UPLOAD_TYPES = ["zip", "toml", "csv", "xlsx", "geojson", "json", "gpkg"]
REPLACEABLE = (*LAYERS, CONFIG_FILE)


@dataclass(frozen=True)
class Attempt:
    """How one upload was judged: the files, what was wrong, or the version it became."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    failure: str | None = None  # an unreadable upload or a store that refused, in words
    version: VersionInfo | None = None
    duplicate: bool = False
    base: VersionInfo | None = None  # for one replaced layer: the version it was put on
    layer: str | None = None


# --- what is shown -------------------------------------------------------------------------


def _shown(cur: Current, lang: str) -> None:
    dataset = cur.dataset
    st.subheader(t("data.loaded", lang))
    name, colon = widgets.plain(dataset.name), t("app.colon", lang)
    st.markdown(f"**{name}** · {t('data.source', lang)}{colon}{banner.describe(cur, lang)}")
    st.markdown(
        t(
            "data.counts",
            lang,
            townships=format_count(len(dataset.townships), lang),
            sites=format_count(len(dataset.sites), lang),
            demand=format_count(len(dataset.demand), lang),
            projects=format_count(len(dataset.projects), lang),
        )
    )
    provenance = provenance_items(dataset.metadata, lang)
    if provenance:
        st.markdown(f"**{t('data.provenance', lang)}**")
        colon = t("app.colon", lang)
        items = (f"- **{label}**{colon}{widgets.plain(value)}" for label, value in provenance)
        st.markdown("\n".join(items))
    st.markdown(f"**{t('data.groups', lang)}**")
    widgets.show_table(_groups_frame(dataset, lang), decimals={t("col.weight", lang): 2})
    st.subheader(t("data.validation", lang))
    _report(dataset.warnings, lang, name=dataset.name)


def _groups_frame(dataset: Dataset, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.code", lang): [g.code for g in dataset.groups],
            t("col.group", lang): [g.display(lang) for g in dataset.groups],
            t("col.radius_m", lang): [g.radius_m for g in dataset.groups],
            t("col.weight", lang): [g.weight for g in dataset.groups],
        }
    )


MAX_LISTED = 30


def _report(problems: tuple[Problem, ...] | list[Problem], lang: str, *, name: str) -> None:
    """A verdict, then each problem as a full sentence (file, row, column, what to do): a
    table column would cut them off at 1440 px. The whole list as a table below."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors:
        st.error(t("data.errors", lang, n=len(errors)))
    elif warnings:
        st.warning(t("data.warnings", lang, n=len(warnings)))
    else:
        st.success(t("data.valid", lang, name=widgets.plain(name)))
    listed = [*errors, *warnings]
    for problem in listed[:MAX_LISTED]:
        # Streamlit's own icon font: an office PC may have no colour-emoji font
        icon = (
            ":red[:material/error:]"
            if problem.severity == "error"
            else (":orange[:material/warning:]")
        )
        st.markdown(f"{icon} {widgets.plain(problem.message(lang))}")
    if len(listed) > MAX_LISTED:
        st.caption(t("data.problem_more", lang, n=len(listed) - MAX_LISTED))
    if problems:
        with st.expander(t("data.problem_table", lang)):
            frame = widgets.problems_frame(problems, lang)
            st.dataframe(frame, hide_index=True, width="stretch")
            st.download_button(
                "CSV",
                frame.to_csv(index=False).encode("utf-8-sig"),
                file_name="problems.csv",
                mime="text/csv",
                key=f"problems_csv_{name}",
            )


# --- the versions --------------------------------------------------------------------------


def _versions(cur: Current, store: Store, actor: str, lang: str) -> None:
    st.subheader(t("data.versions", lang))
    versions = store.versions()
    if not versions:
        st.info(t("data.no_versions", lang))
        return
    shown = cur.version.id if cur.version else None
    widgets.show_table(_versions_frame(versions, shown, lang))
    usable = [v for v in versions if v.status != "archived"]
    if not usable:
        return
    by_id = {v.id: v for v in usable}
    default = shown if shown in by_id else usable[0].id
    chosen = by_id[
        st.selectbox(
            t("data.version_pick", lang),
            list(by_id),
            index=list(by_id).index(default),
            format_func=lambda i: banner.version_name(by_id[i], lang),
            key="version_pick",
        )
    ]
    published = next(
        (v for v in versions if v.dataset == chosen.dataset and v.status == "published"), None
    )
    preview, publish, archive, download = st.columns(4)
    preview.button(
        t("data.preview", lang),
        disabled=chosen.id == shown,
        on_click=_preview,
        args=(chosen.id, cur.base.id if cur.base else None),
        key="version_preview",
        width="stretch",
    )
    rollback = published is not None and chosen.id < published.id
    needed = "admin" if rollback else "planner"
    publish.button(
        t("data.rollback" if rollback else "data.publish", lang),
        type="primary",
        disabled=chosen.status == "published" or not actor or not auth.can(needed),
        help=_why_not(actor, needed, lang),
        on_click=_publish,
        args=(store, chosen.id, published.id if published else None, actor, lang),
        key="version_publish",
        width="stretch",
    )
    archive.button(
        t("data.archive", lang),
        disabled=chosen.status == "published" or not actor or not auth.can("admin"),
        help=_why_not(actor, "admin", lang),
        on_click=_archive,
        args=(store, chosen.id, actor, lang),
        key="version_archive",
        width="stretch",
    )
    downloads.deferred_button(
        t("data.download_zip", lang),
        lambda: loader.version_zip(store, chosen.id, chosen.content_hash),
        file_name=f"{chosen.dataset}-v{chosen.id}.zip",
        mime="application/zip",
        key="version_download",
        where=download,
        width="stretch",
    )
    if loader.configured_source() is not None:
        st.caption(t("data.configured_note", lang, source=loader.configured_source()))


def _versions_frame(versions: list[VersionInfo], shown: int | None, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("version.id", lang): [v.id for v in versions],
            t("version.label", lang): [v.label for v in versions],
            t("version.status", lang): [t(f"version.{v.status}", lang) for v in versions],
            t("version.shown", lang): ["●" if v.id == shown else "" for v in versions],
            t("version.added_by", lang): [v.added_by for v in versions],
            t("version.added_at", lang): [banner.local_time(v.added_at) for v in versions],
            t("version.note", lang): [v.note for v in versions],
            t("version.warnings", lang): [len(v.report) for v in versions],
        }
    )


def _preview(version_id: int, base_id: int | None) -> None:
    if version_id == base_id:
        source.unpin()
    else:
        source.pin(version_id)


def _why_not(actor: str, needed: str, lang: str) -> str | None:
    """Why a button is greyed out: a role too low, or no name given (the open atlas)."""
    if not auth.can(needed):
        return t("auth.needs", lang, role=t(f"role.{needed}", lang))
    return None if actor else t("data.actor_needed", lang)


def _publish(store: Store, version_id: int, expected: int | None, actor: str, lang: str) -> None:
    """Publish ``version_id`` if the published version is still ``expected``, the one the
    person saw when they clicked (callback arguments are bound when the page was drawn).

    Moving back to an older version is a roll-back, which only an admin may do; the role is
    checked here, where the store is written, not only by greying out the button."""
    try:
        rollback = expected is not None and version_id < expected
        auth.require("admin" if rollback else "planner", store)
        info = store.publish(version_id, by=actor, expected=expected)
    except PublishConflictError as error:
        st.session_state[MESSAGE_KEY] = ("error", error.message(lang))
        return
    except StoreError as error:
        st.session_state[MESSAGE_KEY] = ("error", error.message(lang))
        return
    source.unpin()
    text = t("data.published", lang, name=banner.version_name(info, lang))
    st.session_state[MESSAGE_KEY] = ("success", text)


def _archive(store: Store, version_id: int, actor: str, lang: str) -> None:
    """Remove the data of an unpublished version (admins only; its record stays)."""
    try:
        auth.require("admin", store)
        info = store.archive(version_id, by=actor)
    except StoreError as error:
        st.session_state[MESSAGE_KEY] = ("error", error.message(lang))
        return
    text = t("data.archived", lang, name=banner.version_name(info, lang))
    st.session_state[MESSAGE_KEY] = ("success", text)


# --- a new version: a whole upload, or one layer on top of the published version ------------


def _judge_upload(
    files: list[tuple[str, bytes]], store: Store, *, label: str, note: str, actor: str, lang: str
) -> Attempt:
    """Validate the uploaded files on their own and keep a valid dataset as a draft."""
    names = tuple(name for name, _ in files)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            folder = unpack_upload(files, Path(tmp))
        except UploadError as error:
            return Attempt(names, failure=t("data.upload_zip_bad", lang, error=error.message(lang)))
        return _add(store, folder, names, label=label, note=note, actor=actor, lang=lang)


def _judge_layer(
    store: Store,
    base: VersionInfo,
    layer: str,
    upload: tuple[str, bytes],
    *,
    label: str,
    note: str,
    actor: str,
    lang: str,
) -> Attempt:
    """Put one uploaded layer on top of ``base`` and validate the whole before keeping it."""
    name, data = upload
    with tempfile.TemporaryDirectory() as tmp:
        folder = store.export(base.id, Path(tmp) / "dataset")
        try:
            replace_layer_file(folder, layer, name, data)
        except UploadError as error:
            return Attempt((name,), failure=error.message(lang), base=base, layer=layer)
        note = note or t("data.layer_note", lang, layer=_layer_name(layer, lang), id=base.id)
        attempt = _add(store, folder, (name,), label=label, note=note, actor=actor, lang=lang)
    return Attempt(**{**attempt.__dict__, "base": base, "layer": layer})


def _add(
    store: Store,
    folder: Path,
    names: tuple[str, ...],
    *,
    label: str,
    note: str,
    actor: str,
    lang: str,
) -> Attempt:
    try:
        auth.require("planner", store)
        result = store.add(folder, label=label, note=note, by=actor)
    except DatasetError as error:
        return Attempt(names, problems=tuple(error.problems))
    except StoreError as error:
        return Attempt(names, failure=error.message(lang))
    return Attempt(names, result.version.report, version=result.version, duplicate=result.duplicate)


def _upload(store: Store, actor: str, lang: str) -> None:
    st.subheader(t("data.upload", lang))
    st.caption(t("data.upload_help", lang))
    attempt_no = st.session_state.get(ROUND_KEY, 0)
    label, note = _label_and_note("upload", lang)
    uploaded = st.file_uploader(
        t("data.upload", lang),
        accept_multiple_files=True,
        type=UPLOAD_TYPES,
        key=f"upload_files_{attempt_no}",
        label_visibility="collapsed",
    )
    go = st.button(
        t("data.save_draft", lang),
        disabled=not uploaded or not actor,
        help=None if actor else t("data.actor_needed", lang),
        type="primary",
        key="upload_go",
    )
    if go and uploaded:
        files = [(f.name, f.getvalue()) for f in uploaded]
        with st.spinner(t("data.checking", lang)):
            attempt = _judge_upload(files, store, label=label, note=note, actor=actor, lang=lang)
        _finish(attempt, "upload")
    _attempt_report("upload", lang)


def _replace_layer(store: Store, base: VersionInfo | None, actor: str, lang: str) -> None:
    st.subheader(t("data.replace", lang))
    if base is None:
        st.info(t("data.replace_needs_published", lang))
        return
    st.caption(t("data.replace_help", lang, name=banner.version_name(base, lang)))
    attempt_no = st.session_state.get(ROUND_KEY, 0)
    layer = st.selectbox(
        t("data.replace_layer", lang),
        REPLACEABLE,
        format_func=lambda name: _layer_name(name, lang),
        key="replace_layer",
    )
    label, note = _label_and_note("replace", lang)
    uploaded = st.file_uploader(
        t("data.replace_file", lang),
        type=UPLOAD_TYPES,
        key=f"replace_file_{attempt_no}",
    )
    go = st.button(
        t("data.save_draft", lang),
        disabled=uploaded is None or not actor,
        help=None if actor else t("data.actor_needed", lang),
        type="primary",
        key="replace_go",
    )
    if go and uploaded is not None:
        upload = (uploaded.name, uploaded.getvalue())
        with st.spinner(t("data.checking", lang)):
            attempt = _judge_layer(
                store, base, layer, upload, label=label, note=note, actor=actor, lang=lang
            )
        _finish(attempt, "replace")
    _attempt_report("replace", lang)


def _label_and_note(prefix: str, lang: str) -> tuple[str, str]:
    left, right = st.columns([1, 2])
    label = left.text_input(
        t("data.label", lang), key=f"{prefix}_label", placeholder=t("data.label_hint", lang)
    )
    note = right.text_input(t("data.note", lang), key=f"{prefix}_note")
    return label.strip(), note.strip()


def _finish(attempt: Attempt, where: str) -> None:
    """Keep the verdict, empty the uploaders, and preview a new draft on every page."""
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state[REPORT_KEY] = (where, attempt)
    if attempt.version is not None:
        source.pin(attempt.version.id)
    st.rerun()


def _attempt_report(where: str, lang: str) -> None:
    """The verdict on the last upload, boxed apart from the report on the data shown."""
    kept = st.session_state.get(REPORT_KEY)
    if kept is None or kept[0] != where:
        return
    attempt: Attempt = kept[1]
    files = "、".join(attempt.files) if lang == "zh" else ", ".join(attempt.files)
    with st.container(border=True):
        st.markdown(f"**{t('data.judged', lang, files=files)}**")
        if attempt.version is None:
            st.error(t("data.upload_failed", lang))
            if attempt.failure:
                st.error(attempt.failure)
            if attempt.problems:
                _report(attempt.problems, lang, name=files)
            return
        name = banner.version_name(attempt.version, lang)
        if attempt.duplicate:
            st.info(t("data.duplicate", lang, name=name))
        else:
            st.success(t("data.draft_saved", lang, name=name))
        if attempt.base is not None and attempt.layer is not None:
            layer = _layer_name(attempt.layer, lang)
            st.caption(t("data.layer_done", lang, layer=layer, base=attempt.base.id))
        _report(attempt.problems, lang, name=name)


def _layer_name(layer: str, lang: str) -> str:
    return CONFIG_FILE if layer == CONFIG_FILE else t(f"layer.{layer}", lang)


# --- the change log and the templates ------------------------------------------------------


def _log(store: Store, lang: str) -> None:
    entries = store.log(limit=50)
    if not entries:
        return
    with st.expander(t("data.log", lang)):
        frame = pd.DataFrame(
            {
                t("log.at", lang): [banner.local_time(e.at) for e in entries],
                t("log.actor", lang): [e.actor for e in entries],
                t("log.action", lang): [t(f"log.{e.action}", lang) for e in entries],
                # text, not numbers mixed with blanks: the table must not depend on how a
                # pyarrow version converts a mixed column
                t("log.from", lang): [_version_text(e.from_version) for e in entries],
                t("log.to", lang): [_version_text(e.to_version) for e in entries],
                t("log.subject", lang): [e.subject(lang) for e in entries],
            }
        )
        widgets.show_table(frame)


def _version_text(version: int | None) -> str:
    return "" if version is None else str(version)


def _templates(dataset: Dataset, lang: str) -> None:
    st.subheader(t("data.templates", lang))
    st.caption(t("data.templates_help", lang))
    columns = st.columns(len(TEMPLATE_LAYERS) + 1)
    for column, layer in zip(columns, TEMPLATE_LAYERS, strict=False):
        column.download_button(
            t("data.template", lang, layer=t(f"layer.{layer}", lang)),
            template_xlsx(layer, dataset.groups),
            file_name=f"{layer}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template_{layer}",
        )
    columns[-1].download_button(
        "dataset.toml",
        DATASET_TOML_EXAMPLE.encode("utf-8"),
        file_name="dataset.toml",
        mime="text/plain",
        key="template_toml",
    )


def _message() -> None:
    kept = st.session_state.pop(MESSAGE_KEY, None)
    if kept is None:
        return
    kind, text = kept
    (st.success if kind == "success" else st.error)(text)


def _actor(lang: str) -> str:
    """Who acts: the logged-in account; in the open atlas a name typed in, kept under a key of
    its own (a widget's key is dropped on the other pages)."""
    visitor = auth.current_user()
    if visitor.signed_in:
        return visitor.name
    st.session_state.setdefault(ACTOR_KEY, os.environ.get("ATLAS_USER", ""))
    typed = st.text_input(
        t("data.actor", lang),
        value=st.session_state[ACTOR_KEY],
        key="actor_input",
        placeholder=t("data.actor_hint", lang),
    )
    st.session_state[ACTOR_KEY] = typed.strip()
    return st.session_state[ACTOR_KEY]


def render() -> None:
    """The data page."""
    lang = state.lang()
    cur = state.current()
    st.title(t("data.title", lang))
    widgets.demo_notice(cur.dataset, lang)
    _message()
    _shown(cur, lang)
    store = cur.store
    if store is None:
        st.error(cur.store_error.message(lang) if cur.store_error else "")
        _templates(cur.dataset, lang)
        return
    if not auth.can("planner"):
        return  # the public view offers viewers no data page; should one get here, no writes
    actor = _actor(lang)
    _versions(cur, store, actor, lang)
    _upload(store, actor, lang)
    _replace_layer(store, loader.published_version(store), actor, lang)
    if auth.can("admin"):
        _log(store, lang)
    if auth.current_user().signed_in and auth.can("admin"):
        accounts.render(store, lang)
    _templates(cur.dataset, lang)
