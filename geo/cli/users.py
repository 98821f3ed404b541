"""``python -m geo users add|list|set-role|disable|enable|reset-password``: local accounts.

Accounts live in the store (``--store URL`` or ``ATLAS_STORE``). A password is never an
argument (it would stay in the shell's history and the process list): it is asked twice at a
terminal, or read as one line of standard input when that is not a terminal (scripts:
``geo users add li --role planner < password.txt``). Who makes the change is
``ATLAS_USER``, else the login name; every change is in ``geo store log``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from geo.io.store.errors import StoreError
from geo.io.store.roles import ROLES
from geo.text.i18n import t

if TYPE_CHECKING:
    from geo.io.store import Store
    from geo.io.store.users import User

EXIT_OK = 0
USER_COLUMNS = ("name", "role", "status", "last_login", "created_at")


def add_users_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """The ``users`` command and its subcommands."""
    users = sub.add_parser("users", help="the dashboard's local accounts (add, list, ...)")
    actions = users.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", parents=[common], help="a new account (password prompted)")
    add.add_argument("name", help="the login name")
    add.add_argument("--role", required=True, choices=ROLES, help="what the account may do")
    add.add_argument(
        "--sso", action="store_true", help="no local password: logs in by single sign-on only"
    )
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", parents=[common], help="every account")
    listing.add_argument("--json", action="store_true", help="print only JSON")
    listing.set_defaults(run=run_list)

    role = actions.add_parser("set-role", parents=[common], help="give an account another role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(run=run_set_role)

    for action, disabled, text in (
        ("disable", True, "refuse the account's logins (kept in the log)"),
        ("enable", False, "allow a disabled account again"),
    ):
        command = actions.add_parser(action, parents=[common], help=text)
        command.add_argument("name")
        command.set_defaults(run=run_disable, disabled=disabled)

    reset = actions.add_parser(
        "reset-password", parents=[common], help="a new password (prompted); lifts a lockout"
    )
    reset.add_argument("name")
    reset.set_defaults(run=run_reset_password)


def _open(args: argparse.Namespace) -> Store:
    from geo.io.store import open_store

    return open_store(args.store)


def read_password(name: str, lang: str) -> str:
    """The new password: asked twice at a terminal, else one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(t("users.prompt", lang, name=name))
        if getpass.getpass(t("users.prompt_again", lang)) != first:
            raise StoreError("password_mismatch")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise StoreError("no_password")
    return line


def run_add(args: argparse.Namespace) -> int:
    """Add an account with a role; its password is prompted (or read from standard input)."""
    from geo.io.store.users import add_user

    password = None if args.sso else read_password(args.name, args.lang)
    with _open(args) as store:
        user = add_user(store, args.name, args.role, password)
    print(t("users.added", args.lang, name=user.name, role=user.role))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """Print every account: name, role, status, last login."""
    import json

    from geo.cli.store import local_time, table
    from geo.io.store.users import users

    with _open(args) as store:
        found, where = users(store), store.where
    if args.json:
        print(json.dumps([u.to_json() for u in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print(t("users.none", args.lang, where=where))
        return EXIT_OK
    head = [t(f"users.col.{c}", args.lang) for c in USER_COLUMNS]
    rows = [
        [
            u.name,
            u.role,
            _status(u, args.lang),
            local_time(u.last_login) if u.last_login else "",
            local_time(u.created_at),
        ]
        for u in found
    ]
    print(table([head, *rows]))
    return EXIT_OK


def _status(user: User, lang: str) -> str:
    from datetime import UTC, datetime

    if user.disabled:
        key = "disabled"
    elif user.locked_until is not None and user.locked_until > datetime.now(UTC):
        key = "locked"
    else:
        key = "sso" if user.sso else "active"
    return t(f"users.status.{key}", lang)


def run_set_role(args: argparse.Namespace) -> int:
    """Give account NAME the role ROLE."""
    from geo.io.store.users import set_role

    with _open(args) as store:
        user = set_role(store, args.name, args.role)
    print(t("users.role_set", args.lang, name=user.name, role=user.role))
    return EXIT_OK


def run_disable(args: argparse.Namespace) -> int:
    """Disable (or enable again) account NAME."""
    from geo.io.store.users import set_disabled

    with _open(args) as store:
        user = set_disabled(store, args.name, args.disabled)
    print(t("users.disabled" if args.disabled else "users.enabled", args.lang, name=user.name))
    return EXIT_OK


def run_reset_password(args: argparse.Namespace) -> int:
    """Set a new password for account NAME (prompted, or read from standard input)."""
    from geo.io.store.users import find_user, set_password

    with _open(args) as store:
        if find_user(store, args.name) is None:  # before asking for a password in vain
            raise StoreError("no_user", name=args.name)
        password = read_password(args.name, args.lang)
        user = set_password(store, args.name, password)
    print(t("users.password_set", args.lang, name=user.name))
    return EXIT_OK
