"""Single-sign-on logins in the store: the account, its role from the claim, the audit rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from geo.io.sso import RoleMapping, SsoConfigError, role_mapping
from geo.io.store import schema
from geo.io.store.sso import record_login

MAPPING = RoleMapping(
    "groups",
    admin=frozenset({"atlas-admins"}),
    planner=frozenset({"atlas-planners"}),
    viewer=frozenset({"atlas-viewers"}),
)


def _claims(sub: str, *groups: str) -> dict[str, object]:
    return {"sub": sub, "preferred_username": sub, "name": sub.title(), "groups": list(groups)}


def _users(store: Any) -> dict[str, tuple[str, str | None, bool]]:
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(schema.users)).all()
    return {r.name: (r.role, r.password_hash, bool(r.disabled)) for r in rows}


def test_first_login_creates_the_account_without_password_and_audits_it(
    open_test_store: Callable[[], Any],
) -> None:
    store = open_test_store()
    result = record_login(store, _claims("li", "staff", "atlas-planners"), MAPPING)
    assert (result.name, result.role, result.created, result.allowed) == (
        "li",
        "planner",
        True,
        True,
    )
    assert _users(store) == {"li": ("planner", None, False)}
    [entry] = store.log()
    assert (entry.actor, entry.action) == ("li", "login")
    assert entry.detail == {
        "via": "sso",
        "claim": "groups",
        "values": ["atlas-planners", "staff"],
        "role": "planner",
        "previous_role": None,
    }


def test_the_role_follows_the_claim_at_every_login(open_test_store: Callable[[], Any]) -> None:
    store = open_test_store()
    record_login(store, _claims("li", "atlas-planners"), MAPPING)
    promoted = record_login(store, _claims("li", "atlas-planners", "atlas-admins"), MAPPING)
    assert (promoted.role, promoted.previous_role, promoted.created) == ("admin", "planner", False)
    demoted = record_login(store, _claims("li", "atlas-viewers"), MAPPING)
    assert (demoted.role, demoted.previous_role) == ("viewer", "admin")
    assert _users(store) == {"li": ("viewer", None, False)}
    assert [e.action for e in store.log()] == ["login"] * 3


def test_a_new_session_of_the_same_sign_in_writes_no_second_login_row(
    open_test_store: Callable[[], Any],
) -> None:
    store = open_test_store()
    record_login(store, _claims("li", "atlas-planners"), MAPPING)
    again = record_login(store, _claims("li", "atlas-planners"), MAPPING, new=False)
    assert again.allowed and again.role == "planner"
    assert len(store.log()) == 1


def test_no_mapped_value_is_refused_and_audited_without_an_account(
    open_test_store: Callable[[], Any],
) -> None:
    store = open_test_store()
    result = record_login(store, _claims("zhao", "finance"), MAPPING)
    assert (result.allowed, result.refused, result.role) == (False, "no_role", None)
    assert _users(store) == {}
    [entry] = store.log()
    assert (entry.actor, entry.action, entry.detail["reason"]) == (
        "zhao",
        "login_failed",
        "no_role",
    )


def test_the_default_viewer_lets_an_unmapped_person_look(
    open_test_store: Callable[[], Any],
) -> None:
    store = open_test_store()
    mapping = role_mapping(
        {"role_claim": "groups", "planner": ["atlas-planners"], "default": "viewer"}
    )
    result = record_login(store, _claims("zhao", "finance"), mapping)
    assert (result.allowed, result.role) == (True, "viewer")


def test_a_disabled_account_is_refused_whatever_the_claim_says(
    open_test_store: Callable[[], Any],
) -> None:
    store = open_test_store()
    record_login(store, _claims("li", "atlas-admins"), MAPPING)
    with store.engine.begin() as connection:
        connection.execute(sa.update(schema.users).values(disabled=True))
    for new in (True, False):
        result = record_login(store, _claims("li", "atlas-admins"), MAPPING, new=new)
        assert (result.allowed, result.refused) == (False, "disabled")
    assert _users(store) == {"li": ("admin", None, True)}
    assert [e.action for e in store.log()] == ["login_failed", "login_failed", "login"]


def test_sso_never_takes_over_a_local_password_account(open_test_store: Callable[[], Any]) -> None:
    store = open_test_store()
    with store.engine.begin() as connection:
        connection.execute(
            sa.insert(schema.users),
            {
                "name": "admin",
                "role": "admin",
                "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                "disabled": False,
                "created_at": datetime.now(UTC),
            },
        )
    result = record_login(store, _claims("admin", "atlas-viewers"), MAPPING)
    assert (result.allowed, result.refused) == (False, "local_account")
    assert _users(store)["admin"][0] == "admin"  # the role was not touched


def test_a_token_naming_nobody_is_refused(open_test_store: Callable[[], Any]) -> None:
    store = open_test_store()
    result = record_login(store, {"groups": ["atlas-planners"]}, MAPPING)
    assert result.refused == "no_name"
    assert store.log()[0].actor == "?"


@pytest.mark.parametrize(
    ("section", "reason"),
    [
        ({}, "no_claim"),
        ({"role_claim": "groups", "planner": ["p"], "defualt": "viewer"}, "unknown_key"),
        ({"role_claim": "groups", "planner": ["p"], "default": "planner"}, "bad_default"),
        ({"role_claim": "groups", "planner": [1]}, "bad_values"),
        ({"role_claim": "groups"}, "no_roles"),
    ],
)
def test_wrong_settings_are_named_in_both_languages(
    section: dict[str, object], reason: str
) -> None:
    with pytest.raises(SsoConfigError) as caught:
        role_mapping(section)
    assert caught.value.reason == reason
    assert caught.value.message("zh") != caught.value.message("en")


def test_nested_claims_and_a_single_string_value() -> None:
    mapping = role_mapping({"role_claim": "realm_access.roles", "admin": "atlas-admin"})
    assert mapping.role({"realm_access": {"roles": ["x", "atlas-admin"]}}) == "admin"
    assert mapping.role({"realm_access": "atlas-admin"}) is None
