"""AppTest: login, roles and session expiry on the dashboard, on SQLite and PostgreSQL.

A store with accounts asks who is there; each role sees and may do its own part of the data
page; the role is checked where the store is written, so a click replayed after the role was
lowered changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from dashboard import auth
from geo.io.store import StoreError, open_store, users

PASSWORD = "password-1"


@pytest.fixture
def office(store_url: str, make_dataset_folder: Callable[..., Path], monkeypatch) -> str:
    """A store with version 1 published, version 2 a draft, and one account of each role."""
    monkeypatch.setenv("ATLAS_STORE", store_url)
    first, second = make_dataset_folder(), make_dataset_folder()
    toml = second / "dataset.toml"
    toml.write_text("source_date = 2023\n" + toml.read_text(encoding="utf-8"), "utf-8")
    with open_store(store_url) as store:
        store.add(first, label="2022年度", by="setup")
        store.publish(1, by="setup")
        store.add(second, label="2023年度", by="setup")
        for role in users.ROLES:
            users.add_user(store, role, role, PASSWORD, by="setup")
    return store_url


def _log_in(app: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    app.text_input(key="login_name").set_value(name)
    app.text_input(key="login_password").set_value(password)
    [submit] = [b for b in app.button if b.label == "登录"]
    submit.click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _keys(app: AppTest) -> set[str]:
    return {w.key for kind in ("button", "text_input", "selectbox") for w in app.get(kind) if w.key}


def _text(app: AppTest) -> str:
    parts = [*app.error, *app.info, *app.success, *app.warning, *app.markdown, *app.caption]
    return "\n".join(str(p.value) for p in [*parts, *app.sidebar.caption])


def _expanders(app: AppTest) -> list[str]:
    return [e.label for e in app.expander]


def test_without_accounts_the_atlas_stays_open(store_url: str, monkeypatch):
    monkeypatch.setenv("ATLAS_STORE", store_url)
    app = open_app(page="data")
    assert "login_name" not in _keys(app)
    assert {"actor_input", "upload_go"} <= _keys(app)


def test_the_login_page_comes_first_and_refuses_a_wrong_password(office: str):
    app = open_app(page="data")
    assert {"login_name", "login_password"} <= _keys(app)
    assert "upload_go" not in _keys(app)
    assert "测试数据" not in _text(app)  # no data before the login
    _log_in(app, "planner", "wrong password")
    assert "用户名或密码错误" in _text(app)
    assert "upload_go" not in _keys(app)
    with open_store(office) as store:
        [entry] = [e for e in store.log() if e.action == "login_failed"]
    assert (entry.actor, entry.detail["reason"]) == ("planner", "password")


@pytest.mark.usefixtures("office")
def test_a_viewer_sees_the_published_version_and_nothing_to_change():
    app = _log_in(open_app(page="data", v="2"), "viewer")  # a link to the draft's data page
    assert "已登录：viewer（查看者）" in _text(app)
    assert "公开版" in _text(app)  # the public view: no data page, small counts withheld
    assert app.query_params["page"] == "overview"
    assert "2023年度" not in _text(app)  # the draft is not shown to a viewer
    assert "2022年度" in _text(app)
    assert app.query_params["v"] == "1"
    assert not {"upload_go", "replace_go", "version_publish", "actor_input"} & _keys(app)
    assert "变更记录" not in _expanders(app)


def test_a_planner_adds_and_publishes_but_may_not_roll_back(office: str):
    app = _log_in(open_app(page="data"), "planner")
    assert {"upload_go", "replace_go", "version_publish"} <= _keys(app)
    assert "actor_input" not in _keys(app)  # the account is who acts
    assert "变更记录" not in _expanders(app)
    app.selectbox(key="version_pick").set_value(2).run()
    app.button(key="version_publish").click().run()
    assert "已发布第 2 版" in _text(app)
    app.selectbox(key="version_pick").set_value(1).run()
    publish = app.button(key="version_publish")
    assert publish.label == "回滚到此版本"
    assert publish.disabled
    assert app.button(key="version_archive").disabled
    with open_store(office) as store:
        assert store.published().id == 2
        entry = store.log()[0]
    assert (entry.action, entry.actor, entry.to_version) == ("publish", "planner", 2)


def test_an_admin_rolls_back_and_sees_the_log_and_the_users(office: str):
    with open_store(office) as store:
        store.publish(2, by="setup")
    app = _log_in(open_app(page="data"), "admin")
    assert {"变更记录", "用户"} <= set(_expanders(app))
    log = app.expander[_expanders(app).index("变更记录")]
    frame = log.dataframe[0].value if log.dataframe else app.dataframe[-2].value
    assert "登录" in frame.to_string()
    app.selectbox(key="version_pick").set_value(1).run()
    assert not app.button(key="version_publish").disabled
    app.button(key="version_publish").click().run()
    with open_store(office) as store:
        assert store.published().id == 1
        assert store.log()[0].action == "rollback"
        assert store.log()[0].actor == "admin"


def test_a_replayed_click_after_the_role_was_lowered_changes_nothing(office: str):
    app = _log_in(open_app(page="data"), "planner")
    app.selectbox(key="version_pick").set_value(2).run()
    with open_store(office) as store:
        users.set_role(store, "planner", "viewer", by="admin")
    app.button(key="version_publish").click().run()  # the button the page drew before
    with open_store(office) as store:
        assert store.published().id == 1
    assert "upload_go" not in _keys(app)  # and the session now has a viewer's public view
    assert "公开版" in _text(app)


def test_an_idle_session_expires_and_a_disabled_account_is_logged_out(office: str):
    app = _log_in(open_app(page="data"), "planner")
    app.session_state[auth.SEEN_KEY] -= 31 * 60
    app.run()
    assert "会话已过期" in _text(app)
    assert "login_name" in _keys(app)
    _log_in(app, "planner")
    assert "upload_go" in _keys(app)
    with open_store(office) as store:
        users.set_disabled(store, "planner", True, by="admin")
    app.run()
    assert "该账户已停用" in _text(app)
    assert "upload_go" not in _keys(app)


def test_a_log_out_is_in_the_admins_change_log(office: str):
    app = _log_in(open_app(page="data"), "planner")
    app.button(key="log_out").click().run()
    assert "已退出登录。" in _text(app)
    assert "login_name" in _keys(app)
    with open_store(office) as store:
        entry = store.log()[0]
    assert (entry.actor, entry.action, entry.detail) == ("planner", "logout", {"via": "password"})
    _log_in(app, "admin")
    log = app.expander[_expanders(app).index("变更记录")]
    frame = log.dataframe[0].value if log.dataframe else app.dataframe[-2].value
    assert ["planner", "退出登录"] in frame.iloc[:, 1:3].to_numpy().tolist()


def test_a_log_out_the_store_cannot_record_still_ends_the_session(office: str, monkeypatch):
    def busy(*_: object, **__: object) -> None:
        raise StoreError("busy", reason="database is locked")

    app = _log_in(open_app(page="data"), "planner")
    monkeypatch.setattr(users, "logout", busy)
    app.button(key="log_out").click().run()
    assert not app.exception
    assert "login_name" in _keys(app)
    assert "这次退出未记入变更记录" in _text(app)
    with open_store(office) as store:
        assert store.log()[0].action == "login"


@pytest.mark.usefixtures("office")
def test_the_absolute_limit_ends_even_a_busy_session(monkeypatch):
    monkeypatch.setenv("ATLAS_SESSION_HOURS", "1")
    app = _log_in(open_app(page="data"), "planner")
    app.session_state[auth.SINCE_KEY] -= 3601
    app.run()
    assert "会话已过期" in _text(app)


@pytest.mark.usefixtures("office")
def test_anonymous_visitors_may_be_viewers(monkeypatch):
    monkeypatch.setenv("ATLAS_ANONYMOUS", "viewer")
    app = open_app(page="data")
    assert "公开版" in _text(app)
    assert "upload_go" not in _keys(app)
    assert "sidebar_login_name" in _keys(app)  # and may log in from the sidebar
    app.text_input(key="sidebar_login_name").set_value("planner")
    app.text_input(key="sidebar_login_password").set_value(PASSWORD)
    [submit] = [b for b in app.button if b.label == "登录"]
    submit.click().run()
    assert "已登录：planner" in _text(app)
    assert "内部版" in _text(app)  # a planner sees every count


@pytest.mark.usefixtures("office")
def test_a_wrong_setting_is_named(monkeypatch):
    monkeypatch.setenv("ATLAS_ANONYMOUS", "everyone")
    app = open_app(page="data")
    assert "ATLAS_ANONYMOUS" in _text(app)
    assert "login_name" not in _keys(app)


def test_an_admin_changes_a_role_and_disables_an_account_but_not_their_own(office: str):
    app = _log_in(open_app(page="data"), "admin")
    assert "admin" not in app.selectbox(key="accounts_pick").options  # not their own
    app.selectbox(key="accounts_pick").set_value("viewer").run()
    app.selectbox(key="accounts_role").set_value("planner").run()
    app.button(key="accounts_set_role").click().run()
    assert "viewer 的角色已改为 规划人员" in _text(app)
    app.selectbox(key="accounts_pick").set_value("planner").run()
    app.button(key="accounts_disable").click().run()
    app.text_input(key="pw_1").set_value("a new password")
    app.text_input(key="pw_2").set_value("a new password")
    [reset] = [b for b in app.button if b.label == "重设密码"]
    reset.click().run()
    with open_store(office) as store:
        found = {u.name: u for u in users.users(store)}
        log = [(e.actor, e.action, e.detail.get("user")) for e in store.log()[:3]]
    assert found["viewer"].role == "planner"
    assert found["planner"].disabled
    assert log == [
        ("admin", "user_password", "planner"),
        ("admin", "user_disable", "planner"),
        ("admin", "user_role", "viewer"),
    ]


def test_a_planner_cannot_reach_the_accounts_even_by_a_replayed_click(office: str):
    app = _log_in(open_app(page="data"), "admin")
    app.selectbox(key="accounts_pick").set_value("viewer").run()
    with open_store(office) as store:
        users.set_role(store, "admin", "planner", by="setup")
    app.selectbox(key="accounts_role").set_value("admin")
    app.button(key="accounts_set_role").click().run()  # drawn while they were an admin
    with open_store(office) as store:
        assert users.find_user(store, "viewer").role == "viewer"
    assert "accounts_pick" not in _keys(app)
