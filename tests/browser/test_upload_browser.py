"""The 数据 page's store flow in a real Chromium: a dataset zip chosen in the file picker is
validated, saved as a draft and previewed; a hostile zip gets a clear Chinese error, no
traceback, and nothing is stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.hostile import zip_of

from browser.offline_page import OfflinePage
from dashboard.headless import serve_dashboard
from geo.io.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def store_app(
    chromium_path: str,  # noqa: ARG001 - skip (or fail) before starting a server for nothing
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str]]:
    """The dashboard on a new, empty SQLite store: (its URL, the store's address)."""
    folder = tmp_path_factory.mktemp("upload")
    store = f"sqlite:///{folder / 'atlas.sqlite'}"
    env = {"ATLAS_STORE": store, "ATLAS_DATA": ""}
    with serve_dashboard(log=folder / "server.log", env=env) as url:
        yield url, store


def _folder_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"mine/{path.name}")
    return buffer.getvalue()


def _upload(page: object, url: str, name: str, data: bytes) -> None:
    """As an office worker: open 数据, say who acts, choose the file, press the button."""
    page.goto(f"{url}/data")
    page.get_by_role("heading", name="数据", exact=True).first.wait_for(timeout=60_000)
    actor = page.get_by_label("经办人（记入版本记录）")
    actor.fill("张明")
    actor.press("Enter")
    picker = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
    picker.set_input_files({"name": name, "mimeType": "application/zip", "buffer": data})
    page.get_by_text(name).first.wait_for(timeout=60_000)
    button = page.get_by_role("button", name="校验并保存为草稿")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.includes('校验并保存为草稿') && !b.disabled)",
        timeout=60_000,
    )
    button.click()
    page.get_by_text("本次上传：").first.wait_for(timeout=120_000)


def _versions(store: str) -> int:
    with open_store(store) as opened:
        return len(opened.versions())


def test_an_uploaded_dataset_becomes_a_draft_previewed_on_every_page(
    store_app: tuple[str, str],
    offline_page: OfflinePage,
    dataset_folder: Path,
    screenshot_dir: Path,
) -> None:
    url, store = store_app
    page = offline_page.page
    before = _versions(store)
    _upload(page, url, "mine.zip", _folder_zip(dataset_folder))
    page.get_by_text("已保存为草稿").first.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "upload_draft_saved.png"), full_page=True)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "校验通过" in text or "没有发现问题" in text, text[:2000]
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "测试数据" in sidebar.inner_text() and "草稿" in sidebar.inner_text()
    page.get_by_role("link", name="总览").click()
    page.get_by_text("草稿预览").first.wait_for(timeout=60_000)
    heading = page.get_by_role("heading", level=1).filter(has_text="总览").first
    heading.wait_for(timeout=60_000)
    assert "测试数据" in heading.inner_text()  # the draft's name, not the demo's
    page.frame_locator("iframe[title*='st_folium']").first.locator(
        "path.atlas-townships"
    ).first.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "upload_draft_overview.png"))
    assert _versions(store) == before + 1
    assert "Traceback" not in page.content()
    assert offline_page.outside == []


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("both.zip", zip_of({"d/x": b"a", "d/x/y": b"b"}), "既是文件又是文件夹"),
        ("long.zip", zip_of({"d/" + "名" * 100 + ".csv": b"id\n1\n"}), "超过上限 255 字节"),
    ],
    ids=["file-and-folder", "long-name"],
)
def test_a_hostile_zip_gets_a_chinese_error_and_nothing_is_stored(
    store_app: tuple[str, str],
    offline_page: OfflinePage,
    screenshot_dir: Path,
    name: str,
    data: bytes,
    said: str,
) -> None:
    url, store = store_app
    page = offline_page.page
    before = _versions(store)
    _upload(page, url, name, data)
    page.get_by_text(said).first.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / f"upload_hostile_{name}.png"), full_page=True)
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "无法读取上传的文件" in main and "未保存" in main, main[:2000]
    assert "Traceback" not in page.content() and "Error" not in main
    assert page.locator("[data-testid=stException]").count() == 0
    assert _versions(store) == before
