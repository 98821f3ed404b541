"""AppTest: text from an uploaded dataset is shown as text, never as Markdown that fetches."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from apptest import APP
from streamlit.testing.v1 import AppTest

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"
IMAGE = "![x](http://tracker.invalid/t.png)"
# Markdown image syntax whose '!' and '[' are not escaped by a backslash.
_LIVE_IMAGE = re.compile(r"(?<!\\)!(?<!\\)\[[^\]]*\]\(")


def _hostile_upload() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in DEMO.iterdir():
            data = path.read_bytes()
            if path.name == "dataset.toml":
                text = data.decode("utf-8")
                text = text.replace('name = "宿豫区（示例数据）"', f'name = "{IMAGE} 区"', 1)
                text = re.sub(r'(?m)^source = ".*"$', f'source = "see {IMAGE}"', text)
                data = text.encode("utf-8")
            archive.writestr(f"mine/{path.name}", data)
    return buffer.getvalue()


def _texts(app: AppTest) -> list[str]:
    elements = [*app.markdown, *app.caption, *app.title, *app.subheader, *app.success]
    elements += [*app.sidebar.caption]
    return [str(e.value) for e in elements]


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store' / 'atlas.sqlite'}"
    monkeypatch.setenv("ATLAS_STORE", url)
    return url


def test_a_dataset_name_and_provenance_with_an_image_render_no_image(store_url: str) -> None:
    del store_url  # the upload is saved as a draft in this new store
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = "data"
    app.run()
    app.text_input(key="actor_input").set_value("张明")
    app.text_input(key="upload_label").set_value("2026年度")
    app.get("file_uploader")[0].set_value(("mine.zip", _hostile_upload(), "application/zip"))
    app.run()
    app.button(key="upload_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [t for t in _texts(app) if "tracker.invalid" in t]
    assert len(shown) >= 2  # the loaded section and the sidebar caption at least
    assert not [t for t in shown if _LIVE_IMAGE.search(t)]
    assert any(r"\!\[x\](http\://tracker.invalid/t.png) 区" in t for t in shown)
