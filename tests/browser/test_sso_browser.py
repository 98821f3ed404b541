"""Single sign-on in a real Chromium: a real OpenID Connect provider process (oidc-provider-mock)
on a free loopback port, a real Streamlit server whose secrets point at it, and the provider's
own sign-in page clicked through. The claim ``groups`` maps to the atlas roles."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from browser.offline_page import OfflinePage
from dashboard.headless import free_port, serve_dashboard, stop_process
from geo.io.store import open_store, schema
from geo.text.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEOPLE = {
    "li.planner": {"name": "李规划", "groups": ["staff", "atlas-planners"]},
    "wang.viewer": {"name": "王查看", "groups": ["atlas-viewers"]},
    "zhao.none": {"name": "赵无权", "groups": ["finance"]},
}


@pytest.fixture(scope="module")
def provider(
    chromium_path: str,  # noqa: ARG001 - skip (or fail) before starting a provider for nothing
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The OpenID provider's address; it offers the people of PEOPLE as one-click sign-ins."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    for sub, claims in PEOPLE.items():
        command += ["--user-claims", json.dumps({"sub": sub, "preferred_username": sub, **claims})]
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_provider(url, process)
            yield url
        finally:
            stop_process(process)


def _wait_for_provider(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the OpenID provider did not answer at {url}")


@contextmanager
def _atlas(provider: str, folder: Path, *, default: str) -> Iterator[str]:
    """The dashboard with single sign-on at ``provider``, on a new store in ``folder``."""
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "test-only-cookie-secret-{folder.name}-0123456789abcdef"
client_id = "atlas"
client_secret = "atlas-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[atlas_sso]
role_claim = "groups"
admin = ["atlas-admins"]
planner = ["atlas-planners"]
viewer = ["atlas-viewers"]
default = "{default}"
""",
        encoding="utf-8",
    )
    env = {"ATLAS_STORE": str(folder / "atlas.sqlite")}
    options = ["--secrets.files", str(secrets)]
    with serve_dashboard(env=env, options=options, log=folder / "server.log") as url:
        yield url


def _sign_in(page: OfflinePage, app: str, who: str, screenshot_dir: Path | None = None) -> None:
    """Press the atlas's SSO button, pick ``who`` on the provider's page, open the data page."""
    page.page.goto(app + "/data")
    button = page.page.get_by_role("button", name=t("sso.button"))
    button.wait_for(timeout=60_000)
    if screenshot_dir is not None:
        page.page.screenshot(path=screenshot_dir / "sso-login.png")
    button.click()
    page.page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.page.get_by_role("button", name=who, exact=True).click()
    page.page.wait_for_url(f"{app}/**", timeout=30_000)
    # A new session, as a reload or a bookmark opens: the identity cookie signs it in.
    page.page.goto(app + "/data")


def _data_page_finished(page: OfflinePage, last: str = t("data.templates")) -> str:
    """The data page's text once it has drawn its ``last`` section."""
    page.page.get_by_text(last).first.wait_for(timeout=60_000)
    page.page.wait_for_timeout(1500)  # what would follow it has had the time to show
    return page.page.locator("[data-testid=stMain]").inner_text()


def _public_view_finished(page: OfflinePage) -> str:
    """A viewer's page once drawn: the data page is not theirs, the public overview is."""
    page.page.get_by_text(t("edition.public_short")).first.wait_for(timeout=60_000)
    page.page.wait_for_timeout(1500)
    assert "/data" not in page.page.url
    return page.page.locator("[data-testid=stMain]").inner_text()


def _outside_the_provider_page(page: OfflinePage) -> list[str]:
    """Requests that left loopback, but for the stylesheet the test provider's own sign-in page
    links from a CDN (refused, and it signs in without it)."""
    return [url for url in page.outside if "/@picocss/" not in url]


def _sidebar(page: OfflinePage) -> str:
    return page.page.locator("[data-testid=stSidebar]").inner_text()


