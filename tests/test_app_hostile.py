"""AppTest: text from an uploaded dataset is shown as text, never as Markdown that fetches."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
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


def test_a_dataset_name_and_provenance_with_an_image_render_no_image() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = "data"
    app.run()
    app.get("file_uploader")[0].set_value(("mine.zip", _hostile_upload(), "application/zip"))
    app.run()
    app.button[0].click().run()
    assert not app.exception
    texts = _texts(app)
    shown = [t for t in texts if "tracker.invalid" in t]
    assert len(shown) >= 3  # the loaded section, the provenance list, the sidebar caption
    assert not [t for t in shown if _LIVE_IMAGE.search(t)]
    assert any(r"\!\[x\](http\://tracker.invalid/t.png) 区" in t for t in shown)
    assert not app.get("imgs")
    overview = AppTest.from_file(APP, default_timeout=60)
    overview.session_state["uploaded_dataset"] = app.session_state["uploaded_dataset"]
    overview.run()
    titles = [str(t.value) for t in overview.title]
    assert any("tracker.invalid" in t for t in titles)
    assert not [t for t in titles if _LIVE_IMAGE.search(t)]
