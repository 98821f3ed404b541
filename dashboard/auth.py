"""Who is using this session, what they may do, and the login page.

The contract (single sign-on plugs in here; everything else asks only these)::

    gate(store, store_error, lang) -> Visitor | None
        At the top of every rerun. None: the login page was drawn instead, stop there.
    current_user() -> Visitor          # who this rerun is for (after gate)
    can(role) -> bool                  # current_user's role is at least ``role``
    require(role) -> Visitor           # the same, checked against the store: ForbiddenError if not
    sign_in(store, name, role, via)    # start a session: a password login, or ``via="sso"``
                                       #   after st.login, with the role mapped from a claim
    sign_out(note, store=...)          # end it; with the store, the log-out is audited too
    public() -> bool                   # viewers and anonymous visitors see the public view

**When a login is asked for.** Accounts are *on* when the store holds any user (``geo users
add``) or ``ATLAS_ANONYMOUS`` is set. Otherwise the atlas is open as before (the demo of
``make run``): every visitor may do everything, naming themselves on the data page. With
accounts on and the store unreachable, nobody gets in (fail closed).

**The server's settings** are environment variables, like ``ATLAS_STORE`` and ``ATLAS_DATA``
(the service file or ``docker run -e`` sets them; Streamlit's own options stay in
``.streamlit/config.toml``):

- ``ATLAS_ANONYMOUS``: ``none`` (default: the login page first) or ``viewer`` (visitors see the
  published version read-only, in the public view, and may log in from the sidebar).
- ``ATLAS_SESSION_IDLE_MINUTES`` (default 30): a session without a click for that long ends.
- ``ATLAS_SESSION_HOURS`` (default 12): any session ends that long after its login.

A session lives in Streamlit's session state on the server: reloading the page or opening a
URL by hand starts a new session, which asks for the login again.

**Where roles are checked.** Every write checks :func:`require` itself, in the code path that
writes (a viewer who replays a click of a button drawn for a planner, or whose role was just
lowered, is refused): adding and publishing need ``planner``; rolling back, archiving and the
audit log need ``admin``. The role is read again from the store at every rerun and at every
write, so a disabled account or a changed role takes effect at once.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Final

import streamlit as st

from dashboard import sso
from geo.io.store import Store, StoreError
from geo.io.store.roles import ROLES, allows
from geo.text.i18n import t

VISITOR_KEY: Final = "auth.visitor"
SINCE_KEY: Final = "auth.since"  # when the session logged in (time.time())
SEEN_KEY: Final = "auth.seen"  # the last rerun
NOTE_KEY: Final = "auth.note"  # why the login page is shown again (expired, disabled)
ANONYMOUS_ENV: Final = "ATLAS_ANONYMOUS"
IDLE_ENV: Final = "ATLAS_SESSION_IDLE_MINUTES"
MAX_ENV: Final = "ATLAS_SESSION_HOURS"


@dataclass(frozen=True)
class Visitor:
    """Who uses the session.

    ``via`` is ``"open"`` (no accounts: the open atlas, may do everything), ``"anonymous"``
    (not logged in, ``ATLAS_ANONYMOUS=viewer``), ``"password"`` or ``"sso"``.
    """

    name: str
    role: str
    via: str

    @property
    def signed_in(self) -> bool:
        """Whether this is a logged-in account (not the open atlas, not anonymous)."""
        return self.via not in ("open", "anonymous")


OPEN: Final = Visitor("", "admin", "open")
ANONYMOUS: Final = Visitor("", "viewer", "anonymous")


@dataclass(frozen=True)
class Settings:
    """The login settings of the server (see the module documentation)."""

    anonymous: str | None  # None: not set
    idle_s: float
    max_s: float


class ForbiddenError(StoreError):
    """The current visitor may not do this; nothing was changed."""

    def __init__(self, needed: str, role: str) -> None:
        super().__init__("forbidden", needed=needed, role=role)


def settings() -> Settings:
    """The settings from the environment.

    Raises
    ------
    ValueError
        A setting that is not one of its allowed values, with the variable's name.
    """
    anonymous = os.environ.get(ANONYMOUS_ENV, "").strip().lower() or None
    if anonymous not in (None, "none", "viewer"):
        msg = f"{ANONYMOUS_ENV}={anonymous!r}: expected none or viewer"
        raise ValueError(msg)
    return Settings(anonymous, _positive(IDLE_ENV, 30) * 60, _positive(MAX_ENV, 12) * 3600)


def _positive(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = -1
    if not value > 0:
        msg = f"{name}={text!r}: expected a positive number"
        raise ValueError(msg)
    return value


def accounts_on(store: Store | None, config: Settings) -> bool:
    """Whether visitors must be someone: the store has users, anonymous access is set, or
    single sign-on is configured."""
    from geo.io.store.users import has_users

    if config.anonymous is not None or sso.sso_configured():
        return True
    return store is not None and has_users(store)


# --- the session ---------------------------------------------------------------------------


def current_user() -> Visitor:
    """Who this rerun is for (:func:`gate` decided it; the open atlas when it did not run)."""
    return st.session_state.get("auth.current", OPEN)


def can(role: str) -> bool:
    """Whether the current visitor's role is at least ``role`` (for what to draw)."""
    return allows(current_user().role, role)


