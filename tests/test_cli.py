"""The command line: exit codes, the JSON contract, readable reports and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "suyu"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_summary_json_on_the_demo_follows_the_contract() -> None:
    done = run_cli("summary", str(DEMO), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert set(doc) == {"dataset", "parameters", "townships", "unassigned", "totals", "warnings"}
    assert doc["dataset"]["demo"] is True
    assert len(doc["townships"]) == 12
    assert sum(t["funding_yuan"] for t in doc["townships"]) == 300_000
    assert doc["totals"]["funding_yuan"] == 300_000
    row = doc["townships"][0]
    assert set(row) == {
        "code", "name", "organizations", "stations", "demand", "covered", "coverage",
        "funding_share", "funding_yuan",
    }  # fmt: skip
    codes = [g["code"] for g in doc["parameters"]["groups"]]
    assert set(row["demand"]) == set(codes)


def test_group_and_budget_options(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["summary", str(DEMO), "--json", "--group", "留守老人", "--budget", "123400"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [g["code"] for g in doc["parameters"]["groups"]] == ["elders_left_behind"]
    assert list(doc["totals"]["demand"]) == ["elders_left_behind"]
    assert doc["totals"]["funding_yuan"] == 123_400
    assert all(t["funding_yuan"] % 100 == 0 for t in doc["townships"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--group", "martians"], "martians"),
        (["--budget", "-5"], "--budget"),
        (["--budget", str(10**13)], "--budget"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", str(DEMO), *args]) == 2
    assert needle in capsys.readouterr().err


def test_validate_the_demo_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEMO)]) == 0
    out = capsys.readouterr()
    assert "有效" in out.out
    assert out.err == ""


def test_summary_table_in_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(DEMO), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "simulated" in out
    assert "新庄镇" in out
    assert "Total" in out


def test_broken_dataset_exits_2_naming_the_file_without_traceback(
    make_dataset_folder: Callable[..., Path],
) -> None:
    folder = make_dataset_folder()
    (folder / "sites.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    for args in (["validate"], ["summary", "--json"]):
        done = run_cli(*args, str(folder))
        assert done.returncode == 2
        assert "sites.csv" in done.stderr
        assert "Traceback" not in done.stderr


def test_missing_folder_exits_2(tmp_path: Path) -> None:
    done = run_cli("summary", str(tmp_path / "nowhere"), "--json", "--lang", "en")
    assert done.returncode == 2
    assert "nowhere" in done.stderr
    assert "Traceback" not in done.stderr


def test_outside_points_are_listed(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import default_sites

    sites = default_sites()
    sites.loc[0, ["lon", "lat"]] = ["118.9", "33.85"]
    folder = make_dataset_folder(sites=sites)
    assert main(["summary", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["unassigned"]["sites"] == ["S1"]


def test_a_district_with_no_sites_yet_still_gets_a_summary(
    make_dataset_folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import default_sites

    folder = make_dataset_folder(sites=default_sites().iloc[0:0])
    assert main(["summary", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert all(t["stations"] == 0 and t["organizations"] == 0 for t in doc["townships"])
    assert all(all(v == 0 for v in t["covered"].values()) for t in doc["townships"])


def test_an_unexpected_failure_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.delenv("ATLAS_DEBUG", raising=False)
    monkeypatch.setattr("geo.cli.commands.summarize", broken)
    assert main(["summary", str(DEMO)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "RuntimeError: disk on fire" in err
    assert "内部错误" in err


def test_unknown_group_lists_the_labels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(DEMO), "--group", "孤寡老人"]) == 2
    err = capsys.readouterr().err
    assert "孤寡老人" in err
    assert "留守老人 (elders_left_behind)" in err


def test_one_sites_file_per_township_reads_as_one_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    folder = tmp_path / "parts"
    shutil.copytree(DEMO, folder)
    lines = (folder / "sites.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "sites.csv").unlink()
    header, rows = lines[0], lines[1:]
    (folder / "sites-a.csv").write_text(header + "".join(rows[:100]), encoding="utf-8")
    (folder / "sites-b.csv").write_text(header + "".join(rows[100:]), encoding="utf-8")
    assert main(["summary", str(folder), "--json"]) == 0
    split = json.loads(capsys.readouterr().out)
    assert main(["summary", str(DEMO), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert split["townships"] == whole["townships"]
    (folder / "sites-c.csv").write_text(header + rows[5].replace(",118.", ",119.", 1), "utf-8")
    assert main(["validate", str(folder)]) == 2
    report = capsys.readouterr()
    assert "sites-c.csv" in report.out + report.err and "sites-a.csv 第 7 行" in report.err
