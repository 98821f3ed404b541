"""数据 Data: what is loaded and where it comes from, the validation report, upload, templates."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import loader, state, widgets
from geo.dataset import Dataset
from geo.errors import DatasetError, Problem
from geo.io.load import load_dataset
from geo.io.templates import DATASET_TOML_EXAMPLE, TEMPLATE_LAYERS, template_xlsx
from geo.io.uploads import UploadError, unpack_upload
from geo.io.validate import validate_dataset
from geo.text.i18n import format_count, t
from geo.text.provenance import provenance_items

REPORT_KEY = "upload_report"


def _loaded(cur: state.Current, lang: str) -> None:
    dataset = cur.dataset
    st.subheader(t("data.loaded", lang))
    source = (
        t("data.uploaded_source", lang, name=cur.uploaded_name)
        if cur.uploaded_name
        else t("data.demo_source", lang)
    )
    st.markdown(f"**{dataset.name}** · {t('data.source', lang)}{t('app.colon', lang)}{source}")
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
        st.markdown("\n".join(f"- **{label}**{colon}{value}" for label, value in provenance))
    st.markdown(f"**{t('data.groups', lang)}**")
    widgets.show_table(_groups_frame(dataset, lang), decimals={t("col.weight", lang): 2})


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
        st.success(t("data.valid", lang, name=name))
    listed = [*errors, *warnings]
    for problem in listed[:MAX_LISTED]:
        # Streamlit's own icon font: an office PC may have no colour-emoji font
        icon = (
            ":red[:material/error:]"
            if problem.severity == "error"
            else (":orange[:material/warning:]")
        )
        st.markdown(f"{icon} {problem.message(lang)}")
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


def _check_and_load(files: list[tuple[str, bytes]]) -> dict[str, object]:
    """Validate the upload; only a valid dataset replaces the session's current one."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            folder = unpack_upload(files, Path(tmp))
        except UploadError as error:
            return {"ok": False, "upload_error": error, "problems": []}
        problems = validate_dataset(folder)
        if any(p.severity == "error" for p in problems):
            return {"ok": False, "problems": problems}
        try:
            dataset = load_dataset(folder)
        except DatasetError as error:
            return {"ok": False, "problems": list(error.problems)}
    token = loader.token_for(b"".join(name.encode() + data for name, data in files))
    name = ", ".join(n for n, _ in files)
    state.replace_dataset(dataset, token, name)
    return {"ok": True, "problems": list(dataset.warnings), "name": dataset.name}


def _upload(lang: str) -> None:
    st.subheader(t("data.upload", lang))
    st.caption(t("data.upload_help", lang))
    uploaded = st.file_uploader(
        t("data.upload", lang),
        accept_multiple_files=True,
        type=["zip", "toml", "csv", "xlsx", "geojson", "json", "gpkg"],
        key="upload_files",
        label_visibility="collapsed",
    )
    if st.button(t("data.upload_button", lang), disabled=not uploaded, type="primary"):
        files = [(f.name, f.getvalue()) for f in uploaded or []]
        report = _check_and_load(files)
        st.session_state[REPORT_KEY] = {**report, "files": ", ".join(n for n, _ in files)}
        if st.session_state[REPORT_KEY]["ok"]:
            st.rerun()  # the sections above this one still show the previous dataset
    report = st.session_state.get(REPORT_KEY)
    if report is None:
        return
    with st.container(border=True):
        st.markdown(f"**{t('data.upload_report', lang, files=report['files'])}**")
        if report["ok"]:
            st.success(t("data.upload_ok", lang, name=report["name"]))
        else:
            st.error(t("data.upload_failed", lang))
            if "upload_error" in report:
                message = report["upload_error"].message(lang)
                st.error(t("data.upload_zip_bad", lang, error=message))
        if report["problems"]:
            _report(report["problems"], lang, name=report["files"])


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


def render() -> None:
    """The data page."""
    lang = state.lang()
    cur = state.current()
    st.title(t("data.title", lang))
    widgets.demo_notice(cur.dataset, lang)
    _loaded(cur, lang)
    st.subheader(t("data.validation", lang))
    _report(cur.dataset.warnings, lang, name=cur.dataset.name)
    if cur.uploaded_name and st.button(t("data.reset", lang)):
        state.reset_dataset()
        st.session_state.pop(REPORT_KEY, None)
        st.rerun()
    _upload(lang)
    _templates(cur.dataset, lang)
