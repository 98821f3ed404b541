"""Single sign-on with Streamlit's own ``st.login`` (OpenID Connect), when it is configured.

It is configured when ``.streamlit/secrets.toml`` has Streamlit's ``[auth]`` section; the
``[atlas_sso]`` section maps a claim to the atlas role (see :mod:`geo.io.sso` and the README).
Streamlit reads the identity cookie when a session starts, so a login is recorded in the store
(account, role from the claim, audit row) once per session, by :func:`sso_identity`.

What the rest of the dashboard uses:

- :func:`sso_configured` -- whether SSO is set up at all;
- :func:`sso_identity` -- who signed in, with the role the claim gives (None: nobody);
- :func:`login_button`, :func:`logout_button`;
- :func:`gate` -- the login page, or the refusal, when SSO is on and nobody may see the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import streamlit as st

from dashboard import loader, state
from geo.io.sso import SECTION, RoleMapping, SsoConfigError, role_mapping
from geo.io.store import StoreError
from geo.text.i18n import t

if TYPE_CHECKING:
    from geo.io.store.sso import SignIn

SIGN_IN_KEY = "sso.sign_in"  # (the sign-in's token id, the SignIn recorded for it)
CHANGING_ROLES = ("planner", "admin")


@dataclass(frozen=True)
class Identity:
    """A person signed in through SSO: their account name, role and display name."""

    name: str
    role: str
    display: str

    @property
    def may_change(self) -> bool:
        """Whether the role may add and publish versions (planner or admin)."""
        return self.role in CHANGING_ROLES


class RefusedError(Exception):
    """The signed-in person may not use the atlas; ``text`` says why in the user's language."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _signed_in() -> bool:
    # st.user has no is_logged_in until Streamlit has read an identity cookie (and in AppTest)
    return bool(st.user.get("is_logged_in", False))


def sso_configured() -> bool:
    """Whether the secrets have Streamlit's ``[auth]`` section."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _mapping() -> RoleMapping:
    section = st.secrets.get(SECTION, {})
    return role_mapping(section.to_dict() if hasattr(section, "to_dict") else section)


def sso_identity(lang: str) -> Identity | None:
    """Who signed in through SSO, recorded in the store on the session's first call.

    Returns None when SSO is not configured or nobody has signed in.

    Raises
    ------
    RefusedError
        The settings are wrong, the store cannot record the login, or the person is refused
        (no mapped claim value, a disabled account, a local account of that name).
    """
    if not sso_configured():
        return None
    try:
        mapping = _mapping()  # checked before anyone signs in: IT sees a mistake at once
    except SsoConfigError as error:
        raise RefusedError(t("sso.config_invalid", lang, message=error.message(lang))) from None
    if not _signed_in():
        return None
    claims = st.user.to_dict()
    sign_in = _sign_in(claims, mapping, lang)
    if not sign_in.allowed:
        who = sign_in.name or str(claims.get("sub", "?"))
        text = t(f"sso.refused.{sign_in.refused}", lang, name=who, claim=mapping.role_claim)
        raise RefusedError(text)
    assert sign_in.name is not None and sign_in.role is not None  # allowed
    return Identity(sign_in.name, sign_in.role, str(claims.get("name") or sign_in.name))


def _sign_in(claims: dict[str, object], mapping: RoleMapping, lang: str) -> SignIn:
    """This session's sign-in, recorded in the store the first time the session sees it."""
    from geo.io.store.sso import record_login

    token = _token_id(claims)
    kept = st.session_state.get(SIGN_IN_KEY)
    if kept is not None and kept[0] == token:
        return cast("SignIn", kept[1])
    try:
        store = loader.office_store(loader.configured_store())
        seen = _recorded_sign_ins()
        sign_in = record_login(store, claims, mapping, new=token not in seen)
    except StoreError as error:
        text = t("sso.store_unavailable", lang, message=error.message(lang))
        raise RefusedError(text) from None
    seen.add(token)
    st.session_state[SIGN_IN_KEY] = (token, sign_in)
    return sign_in


@st.cache_resource(show_spinner=False)
def _recorded_sign_ins() -> set[str]:
    """The sign-ins this server has recorded: a reload opens a new session, not a new login."""
    return set()


def _token_id(claims: dict[str, object]) -> str:
    """One sign-in at the provider: its ID token's subject, issue time and nonce."""
    return "|".join(str(claims.get(key, "")) for key in ("sub", "iat", "nonce"))


def login_button(lang: str) -> None:
    """The button that sends the visitor to the office's sign-in page."""
    if st.button(t("sso.button", lang), type="primary", key="sso_login"):
        st.login()


def logout_button(lang: str, *, where: object = st) -> None:
    """The button that signs out (of the atlas and, where it supports it, the provider)."""
    if where.button(t("sso.logout", lang), key="sso_logout"):  # type: ignore[attr-defined]
        st.session_state.pop(SIGN_IN_KEY, None)
        st.logout()


def gate(lang: str) -> Identity | None:
    """With SSO configured: the signed-in identity, else the login page or the refusal.

    Without SSO returns None and draws nothing; otherwise either returns the identity (and
    shows who is signed in in the sidebar) or stops the script after drawing the login page
    or why the person is refused.
    """
    if not sso_configured():
        return None
    try:
        identity = sso_identity(lang)
    except RefusedError as refused:
        st.title(t("app.title", lang))
        st.error(refused.text)
        logout_button(lang)
        st.stop()
    if identity is None:
        _login_page(lang)
        st.stop()
    st.sidebar.caption(
        t("sso.signed_in", lang, name=identity.display, role=t(f"role.{identity.role}", lang))
    )
    logout_button(lang, where=st.sidebar)
    return identity


def current() -> Identity | None:
    """The identity :func:`gate` let in this session, without touching the store again."""
    kept = st.session_state.get(SIGN_IN_KEY)
    if kept is None or not kept[1].allowed or not _signed_in():
        return None
    sign_in: SignIn = kept[1]
    assert sign_in.name is not None and sign_in.role is not None  # allowed
    return Identity(sign_in.name, sign_in.role, str(st.user.get("name") or sign_in.name))


def _login_page(lang: str) -> None:
    choice = st.radio(
        t("app.language", lang),
        ["zh", "en"],
        format_func=lambda code: "中文" if code == "zh" else "English",
        index=0 if lang == "zh" else 1,
        horizontal=True,
        key="sso_language",
    )
    if choice != lang:
        st.session_state[state.LANG_KEY] = choice
        state.sync_param("lang", None if choice == "zh" else "en")
        st.rerun()
    st.title(t("app.title", lang))
    st.subheader(t("sso.title", lang))
    st.write(t("sso.intro", lang))
    login_button(lang)
