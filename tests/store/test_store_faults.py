"""Faults lose nothing: racing publishes, a killed add, a full disk, wrong or newer stores,
an unreachable server; and a second process sees a new publication without a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.cli.commands import main
from geo.io.store import StoreError, open_store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # processes started, raced and killed


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _geo(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _three_versions(store_url: str, make_dataset_folder) -> list[int]:
    ids = []
    with open_store(store_url) as store:
        for year in (2021, 2022, 2023):
            folder = make_dataset_folder()
            toml = folder / "dataset.toml"
            toml.write_text(f"year = {year}\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
            ids.append(store.add(folder, label=f"{year}年度").version.id)
        store.publish(ids[0])
    return ids


def test_two_publishes_at_once_one_wins_the_other_is_told(store_url: str, make_dataset_folder):
    first, second, third = _three_versions(store_url, make_dataset_folder)
    racers = [
        _geo("store", "publish", str(v), "--expect", str(first), "--store", store_url)
        for v in (second, third)
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in racers]
    results = [(code, out, err) for out, err, code in results]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    [loser_err] = [err for code, _, err in results if code == 2]
    assert "发布未完成" in loser_err
    assert "Traceback" not in loser_err
    with open_store(store_url) as store:
        winner = store.published().id
        assert winner in (second, third)
        assert "已于 " in loser_err
        assert f"发布了版本 {winner}" in loser_err
        publishes = [e for e in store.log() if e.action == "publish"]
        assert [(e.from_version, e.to_version) for e in publishes] == [
            (first, winner),
            (None, first),
        ]


def test_the_same_folder_added_twice_at_once_is_kept_once(store_url: str, dataset_folder: Path):
    adders = [
        _geo("store", "add", str(dataset_folder), "--label", label, "--store", store_url)
        for label in ("a", "b")
    ]
    outputs = [(*p.communicate(timeout=120), p.returncode) for p in adders]
    assert [code for _, _, code in outputs] == [0, 0], outputs
    said = sorted(out[:6] for out, _, _ in outputs)
    assert said == ["内容与版本 ", "已保存为版本"], outputs  # one added, the other told so
    with open_store(store_url) as store:
        assert [v.id for v in store.versions()] == [1]


def test_a_killed_add_leaves_no_half_version(store_url: str, dataset_folder: Path):
    # The child stops inside the add's transaction (after the layers are written, before
    # the audit row and the commit) and is killed there.
    code = """
        import sys, time
        from geo.io.store import Store, open_store
        def stop_here(*args, **kwargs):
            print("inside", flush=True)
            time.sleep(120)
        Store._audit = stop_here
        open_store(sys.argv[1]).add(sys.argv[2], label="killed")
        """
    with _python(code, store_url, str(dataset_folder)) as child:
        try:
            assert child.stdout.readline().strip() == "inside", child.stderr.read()
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    with open_store(store_url) as store:
        assert store.versions() == []
        assert store.log() == []
        with store.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM version_files")).scalar() == 0
            tables = set(sa.inspect(connection).get_table_names())
        assert not {t for t in tables if t.startswith("v1_")}
        again = store.add(dataset_folder, label="again")  # the store still works
        assert not again.duplicate


def test_a_full_disk_keeps_the_published_version(tmp_path: Path, make_dataset_folder):
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    store = open_store(url)
    published = store.add(make_dataset_folder(), label="2022").version
    store.publish(published.id)
    with store.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    store.engine.dispose()
    sa.event.listen(
        store.engine,
        "connect",
        lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count = {pages + 2}"),
    )
    big = make_dataset_folder()
    (big / "dataset.toml").write_text(
        (big / "dataset.toml").read_text(encoding="utf-8") + f'padding = "{"x" * 200_000}"\n',
        encoding="utf-8",
    )
    with pytest.raises(StoreError) as raised:
        store.add(big, label="too big")
    assert raised.value.reason == "write_failed"
    assert "未保存任何内容" in raised.value.message("zh")
    store.close()
    with open_store(url) as reopened:
        assert [v.id for v in reopened.versions()] == [published.id]
        assert reopened.load(reopened.resolve("published")).name == "测试数据"


def test_a_file_that_is_not_a_store(tmp_path: Path, capsys):
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError) as raised:
        open_store(str(junk))
    assert raised.value.reason == "not_store"
    assert main(["store", "list", "--store", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "不是本系统的数据仓库" in err
    assert "Traceback" not in err
    assert junk.read_bytes().startswith(b"these are my notes")  # left as it was


def test_a_database_of_something_else_is_not_taken_over(tmp_path: Path):
    other = tmp_path / "other.sqlite"
    engine = sa.create_engine(f"sqlite:///{other}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE accounts (id integer)")
    engine.dispose()
    with pytest.raises(StoreError) as raised:
        open_store(str(other))
    assert raised.value.reason == "not_store"
    assert "accounts" in raised.value.message("en")


def test_a_store_from_a_newer_release_is_refused(store_url: str, dataset_folder: Path, capsys):
    with open_store(store_url) as store:
        store.add(dataset_folder, label="x")
        with store.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9001'")
    with pytest.raises(StoreError) as raised:
        open_store(store_url)
    assert raised.value.reason == "newer"
    assert main(["store", "list", "--store", store_url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "made by a newer release (schema 9001)" in err


def test_an_unreachable_postgresql_is_a_clear_message(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    url = f"postgresql://atlas@127.0.0.1:{port}/atlas"
    with pytest.raises(StoreError) as raised:
        open_store(url)
    assert raised.value.reason == "unreachable"
    assert main(["summary", "store:published", "--store", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("无法连接数据库 postgresql+psycopg://atlas@127.0.0.1")
    assert "Traceback" not in err


def test_a_second_process_sees_a_new_publication_without_restart(
    store_url: str, make_dataset_folder
):
    first, second, _ = _three_versions(store_url, make_dataset_folder)
    # A long-running reader (as a dashboard process is): one open store, asked again and again.
    code = """
        import sys
        from geo.io.store import open_store
        store = open_store(sys.argv[1])
        for line in sys.stdin:
            version = store.resolve("published")
            dataset = store.load(version)
            print(version, dataset.metadata.get("year"), flush=True)
        """
    with _python(code, store_url) as reader:
        reader.stdin.write("?\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == [str(first), "2021"]
        with open_store(store_url) as writer:
            writer.publish(second)
        reader.stdin.write("?\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == [str(second), "2022"]
    assert os.environ.get("ATLAS_STORE") != store_url  # nothing leaked into the environment
