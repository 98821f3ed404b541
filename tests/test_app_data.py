"""AppTest: the data page manages the office's versions in a store (a temporary SQLite file).

Upload -> validation report -> draft previewed in this session only -> publish -> every new
session sees it; a broken upload after a good one is judged on its own; one layer replaced on
top of the published version; links that carry a version; a store that cannot be opened.
"""

from __future__ import annotations

import gc
import io
import weakref
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from geo.io.store import open_store

DEMO = Path(__file__).resolve().parent.parent / "data" / "suyu"


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new SQLite store that the app under test uses."""
    url = f"sqlite:///{tmp_path / 'store' / 'atlas.sqlite'}"
    monkeypatch.setenv("ATLAS_STORE", url)
    return url


def zip_of(folder: Path, *, change: Callable[[str, bytes], bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            archive.writestr(f"mine/{path.name}", change(path.name, data) if change else data)
    return buffer.getvalue()


def sidebar(app: AppTest) -> str:
    return "\n".join(c.value for c in app.sidebar.caption)


def notices(app: AppTest) -> str:
    return "\n".join(e.value for e in [*app.warning, *app.info, *app.error, *app.success])


def upload(app: AppTest, name: str, data: bytes, *, label: str = "2026年度") -> AppTest:
    """Fill in who and the label, choose the file in the (fresh) uploader, save as a draft."""
    app.text_input(key="actor_input").set_value("张明")
    app.text_input(key="upload_label").set_value(label)
    app.get("file_uploader")[0].set_value((name, data, "application/zip"))
    app.run()
    app.button(key="upload_go").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_upload_draft_preview_publish_and_a_new_session_sees_it(
    store_url: str, dataset_folder: Path
) -> None:
    app = open_app(page="data")
    assert "示例数据" in sidebar(app)
    upload(app, "mine.zip", zip_of(dataset_folder), label="2026年度")
    assert "已保存为草稿：第 1 版「2026年度」" in notices(app)
    assert "草稿预览" in notices(app)  # the banner above the page
    assert "测试数据" in sidebar(app) and "草稿" in sidebar(app)
    assert app.query_params["v"] == "1"
    other = open_app(page="overview")  # another session: still the demo
    assert "示例数据" in sidebar(other) and "草稿预览" not in notices(other)
    app.button(key="version_publish").click().run()
    assert "已发布第 1 版「2026年度」" in notices(app)
    assert "草稿预览" not in notices(app)
    assert "已发布" in sidebar(app)
    other.run()  # the other session's next rerun
    assert "2026年度" in sidebar(other) and "测试数据" in sidebar(other)
    fresh = open_app(page="coverage")
    assert "第 1 版「2026年度」" in sidebar(fresh)
    with open_store(store_url) as store:
        [entry, added] = store.log()
    assert (entry.action, entry.actor, entry.to_version) == ("publish", "张明", 1)
    assert (added.action, added.actor) == ("add", "张明")


def test_the_draft_is_marked_on_every_page(store_url: str, dataset_folder: Path) -> None:  # noqa: ARG001
    upload(open_app(page="data"), "mine.zip", zip_of(dataset_folder))
    for page in ("overview", "coverage", "funding"):
        viewed = open_app(page=page, v="1")  # the link a previewer copies
        assert "草稿" in notices(viewed), page
        assert "第 1 版「2026年度」" in sidebar(viewed)
    briefing = open_app(mode="briefing", v="1")
    assert any("草稿" in m.value and "第 1 版" in m.value for m in briefing.markdown)


def test_a_broken_upload_after_a_good_one_is_judged_on_its_own(
    store_url: str, dataset_folder: Path
) -> None:
    app = upload(open_app(page="data"), "good.zip", zip_of(dataset_folder))
    assert "已保存为草稿" in notices(app)
    assert not app.session_state[_upload_key(app)]  # the uploader starts empty again
    broken = b"PK\x03\x04 this is not really a zip"
    upload(app, "broken.zip", broken, label="坏的")
    text = notices(app)
    assert "本次上传：broken.zip" in "\n".join(m.value for m in app.markdown)
    assert "不是有效的 zip 压缩包" in text and "未保存" in text
    with open_store(store_url) as store:
        assert [v.label for v in store.versions()] == ["2026年度"]
    # the session still previews the good draft: nothing was silently merged or replaced
    assert "第 1 版「2026年度」" in sidebar(app)


def _upload_key(app: AppTest) -> str:
    return f"upload_files_{app.session_state['upload_round']}"


def test_an_upload_with_errors_shows_the_full_report(store_url: str, dataset_folder: Path) -> None:
    def no_id(file: str, data: bytes) -> bytes:
        return data.replace(b"id,", b"ident,", 1) if file == "sites.csv" else data

    app = upload(open_app(page="data", lang="en"), "mine.zip", zip_of(dataset_folder, change=no_id))
    assert "was not saved" in notices(app)
    report = app.dataframe[-1].value
    assert any("sites.csv" in str(v) for v in report.iloc[:, 1])
    with open_store(store_url) as store:
        assert store.versions() == []


def test_the_upload_report_says_which_files_it_is_about(store_url: str) -> None:  # noqa: ARG001
    app = open_app(page="data")
    assert any(s.value.startswith("当前数据（宿豫区（示例数据）") for s in app.success)

    def no_id(file: str, data: bytes) -> bytes:
        return data.replace(b"id,name,kind", b"ident,name,kind", 1) if file == "sites.csv" else data

    upload(app, "mine.zip", zip_of(DEMO, change=no_id))
    text = "\n".join(m.value for m in app.markdown)
    assert "**本次上传：mine.zip**" in text
    # every problem as a whole sentence with its file, not cut off in a table cell
    assert any(m.value.startswith(":red[:material/error:] sites.csv") for m in app.markdown)


def test_one_sites_file_per_township_is_combined_on_upload(store_url: str) -> None:
    lines = (DEMO / "sites.csv").read_bytes().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    half = len(rows) // 2
    others = [p for p in DEMO.iterdir() if p.name != "sites.csv"]
    files = [(p.name, p.read_bytes(), "text/plain") for p in others]
    files.append(("sites-北.csv", header + b"".join(rows[:half]), "text/csv"))
    files.append(("sites-南.csv", header + b"".join(rows[half - 1 :]), "text/csv"))  # one repeat
    app = open_app(page="data")
    app.text_input(key="actor_input").set_value("张明")
    app.get("file_uploader")[0].set_value(files)
    app.run()
    app.button(key="upload_go").click().run()
    assert not app.exception
    assert "已保存为草稿" in notices(app)
    with open_store(store_url) as store:
        assert len(store.load(1).sites) == len(rows)
    repeat = next(m.value for m in app.markdown if "完全相同" in m.value)
    assert repeat.startswith(":orange[:material/warning:] sites-南.csv 第 2 行")
    assert f"sites-北.csv 第 {half + 1} 行" in repeat


def test_choices_about_the_old_data_are_forgotten_when_a_draft_is_previewed(
    store_url: str,  # noqa: ARG001
) -> None:
    app = open_app(page="overview")
    app.multiselect(key="groups").set_value(["disabled"]).run()
    app.selectbox(key="indicator").set_value("unreached").run()
    assert app.query_params["group"] == "disabled"
    app._page_hash = calc_hash("data")  # a click on the data page in the navigation
    app.run()
    upload(app, "mine.zip", zip_of(DEMO))
    assert app.query_params["v"] == "1"
    assert "group" not in app.query_params
    app._page_hash = calc_hash("overview")
    app.run()
    assert not app.exception
    assert len(app.multiselect(key="groups").value) > 1  # every group of the new data
    assert app.selectbox(key="indicator").value == "unreached"  # not about groups: kept


def test_one_layer_replaced_on_top_of_the_published_version(
    store_url: str, dataset_folder: Path
) -> None:
    with open_store(store_url) as store:
        store.publish(store.add(dataset_folder, label="2025年度").version.id)
    app = open_app(page="data")
    sites = pd.read_csv(dataset_folder / "sites.csv", dtype=str)
    sites.loc[len(sites)] = ["S4", "一镇新站", "station", "社工站", "elders", "118.31", "33.81",
                             "", *[""] * (len(sites.columns) - 8)]  # fmt: skip
    new_sites = sites.to_csv(index=False).encode("utf-8")
    app.text_input(key="actor_input").set_value("李华")
    app.text_input(key="replace_label").set_value("2026年度")
    app.selectbox(key="replace_layer").set_value("sites")
    app.get("file_uploader")[1].set_value(("2026站点.csv", new_sites, "text/csv"))
    app.run()
    app.button(key="replace_go").click().run()
    assert not app.exception
    assert "已保存为草稿：第 2 版「2026年度」" in notices(app)
    with open_store(store_url) as store:
        old, new = store.load(1), store.load(2)
        assert store.version(2).note == "在第 1 版基础上替换服务点位"
    assert len(new.sites) == len(old.sites) + 1
    assert new.townships.equals(old.townships) and len(new.demand) == len(old.demand)
    # a layer that breaks the whole (a site without coordinates) is refused as a whole
    bad = sites.copy()
    bad.loc[0, "lon"] = ""
    app.selectbox(key="replace_layer").set_value("sites")
    app.get("file_uploader")[1].set_value(
        ("sites.csv", bad.to_csv(index=False).encode(), "text/csv")
    )
    app.run()
    app.button(key="replace_go").click().run()
    assert "未保存" in notices(app)
    with open_store(store_url) as store:
        assert len(store.versions()) == 2


def test_a_link_opens_the_version_it_names_with_a_note_when_newer_is_published(
    store_url: str, dataset_folder: Path, make_dataset_folder
) -> None:
    second = make_dataset_folder(
        toml=(dataset_folder / "dataset.toml").read_text() + "year = 2026\n"
    )
    with open_store(store_url) as store:
        store.publish(store.add(dataset_folder, label="2025年度").version.id)
        store.publish(store.add(second, label="2026年度").version.id)
    app = open_app(page="overview", v="1")
    assert "第 1 版「2025年度」" in sidebar(app)
    assert "您正在查看第 1 版「2025年度」" in notices(app)
    assert "第 2 版「2026年度」" in notices(app)
    app.button(key="leave_pinned_version").click().run()
    assert "第 2 版「2026年度」" in sidebar(app)
    assert app.query_params["v"] == "2"
    missing = open_app(page="overview", v="99")
    assert "版本 99 不存在" in notices(missing)
    assert "第 2 版「2026年度」" in sidebar(missing)


def test_a_publish_someone_else_beat_is_refused_with_a_message(
    store_url: str, dataset_folder: Path, make_dataset_folder
) -> None:
    toml = (dataset_folder / "dataset.toml").read_text()
    with open_store(store_url) as store:
        v1 = store.add(dataset_folder, label="甲").version
        v2 = store.add(make_dataset_folder(toml=toml + "year = 1\n"), label="乙").version
        store.publish(v1.id)
    app = open_app(page="data")
    app.text_input(key="actor_input").set_value("张明").run()
    app.selectbox(key="version_pick").set_value(v2.id).run()
    with open_store(store_url) as store:  # a colleague publishes first
        v3 = store.add(make_dataset_folder(toml=toml + "year = 2\n"), label="丙").version
        store.publish(v3.id, by="李华")
    app.button(key="version_publish").click().run()
    assert not app.exception
    assert "发布未完成" in notices(app) and "李华" in notices(app)
    with open_store(store_url) as store:
        assert store.published().id == v3.id


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "不是本系统的数据仓库"), ("en", "is not an atlas store")]
)
def test_a_file_that_is_not_a_store_gives_an_error_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("这不是数据库" * 100, encoding="utf-8")
    monkeypatch.setenv("ATLAS_STORE", str(not_a_store))
    app = open_app(page="overview", lang=lang)
    assert words in app.error[0].value


def test_a_version_downloads_as_a_zip_of_its_files_as_added(
    store_url: str, dataset_folder: Path
) -> None:
    from dashboard.loader import version_zip

    with open_store(store_url) as store:
        version = store.add(dataset_folder, label="2025年度").version
        data = version_zip(store, version.id, version.content_hash)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = {name: archive.read(name) for name in archive.namelist()}
    assert unpacked == {p.name: p.read_bytes() for p in dataset_folder.iterdir()}


def test_replace_layer_file_renames_the_upload_and_drops_the_layers_other_files(
    tmp_path: Path,
) -> None:
    from geo.io.uploads import UploadError, replace_layer_file

    (tmp_path / "sites.csv").write_text("old", encoding="utf-8")
    (tmp_path / "demand.csv").write_text("kept", encoding="utf-8")
    written = replace_layer_file(tmp_path, "sites", "2026年站点.XLSX", b"new")
    assert written == tmp_path / "sites.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demand.csv", "sites.xlsx"]
    assert written.read_bytes() == b"new"
    replace_layer_file(tmp_path, "dataset.toml", "配置.toml", b'name = "x"')
    assert (tmp_path / "dataset.toml").read_bytes() == b'name = "x"'
    with pytest.raises(UploadError) as raised:
        replace_layer_file(tmp_path, "projects", "项目.geojson", b"{}")
    assert raised.value.message("zh") == "项目.geojson 的格式不适用于该图层（可用：.csv .xlsx）。"
    assert (tmp_path / "sites.xlsx").exists()  # nothing was removed for a refused file


def test_an_unreachable_postgresql_gives_an_error_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.headless import free_port

    monkeypatch.setenv("ATLAS_STORE", f"postgresql://atlas@127.0.0.1:{free_port()}/atlas")
    app = open_app(page="data")
    [error] = app.error
    assert "数据仓库无法打开" in error.value and "无法连接数据库" in error.value


def test_with_several_datasets_published_the_newest_is_shown(
    store_url: str, dataset_folder: Path, make_dataset_folder
) -> None:
    toml = (dataset_folder / "dataset.toml").read_text(encoding="utf-8")
    renamed_folder = make_dataset_folder(toml=toml.replace("测试数据", "测试数据（新名称）"))
    with open_store(store_url) as store:
        store.publish(store.add(dataset_folder, label="旧名称").version.id)
        store.publish(store.add(renamed_folder, label="新名称").version.id)
    app = open_app(page="data")
    assert "第 2 版「新名称」" in sidebar(app)


def test_a_draft_a_session_previews_is_released_with_the_session(
    store_url: str, dataset_folder: Path
) -> None:
    """A draft lives in the sessions that preview it, not in the server-wide caches: once the
    sessions are gone (here: their AppTest objects), nothing holds the draft's data (with
    the draft in the server-wide caches, up to 8 datasets and 64 summaries stay)."""
    from dashboard import loader, source

    with open_store(store_url) as store:
        store.publish(store.add(dataset_folder, label="2025年度").version.id)
    seen = open_app(page="coverage")  # the published version: cached for every visitor
    again = open_app(page="coverage")
    shown = seen.session_state[source.CURRENT_KEY].dataset
    assert again.session_state[source.CURRENT_KEY].dataset is shown
    del seen, again

    uploader = upload(open_app(page="data"), "mine.zip", zip_of(dataset_folder, change=_renamed))
    colleague = open_app(page="coverage", v="2")  # the draft's link, opened by a colleague
    drafts = [app.session_state[source.CURRENT_KEY] for app in (uploader, colleague)]
    assert [d.version.status for d in drafts] == ["draft", "draft"]
    assert all(d.token.startswith(loader.PRIVATE) for d in drafts)
    assert colleague.session_state[loader.MEMO_KEY][1]  # its summary, kept in the session
    released = [weakref.ref(d.dataset) for d in drafts]
    del uploader, colleague, drafts
    gc.collect()
    assert [ref() for ref in released] == [None, None]


def _renamed(name: str, data: bytes) -> bytes:
    return (
        data.replace("测试数据".encode(), "测试数据草稿".encode())
        if name == "dataset.toml"
        else data
    )
