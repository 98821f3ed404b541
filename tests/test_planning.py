"""What-if stations, who new stations reach, and the suggestion table, on the tiny dataset.

The conftest dataset, for the elders (radius 2000 m): S1 (capacity 300) reaches D1 (100
elders, 140 m away); S2 (no capacity: counted as 1) reaches D3 (80 elders); D2 (50 elders) lies
3.7 km from S1 and is out of reach; D4 (40 elders) is township-level demand of T2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.dataset import Dataset
from geo.export.tables import suggestion_table
from geo.io.load import load_dataset
from geo.planning import compare_stations, village_reach
from geo.siting import add_stations, suggest_sites
from geo.summary import summarize
from geo.text.i18n import format_score

D2 = (118.39, 33.85)


@pytest.fixture
def dataset(make_dataset_folder: Callable[..., Path]) -> Dataset:
    return load_dataset(make_dataset_folder())


def _states(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["id"], frame["reach"], strict=True))


def test_village_reach_says_what_reaches_each_village(dataset: Dataset) -> None:
    plain = village_reach(dataset, "elders")
    assert _states(plain) == {"D1": "existing", "D2": "unreached", "D3": "existing"}
    assert plain["people"].tolist() == [100.0, 50.0, 80.0]
    by_hypothetical = village_reach(dataset, "elders", hypothetical=([118.0, D2[0]], [33.0, D2[1]]))
    assert _states(by_hypothetical)["D2"] == "hypothetical"
    assert by_hypothetical.set_index("id").loc["D2", "station"] == 1  # the second one
    both = village_reach(
        dataset, "elders", suggested=([D2[0]], [D2[1]]), hypothetical=([D2[0]], [D2[1]])
    )
    assert _states(both)["D2"] == "suggested"  # a suggestion comes first


def test_village_reach_uses_the_given_radius_and_skips_villages_without_people(
    dataset: Dataset,
) -> None:
    # 0.005 degrees of longitude east of D2 is about 460 m: reached with 500 m, not with 400 m.
    near = ([D2[0] + 0.005], [D2[1]])
    assert _states(village_reach(dataset, "elders", radius_m=500, suggested=near))["D2"] == (
        "suggested"
    )
    assert _states(village_reach(dataset, "elders", radius_m=400, suggested=near))["D2"] == (
        "unreached"
    )
    children = village_reach(dataset, "children")
    assert set(children["id"]) == {"D1", "D2"}  # D3 has no children


def test_a_hypothetical_station_adds_what_summarize_says(dataset: Dataset) -> None:
    what = compare_stations(dataset, "elders", [D2[0]], [D2[1]], capacity=100)
    expected = summarize(
        add_stations(dataset, [D2[0]], [D2[1]], ("elders",), capacity=100, radius_m=2000),
        groups=["elders"],
    ).totals()
    assert what.covered_after == pytest.approx(float(expected["covered"]["elders"]))
    # D2's 50 elders, and a sliver of T2's township-level demand (spread by area): the new
    # catchment reaches 1 km into T2
    assert 50.5 < what.covered_after - what.covered_before < 52
    assert what.coverage_after == pytest.approx(float(expected["coverage"]["elders"]))
    assert what.stations["gain"].tolist() == [50.0]
    assert what.stations["township"].tolist() == ["321311001"]


def test_a_hypothetical_station_changes_the_2sfca_scores_by_hand(dataset: Dataset) -> None:
    # Before: D1 scores 300/100 = 3, D2 0, D3 1/80. The new station (100 a year) reaches only
    # D2 (50 elders): D2 scores 2. T1 = (100 x 3 + 50 x 2) / 150; the district over 230 people.
    what = compare_stations(dataset, "elders", [D2[0]], [D2[1]], capacity=100)
    t1 = what.access.set_index("code").loc["321311001"]
    assert t1["before"] == pytest.approx(300 / 150)
    assert t1["after"] == pytest.approx(400 / 150)
    assert t1["change"] == pytest.approx(100 / 150)
    assert what.access.set_index("code").loc["321311002", "change"] == pytest.approx(0.0)
    assert what.score_before == pytest.approx((300 + 1) / 230)
    assert what.score_after == pytest.approx((300 + 100 + 1) / 230)


def test_without_stations_after_equals_before(dataset: Dataset) -> None:
    what = compare_stations(dataset, "elders", [], [])
    assert what.covered_after == what.covered_before
    assert what.score_after == what.score_before
    assert what.stations.empty


def test_gains_are_marginal_in_the_order_added(dataset: Dataset) -> None:
    what = compare_stations(dataset, "elders", [D2[0], D2[0] + 0.001], [D2[1], D2[1]])
    assert what.stations["gain"].tolist() == [50.0, 0.0]
    assert what.stations["id"].tolist() == ["whatif-1", "whatif-2"]


def test_the_radius_of_hypothetical_stations_counts(dataset: Dataset) -> None:
    # 0.01 degrees east of D2 is about 925 m away.
    lon, lat = [D2[0] + 0.01], [D2[1]]
    assert compare_stations(dataset, "elders", lon, lat, radius_m=800).stations["gain"][0] == 0
    assert compare_stations(dataset, "elders", lon, lat, radius_m=1000).stations["gain"][0] == 50


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.63289, "0.633"),
        (1.6848, "1.68"),
        (12.54, "12.5"),
        (1234.4, "1,234"),
        (0.0125, "0.0125"),
        (0.5, "0.5"),
        (0, "0"),
        (0.0000123, "0.000012"),
        (math.nan, "—"),
        (None, "—"),
    ],
)
def test_format_score(value: float | None, text: str) -> None:
    assert format_score(value) == text


def test_suggestion_table_reads_in_both_languages(dataset: Dataset) -> None:
    result = suggest_sites(dataset, "elders", 2)
    zh = suggestion_table(result, dataset, "zh")
    assert zh.index.name == "序号" and zh.index.tolist() == [1]  # only D2 is left to reach
    assert zh.columns.tolist() == [
        "所属乡镇", "候选点编号", "名称", "经度（WGS-84）", "纬度（WGS-84）", "新增覆盖人数",
    ]  # fmt: skip
    row = zh.iloc[0]
    assert (row["所属乡镇"], row["候选点编号"], row["名称"]) == ("一镇", "D2", "乙村")
    assert row["新增覆盖人数"] == 50 and isinstance(row["新增覆盖人数"], np.integer)
    en = suggestion_table(result, dataset, "en")
    assert en.columns[-1] == "People newly reached" and en.index.name == "Rank"
