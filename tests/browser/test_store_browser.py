"""Dashboard processes on one store, in a real Chromium: a version published by another
process shows at the next page load or click, with no restart (SQLite file and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from store.pg_cluster import Cluster, ClusterUnavailableError, throwaway_cluster

from browser.offline_page import OfflinePage
from dashboard.headless import serve_dashboard
from geo.io.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except ClusterUnavailableError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{error} (REQUIRE_POSTGRES=1 turns this skip into a failure)")
        pytest.skip(str(error))


def _sidebar(page: OfflinePage) -> str:
    return page.page.locator("[data-testid=stSidebar]").inner_text()


def _wait_for_sidebar(page: OfflinePage, text: str) -> None:
    sidebar = page.page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text(text).first.wait_for(timeout=60_000)


def test_a_dashboard_on_store_published_shows_what_another_process_publishes(
    postgres: Cluster,
    make_dataset_folder: Callable[..., Path],
    offline_page: OfflinePage,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    url = postgres.new_database()
    first, second = make_dataset_folder(), make_dataset_folder()
    toml = second / "dataset.toml"
    toml.write_text("source_date = 2023\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    with open_store(url) as store:
        v1 = store.add(first, label="2022年度").version
        v2 = store.add(second, label="2023年度").version
        store.publish(v1.id)
    env = {"ATLAS_STORE": url, "ATLAS_DATA": "store:published"}
    with serve_dashboard(env=env, log=tmp_path / "server.log") as address:
        offline_page.page.goto(address)
        _wait_for_sidebar(offline_page, f"第 {v1.id} 版「2022年度」")
        assert f"{v1.added_at.astimezone():%Y-%m-%d}" in _sidebar(offline_page)
        with open_store(url) as store:  # this test process is the other writer
            store.publish(v2.id)
        offline_page.page.goto(address)
        _wait_for_sidebar(offline_page, f"第 {v2.id} 版「2023年度」")
        frame = offline_page.page.frame_locator("iframe[title*='st_folium']").first
        frame.locator("path.atlas-townships").first.wait_for(timeout=60_000)
        assert frame.locator("path.atlas-townships").count() == 2  # the test folder's two
        offline_page.page.wait_for_timeout(800)
        offline_page.page.screenshot(path=screenshot_dir / "store-published.png")
    assert offline_page.outside == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_on_one_store_both_show_a_newly_published_version(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    browser: object,
    make_dataset_folder: Callable[..., Path],
    screenshot_dir: Path,
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    first = make_dataset_folder()
    toml = (first / "dataset.toml").read_text(encoding="utf-8")
    second = make_dataset_folder(toml=toml + "year = 2026\n")
    with open_store(url) as store:
        store.publish(store.add(first, label="2025年度", by="张明").version.id, by="张明")
    env = {"ATLAS_STORE": url}  # nothing configured: every visitor sees the published version
    with ExitStack() as stack:
        one = stack.enter_context(serve_dashboard(log=tmp_path / "one.log", env=env))
        two = stack.enter_context(serve_dashboard(log=tmp_path / "two.log", env=env))
        staff, leader = OfflinePage(browser, 1400, 900), OfflinePage(browser, 1400, 900)
        stack.callback(staff.close)
        stack.callback(leader.close)
        staff.page.goto(one)
        leader.page.goto(two)
        for page in (staff, leader):
            _wait_for_sidebar(page, "第 1 版「2025年度」")
        with open_store(url) as store:  # a colleague adds and publishes this year's data
            v2 = store.add(second, label="2026年度", by="李华").version
            store.publish(v2.id, by="李华")
        # the leader's open page, at its next rerun (a click), on the other process
        leader.page.get_by_role("link", name="覆盖与缺口").click()
        _wait_for_sidebar(leader, "第 2 版「2026年度」")
        assert "已发布" in _sidebar(leader)
        leader.page.screenshot(path=screenshot_dir / f"two_processes_{backend}.png")
        # a fresh visitor of either process sees the new version
        fresh = OfflinePage(browser, 1400, 900)
        stack.callback(fresh.close)
        fresh.page.goto(one)
        _wait_for_sidebar(fresh, "第 2 版「2026年度」")
        # the staff's page reloaded with ?v=1 in its address: exactly that data, and a note
        assert "v=1" in staff.page.url
        staff.page.reload()
        staff.page.get_by_text("您正在查看第 1 版「2025年度」").wait_for(timeout=60_000)
        staff.page.get_by_text("所有人看到的是第 2 版「2026年度」").wait_for(timeout=10_000)
        assert staff.outside == leader.outside == fresh.outside == []
