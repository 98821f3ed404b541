"""Township indicators, class breaks and legends, on small tables with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.indicators import (
    INDICATORS,
    NO_DATA_COLOUR,
    classify_indicator,
    classify_values,
    compute_indicator,
    format_indicator_value,
    indicator_name,
    legend_labels,
)


@pytest.fixture
def townships() -> pd.DataFrame:
    """Three townships; the third has nobody in the selected groups."""
    return pd.DataFrame(
        {
            "name": ["甲镇", "乙镇", "丙镇"],
            "organizations": [2, 1, 0],
            "stations": [3, 0, 1],
            "people": [1000.0, 4000.0, 0.0],
            "covered": [800.0, 1000.0, 0.0],
            "unreached": [200.0, 3000.0, 0.0],
            "coverage": [0.8, 0.25, math.nan],
            "projects_yuan": [50000.0, 0.0, 10000.0],
        },
        index=pd.Index(["A", "B", "C"], name="code"),
    )


def test_compute_indicator_by_hand(townships: pd.DataFrame) -> None:
    cov = compute_indicator(townships, "coverage")
    assert cov["A"] == 0.8 and cov["B"] == 0.25 and math.isnan(cov["C"])
    assert compute_indicator(townships, "unreached").tolist() == [200.0, 3000.0, 0.0]
    sites = compute_indicator(townships, "sites_per_1000")
    assert sites["A"] == pytest.approx(5.0)
    assert sites["B"] == pytest.approx(0.25)
    assert math.isnan(sites["C"])  # one station but no people: no ratio
    money = compute_indicator(townships, "funding_per_person")
    assert money["A"] == pytest.approx(50.0)
    assert money["B"] == 0.0
    assert math.isnan(money["C"])


def test_unknown_indicator_names_the_allowed_ones(townships: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"`indicator` must be one of 'coverage'.*got 'happiness'"):
        compute_indicator(townships, "happiness")


def test_names_in_both_languages() -> None:
    assert indicator_name("coverage", "zh") == "所选群体覆盖率"
    assert indicator_name("unreached", "en") == "People out of reach"
    assert all(INDICATORS[c].name("en") for c in INDICATORS)


def test_classes_follow_the_breaks_and_missing_values_are_grey() -> None:
    values = pd.Series([1.0, 2.0, 10.0, 11.0, 30.0, np.nan], index=list("abcdef"))
    result = classify_values(values, k=3, palette="OrRd")
    assert result.legend[0][0] == 1.0
    assert result.legend[-1][1] == 30.0
    assert result.classes.tolist() == [0, 0, 1, 1, 2, -1]
    assert result.colours["f"] == NO_DATA_COLOUR
    assert result.colours["a"] != result.colours["e"]
    assert result.has_missing
    # each legend entry's upper bound is the next one's lower bound
    assert all(a[1] == b[0] for a, b in zip(result.legend, result.legend[1:], strict=False))


def test_fewer_distinct_values_than_classes() -> None:
    result = classify_values(pd.Series([5.0, 5.0, 7.0]), k=5)
    assert len(result.legend) == 2
    assert result.classes.tolist() == [0, 0, 1]
    single = classify_values(pd.Series([3.0, 3.0]), k=5)
    assert single.legend == [(3.0, 3.0, single.colours[0])]


def test_all_missing_gives_an_empty_legend() -> None:
    result = classify_values(pd.Series([np.nan, np.nan]))
    assert result.legend == []
    assert set(result.colours) == {NO_DATA_COLOUR}


@pytest.mark.parametrize("scheme", ["natural_breaks", "quantiles", "equal_interval"])
def test_every_value_falls_in_its_legend_class(scheme: str) -> None:
    rng = np.random.default_rng(7)
    values = pd.Series(rng.gamma(2.0, 100.0, size=12))
    result = classify_values(values, k=5, scheme=scheme)  # type: ignore[arg-type]
    for value, cls in zip(values, result.classes, strict=True):
        lo, hi, _ = result.legend[cls]
        assert lo <= value <= hi
    assert len({c for _, _, c in result.legend}) == len(result.legend)


def test_classify_indicator_uses_its_palette(townships: pd.DataFrame) -> None:
    result = classify_indicator(townships, "unreached", k=3)
    assert result.classes.tolist() == [1, 2, 0]
    labels = legend_labels(result, "unreached", "zh")
    assert labels == ["0", "0 – 200", "200 – 3,000"]


def test_formats_per_indicator() -> None:
    assert format_indicator_value("coverage", 0.6667) == "66.7%"
    assert format_indicator_value("unreached", 27000) == "2.7万"
    assert format_indicator_value("unreached", 27000, "en") == "27,000"
    assert format_indicator_value("sites_per_1000", 1.234) == "1.23"
    assert format_indicator_value("funding_per_person", 4.26) == "4.3元"
    assert format_indicator_value("funding_per_person", 4.26, "en") == "¥4.3"
    assert format_indicator_value("funding_per_person", math.nan) == "—"


def test_shares_have_fixed_classes_unless_data_driven_breaks_are_asked_for() -> None:
    values = pd.Series([0.05, 0.2, 0.21, 0.55, 0.99, np.nan])
    fixed = classify_values(values, scheme="fixed")
    assert list(fixed.classes) == [0, 0, 1, 2, 4, -1]
    assert [(lo, hi) for lo, hi, _ in fixed.legend] == [
        (0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)
    ]  # fmt: skip
    # the same share gets the same colour on two maps whatever else is on them
    other = classify_values(pd.Series([0.55, 0.9]), scheme="fixed")
    assert other.colours.iloc[0] == fixed.colours.iloc[3]
    table = pd.DataFrame({"coverage": [0.1, 0.12, 0.15], "people": [1, 1, 1]})
    assert classify_indicator(table, "coverage").legend[-1][1] == 1.0
    assert classify_indicator(table, "coverage", scheme="natural_breaks").legend[-1][1] == 0.15
