"""Single sign-on with Streamlit's own ``st.login`` (OpenID Connect), when it is configured.

It is configured when ``.streamlit/secrets.toml`` has Streamlit's ``[auth]`` section; the
``[atlas_sso]`` section maps a claim to the atlas role (see :mod:`geo.io.sso` and the README).
Streamlit keeps the identity in a signed cookie and reads it when a session starts; the login
sessions themselves (limits, sign-out, roles on the pages) are :mod:`dashboard.auth`'s, which
asks this module, when a session has nobody signed in:

- :func:`sso_configured` -- whether SSO is set up (then accounts are on);
- :func:`take_sign_in` -- the identity of a fresh SSO sign-in, recorded in the store;
- :func:`login_button`, :func:`sign_out`, :func:`show_refusal`.

A sign-in is one ID token (its subject, issue time and nonce). It starts one login session:
once that session has ended (signed out, or past its limits), the same token does not start
another, and a token older than the session limit starts none; the person signs in again at
the provider (often without typing anything, while the provider's own session lasts).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from geo.io.sso import SECTION, RoleMapping, SsoConfigError, role_mapping
from geo.io.store import Store, StoreError
from geo.io.store.sso import SignIn, record_login
from geo.text.i18n import t

SIGN_IN_KEY = "sso.sign_in"  # (the token id, the SignIn recorded for it) of this session


@dataclass(frozen=True)
class Identity:
    """A person let in through SSO: the account name and the role the claim gives."""

    name: str
    role: str


class RefusedError(Exception):
    """The signed-in person may not use the atlas; ``text`` says why in the user's language."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def sso_configured() -> bool:
    """Whether the secrets have Streamlit's ``[auth]`` section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def take_sign_in(store: Store, lang: str, *, max_age_s: float) -> Identity | None:
    """The identity of a fresh SSO sign-in, recorded in ``store``; None when there is none.

    Fresh: the identity cookie's ID token is younger than ``max_age_s`` and has not started a
    login session that has ended since. The first time a session sees a token, the login is
    written to the store (:func:`geo.io.store.sso.record_login`: the account, its role from
    the claim, the audit row; a second session of the same token adds no audit row).

    Raises
    ------
    RefusedError
        The ``[atlas_sso]`` settings are wrong (checked before anyone signs in), the store
        cannot record the login, or the person is refused (no mapped claim value, a disabled
        account, a local account of that name).
    """
    try:
        mapping = _mapping()
    except SsoConfigError as error:
        raise RefusedError(t("sso.config_invalid", lang, message=error.message(lang))) from None
    if not st.user.get("is_logged_in", False):  # no such key before a cookie (and in AppTest)
        return None
    claims = st.user.to_dict()
    token = _token_id(claims)
    kept = st.session_state.get(SIGN_IN_KEY)
    if kept is not None and kept[0] == token:
        if not kept[1].allowed:
            raise _refusal(kept[1], mapping, lang)
        _ended_sign_ins().add(token)  # it signed this session in, and that session has ended
    if token in _ended_sign_ins() or _age_s(claims) > max_age_s:
        return None
    sign_in = _record(store, claims, mapping, token, lang)
    if not sign_in.allowed:
        raise _refusal(sign_in, mapping, lang)
    assert sign_in.name is not None and sign_in.role is not None  # allowed
    return Identity(sign_in.name, sign_in.role)


def _mapping() -> RoleMapping:
    section = st.secrets.get(SECTION, {})
    return role_mapping(section.to_dict() if hasattr(section, "to_dict") else section)


def _record(
    store: Store, claims: dict[str, object], mapping: RoleMapping, token: str, lang: str
) -> SignIn:
    recorded = _recorded_sign_ins()
    try:
        sign_in = record_login(store, claims, mapping, new=token not in recorded)
    except StoreError as error:
        raise RefusedError(t("sso.store_unavailable", lang, message=error.message(lang))) from None
    recorded.add(token)
    st.session_state[SIGN_IN_KEY] = (token, sign_in)
    return sign_in


def _refusal(sign_in: SignIn, mapping: RoleMapping, lang: str) -> RefusedError:
    who = sign_in.name or "?"
    return RefusedError(
        t(f"sso.refused.{sign_in.refused}", lang, name=who, claim=mapping.role_claim)
    )


def _token_id(claims: dict[str, object]) -> str:
    return "|".join(str(claims.get(key, "")) for key in ("sub", "iat", "nonce"))


def _age_s(claims: dict[str, object]) -> float:
    issued = claims.get("iat")
    return time.time() - float(issued) if isinstance(issued, int | float) else 0.0


@st.cache_resource(show_spinner=False)
def _recorded_sign_ins() -> set[str]:
    """Tokens whose login this server has written: a reload is a new session, not a login."""
    return set()


@st.cache_resource(show_spinner=False)
def _ended_sign_ins() -> set[str]:
    """Tokens whose login session has ended (signed out, expired): they start no other."""
    return set()


def login_button(lang: str) -> None:
    """The button that sends the visitor to the office's sign-in page."""
    if st.button(t("sso.button", lang), type="primary", key="sso_login", icon=":material/badge:"):
        st.login()


def sign_out() -> None:
    """End the SSO sign-in: its token starts no session again, and the cookie is dropped (and
    the provider's session, where the provider supports it)."""
    kept = st.session_state.pop(SIGN_IN_KEY, None)
    if kept is not None:
        _ended_sign_ins().add(kept[0])
    st.logout()


def show_refusal(refused: RefusedError, lang: str) -> None:
    """Why the signed-in person is not let in, and the way out (to sign in as someone else)."""
    st.title(t("app.title", lang))
    st.error(refused.text)
    if st.button(t("auth.log_out", lang), key="sso_logout"):
        sign_out()
