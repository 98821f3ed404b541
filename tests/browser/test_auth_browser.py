"""In a real Chromium: the login page, and what each role may do on the data page.

A viewer who types the data page's URL gets the login page, then the public view of the
published version: no data page, nothing to upload or publish, not the draft the link named.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEFAULT_TOML, write_dataset_folder

from browser.offline_page import OfflinePage
from dashboard.headless import serve_dashboard
from geo.io.store import open_store, users

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "password-1"


@pytest.fixture(scope="module")
def office_url(
    chromium_path: str,  # noqa: ARG001 - skip before starting a server for nothing
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A dashboard on a store with version 1 published, 2 a draft, and one account per role."""
    root = tmp_path_factory.mktemp("office")
    url = f"sqlite:///{root / 'atlas.sqlite'}"
    first = write_dataset_folder(root / "first")
    second = write_dataset_folder(root / "second", toml="source_date = 2023\n" + DEFAULT_TOML)
    with open_store(url) as store:
        store.add(first, label="2022年度", by="setup")
        store.publish(1, by="setup")
        store.add(second, label="2023年度", by="setup")
        for role in users.ROLES:
            users.add_user(store, role, role, PASSWORD, by="setup")
    with serve_dashboard(env={"ATLAS_STORE": url}, log=root / "server.log") as address:
        yield address


def _log_in(page: OfflinePage, url: str, name: str, heading: str = "已载入的数据") -> None:
    page.page.goto(url)
    page.page.get_by_label("用户名").fill(name, timeout=60_000)
    page.page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.page.get_by_role("button", name="登录").click()
    page.page.get_by_text(f"已登录：{name}").wait_for(timeout=60_000)
    page.page.get_by_role("heading", name=heading).wait_for(timeout=60_000)


def _main_text(page: OfflinePage) -> str:
    return page.page.locator("[data-testid=stMain]").inner_text()


def test_the_login_page_is_chinese_first_and_shows_no_data(
    office_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    offline_page.page.goto(office_url + "/data")
    offline_page.page.get_by_label("用户名").wait_for(timeout=60_000)
    offline_page.page.screenshot(path=screenshot_dir / "login_zh.png")
    text = _main_text(offline_page)
    assert "登录" in text
    assert "2022年度" not in text
    assert offline_page.page.locator("[data-testid=stSidebar]").count() == 0
    offline_page.page.get_by_text("English").click()
    offline_page.page.get_by_label("User name").wait_for(timeout=60_000)
    offline_page.page.get_by_label("User name").fill("viewer")
    offline_page.page.get_by_label("Password", exact=True).fill("not the password")
    offline_page.page.get_by_role("button", name="Log in").click()
    offline_page.page.get_by_text("Wrong user name or password").wait_for(timeout=60_000)
    assert offline_page.page.get_by_label("Password", exact=True).input_value() == ""
    assert offline_page.outside == []


def test_a_viewer_reaches_no_upload_or_publish_even_by_url(
    office_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    _log_in(offline_page, office_url + "/data?v=2", "viewer", heading="总览")
    page = offline_page.page
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("公开版").first.wait_for(timeout=60_000)
    page.screenshot(path=screenshot_dir / "data_viewer.png")
    assert "/data" not in page.url  # the public view has no data page: the overview instead
    assert "2022年度" in sidebar.inner_text()
    text = _main_text(offline_page) + sidebar.inner_text()
    assert "2023年度" not in text  # the draft the link named
    for absent in ("上传数据集", "数据版本", "发布此版本", "变更记录", "校验并保存为草稿"):
        assert absent not in text
    assert "v=2" not in page.url
    assert page.locator("[data-testid=stSidebarNav] a[href$='/data']").count() == 0


def test_a_planner_may_upload_and_publish_but_not_roll_back(
    office_url: str, offline_page: OfflinePage
) -> None:
    _log_in(offline_page, office_url + "/data", "planner")
    page = offline_page.page
    page.get_by_role("heading", name="上传数据集").wait_for(timeout=60_000)
    publish = page.get_by_role("button", name="发布此版本")
    assert publish.is_disabled()  # version 1, shown, is the published one
    page.locator("[data-testid=stSelectbox]").filter(has_text="选择版本").click()
    page.get_by_role("option", name="2023年度").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.includes('发布此版本') && !b.disabled)",
        timeout=60_000,
    )
    assert page.get_by_role("button", name="归档此版本").is_disabled()
    assert "变更记录" not in _main_text(offline_page)


def test_an_admin_sees_the_audit_log(
    office_url: str, offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    _log_in(offline_page, office_url + "/data", "admin")
    page = offline_page.page
    page.get_by_text("变更记录").click()
    log = page.locator("[data-testid=stExpander]").filter(has_text="变更记录")
    # the grid draws on a canvas; its cells are kept in an accessible (hidden) table
    log.get_by_text("登录失败").first.wait_for(state="attached", timeout=60_000)
    log.scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "data_admin_log.png")
    assert page.locator("[data-testid=stExpander] summary").filter(has_text="用户").count() == 1
    text = log.text_content() or ""
    assert "admin" in text
    assert "登录" in text
    assert PASSWORD not in text
