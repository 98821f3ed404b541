"""The accounts on the 数据 page, for admins: the list, and a role, disable/enable or a new
password for one account. Every change checks the admin's role again where it writes
(:func:`dashboard.auth.require`) and is written to the audit log by ``geo.io.store.users``.
An admin cannot lower or disable their own account here (the last admin would lock everyone
out); ``geo users`` on the server can.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, banner, widgets
from geo.io.store import Store, StoreError
from geo.io.store.roles import ROLES
from geo.io.store.users import User, set_disabled, set_password, set_role, users
from geo.text.i18n import t

MESSAGE_KEY = "accounts_message"


def render(store: Store, lang: str) -> None:
    """The accounts expander."""
    with st.expander(t("data.users", lang), expanded=MESSAGE_KEY in st.session_state):
        _message()
        found = users(store)
        widgets.show_table(_frame(found, lang))
        others = [u for u in found if u.name != auth.current_user().name]
        if not others:
            st.caption(t("data.users_help", lang))
            return
        by_name = {u.name: u for u in others}
        chosen = by_name[st.selectbox(t("accounts.pick", lang), list(by_name), key="accounts_pick")]
        left, right = st.columns(2)
        role = left.selectbox(
            t("users.col.role", lang),
            ROLES,
            index=ROLES.index(chosen.role),
            format_func=lambda r: t(f"role.{r}", lang),
            key="accounts_role",
        )
        left.button(
            t("accounts.set_role", lang),
            disabled=role == chosen.role,
            on_click=_change,
            args=("role", chosen.name, role, lang),
            key="accounts_set_role",
        )
        right.button(
            t("accounts.enable" if chosen.disabled else "accounts.disable", lang),
            on_click=_change,
            args=("disabled", chosen.name, not chosen.disabled, lang),
            key="accounts_disable",
        )
        _password_form(chosen, lang)
        st.caption(t("data.users_help", lang))


def _frame(found: list[User], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("users.col.name", lang): [u.name for u in found],
            t("users.col.role", lang): [t(f"role.{u.role}", lang) for u in found],
            t("users.col.status", lang): [
                t("users.status." + ("disabled" if u.disabled else "active"), lang) for u in found
            ],
            t("users.col.last_login", lang): [
                banner.local_time(u.last_login) if u.last_login else "" for u in found
            ],
        }
    )


def _password_form(chosen: User, lang: str) -> None:
    with st.form("accounts_password", clear_on_submit=True):
        first = st.text_input(
            t("accounts.new_password", lang, name=chosen.name), type="password", key="pw_1"
        )
        again = st.text_input(t("users.prompt_again", lang), type="password", key="pw_2")
        if not st.form_submit_button(t("accounts.reset", lang)):
            return
    if first != again:
        st.session_state[MESSAGE_KEY] = ("error", StoreError("password_mismatch").message(lang))
    else:
        _change("password", chosen.name, first, lang)
    st.rerun()


def _change(what: str, name: str, value: object, lang: str) -> None:
    """One change of account ``name``, by the current admin (checked here)."""
    store = _store()
    try:
        admin = auth.require("admin", store)
        if name == admin.name:
            raise StoreError("own_account")
        if what == "role":
            set_role(store, name, str(value), by=admin.name)
            text = t("users.role_set", lang, name=name, role=t(f"role.{value}", lang))
        elif what == "disabled":
            set_disabled(store, name, bool(value), by=admin.name)
            text = t("users.disabled" if value else "users.enabled", lang, name=name)
        else:
            set_password(store, name, str(value), by=admin.name)
            text = t("users.password_set", lang, name=name)
    except StoreError as error:
        st.session_state[MESSAGE_KEY] = ("error", error.message(lang))
        return
    st.session_state[MESSAGE_KEY] = ("success", text)


def _store() -> Store:
    from dashboard import source

    store = source.current().store
    if store is None:
        raise StoreError("no_user", name="?")
    return store


def _message() -> None:
    kept = st.session_state.pop(MESSAGE_KEY, None)
    if kept is not None:
        (st.success if kept[0] == "success" else st.error)(kept[1])