def public() -> bool:
    """Whether this session sees the public view: viewers and anonymous visitors."""
    return current_user().via != "open" and not can("planner")


def require(role: str, store: Store | None = None) -> Visitor:
    """The current visitor, when allowed what ``role`` may do; checked again in the store.

    Raises
    ------
    ForbiddenError
        When not allowed (the account's role as the store has it now).
    """
    visitor = current_user()
    if visitor.signed_in and store is not None:
        visitor = _fresh(store, visitor) or ANONYMOUS
    if not allows(visitor.role, role):
        raise ForbiddenError(role, visitor.role)
    return visitor


def sign_in(store: Store | None, name: str, role: str, via: str) -> Visitor:
    """Start a logged-in session (the password form calls it; single sign-on does too)."""
    del store  # kept in the signature: single sign-on may record its logins there
    if role not in ROLES:
        raise ForbiddenError(ROLES[0], role)
    visitor = Visitor(name, role, via)
    st.session_state[VISITOR_KEY] = visitor
    st.session_state[SINCE_KEY] = st.session_state[SEEN_KEY] = time.time()
    st.session_state.pop(NOTE_KEY, None)
    return visitor


def sign_out(note: str | None = None, *, store: Store | None = None) -> None:
    """End the session's login; ``note`` (a catalog key) says why on the login page.

    With ``store`` (a person logging out) the log-out goes into its audit log, as the login
    did. An expired session is not written there: it is noticed only when the tab comes back,
    which would date the end wrongly. The session ends even when the store cannot be written.
    """
    from geo.io.store.users import logout

    visitor: Visitor | None = st.session_state.get(VISITOR_KEY)
    for key in (VISITOR_KEY, SINCE_KEY, SEEN_KEY):
        st.session_state.pop(key, None)
    if note:
        st.session_state[NOTE_KEY] = note
    if store is None or visitor is None or not visitor.signed_in:
        return
    try:
        logout(store, visitor.name, via=visitor.via)
    except StoreError:
        st.session_state[NOTE_KEY] = "auth.logged_out_unrecorded"


def _fresh(store: Store, visitor: Visitor) -> Visitor | None:
    """The account as the store has it now; None when gone or disabled."""
    from geo.io.store.users import find_user

    user = find_user(store, visitor.name)
    if user is None or user.disabled:
        return None
    return Visitor(user.name, user.role, visitor.via)


def _session(store: Store, config: Settings) -> Visitor | None:
    """The logged-in visitor of this session, while the session lasts."""
    visitor: Visitor | None = st.session_state.get(VISITOR_KEY)
    if visitor is None:
        return None
    now = time.time()
    since, seen = st.session_state.get(SINCE_KEY, 0.0), st.session_state.get(SEEN_KEY, 0.0)
    if now - seen > config.idle_s or now - since > config.max_s:
        sign_out("auth.expired")
        return None
    if visitor.signed_in:
        visitor = _fresh(store, visitor)
        if visitor is None:
            sign_out("auth.refused")
            return None
        st.session_state[VISITOR_KEY] = visitor
    st.session_state[SEEN_KEY] = now
    return visitor


