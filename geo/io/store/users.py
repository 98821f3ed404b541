"""Local accounts of the store: roles, Argon2id password hashes, logins and lockout.

Three roles, each allowed what the one before it may do and more::

    viewer  < planner                     < admin
    (sees)    (adds and publishes versions) (rolls back, archives, manages users)

Passwords are kept only as Argon2id hashes (argon2-cffi, RFC 9106's low-memory profile); a
hash made with weaker parameters than this release's is replaced at the next good login. A
password never appears in the store, an error, or the audit log.

A failed login makes the account refuse every attempt for a moment (1, 2, 4, 8 seconds, with
the answer a wrong password gets); the fifth failure in a row locks the account for 15
minutes, and says so (each further failure locks it again). A
good login clears the count. An unknown name costs the same hash verification as a known one,
so that timing does not tell which names exist; unknown names, wrong passwords and disabled
accounts all get the same answer.

Every change of an account, every login attempt, good or not, and every log-out is written to
the audit log (actions ``user_add``, ``user_role``, ``user_disable``, ``user_enable``,
``user_password``, ``login``, ``login_failed``, ``logout``).

The API (single sign-on accounts are users with no password hash)::

    add_user(store, name, role, password, by=...)     # StoreError: user_exists, bad_role, ...
    users(store)                                      # list[User], by name
    find_user(store, name)                            # User | None
    set_role(store, name, role, by=...)
    set_disabled(store, name, disabled, by=...)
    set_password(store, name, password, by=...)
    login(store, name, password, now=None)            # User; LoginError otherwise
    logout(store, name, via=...)                      # the audit row of a log-out
    has_users(store)                                  # whether accounts are in use
    allows(role, needed)                              # role at least ``needed``
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geo.io.store import schema
from geo.io.store.core import Store, default_actor
from geo.io.store.errors import StoreError
from geo.io.store.roles import ROLES, allows

__all__ = [
    "LOCK_AFTER",
    "LOCK_FOR",
    "MIN_PASSWORD",
    "ROLES",
    "LoginError",
    "User",
    "add_user",
    "allows",
    "find_user",
    "has_users",
    "login",
    "logout",
    "set_disabled",
    "set_password",
    "set_role",
    "users",
]

MIN_PASSWORD: Final = 8
MAX_NAME: Final = 100
LOCK_AFTER: Final = 5  # failures in a row
LOCK_FOR: Final = timedelta(minutes=15)


@dataclass(frozen=True)
class User:
    """One account as the store knows it (never its password hash)."""

    name: str
    role: str
    disabled: bool
    sso: bool  # no local password: logs in only through single sign-on
    created_at: datetime
    last_login: datetime | None
    failed_logins: int
    locked_until: datetime | None

    def to_json(self) -> dict[str, object]:
        """The account as plain JSON values (``geo users list --json``)."""
        when = (self.created_at, self.last_login, self.locked_until)
        created, last, locked = (w.isoformat() if w else None for w in when)
        return {
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "sso": self.sso,
            "created_at": created,
            "last_login": last,
            "failed_logins": self.failed_logins,
            "locked_until": locked,
        }


class LoginError(StoreError):
    """A refused login.

    ``"login_failed"`` (no such name, wrong password, disabled, or an account still waiting
    after a failure), or ``"login_locked"`` with ``until``, when another attempt is allowed.
    """

    def __init__(self, reason: str, /, until: datetime | None = None) -> None:
        self.until = until
        params: dict[str, object] = {}
        if until is not None:
            wait = max(1, int((until - datetime.now(UTC)).total_seconds() + 0.999))
            params = {"seconds": wait, "minutes": (wait + 59) // 60}
        super().__init__(reason, **params)


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # Argon2id, RFC 9106 low-memory profile


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so that they take as long as known ones."""
    return _hasher().hash("not a password of anyone")


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise StoreError("bad_role", role=role, roles=", ".join(ROLES))
    return role


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME or any(not c.isprintable() for c in clean):
        raise StoreError("bad_user_name", max=MAX_NAME)
    return clean


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StoreError("short_password", n=MIN_PASSWORD)
    return _hasher().hash(password)


def _user(row: sa.Row[object]) -> User:
    m = row._mapping
    return User(
        name=m["name"],
        role=m["role"],
        disabled=bool(m["disabled"]),
        sso=m["password_hash"] is None,
        created_at=_utc(m["created_at"]) or _now(),
        last_login=_utc(m["last_login"]),
        failed_logins=m["failed_logins"],
        locked_until=_utc(m["locked_until"]),
    )


# --- reading -------------------------------------------------------------------------------


def users(store: Store) -> list[User]:
    """Every account, by name."""
    with store._read() as connection:
        rows = connection.execute(sa.select(schema.users).order_by(schema.users.c.name))
        return [_user(r) for r in rows]


def find_user(store: Store, name: str) -> User | None:
    """The account called ``name``, or None."""
    with store._read() as connection:
        row = connection.execute(
            sa.select(schema.users).where(schema.users.c.name == name.strip())
        ).one_or_none()
    return _user(row) if row is not None else None


def has_users(store: Store) -> bool:
    """Whether any account exists: then the dashboard asks who is there."""
    with store._read() as connection:
        return connection.execute(sa.select(schema.users.c.id).limit(1)).first() is not None


# --- changing ------------------------------------------------------------------------------


