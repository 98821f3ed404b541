"""Tests for geo.funding: gap-weighted scores and the largest-remainder allocation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.funding import allocate_budget, funding_scores, funding_shares

TOWNS = pd.Index(["A", "B", "C"], name="township")


def frame(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=TOWNS, columns=["elders", "children"])


# --- funding_scores ------------------------------------------------------------------------


def test_score_is_the_weighted_unmet_need() -> None:
    unmet = frame([[10, 0], [0, 4], [2, 2]])
    demand = frame([[20, 5], [8, 4], [2, 2]])
    scores = funding_scores(unmet, {"elders": 1.0, "children": 2.5}, demand)
    assert scores.tolist() == [10.0, 10.0, 7.0]
    assert scores.index.equals(TOWNS)


def test_when_everyone_is_reached_scores_fall_back_to_weighted_demand() -> None:
    unmet = frame([[0, 0], [0, 1e-9], [0, 0]])  # 1e-9 people is float noise, not a gap
    demand = frame([[20, 5], [8, 4], [0, 0]])
    scores = funding_scores(unmet, {"elders": 1.0, "children": 2.0}, demand)
    assert scores.tolist() == [30.0, 16.0, 0.0]


def test_without_any_demand_every_township_scores_the_same() -> None:
    zeros = frame([[0, 0]] * 3)
    assert funding_scores(zeros, {"elders": 1.0, "children": 1.0}, zeros).tolist() == [1.0] * 3


def test_weights_must_cover_every_group_and_be_non_negative() -> None:
    zeros = frame([[0, 0]] * 3)
    with pytest.raises(ValueError, match="no weight for groups \\['children'\\]"):
        funding_scores(zeros, {"elders": 1.0}, zeros)
    with pytest.raises(ValueError, match="non-negative"):
        funding_scores(zeros, {"elders": 1.0, "children": -1.0}, zeros)


def test_shares_sum_to_one_and_are_equal_without_scores() -> None:
    assert funding_shares(pd.Series([3.0, 1.0])).tolist() == [0.75, 0.25]
    assert funding_shares(pd.Series([0.0, 0.0])).tolist() == [0.5, 0.5]


# --- allocate_budget -----------------------------------------------------------------------


def test_three_to_one_in_50_yuan_units_is_exact() -> None:
    yuan = allocate_budget(pd.Series([3.0, 1.0], index=["A", "B"]), 1000, unit=50)
    assert yuan.to_dict() == {"A": 750, "B": 250}


def test_three_to_one_in_100_yuan_units_breaks_the_tie_for_the_larger_score() -> None:
    # 10 units: quotas 7.5 and 2.5, equal remainders; the larger score takes the last unit.
    assert allocate_budget(pd.Series([1.0, 3.0]), 1000).tolist() == [200, 800]


def test_equal_scores_break_ties_in_index_order() -> None:
    assert allocate_budget(pd.Series([1.0, 1.0, 1.0]), 1000).tolist() == [400, 300, 300]


def test_the_largest_remainder_wins_not_the_largest_score() -> None:
    # quotas 4.2, 3.45, 2.35 units: floors 4 + 3 + 2 = 9, the 10th unit goes to remainder 0.45.
    assert allocate_budget(pd.Series([4.2, 3.45, 2.35]), 1000).tolist() == [400, 400, 200]


def test_300000_yuan_over_12_townships_adds_up_exactly() -> None:
    rng = np.random.default_rng(12)
    scores = pd.Series(rng.uniform(0, 5000, size=12), index=[f"T{i:02d}" for i in range(12)])
    yuan = allocate_budget(scores, 300_000)
    assert yuan.sum() == 300_000
    assert (yuan % 100 == 0).all()
    assert yuan.dtype == np.int64
    exact = 300_000 * scores / scores.sum()
    assert (np.abs(yuan - exact) < 100).all()


def test_a_leftover_below_one_unit_goes_to_the_largest_share() -> None:
    # 10 units as 2.5 / 7.5 -> 200 / 800, then the 50 yuan left over go to B.
    assert allocate_budget(pd.Series([1.0, 3.0]), 1050).tolist() == [200, 850]


def test_all_zero_scores_split_the_budget_equally() -> None:
    assert allocate_budget(pd.Series([0.0, 0.0, 0.0, 0.0]), 1000).tolist() == [300, 300, 200, 200]


def test_zero_budget_and_no_townships() -> None:
    assert allocate_budget(pd.Series([1.0, 2.0]), 0).tolist() == [0, 0]
    assert allocate_budget(pd.Series([], dtype=float), 0).empty
    with pytest.raises(ValueError, match="no townships"):
        allocate_budget(pd.Series([], dtype=float), 100)


@pytest.mark.parametrize(
    ("budget", "unit", "match"),
    [
        (-100, 100, "0 or more yuan"),
        (100.5, 100, "whole number"),
        (float("nan"), 100, "whole number"),
        (1000, 0, "positive whole number"),
    ],
)
def test_bad_budgets_are_refused(budget: float, unit: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        allocate_budget(pd.Series([1.0]), budget, unit=unit)  # type: ignore[arg-type]


def test_negative_scores_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        allocate_budget(pd.Series([1.0, -1.0]), 100)
