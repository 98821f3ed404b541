"""Two processes, one PostgreSQL store: a dashboard server shows the published version, and
shows the next one published by another process at the next page load, with no restart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from store.pg_cluster import ClusterUnavailableError, throwaway_cluster

from browser.offline_page import OfflinePage
from dashboard.headless import serve_dashboard
from geo.io.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def postgres_store() -> Iterator[str]:
    try:
        with throwaway_cluster() as cluster:
            yield cluster.new_database()
    except ClusterUnavailableError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{error} (REQUIRE_POSTGRES=1 turns this skip into a failure)")
        pytest.skip(str(error))


def _sidebar(page: OfflinePage) -> str:
    sidebar = page.page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("版本：").first.wait_for(timeout=60_000)
    return sidebar.inner_text()


def test_a_dashboard_process_shows_what_another_process_publishes(
    postgres_store: str,
    make_dataset_folder,
    offline_page: OfflinePage,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    first, second = make_dataset_folder(), make_dataset_folder()
    toml = second / "dataset.toml"
    toml.write_text("source_date = 2023\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    with open_store(postgres_store) as store:
        v1 = store.add(first, label="2022年度").version
        v2 = store.add(second, label="2023年度").version
        store.publish(v1.id)
    env = {"ATLAS_STORE": postgres_store, "ATLAS_DATA": "store:published"}
    with serve_dashboard(env=env, log=tmp_path / "server.log") as url:
        offline_page.page.goto(url)
        assert f"版本：2022年度（{v1.added_at.astimezone():%Y-%m-%d}，编号 {v1.id}）" in _sidebar(
            offline_page
        )
        with open_store(postgres_store) as store:  # this test process is the other writer
            store.publish(v2.id)
        offline_page.page.goto(url)
        offline_page.page.get_by_text("2023年度").first.wait_for(timeout=60_000)
        assert f"编号 {v2.id}" in _sidebar(offline_page)
        frame = offline_page.page.frame_locator("iframe[title*='st_folium']").first
        frame.locator("path.atlas-townships").first.wait_for(timeout=60_000)
        assert frame.locator("path.atlas-townships").count() == 2  # the test folder's two
        offline_page.page.wait_for_timeout(800)
        offline_page.page.screenshot(path=screenshot_dir / "store-published.png")
    assert offline_page.outside == []
