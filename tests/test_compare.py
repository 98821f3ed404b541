"""Year against year: a small pair of datasets whose changes can be worked out by hand.

Old year: townships T1 一镇, T2 二镇 and T3 三镇 (only in the old year); groups elders and
children. New year: T1, T2 (renamed 二街道, same code) and T4 四镇 (new); groups elders and
disabled. So only elders are compared; children (old) and disabled (new) are left out.

Elders in T1: D1 2 people next to S1, D2 2 people 3.7 km from S1, D3 1 person 3.7 km west.
Old: 2 of 5 within S1's 2 km (40 %). New: S4 opens 555 m from D2, so 4 of 5 (80 %): +40.0 points.
S2 moves 0.001 degrees north (about 111 m on the ground: moved); S5 moves 0.0003 degrees
(about 33 m: not moved); S3 closes with its township.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import DEFAULT_TOML
from test_cli import DEMO, run_cli

from geo.cli.commands import main
from geo.compare import compare, comparison_to_json, shared_groups
from geo.errors import OptionError
from geo.io.load import load_dataset

NEW_TOML = (
    DEFAULT_TOML.replace('code = "children"', 'code = "disabled"')
    .replace('label = "留守儿童"', 'label = "残疾人"')
    .replace('label_en = "Left-behind children"', 'label_en = "Disabled"')
)

_BOXES = {
    "321311001": (118.3, 118.4),
    "321311002": (118.4, 118.5),
    "321311003": (118.5, 118.6),
    "321311004": (118.2, 118.3),
}


def _townships(names: dict[str, str]) -> str:
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[w, 33.8], [e, 33.8], [e, 33.9], [w, 33.9], [w, 33.8]]
                    for w, e in [_BOXES[code]]
                ],
            },
        }
        for code, name in names.items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _sites(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "name": [f"{r[0]}站" for r in rows],
            "kind": "station",
            "category": "妇女之家",
            "groups": "elders",
            "lon": [str(r[1]) for r in rows],
            "lat": [str(r[2]) for r in rows],
        }
    )


def _demand(rows: list[tuple[str, float, float, int]], other: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "lon": [str(r[1]) for r in rows],
            "lat": [str(r[2]) for r in rows],
            "elders": [str(r[3]) for r in rows],
            other: "1",
        }
    )


@pytest.fixture
def years(make_dataset_folder: Callable[..., Path]) -> tuple[Path, Path]:
    t1 = [("D1", 118.351, 33.851, 2), ("D2", 118.39, 33.855, 2), ("D3", 118.31, 33.85, 1)]
    old = make_dataset_folder(
        townships=_townships({"321311001": "一镇", "321311002": "二镇", "321311003": "三镇"}),
        formats={"townships": "geojson"},
        sites=_sites(
            [
                ("S1", 118.35, 33.85),
                ("S2", 118.45, 33.85),
                ("S3", 118.55, 33.85),
                ("S5", 118.46, 33.86),
            ]
        ),
        demand=_demand([*t1, ("D4", 118.451, 33.851, 10), ("D5", 118.551, 33.851, 3)], "children"),
        omit=("projects",),
    )
    new = make_dataset_folder(
        toml=NEW_TOML,
        townships=_townships({"321311001": "一镇", "321311002": "二街道", "321311004": "四镇"}),
        sites=_sites(
            [
                ("S1", 118.35, 33.85),
                ("S2", 118.45, 33.851),
                ("S4", 118.39, 33.86),
                ("S5", 118.46, 33.8603),
            ]
        ),
        demand=_demand([*t1, ("D4", 118.451, 33.851, 10), ("D6", 118.25, 33.85, 4)], "disabled"),
        omit=("projects",),
    )
    return old, new


def test_a_township_from_two_of_five_to_four_of_five_gains_forty_points(years) -> None:
    result = compare(load_dataset(years[0]), load_dataset(years[1]))
    assert result.groups == ("elders",)
    row = result.townships.loc["321311001"]
    assert row["status"] == "both"
    assert result.coverage_old.loc["321311001", "elders"] == pytest.approx(0.4)
    assert result.coverage_new.loc["321311001", "elders"] == pytest.approx(0.8)
    assert result.coverage_change_pp.loc["321311001", "elders"] == 40.0
    assert result.covered_change.loc["321311001", "elders"] == 2
    assert result.demand_change.loc["321311001", "elders"] == 0
    assert row["sites_opened"] == 1
    assert row["sites_closed"] == 0


def test_sites_opened_closed_and_moved_by_id_in_metres(years) -> None:
    result = compare(load_dataset(years[0]), load_dataset(years[1]))
    assert result.opened == ("S4",)
    assert result.closed == ("S3",)
    # 0.001 degrees of latitude at 33.85 N is 110.9 m on the ellipsoid; 0.0003 is 33 m (< 50 m)
    assert result.moved == ("S2",)
    assert result.move_m["S2"] == pytest.approx(110.9, abs=0.2)
    assert result.townships.loc["321311003", "sites_closed"] == 1


def test_townships_in_one_year_only_are_kept_with_their_status(years) -> None:
    result = compare(load_dataset(years[0]), load_dataset(years[1]))
    table = result.townships
    assert list(table.index) == ["321311001", "321311002", "321311004", "321311003"]
    assert list(table["status"]) == ["both", "both", "new_only", "old_only"]
    assert table.loc["321311002", "name"] == "二街道"
    assert table.loc["321311002", "name_old"] == "二镇"
    assert pd.isna(result.coverage_change_pp.loc["321311003", "elders"])
    assert result.coverage_old.loc["321311003", "elders"] == 1.0
    assert pd.isna(result.coverage_old.loc["321311004", "elders"])
    assert result.coverage_new.loc["321311004", "elders"] == 0.0


def test_district_totals_per_group(years) -> None:
    totals = compare(load_dataset(years[0]), load_dataset(years[1])).totals()
    # old: 15 of 18 (D1, D4, D5); new: 14 of 19 (D1, D2, D4)
    assert totals["coverage_old"]["elders"] == pytest.approx(15 / 18)
    assert totals["coverage_new"]["elders"] == pytest.approx(14 / 19)
    assert totals["coverage_change_pp"]["elders"] == pytest.approx(100 * (14 / 19 - 15 / 18))


def test_groups_only_in_one_dataset_are_left_out_and_named(years) -> None:
    old, new = load_dataset(years[0]), load_dataset(years[1])
    codes, left_out = shared_groups(old, new)
    assert codes == ("elders",)
    assert left_out == {"old_only": ("children",), "new_only": ("disabled",)}
    with pytest.raises(OptionError, match="children"):
        shared_groups(old, new, ["children"])
    assert shared_groups(old, new, ["留守老人"])[0] == ("elders",)


def test_json_contract(years) -> None:
    doc = comparison_to_json(compare(load_dataset(years[0]), load_dataset(years[1])))
    assert {"old", "new", "groups", "townships", "sites", "totals"} <= set(doc)
    assert doc["old"]["dataset"]["name"] == "测试数据"
    assert [g["code"] for g in doc["groups"]] == ["elders"]
    assert doc["groups_left_out"] == {"old_only": ["children"], "new_only": ["disabled"]}
    rows = {r["code"]: r for r in doc["townships"]}
    t1 = rows["321311001"]
    assert {
        "code", "name", "status", "coverage_old", "coverage_new", "coverage_change_pp",
        "covered_change", "demand_change", "sites_opened", "sites_closed", "funding_yuan_old",
        "funding_yuan_new",
    } <= set(t1)  # fmt: skip
    assert t1["coverage_change_pp"] == {"elders": 40.0}
    assert rows["321311003"]["coverage_change_pp"] == {"elders": None}
    assert rows["321311003"]["funding_yuan_new"] is None
    assert rows["321311004"]["status"] == "new_only"
    assert doc["sites"] == {
        "opened": ["S4"],
        "closed": ["S3"],
        "moved": ["S2"],
        "moved_m": {"S2": pytest.approx(110.9, abs=0.2)},
    }
    assert doc["totals"]["coverage_change_pp"]["elders"] == -9.6
    assert doc["totals"]["funding_yuan_old"] == doc["totals"]["funding_yuan_new"] == 100_000


def test_cli_json_and_table(years, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = map(str, years)
    assert main(["compare", old, new, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sites"]["opened"] == ["S4"]
    assert main(["compare", old, new]) == 0
    out = capsys.readouterr().out
    assert "+40.0" in out
    assert "仅旧数据" in out
    assert "留守儿童" in out  # named as left out


def test_cli_group_not_in_both_is_explained(years, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = map(str, years)
    assert main(["compare", old, new, "--group", "残疾人"]) == 2
    err = capsys.readouterr().err
    assert "残疾人" in err
    assert "留守老人 (elders)" in err


def test_cli_bad_folder_is_a_readable_error(years, tmp_path: Path) -> None:
    done = run_cli("compare", str(years[0]), str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_demo_years_compare_out_of_the_box() -> None:
    done = run_cli("compare", str(DEMO.parent / "suyu-2020"), str(DEMO), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert len(doc["townships"]) == 12
    assert all(t["status"] == "both" for t in doc["townships"])
    assert doc["sites"]["opened"]
    assert doc["sites"]["closed"]
    assert doc["sites"]["moved"]
    assert doc["groups_left_out"] == {"old_only": [], "new_only": []}
