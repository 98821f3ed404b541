"""Fixtures for the browser tests: a Streamlit server on a free port and Debian's Chromium.

Without Chromium (or the playwright package) the tests skip with a message; with the
environment variable ``REQUIRE_BROWSER=1`` (set in CI) a skip becomes a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.offline_page import OfflinePage
from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, serve_dashboard


def _missing_browser(reason: str) -> None:
    message = f"browser tests need Chromium and playwright: {reason}"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (REQUIRE_BROWSER=1 turns this skip into a failure)")
    pytest.skip(message + " (install Debian's chromium; CI sets REQUIRE_BROWSER=1)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _missing_browser(f"no Chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing_browser("the playwright package is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(
    chromium_path: str,  # noqa: ARG001 - skip (or fail) before starting a server for nothing
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The dashboard on the embedded demo, served on a free localhost port."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with serve_dashboard(log=log) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: $SCREENSHOT_DIR, else a temporary folder (never the repo)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def offline_page(browser: object) -> Iterator[OfflinePage]:
    page = OfflinePage(browser, 1600, 1000)
    yield page
    page.close()


@pytest.fixture
def projector_page(browser: object) -> Iterator[OfflinePage]:
    page = OfflinePage(browser, 1920, 1080)
    yield page
    page.close()
