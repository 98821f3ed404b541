"""Two dashboard processes on one store, in a real Chromium: a version published by someone
else shows in both without a restart (SQLite file and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from store.conftest import Cluster, postgres_cluster  # noqa: F401 - the cluster fixture

from browser.offline_page import OfflinePage
from dashboard.headless import serve_dashboard
from geo.io.store import open_store

pytestmark = pytest.mark.browser


def _sidebar(page: OfflinePage) -> str:
    return page.page.locator("[data-testid='stSidebar']").inner_text()


def _wait_for_sidebar(page: OfflinePage, text: str) -> None:
    page.page.locator("[data-testid='stSidebar']").get_by_text(text).first.wait_for(timeout=60_000)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_version_published_elsewhere_shows_in_every_process_without_restart(
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
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.new_database()
    first = make_dataset_folder()
    toml = (first / "dataset.toml").read_text(encoding="utf-8")
    second = make_dataset_folder(toml=toml + "year = 2026\n")
    with open_store(url) as store:
        store.publish(store.add(first, label="2025年度", by="张明").version.id, by="张明")
    env = {"ATLAS_STORE": url}
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
        staff.page.get_by_text("此链接显示的是第 1 版「2025年度」").wait_for(timeout=60_000)
        staff.page.get_by_text("所有人看到的是第 2 版「2026年度」").wait_for(timeout=10_000)
        assert staff.outside == leader.outside == fresh.outside == []
