"""Install a release bundle into a fresh folder and open the app in Chromium; print figures.

Run by tests/browser/test_bundle_offline.py inside a network namespace with nothing but
loopback, so that the install and the app can only use the bundle's own files. Prints one JSON
line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, _wait_until_healthy, free_port, stop_process

MAP_FRAME = "iframe[title*='st_folium']"


def clean_environment(work: Path) -> dict[str, str]:
    """The environment of a fresh account: no pip settings, no font cache, caches in ``work``."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env |= {"HOME": str(work / "home"), "XDG_CACHE_HOME": str(work / "home" / ".cache")}
    # Anything that still tried the network would meet a closed port.
    proxies = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
    env |= dict.fromkeys(proxies, "http://127.0.0.1:9")
    return env


def check(archive: Path, work: Path) -> dict[str, object]:
    """Unpack, install, serve, open; the figures of each step."""
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    (folder,) = [p for p in work.iterdir() if p.is_dir()]
    env = clean_environment(work)
    started = time.monotonic()
    subprocess.run([str(folder / "install.sh")], env=env, check=True)
    install_s = time.monotonic() - started
    fonts = sorted(
        p.name for p in (folder / "venv" / "share" / "service-atlas" / "fonts").iterdir()
    )
    port = free_port()
    command = [str(folder / "run.sh"), "--port", str(port), "--base-path", "atlas"]
    with (work / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/atlas"
            _wait_until_healthy(url, server, 90)
            townships = _open_in_chromium(url + "/", work / "bundle.png")
        finally:
            stop_process(server)
    # The app asked the store (SQLite in the data directory by default) for a published version
    # before it chose the demo: SQLAlchemy, Alembic and the migrations came from the bundle.
    store = sorted(str(p.relative_to(work)) for p in (work / "home").rglob("atlas.sqlite"))
    return {
        "install_s": round(install_s, 1),
        "fonts": fonts,
        "townships": townships,
        "store": store,
    }


def _open_in_chromium(url: str, screenshot: Path) -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        frame = page.frame_locator(MAP_FRAME).first
        frame.locator("path.atlas-townships").first.wait_for(timeout=90_000)
        count = frame.locator("path.atlas-townships").count()
        page.wait_for_timeout(800)
        page.screenshot(path=screenshot)
        browser.close()
    return count


if __name__ == "__main__":
    print(json.dumps(check(Path(sys.argv[1]), Path(sys.argv[2]))))
