"""The dashboard on a configured dataset: a folder, a stored version, or one that fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import APP
from streamlit.testing.v1 import AppTest

from geo.io.store import open_store


def _run_app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _sidebar_text(app: AppTest) -> str:
    return "\n".join(c.value for c in app.sidebar.caption)


def test_a_configured_folder_is_what_every_visitor_sees(dataset_folder: Path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA", str(dataset_folder))
    app = _run_app()
    assert "测试数据" in _sidebar_text(app)
    data_page = AppTest.from_file(APP, default_timeout=60)
    data_page.query_params["page"] = "data"
    data_page.run()
    assert f"文件夹：{dataset_folder}" in "\n".join(m.value for m in data_page.markdown)
    assert not app.warning or all("示例数据" not in w.value for w in app.warning)


def test_an_invalid_folder_shows_its_validation_report(make_dataset_folder, monkeypatch):
    folder = make_dataset_folder(omit=("demand",))
    monkeypatch.setenv("ATLAS_DATA", str(folder))
    app = _run_app()
    [error] = app.error
    assert "有错误，无法打开" in error.value
    assert str(folder) in error.value
    assert "demand" in app.dataframe[0].value.to_string()


def test_a_missing_store_version_is_an_error_panel(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ATLAS_STORE", f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    monkeypatch.setenv("ATLAS_DATA", "store:published")
    app = _run_app()
    assert "还没有已发布的版本" in app.error[0].value


def test_a_newly_published_version_shows_at_the_next_rerun(
    store_url: str, make_dataset_folder, monkeypatch
):
    first = make_dataset_folder()
    second = make_dataset_folder()
    toml = (second / "dataset.toml").read_text(encoding="utf-8")
    (second / "dataset.toml").write_text(toml.replace("测试数据", "测试数据二"), encoding="utf-8")
    with open_store(store_url) as store:
        v1 = store.add(first, label="2022年度").version
        v2 = store.add(second, label="2023年度").version
        store.publish(v1.id)
    monkeypatch.setenv("ATLAS_STORE", store_url)
    monkeypatch.setenv("ATLAS_DATA", "store:published:测试数据")
    app = _run_app()
    assert "2022年度" in _sidebar_text(app)
    data_page = AppTest.from_file(APP, default_timeout=60)
    data_page.query_params["page"] = "data"
    data_page.run()
    page_text = "\n".join(m.value for m in data_page.markdown)
    assert f"数据仓库 第 {v1.id} 版「2022年度」" in page_text
    with open_store(store_url) as store:  # another "process" publishes
        v3 = store.add(make_dataset_folder(toml=toml + "year = 2023\n"), label="2023修订").version
        store.publish(v3.id)
    app.run()
    assert "2023修订" in _sidebar_text(app)
    assert v2.dataset == "测试数据二"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_is_shown_when_nothing_is_configured(lang: str, monkeypatch):
    monkeypatch.delenv("ATLAS_DATA", raising=False)
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception
    assert not app.error
    assert "宿豫区" in _sidebar_text(app)
