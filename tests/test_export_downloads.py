"""The dashboard pages offer the report exports of the view they show."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


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

    def columns(self, n: int) -> list[_Recorder]:
        return [self] * n

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
