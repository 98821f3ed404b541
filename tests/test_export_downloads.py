"""The dashboard pages offer the report exports of the view they show."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from apptest import APP
from streamlit.testing.v1 import AppTest


@pytest.mark.parametrize(("page", "lang", "label"), [
    ("overview", "zh", "导出报告材料"),
    ("coverage", "zh", "导出报告材料"),
    ("funding", "en", "Export for reports"),
])  # fmt: skip
def test_pages_have_the_export_expander(page: str, lang: str, label: str) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = page
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert label in [e.label for e in app.expander]


def test_the_data_page_has_no_export() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = "data"
    app.run()
    assert "导出报告材料" not in [e.label for e in app.expander]


class _Recorder:
    """Stands in for ``streamlit`` and keeps every download button the page would show."""

    def __init__(self) -> None:
        self.buttons: list[dict[str, Any]] = []

    def expander(self, *_: object, **__: object) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def caption(self, *_: object, **__: object) -> None:
        return None

    def info(self, *_: object, **__: object) -> None:
        return None

    def columns(self, spec: int | list[int]) -> list[_Recorder]:
        return [self] * (spec if isinstance(spec, int) else len(spec))

    def download_button(self, label: str, **kwargs: Any) -> None:
        self.buttons.append({"label": label, **kwargs})


def test_every_button_makes_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from _export_data import make_dataset

    from dashboard import downloads
    from geo.summary import summarize

    recorder = _Recorder()
    monkeypatch.setattr(downloads, "st", recorder)
    summary = summarize(make_dataset())
    downloads.export_buttons(summary, lang="en", key="funding", view="funding")
    magic = {
        "image/png": b"\x89PNG",
        "application/pdf": b"%PDF",
        "text/html": b"<!DOCTYPE html>",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK",
    }
    assert len(recorder.buttons) == 5
    for button in recorder.buttons:
        data = button["data"]()
        assert data.startswith(magic[button["mime"]]), button["file_name"]
        assert len(data) > 1000
        assert button["file_name"].endswith((".png", ".pdf", ".xlsx", ".html"))


def test_a_table_gets_its_csv_and_excel_file_made_on_the_click(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    import openpyxl
    import pandas as pd

    from dashboard import downloads
    from geo.export.tables import ReportTable

    recorder = _Recorder()
    monkeypatch.setattr(downloads, "st", recorder)
    frame = pd.DataFrame({"乡镇": ["顺河街道", "=1+1"], "人数": [12, 3]})
    table = ReportTable("未覆盖", frame, ("@", "#,##0"))
    downloads.table_buttons(table, labels=("CSV 表", "Excel 表"), stem="未覆盖_宿豫", key="t")
    csv, xlsx = recorder.buttons
    assert [(b["label"], b["file_name"], b["key"]) for b in recorder.buttons] == [
        ("CSV 表", "未覆盖_宿豫.csv", "t_csv"),
        ("Excel 表", "未覆盖_宿豫.xlsx", "t_xlsx"),
    ]
    assert (csv["mime"], xlsx["mime"]) == ("text/csv", downloads.XLSX_MIME)
    assert csv["on_click"] == xlsx["on_click"] == "ignore"  # a click reruns nothing
    assert callable(csv["data"]) and callable(xlsx["data"])  # nothing made before the click
    text = csv["data"]().decode("utf-8-sig")  # with the mark Excel on Windows needs
    assert text.splitlines() == ["乡镇,人数", "顺河街道,12", "'=1+1,3"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx["data"]())).active
    assert sheet.title == "未覆盖"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["乡镇", "人数"],
        ["顺河街道", 12],
        ["'=1+1", 3],
    ]
    # a table too large to make at every run is made by the click itself
    made = []
    recorder.buttons.clear()
    downloads.table_buttons(
        lambda: made.append(1) or table, labels=("CSV", "Excel"), stem="s", key="lazy"
    )
    assert made == []
    assert recorder.buttons[0]["data"]().decode("utf-8-sig") == text and made == [1]


@pytest.mark.parametrize(("page", "params", "labels"), [
    ("coverage", {"group": "disabled"}, ("下载 CSV", "下载 Excel")),
    ("funding", {}, ("下载表格（CSV）", "下载表格（Excel）")),
    ("siting", {"group": "disabled"}, ("下载 CSV", "下载 Excel")),
])  # fmt: skip
def test_the_table_files_of_each_page_are_made_only_on_a_click(
    page: str, params: dict[str, str], labels: tuple[str, str]
) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"page": page, **params})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    buttons = {b.label: b.proto for b in app.get("download_button")}
    for label in labels:
        assert buttons[label].deferred_file_id, label  # no file made at every rerun
        assert not buttons[label].url, label


def test_the_export_says_it_waits_for_the_font_while_it_is_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Installed without `python -m geo fonts prepare`: the first visitor learns why."""
    from dashboard import downloads

    release = threading.Event()
    monkeypatch.setattr(downloads, "cjk_font_ready", lambda: False)
    monkeypatch.setattr(downloads, "ensure_cjk_font", release.wait)
    downloads._prepare_font.clear()  # only this cache: not the open store's
    try:
        app = AppTest.from_file(APP, default_timeout=60)
        app.query_params["page"] = "overview"
        app.run()
        assert any("正在准备导出用的中文字体" in info.value for info in app.info)
    finally:
        release.set()
        downloads._prepare_font.clear()


def test_the_pack_download_says_what_changed_when_there_is_an_earlier_year() -> None:
    import io

    import pypdf

    from dashboard.downloads import _file_bytes
    from geo.cli.export import ExportOptions
    from geo.io.load import load_dataset
    from geo.summary import summarize

    demo = Path(__file__).resolve().parents[1] / "data" / "suyu"
    summary = summarize(load_dataset(demo), groups=["disabled"])
    earlier = load_dataset(demo.parent / "suyu-2020")
    data = _file_bytes(summary, "pack", ".pdf", lambda: earlier, ExportOptions())
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    assert any("与上年相比的变化（2020 → 2021）" in text for text in pages)
    without = _file_bytes(summary, "pack", ".pdf", None, ExportOptions())
    assert len(pypdf.PdfReader(io.BytesIO(without)).pages) == len(pages) - 1
