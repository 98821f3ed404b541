"""The store's API in both backends: add, list, publish, roll back, load, export, archive, log."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from pandas.api.types import is_object_dtype

from geo.errors import DatasetError
from geo.io.load import load_dataset
from geo.io.store import PublishConflictError, StoreError, load_source, open_store
from geo.io.store import store_url as resolved_url


def _assert_same_dataset(stored, folder_dataset) -> None:
    for layer in ("townships", "sites", "demand", "projects"):
        got, want = getattr(stored, layer), getattr(folder_dataset, layer)
        pd.testing.assert_frame_equal(got, want)
        for column in [c for c in got.columns if is_object_dtype(got[c])]:
            assert list(map(type, got[column])) == list(map(type, want[column])), column
    for field in ("name", "demo", "coordinates", "budget_yuan", "groups", "metadata"):
        assert getattr(stored, field) == getattr(folder_dataset, field), field
    assert stored.warnings == folder_dataset.warnings


def test_a_stored_version_loads_as_the_folder_does(open_test_store, dataset_folder: Path):
    store = open_test_store()
    result = store.add(dataset_folder, label="2022年度", note="第一版", by="小王")
    assert not result.duplicate
    version = result.version
    assert (version.dataset, version.label, version.note) == ("测试数据", "2022年度", "第一版")
    assert (version.added_by, version.status) == ("小王", "draft")
    assert version.counts == {"townships": 2, "sites": 3, "demand": 4, "projects": 2}
    _assert_same_dataset(store.load(version.id), load_dataset(dataset_folder))


def test_the_demo_round_trips_exactly(open_test_store):
    demo = Path(__file__).resolve().parents[2] / "data" / "suyu"
    store = open_test_store()
    version = store.add(demo, label="演示").version
    _assert_same_dataset(store.load(version.id), load_dataset(demo))


def test_identical_content_is_not_added_twice(open_test_store, make_dataset_folder):
    store = open_test_store()
    first = store.add(make_dataset_folder(), label="a").version
    again = store.add(make_dataset_folder(), label="b")  # another folder, same files
    assert again.duplicate
    assert again.version.id == first.id
    assert [v.id for v in store.versions()] == [first.id]
    assert [e.action for e in store.log()] == ["add"]


def test_an_invalid_folder_is_refused_and_nothing_is_stored(open_test_store, make_dataset_folder):
    store = open_test_store()
    with pytest.raises(DatasetError):
        store.add(make_dataset_folder(toml='name = "x"\n'), label="bad")
    assert store.versions() == []
    assert store.log() == []


def test_publish_roll_back_and_the_audit_log(open_test_store, make_dataset_folder):
    store = open_test_store()
    first = store.add(make_dataset_folder(), label="2022", by="a").version
    second_folder = make_dataset_folder()
    (second_folder / "dataset.toml").write_text(
        (second_folder / "dataset.toml").read_text(encoding="utf-8") + 'source = "2023"\n',
        encoding="utf-8",
    )
    second = store.add(second_folder, label="2023", by="a").version
    assert store.published() is None

    store.publish(first.id, by="b")
    assert store.published().id == first.id
    assert store.resolve("published") == first.id
    store.publish(second.id, by="b")
    assert store.published().id == second.id
    assert {v.id: v.status for v in store.versions()} == {
        second.id: "published",
        first.id: "draft",
    }
    store.publish(first.id, by="c")  # roll back: one action
    assert store.published().id == first.id

    log = [(e.action, e.actor, e.from_version, e.to_version) for e in store.log()]
    assert log == [
        ("rollback", "c", second.id, first.id),
        ("publish", "b", first.id, second.id),
        ("publish", "b", None, first.id),
        ("add", "a", None, second.id),
        ("add", "a", None, first.id),
    ]


def test_a_publish_that_was_overtaken_changes_nothing(open_test_store, make_dataset_folder):
    store = open_test_store()
    first = store.add(make_dataset_folder(), label="1").version
    folder = make_dataset_folder(toml=None)
    (folder / "dataset.toml").write_bytes(
        (make_dataset_folder() / "dataset.toml").read_bytes() + b'note = "2"\n'
    )
    second = store.add(folder, label="2").version
    store.publish(first.id, expected=None)
    with pytest.raises(PublishConflictError) as raised:
        store.publish(second.id, expected=None)  # the caller had seen nothing published
    assert raised.value.current == first.id
    assert "发布未完成" in raised.value.message("zh")
    assert store.published().id == first.id


def test_export_gives_back_the_files_as_added(open_test_store, dataset_folder, tmp_path):
    store = open_test_store()
    version = store.add(dataset_folder, label="x").version
    out = store.export(version.id, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in dataset_folder.iterdir())
    for path in out.iterdir():
        assert path.read_bytes() == (dataset_folder / path.name).read_bytes()
    with pytest.raises(StoreError) as raised:
        store.export(version.id, out)  # not empty: never overwritten
    assert raised.value.reason == "export_exists"


def test_archive_drops_the_data_but_keeps_the_record(open_test_store, make_dataset_folder):
    store = open_test_store()
    kept = store.add(make_dataset_folder(), label="kept").version
    folder = make_dataset_folder()
    (folder / "dataset.toml").write_bytes((folder / "dataset.toml").read_bytes() + b"x = 1\n")
    old = store.add(folder, label="old").version
    store.publish(kept.id)
    with pytest.raises(StoreError) as raised:
        store.archive(kept.id)
    assert raised.value.reason == "archive_published"
    store.archive(old.id, by="admin")
    assert store.version(old.id).status == "archived"
    with pytest.raises(StoreError) as raised:
        store.load(old.id)
    assert raised.value.reason == "archived"
    assert store.log()[0].action == "archive"
    # Archived content may come back as a new version.
    again = store.add(folder, label="old again")
    assert not again.duplicate
    assert again.version.id != old.id


def test_store_references(open_test_store, dataset_folder: Path, store_url: str):
    store = open_test_store()
    version = store.add(dataset_folder, label="x").version
    with pytest.raises(StoreError) as raised:
        load_source("store:published", store_url)
    assert raised.value.reason == "no_published"
    store.publish(version.id)
    assert load_source("store:published", store_url).name == "测试数据"
    assert load_source(f"store:{version.id}", store).name == "测试数据"
    assert load_source("store:published:测试数据", store).name == "测试数据"
    for bad, reason in (("store:99", "no_version"), ("store:latest", "bad_reference")):
        with pytest.raises(StoreError) as raised:
            load_source(bad, store)
        assert raised.value.reason == reason


def test_versions_are_immutable_values(open_test_store, dataset_folder: Path):
    store = open_test_store()
    version = store.add(dataset_folder, label="x").version
    with pytest.raises(dataclasses.FrozenInstanceError):
        version.label = "y"  # type: ignore[misc]
    assert store.version(version.id) == version


def test_a_store_is_created_on_first_use_and_reopened(tmp_path: Path, dataset_folder: Path):
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'atlas.sqlite'}"
    with open_store(url) as store:
        version = store.add(dataset_folder, label="x").version
    with open_store(url) as store:
        assert [v.id for v in store.versions()] == [version.id]


def test_the_default_store_is_a_file_in_the_data_directory(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data dir"))
    assert resolved_url() == f"sqlite:///{tmp_path / 'data dir' / 'atlas.sqlite'}"
    with open_store() as store:
        assert store.versions() == []
    assert (tmp_path / "data dir" / "atlas.sqlite").is_file()
    monkeypatch.setenv("ATLAS_STORE", "postgresql://u@db/atlas")
    assert resolved_url() == "postgresql+psycopg://u@db/atlas"
    assert resolved_url(str(tmp_path / "x.sqlite")) == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_an_unknown_kind_of_address_is_refused():
    with pytest.raises(StoreError) as raised:
        open_store("mysql://u@db/atlas")
    assert raised.value.reason == "bad_url"
    assert "无法识别的数据仓库地址" in raised.value.message("zh")


def test_postgis_tables_a_gis_user_can_open(postgres_cluster, make_dataset_folder):
    with open_store(postgres_cluster.new_database()) as store:
        version = store.add(make_dataset_folder(), label="2022年度").version
        with store.engine.connect() as connection:
            columns = connection.exec_driver_sql(
                "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns "
                "ORDER BY f_table_name"
            ).all()
            assert columns == [
                (f"v{version.id}_demand", "geom", 4326),
                (f"v{version.id}_sites", "geom", 4326),
                (f"v{version.id}_townships", "geom", 4326),
            ]
            towns = connection.exec_driver_sql(
                f"SELECT code, name, round(ST_Area(geom)::numeric, 4) FROM v{version.id}_townships "
                "ORDER BY code"
            ).all()
            assert [tuple(r) for r in towns] == [
                ("321311001", "一镇", Decimal("0.0100")),
                ("321311002", "二镇", Decimal("0.0100")),
            ]
            groups = connection.exec_driver_sql(
                f"SELECT id, groups, township FROM v{version.id}_sites ORDER BY id"
            ).all()
            assert [tuple(r) for r in groups] == [
                ("S1", "elders", "321311001"),
                ("S2", "elders;children", "321311002"),
                ("S3", "children", "321311002"),
            ]
            projects = connection.exec_driver_sql(
                f"SELECT count(*) FROM v{version.id}_projects"
            ).scalar()
            assert projects == 2
        store.archive(version.id)
        with store.engine.connect() as connection:
            left = connection.exec_driver_sql("SELECT count(*) FROM geometry_columns").scalar()
        assert left == 0
