"""AppTest: with single sign-on configured, nobody sees the atlas before signing in, and wrong
``[atlas_sso]`` settings are named on the page. (The sign-in itself runs through a real OpenID
provider in tests/browser/test_sso_browser.py.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from apptest import APP
from streamlit.testing.v1 import AppTest

from geo.io.store import open_store
from geo.text.i18n import t

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret-0123456789abcdef",
    "client_id": "atlas",
    "client_secret": "atlas-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _open(atlas_sso: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "atlas.sqlite"))
    app = AppTest.from_file(APP, default_timeout=90)
    app.secrets["auth"] = AUTH
    app.secrets["atlas_sso"] = atlas_sso
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_sign_in_page_shows_only_the_button(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _open({"role_claim": "groups", "planner": ["atlas-planners"]}, tmp_path, monkeypatch)
    assert [b.label for b in app.button] == [t("sso.button")]  # no local account: no form
    assert not app.text_input
    assert [title.value for title in app.title] == [t("app.title")]
    assert not app.metric and not app.sidebar.button  # none of the atlas: its figures, exports
    with open_store(str(tmp_path / "atlas.sqlite")) as store:
        assert store.log() == []  # nothing recorded before a sign-in


def test_wrong_settings_are_named_before_anyone_signs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _open({"role_claim": "groups", "planer": ["atlas-planners"]}, tmp_path, monkeypatch)
    [error] = app.error
    assert "planer" in error.value
    assert error.value.startswith(t("sso.config_invalid", message="")[:8])
    assert t("sso.button") not in [b.label for b in app.button]


def test_with_a_local_account_the_password_form_stays_beside_the_button(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.io.store.users import add_user

    with open_store(str(tmp_path / "atlas.sqlite")) as store:
        add_user(store, "it.admin", "admin", "a long local password", by="setup")
    app = _open({"role_claim": "groups", "planner": ["atlas-planners"]}, tmp_path, monkeypatch)
    assert [b.label for b in app.button] == [t("sso.button"), t("auth.log_in")]
    assert len(app.text_input) == 2  # name and password


def _signed_in_as(app: AppTest, sub: str, groups: list[str], *, age_s: float) -> AppTest:
    """The identity cookie Streamlit would have after a sign-in ``age_s`` seconds ago."""
    issued = int(time.time() - age_s)
    app.user = {"is_logged_in": True, "sub": sub, "groups": groups, "iat": issued, "nonce": sub}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_fresh_sign_in_opens_the_atlas_and_an_old_one_asks_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLAS_SESSION_HOURS", "1")
    mapping = {"role_claim": "groups", "planner": ["atlas-planners"]}
    fresh = _signed_in_as(_open(mapping, tmp_path, monkeypatch), "li", ["atlas-planners"], age_s=60)
    signed_in = t("auth.signed_in", name="li", role=t("role.planner"))
    assert signed_in in [c.value for c in fresh.sidebar.caption]
    stale = _signed_in_as(
        _open(mapping, tmp_path, monkeypatch), "wu", ["atlas-planners"], age_s=4000
    )
    assert [b.label for b in stale.button] == [t("sso.button")]  # sign in at the provider again
    with open_store(str(tmp_path / "atlas.sqlite")) as store:
        assert [(e.actor, e.action) for e in store.log()] == [("li", "login")]
