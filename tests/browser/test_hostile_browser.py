"""A dataset whose name and provenance hold a Markdown image: shown as text, nothing fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_hostile import IMAGE, _hostile_upload

from browser.offline_page import OfflinePage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_uploaded_markdown_image_is_text_and_fetches_nothing(
    app_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    page = offline_page.page
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", level=1).first.wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "mine.zip", "mimeType": "application/zip", "buffer": _hostile_upload()}]
    )
    page.get_by_role("button", name="校验并载入").click()
    page.get_by_text("已载入上传的数据").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=screenshot_dir / "hostile_name.png", full_page=True)
    assert page.locator("img[src*='tracker.invalid']").count() == 0
    assert IMAGE in page.locator("body").inner_text()
    assert not [url for url in offline_page.outside if "tracker.invalid" in url]