def add_user(
    store: Store, name: str, role: str, password: str | None, *, by: str | None = None
) -> User:
    """Create an account; ``password=None`` makes a single-sign-on account (no local login)."""
    name, role = _check_name(name), _check_role(role)
    digest = None if password is None else _hash(password)
    actor = by or default_actor()
    with store._write() as connection:
        exists = connection.execute(
            sa.select(schema.users.c.id).where(schema.users.c.name == name)
        ).first()
        if exists is not None:
            raise StoreError("user_exists", name=name)
        connection.execute(
            sa.insert(schema.users),
            {
                "name": name,
                "role": role,
                "password_hash": digest,
                "disabled": False,
                "created_at": _now(),
                "failed_logins": 0,
            },
        )
        store._audit(connection, actor, "user_add", None, None, None, user=name, role=role)
    found = find_user(store, name)
    assert found is not None
    return found


def _change(
    store: Store,
    name: str,
    action: str,
    values: dict[str, object],
    by: str | None,
    **detail: object,
) -> User:
    """Update the account ``name`` and log ``action`` in one transaction."""
    actor = by or default_actor()
    with store._write() as connection:
        changed = connection.execute(
            sa.update(schema.users).where(schema.users.c.name == name.strip()).values(**values)
        ).rowcount
        if changed != 1:
            raise StoreError("no_user", name=name)
        store._audit(connection, actor, action, None, None, None, user=name.strip(), **detail)
    found = find_user(store, name)
    assert found is not None
    return found


def set_role(store: Store, name: str, role: str, *, by: str | None = None) -> User:
    """Give the account ``name`` another role."""
    role = _check_role(role)
    return _change(store, name, "user_role", {"role": role}, by, role=role)


def set_disabled(store: Store, name: str, disabled: bool, *, by: str | None = None) -> User:
    """Disable the account (no login; kept for the log) or enable it again."""
    action = "user_disable" if disabled else "user_enable"
    values: dict[str, object] = {"disabled": disabled}
    if not disabled:
        values |= {"failed_logins": 0, "locked_until": None}
    return _change(store, name, action, values, by)


def set_password(store: Store, name: str, password: str, *, by: str | None = None) -> User:
    """Set a new password (this also lifts a lockout)."""
    values = {"password_hash": _hash(password), "failed_logins": 0, "locked_until": None}
    return _change(store, name, "user_password", values, by)


# --- logging in ----------------------------------------------------------------------------


def _delay(failures: int) -> timedelta:
    """How long the account waits after ``failures`` failures in a row.

    >>> [int(_delay(n).total_seconds()) for n in (1, 2, 3, 4, 5, 6)]
    [1, 2, 4, 8, 900, 900]
    """
    return LOCK_FOR if failures >= LOCK_AFTER else timedelta(seconds=2 ** (failures - 1))


def login(store: Store, name: str, password: str, *, now: datetime | None = None) -> User:
    """The account, when ``password`` is its password and it may log in now.

    Raises
    ------
    LoginError
        ``login_failed`` for an unknown name, a wrong password, a disabled or single-sign-on
        account, or one that waits a few seconds after a failure (one answer for all, so that
        a quick second try does not tell which names exist); ``login_locked`` once locked. The
        password is not even checked while an account waits or is locked.
    """
    now = now or _now()
    name = name.strip()[:MAX_NAME]
    dummy = _dummy_hash()  # made before anything is looked up, so unknown names cost the same
    with store._read() as connection:
        row = connection.execute(
            sa.select(schema.users).where(schema.users.c.name == name)
        ).one_or_none()
    stored = row._mapping["password_hash"] if row is not None else None
    locked_until = _utc(row._mapping["locked_until"]) if row is not None else None
    if row is not None and locked_until is not None and locked_until > now:
        _log_attempt(store, name, "login_failed", reason="locked")
        if row._mapping["failed_logins"] >= LOCK_AFTER:
            raise LoginError("login_locked", until=locked_until)
        _verify(dummy, password)  # as long as any other refusal
        raise LoginError("login_failed")
    good = _verify(stored or dummy, password) and stored is not None
    if row is None or not good or row._mapping["disabled"]:
        why = "unknown" if row is None else ("disabled" if good else "password")
        if row is not None and not good:
            _count_failure(store, name, now)
        # an unknown name may be a password typed into the wrong field: it is not logged
        _log_attempt(store, name if row is not None else "?", "login_failed", reason=why)
        raise LoginError("login_failed")
    values: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login": now}
    if stored is not None and _hasher().check_needs_rehash(stored):
        values["password_hash"] = _hasher().hash(password)
    with store._write() as connection:
        connection.execute(
            sa.update(schema.users).where(schema.users.c.name == name).values(**values)
        )
        store._audit(connection, name, "login", None, None, None, via="password")
    found = find_user(store, name)
    assert found is not None
    return found


def logout(store: Store, name: str, *, via: str) -> None:
    """Write that ``name`` logged out to the audit log (action ``logout``).

    Parameters
    ----------
    store
        The office's store.
    name
        The account that logged out.
    via
        How it had logged in: ``"password"`` or ``"sso"`` (``detail.via``, as its ``login`` row).
    """
    _log_attempt(store, name, "logout", via=via)


def _verify(digest: str, password: str) -> bool:
    try:
        return _hasher().verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(store: Store, name: str, now: datetime) -> None:
    """One more failure in a row; the account waits (or is locked) from ``now``."""
    c = schema.users.c
    with store._write() as connection:
        failures = connection.execute(
            sa.update(schema.users)
            .where(c.name == name)
            .values(failed_logins=c.failed_logins + 1)
            .returning(c.failed_logins)
        ).scalar_one()
        connection.execute(
            sa.update(schema.users)
            .where(c.name == name)
            .values(locked_until=now + _delay(failures))
        )


def _log_attempt(store: Store, name: str, action: str, **detail: object) -> None:
    with store._write() as connection:
        store._audit(connection, name, action, None, None, None, **detail)
