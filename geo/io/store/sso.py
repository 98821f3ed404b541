"""A single-sign-on login written to the store: the account, its role, and the audit row.

On a person's first SSO login an account appears in ``users`` with no password (it cannot be
used for a local login); at every login its role follows the identity provider's claim. An
admin can still disable the account: a disabled account is refused whatever the claim says.
Every login, let in or refused, is one audit row (action ``login`` or ``login_failed`` with
``detail.via = "sso"``, as :mod:`geo.io.store.users` writes them for passwords) in the same
transaction as the account change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa

from geo.io.sso import RoleMapping
from geo.io.store import schema
from geo.io.store.core import Store, _now

__all__ = ["SignIn", "record_login"]

_NAME_LENGTH: Final = 100  # users.name


@dataclass(frozen=True)
class SignIn:
    """The outcome of one SSO login.

    ``refused`` is None when the person is let in with ``role``; otherwise it is why not:
    ``"no_role"`` (no claim value maps to a role and the default refuses), ``"disabled"``
    (an admin disabled the account), ``"local_account"`` (a local, password account has that
    name: SSO never takes one over), ``"no_name"`` (the token names nobody usable).
    """

    name: str | None
    role: str | None
    refused: str | None = None
    created: bool = False
    previous_role: str | None = None

    @property
    def allowed(self) -> bool:
        """Whether the person is let in."""
        return self.refused is None


def record_login(
    store: Store, claims: Mapping[str, object], mapping: RoleMapping, *, new: bool = True
) -> SignIn:
    """Let the person whose ID-token ``claims`` these are in (or not), and audit it.

    Parameters
    ----------
    store
        The office's store.
    claims
        The ID token's claims, as ``st.user`` shows them.
    mapping
        The ``[atlas_sso]`` settings (:func:`geo.io.sso.role_mapping`).
    new
        Whether this is a fresh sign-in at the provider. A new browser session with the same
        identity cookie (``new=False``) is checked again (a disabled account is refused) but
        writes nothing unless the account has to change (then a ``login`` row with it).

    Returns
    -------
    SignIn
        Who, with which role, or why refused.
    """
    name = mapping.name(claims)
    if name is not None and len(name) > _NAME_LENGTH:
        name = None
    role = mapping.role(claims)
    detail: dict[str, object] = {"via": "sso", "claim": mapping.role_claim}
    detail["values"] = mapping.values(claims)
    if not new and name is not None:  # another session of a sign-in: usually nothing to write
        with store._read() as connection:
            row = _account(connection, name)
        if row is not None and row.role == role and _refusal(name, role, row) is None:
            return SignIn(name, role, previous_role=role)
    # The store's own write transaction and audit writer: the account change and its audit
    # row are one transaction, queued behind other writers.
    with store._write() as connection:
        row = None if name is None else _account(connection, name)
        refused = _refusal(name, role, row)
        if refused is not None:
            actor = name or str(claims.get("sub", "?"))[:_NAME_LENGTH]
            store._audit(
                connection, actor, "login_failed", None, None, None, **detail, reason=refused
            )
            return SignIn(name, None, refused=refused)
        assert name is not None and role is not None  # _refusal checked both
        previous = _keep_account(connection, name, role, row, _now())
        if new or previous != role:
            store._audit(
                connection,
                name,
                "login",
                None,
                None,
                None,
                **detail,
                role=role,
                previous_role=previous,
            )
        return SignIn(name, role, created=row is None, previous_role=previous)


def _account(connection: sa.Connection, name: str) -> sa.Row[Any] | None:
    return connection.execute(sa.select(schema.users).where(schema.users.c.name == name)).first()


def _refusal(name: str | None, role: str | None, row: sa.Row[Any] | None) -> str | None:
    if name is None:
        return "no_name"
    if row is not None and row.password_hash is not None:
        return "local_account"
    if row is not None and row.disabled:
        return "disabled"
    if role is None:
        return "no_role"
    return None


def _keep_account(
    connection: sa.Connection, name: str, role: str, row: sa.Row[Any] | None, now: datetime
) -> str | None:
    """Create the account, or set its role to the claim's; the role it had before, if any."""
    users = schema.users
    if row is None:
        values = {"name": name, "role": role, "password_hash": None, "disabled": False}
        connection.execute(sa.insert(users), {**values, "created_at": now, "last_login": now})
        return None
    connection.execute(
        sa.update(users).where(users.c.name == name).values(role=role, last_login=now)
    )
    return str(row.role)
