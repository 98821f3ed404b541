"""Local accounts: hashes only, lockout, roles, the audit log, ``geo users`` (both backends)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.cli.commands import main
from geo.io.store import schema, users
from geo.io.store.errors import StoreError
from geo.io.store.users import LoginError

PASSWORD = "correct horse 9"


def _run(monkeypatch, capsys, stdin: str, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_only_an_argon2id_hash_is_stored_and_logged(open_test_store, store_url: str):
    store = open_test_store()
    users.add_user(store, "li", "planner", PASSWORD, by="root")
    users.login(store, "li", PASSWORD)
    with pytest.raises(LoginError):
        users.login(store, "li", PASSWORD + "x")
    with store.engine.connect() as connection:
        [digest] = connection.execute(sa.select(schema.users.c.password_hash)).scalars()
        cells = [str(v) for t in (schema.users, schema.audit)
                 for row in connection.execute(sa.select(t)) for v in row]  # fmt: skip
    assert digest.startswith("$argon2id$")
    assert not any(PASSWORD in cell for cell in cells)
    if store_url.startswith("sqlite:///"):
        raw = Path(store_url.removeprefix("sqlite:///")).read_bytes()
        assert PASSWORD.encode() not in raw


def test_failures_make_the_account_wait_then_lock_it(open_test_store):
    store = open_test_store()
    users.add_user(store, "li", "planner", PASSWORD, by="root")
    start = datetime.now(UTC)
    waits = []
    for n in range(5):
        at = start + timedelta(hours=n)  # each attempt after the last wait is over
        with pytest.raises(LoginError) as failed:
            users.login(store, "li", "wrong password", now=at)
        assert failed.value.reason == "login_failed"
        waits.append(users.find_user(store, "li").locked_until - at)
    assert [w.total_seconds() for w in waits] == [1, 2, 4, 8, 900]

    locked_at = start + timedelta(hours=4)
    # locked: even the right password is refused, without being checked
    with pytest.raises(LoginError) as refused:
        users.login(store, "li", PASSWORD, now=locked_at + timedelta(minutes=14))
    assert refused.value.reason == "login_locked"
    assert "分钟后再试" in refused.value.message("zh")
    user = users.login(store, "li", PASSWORD, now=locked_at + timedelta(minutes=16))
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_within_a_wait_the_right_password_gets_the_wrong_ones_answer(open_test_store):
    store = open_test_store()
    users.add_user(store, "li", "planner", PASSWORD, by="root")
    start = datetime.now(UTC)
    with pytest.raises(LoginError):
        users.login(store, "li", "wrong password", now=start)
    with pytest.raises(LoginError) as waiting:
        users.login(store, "li", PASSWORD, now=start + timedelta(seconds=0.5))
    assert waiting.value.reason == "login_failed"
    assert users.find_user(store, "li").failed_logins == 1  # a try in the wait is not counted
    assert users.login(store, "li", PASSWORD, now=start + timedelta(seconds=2)).name == "li"


def test_unknown_disabled_and_wrong_get_one_answer(open_test_store):
    store = open_test_store()
    users.add_user(store, "li", "planner", PASSWORD, by="root")
    users.add_user(store, "wang", "viewer", PASSWORD, by="root")
    users.set_disabled(store, "wang", True, by="root")
    answers = set()
    for name, password in (("nobody", PASSWORD), ("li", "wrong password"), ("wang", PASSWORD)):
        with pytest.raises(LoginError) as failed:
            users.login(store, name, password)
        answers.add(failed.value.message("zh"))
    assert len(answers) == 1
    reasons = [(e.actor, e.detail.get("reason")) for e in store.log() if e.action == "login_failed"]
    # the unknown name is not written down (it may be a password typed into the wrong field)
    assert reasons == [("wang", "disabled"), ("li", "password"), ("?", "unknown")]


def test_every_change_and_login_is_in_the_log(open_test_store):
    store = open_test_store()
    users.add_user(store, "li", "viewer", PASSWORD, by="root")
    users.set_role(store, "li", "planner", by="admin1")
    users.set_password(store, "li", "another password", by="admin1")
    users.login(store, "li", "another password")
    users.set_disabled(store, "li", True, by="admin1")
    log = [(e.actor, e.action, e.detail.get("user"), e.detail.get("role")) for e in store.log()]
    assert log == [
        ("admin1", "user_disable", "li", None),
        ("li", "login", None, None),
        ("admin1", "user_password", "li", None),
        ("admin1", "user_role", "li", "planner"),
        ("root", "user_add", "li", "viewer"),
    ]


def test_a_log_out_is_audited_like_the_login(open_test_store, store_url: str, monkeypatch, capsys):
    store = open_test_store()
    users.add_user(store, "li", "planner", PASSWORD, by="root")
    users.login(store, "li", PASSWORD)
    users.logout(store, "li", via="password")
    logout, login = store.log()[:2]
    assert (logout.actor, logout.action, logout.detail) == ("li", "logout", {"via": "password"})
    assert (login.action, login.detail) == ("login", logout.detail)
    code, out, _ = _run(monkeypatch, capsys, "", "store", "log", "--store", store_url)
    assert code == 0
    assert [line.split()[2:4] for line in out.splitlines()[1:3]] == [
        ["li", "退出登录"],
        ["li", "登录"],
    ]


def test_bad_roles_names_and_passwords_are_refused(open_test_store):
    store = open_test_store()
    with pytest.raises(StoreError, match="role"):
        users.add_user(store, "li", "boss", PASSWORD)
    with pytest.raises(StoreError, match="too short"):
        users.add_user(store, "li", "viewer", "short")
    with pytest.raises(StoreError, match="user name"):
        users.add_user(store, "  ", "viewer", PASSWORD)
    users.add_user(store, "li", "viewer", PASSWORD)
    with pytest.raises(StoreError, match="exists"):
        users.add_user(store, "li", "admin", PASSWORD)
    with pytest.raises(StoreError, match="no user"):
        users.set_role(store, "nobody", "admin")
    assert [u.name for u in users.users(store)] == ["li"]


def test_a_weaker_hash_is_replaced_at_the_next_login(open_test_store):
    from argon2 import PasswordHasher

    store = open_test_store()
    users.add_user(store, "li", "viewer", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with store.engine.begin() as connection:
        connection.execute(sa.update(schema.users).values(password_hash=weak))
    users.login(store, "li", PASSWORD)
    with store.engine.connect() as connection:
        [digest] = connection.execute(sa.select(schema.users.c.password_hash)).scalars()
    assert digest != weak
    assert not users._hasher().check_needs_rehash(digest)


def test_cli_reads_the_password_from_standard_input(store_url: str, monkeypatch, capsys):
    monkeypatch.setenv("ATLAS_USER", "root")
    s = ("--store", store_url)
    code, out, _ = _run(monkeypatch, capsys, PASSWORD + "\n", "users", "add", "李明", "--role",
                        "planner", *s)  # fmt: skip
    assert (code, out.strip()) == (0, "已添加用户 李明（planner）")
    code, _, err = _run(monkeypatch, capsys, PASSWORD + "\n", "users", "add", "李明", "--role",
                        "admin", *s)  # fmt: skip
    assert (code, err.strip()) == (2, "用户 李明 已存在")
    code, _, err = _run(monkeypatch, capsys, "", "users", "add", "wang", "--role", "admin", *s)
    assert code == 2
    assert "未读到密码" in err
    code, _, err = _run(monkeypatch, capsys, "", "users", "disable", "nobody", "--lang", "en", *s)
    assert (code, err.strip()) == (2, "There is no user nobody")
    assert _run(monkeypatch, capsys, "", "users", "set-role", "李明", "admin", *s)[0] == 0
    assert (
        _run(monkeypatch, capsys, "new password 2\n", "users", "reset-password", "李明", *s)[0] == 0
    )
    assert _run(monkeypatch, capsys, "", "users", "disable", "李明", *s)[0] == 0
    code, out, _ = _run(monkeypatch, capsys, "", "users", "list", *s)
    assert "李明" in out
    assert "已停用" in out
    code, out, _ = _run(monkeypatch, capsys, "", "store", "log", "--lang", "en", *s)
    lines = out.splitlines()
    assert "Subject" in lines[0]
    assert [line.split()[3] for line in lines[1:]] == ["disable", "reset", "change", "add"]
    assert "李明 → admin" in lines[3]
    assert "root" in lines[1]
    assert PASSWORD not in out


def test_cli_asks_twice_at_a_terminal(store_url: str, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "typo"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    code = main(["users", "add", "li", "--role", "viewer", "--store", store_url])
    assert code == 2
    assert "两次输入的密码不一致" in capsys.readouterr().err