def gate(store: Store | None, store_error: StoreError | None, lang: str) -> Visitor | None:
    """Who this rerun is for; None when the login page (or why not) was drawn instead."""
    try:
        config = settings()
    except ValueError as error:
        st.error(t("auth.bad_setting", lang, problem=str(error)))
        return None
    if not accounts_on(store, config):
        return _current(OPEN)
    if store is None:  # accounts on, and nobody can check them: nobody gets in
        message = store_error.message(lang) if store_error else ""
        st.error(t("app.store_unavailable", lang, message=message))
        return None
    try:
        visitor = _session(store, config) or _sso_session(store, config, lang)
    except sso.RefusedError as refused:
        sso.show_refusal(refused, lang)
        return None
    if visitor is not None:
        _signed_in_sidebar(store, visitor, lang)
        return _current(visitor)
    if config.anonymous == "viewer":
        with st.sidebar.expander(t("auth.log_in", lang), icon=":material/login:"):
            _login_form(store, lang, key="sidebar_login")
        return _current(ANONYMOUS)
    _login_page(store, lang)
    return None


def _sso_session(store: Store, config: Settings, lang: str) -> Visitor | None:
    """A login session from a fresh single sign-on (see :func:`dashboard.sso.take_sign_in`)."""
    if not sso.sso_configured():
        return None
    identity = sso.take_sign_in(store, lang, max_age_s=config.max_s)
    return None if identity is None else sign_in(store, identity.name, identity.role, "sso")


def _current(visitor: Visitor) -> Visitor:
    st.session_state["auth.current"] = visitor
    return visitor


# --- what is drawn -------------------------------------------------------------------------


def _login_page(store: Store, lang: str) -> None:
    _current(ANONYMOUS)
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("app.title", lang))
        choice = st.radio(
            t("app.language", lang),
            ["zh", "en"],
            format_func=lambda code: "中文" if code == "zh" else "English",
            index=0 if lang == "zh" else 1,
            horizontal=True,
            key="login_lang",
        )
        if choice != lang:
            st.session_state["lang"] = choice
            st.rerun()
        st.subheader(t("auth.log_in", lang))
        _login_form(store, lang, key="login")
        st.caption(t("auth.help", lang))


def _login_form(store: Store, lang: str, *, key: str) -> None:
    from geo.io.store.users import LoginError, login, users

    note = st.session_state.get(NOTE_KEY)
    if note:
        st.info(t(note, lang))
    if sso.sso_configured():
        sso.login_button(lang)
        if not any(not user.sso for user in users(store)):
            return  # no local account to log in to: the password form would only puzzle
    # cleared on submit: the password does not stay in the session's state on the server
    with st.form(key, border=False, clear_on_submit=True):
        name = st.text_input(t("auth.name", lang), key=f"{key}_name", autocomplete="username")
        password = st.text_input(
            t("auth.password", lang),
            type="password",
            key=f"{key}_password",
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(t("auth.log_in", lang), type="primary")
    if not submitted:
        return
    try:
        user = login(store, name, password)
    except LoginError as error:
        st.error(error.message(lang))
        return
    sign_in(store, user.name, user.role, "password")
    st.rerun()


def _signed_in_sidebar(store: Store, visitor: Visitor, lang: str) -> None:
    role = t(f"role.{visitor.role}", lang)
    st.sidebar.caption(t("auth.signed_in", lang, name=visitor.name, role=role))
    if st.sidebar.button(t("auth.log_out", lang), key="log_out", icon=":material/logout:"):
        sign_out("auth.logged_out", store=store)
        if visitor.via == "sso":
            sso.sign_out()  # drops the identity cookie too, which would sign the session in again
            st.stop()  # the browser leaves for the sign-out address (a rerun would cancel it)
        st.rerun()
