"""The served deployment for real: ``python -m dashboard.serve`` under /atlas/ behind Debian's
nginx with the shipped site example, opened in Chromium through the proxy.

Without nginx the tests skip with a message; ``REQUIRE_NGINX=1`` (set in CI) makes that skip
a failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_webmap import LEAFLET_JS_SHA256

from browser.nginx import NGINX, serve_nginx
from browser.offline_page import OfflinePage
from dashboard.headless import serve_production

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAP_FRAME = "iframe[title*='st_folium']"


@pytest.fixture(scope="module")
def nginx() -> str:
    if Path(NGINX).is_file() or shutil.which(NGINX):
        return NGINX
    message = f"the proxy tests need nginx at {NGINX} (Debian's nginx-light)"
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(message + " (REQUIRE_NGINX=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def proxied(
    nginx: str,  # noqa: ARG001 - skip (or fail) before starting a server for nothing
    chromium_path: str,  # noqa: ARG001
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path]]:
    """The app's URL through nginx (``http://127.0.0.1:PORT/atlas/``) and nginx's folder."""
    folder = tmp_path_factory.mktemp("nginx")
    with (
        serve_production(base_path="atlas", log=folder / "streamlit.log") as (_, app_port),
        serve_nginx(app_port, folder) as proxy,
    ):
        yield proxy + "/atlas/", folder


def test_health_and_a_bare_path_through_the_proxy(proxied: tuple[str, Path]) -> None:
    url, _ = proxied
    with urllib.request.urlopen(url + "_stcore/health", timeout=10) as response:
        assert (response.status, response.read()) == (200, b"ok")
    with urllib.request.urlopen(url.removesuffix("/"), timeout=10) as response:
        assert response.url == url  # /atlas is redirected to /atlas/
        assert response.status == 200


def test_the_map_draws_through_the_proxy_with_the_expected_leaflet(
    proxied: tuple[str, Path], offline_page: OfflinePage, screenshot_dir: Path
) -> None:
    url, _ = proxied
    leaflet: dict[str, bytes] = {}
    page = offline_page.page

    def keep_leaflet(response: object) -> None:
        if response.url.endswith("/leaflet.js"):  # type: ignore[attr-defined]
            leaflet[response.url] = response.body()  # type: ignore[attr-defined]

    page.on("response", keep_leaflet)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.atlas-townships").first.wait_for(timeout=60_000)
    assert frame.locator("path.atlas-townships").count() == 12
    page.wait_for_timeout(800)
    page.screenshot(path=screenshot_dir / "through_nginx.png")
    (served_url, body), *others = leaflet.items()
    assert others == []
    assert served_url.startswith(url + "component/")
    assert hashlib.sha256(body).hexdigest() == LEAFLET_JS_SHA256
    # the live connection goes through nginx as a WebSocket
    assert sockets == [url.replace("http://", "ws://") + "_stcore/stream"]
    assert offline_page.outside == []
