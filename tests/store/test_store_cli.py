"""``python -m geo store ...`` and ``store:`` references in the analysis commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.cli.commands import main

DEMO = Path(__file__).resolve().parents[2] / "data" / "suyu"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_of_folder_stored_version_and_export_are_identical(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    code, from_folder, _ = _run(capsys, "summary", str(DEMO), "--json")
    assert code == 0
    code, out, _ = _run(
        capsys, "store", "add", str(DEMO), "--label", "2022年度", "--store", store_url
    )
    assert code == 0
    assert "已保存为版本 1" in out
    code, from_store, _ = _run(capsys, "summary", "store:1", "--json", "--store", store_url)
    assert code == 0
    exported = tmp_path / "exported"
    assert _run(capsys, "store", "export", "1", str(exported), "--store", store_url)[0] == 0
    code, from_export, _ = _run(capsys, "summary", str(exported), "--json")
    assert code == 0
    assert json.loads(from_folder) == json.loads(from_store) == json.loads(from_export)
    assert from_folder == from_store == from_export


def test_the_store_commands_in_order(
    store_url: str, make_dataset_folder, capsys: pytest.CaptureFixture[str], monkeypatch
):
    monkeypatch.setenv("ATLAS_STORE", store_url)  # the store from the environment
    monkeypatch.setenv("ATLAS_USER", "小李")
    folder = make_dataset_folder()
    assert (
        _run(capsys, "store", "add", str(folder), "--label", "2022年度", "--note", "初稿")[0] == 0
    )
    code, out, _ = _run(capsys, "store", "add", str(folder), "--label", "again", "--lang", "en")
    assert (code, out.strip()) == (0, "Identical to version 1 (2022年度, draft); not saved again")
    code, out, err = _run(capsys, "summary", "store:published")
    assert code == 2
    assert "还没有已发布的版本" in err
    assert _run(capsys, "store", "publish", "1")[0] == 0
    code, out, _ = _run(capsys, "store", "list", "--json")
    [listed] = json.loads(out)
    assert {k: listed[k] for k in ("id", "label", "status", "added_by", "note")} == {
        "id": 1,
        "label": "2022年度",
        "status": "published",
        "added_by": "小李",
        "note": "初稿",
    }
    code, out, _ = _run(capsys, "store", "list")
    assert "2022年度" in out
    assert "已发布" in out
    code, out, _ = _run(capsys, "store", "log", "--json")
    assert [(e["action"], e["actor"], e["to_version"]) for e in json.loads(out)] == [
        ("publish", "小李", 1),
        ("add", "小李", 1),
    ]
    code, out, _ = _run(capsys, "validate", "store:published")
    assert (code, out.strip()) == (0, "数据集有效：store:published (2022年度)")
    for command in (
        ["access", "--group", "elders"],
        ["suggest", "--group", "elders", "--count", "1"],
    ):
        assert _run(capsys, command[0], "store:published", *command[1:])[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summary", "store:9"], "数据仓库中没有版本 9"),
        (["store", "publish", "9"], "数据仓库中没有版本 9"),
        (["summary", "store:newest"], "无法识别的仓库引用 store:newest"),
        (["store", "archive", "1"], "正在发布中，不能归档"),
    ],
)
def test_store_mistakes_exit_2_with_a_message(
    store_url: str, dataset_folder: Path, capsys, argv: list[str], message: str
):
    _run(capsys, "store", "add", str(dataset_folder), "--label", "x", "--store", store_url)
    _run(capsys, "store", "publish", "1", "--store", store_url)
    code, _, err = _run(capsys, *argv, "--store", store_url)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_an_invalid_folder_is_reported_and_not_stored(
    tmp_path: Path, make_dataset_folder, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    folder = make_dataset_folder(omit=("sites",))
    code, _, err = _run(capsys, "store", "add", str(folder), "--label", "x", "--store", url)
    assert code == 2
    assert "sites" in err
    code, out, _ = _run(capsys, "store", "list", "--json", "--store", url)
    assert json.loads(out) == []


def test_compare_without_datasets_takes_the_last_two_published_versions(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
):
    monkeypatch.setenv("ATLAS_STORE", store_url)
    earlier = tmp_path / "2020"
    shutil.copytree(DEMO.parent / "suyu-2020", earlier)
    toml = earlier / "dataset.toml"  # the same dataset, a year earlier
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("（示例数据，2020年）", "（示例数据）"),
        encoding="utf-8",
    )
    assert _run(capsys, "store", "add", str(earlier), "--label", "2020年度")[0] == 0
    assert _run(capsys, "store", "publish", "1")[0] == 0
    code, _, err = _run(capsys, "compare", "--lang", "en")
    assert code == 2
    assert "No version was published before version 1" in err
    assert _run(capsys, "store", "add", str(DEMO), "--label", "2021年度")[0] == 0
    assert _run(capsys, "store", "publish", "2")[0] == 0
    code, out, _ = _run(capsys, "compare", "--json")
    assert code == 0
    assert json.loads(out) == json.loads(_run(capsys, "compare", "store:1", "store:2", "--json")[1])
    assert json.loads(out)["old"]["dataset"]["year"] == 2020
    code, _, err = _run(capsys, "compare", "store:1")
    assert code == 2
    assert "NEW" in err