def _accounts(folder: Path) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str]]]:
    with open_store(str(folder / "atlas.sqlite")) as store:
        with store.engine.connect() as connection:
            rows = connection.execute(sa.select(schema.users)).all()
        log = [(e.actor, e.action) for e in reversed(store.log())]
    return {r.name: (r.role, r.password_hash) for r in rows}, log


def test_planner_viewer_and_unmapped_people_sign_in_through_the_provider(
    provider: str, browser: object, tmp_path: Path, screenshot_dir: Path
) -> None:
    with _atlas(provider, tmp_path, default="none") as app:
        planner = OfflinePage(browser, 1600, 1000)
        _sign_in(planner, app, "li.planner", screenshot_dir)
        main = _data_page_finished(planner)
        assert t("auth.signed_in", name="li.planner", role=t("role.planner")) in _sidebar(planner)
        assert t("data.upload") in main
        assert planner.page.get_by_role("button", name=t("data.save_draft")).count() == 1
        planner.page.wait_for_timeout(800)
        planner.page.screenshot(path=screenshot_dir / "sso-planner.png")
        sidebar = planner.page.locator("[data-testid=stSidebar]")
        sidebar.get_by_role("button", name=t("auth.log_out")).click()
        planner.page.wait_for_url(lambda url: "/data" not in url, timeout=30_000)
        planner.page.goto(app + "/data")  # the identity cookie is gone: the login page again
        planner.page.get_by_role("button", name=t("sso.button")).wait_for(timeout=60_000)

        viewer = OfflinePage(browser, 1600, 1000)
        _sign_in(viewer, app, "wang.viewer")
        main = _public_view_finished(viewer)
        assert t("auth.signed_in", name="wang.viewer", role=t("role.viewer")) in _sidebar(viewer)
        assert t("data.upload") not in main
        assert viewer.page.get_by_role("button", name=t("data.save_draft")).count() == 0
        viewer.page.wait_for_timeout(800)
        viewer.page.screenshot(path=screenshot_dir / "sso-viewer.png")

        nobody = OfflinePage(browser, 1600, 1000)
        _sign_in(nobody, app, "zhao.none")
        refusal = t("sso.refused.no_role", name="zhao.none", claim="groups")
        nobody.page.get_by_text(refusal).wait_for(timeout=60_000)
        assert nobody.page.locator("[data-testid=stSidebar]").count() == 0  # no atlas at all
        nobody.page.wait_for_timeout(800)
        nobody.page.screenshot(path=screenshot_dir / "sso-refused.png")
        for page in (planner, viewer, nobody):
            assert _outside_the_provider_page(page) == []
            page.close()
    accounts, log = _accounts(tmp_path)
    assert accounts == {"li.planner": ("planner", None), "wang.viewer": ("viewer", None)}
    # One row per sign-in at the provider (the second session of each adds none) and one per
    # log-out; a refused person is audited at every attempt.
    assert log[:4] == [
        ("li.planner", "login"),
        ("li.planner", "logout"),
        ("wang.viewer", "login"),
        ("zhao.none", "login_failed"),
    ]
    assert set(log[4:]) <= {("zhao.none", "login_failed")}  # once per attempt the page made


def test_with_default_viewer_an_unmapped_person_may_look(
    provider: str, offline_page: OfflinePage, tmp_path: Path
) -> None:
    with _atlas(provider, tmp_path, default="viewer") as app:
        _sign_in(offline_page, app, "zhao.none")
        main = _public_view_finished(offline_page)
        assert t("auth.signed_in", name="zhao.none", role=t("role.viewer")) in _sidebar(
            offline_page
        )
        assert t("data.upload") not in main
    assert _outside_the_provider_page(offline_page) == []
    accounts, _ = _accounts(tmp_path)
    assert accounts == {"zhao.none": ("viewer", None)}
