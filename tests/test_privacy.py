"""The public view's rule (geo.privacy) on a dataset whose answers are worked out by hand.

Threshold k = 5, one group (children, radius 1000 m). Townships are 2000 m squares side by side
(UTM 50N metres from an origin near 宿豫区): A x 0..2000, B 2000..4000, ... E 8000..10000.
Stations: S1 (500, 1000) in A, S2 (9000, 1000) in E.

    A: A1 12 (reached), A2 3 (reached, hidden), A3 7 (out of reach)  -> people 22
       one hidden cell: 22 - 12 - 7 = 3 would give it away -> people, covered, unreached "*"
    B: 2, 3 hidden, 9 (none reached) -> people 14; S = 5 over 2 cells: 1+4, 2+3, ... -> exact
    C: 4, 4 hidden, 10 -> S = 8 = 2 x (k - 1): both must be 4 -> "*"
    D: 1, 1 hidden, 20 -> S = 2 = 2 x 1: both must be 1 -> "*"
    E: E1 2 (reached, hidden), E2 3 (out of reach, hidden), E3 8 (reached) -> people 13
       S = 5 over 2 cells -> people exact; but covered 10 - 8 = 2 over the one reached hidden
       cell pins it -> covered and coverage "*", unreached 3 "<5"
District: the cells below protected townships (A, C, D: 3, 4, 4, 1, 1) sum to 13 over 5 cells
-> not pinned, the district total 89 is exact.
"""

from __future__ import annotations

import builder
import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.dataset import Group
from geo.privacy import (
    PROTECTED,
    pinned,
    protect,
    public_groups,
    public_townships,
    public_village_counts,
)
from geo.summary import Summary, summarize

ORIGIN = (400_000.0, 3_760_000.0)
_TO_WGS84 = Transformer.from_crs(32650, 4326, always_xy=True)
KIDS = Group("kids", "困境儿童", 1000.0)

VILLAGES = {
    "A1": ("A", 1000, 1000, 12),
    "A2": ("A", 1400, 1000, 3),
    "A3": ("A", 1900, 1900, 7),
    "B1": ("B", 2500, 500, 2),
    "B2": ("B", 3000, 1000, 3),
    "B3": ("B", 3500, 1500, 9),
    "C1": ("C", 4500, 500, 4),
    "C2": ("C", 5000, 1000, 4),
    "C3": ("C", 5500, 1500, 10),
    "D1": ("D", 6500, 500, 1),
    "D2": ("D", 7000, 1000, 1),
    "D3": ("D", 7500, 1500, 20),
    "E1": ("E", 9200, 1000, 2),
    "E2": ("E", 9900, 1900, 3),
    "E3": ("E", 8800, 1000, 8),
}


def _point(x: float, y: float) -> Point:
    return Point(_TO_WGS84.transform(ORIGIN[0] + x, ORIGIN[1] + y))


def small_counts_summary() -> Summary:
    """The dataset of the module docstring, summarized (k = 5)."""
    squares = [
        box(ORIGIN[0] + x, ORIGIN[1], ORIGIN[0] + x + 2000, ORIGIN[1] + 2000)
        for x in range(0, 10_000, 2000)
    ]
    dataset = builder.build_dataset(
        groups=[KIDS],
        townships={
            "code": list("ABCDE"),
            "name": [f"{c}镇" for c in "ABCDE"],
            "geometry": gpd.GeoSeries(squares, crs=32650),
        },
        sites={
            "id": ["S1", "S2"],
            "groups": [("kids",), ("kids",)],
            "township": ["A", "E"],
            "geometry": [_point(500, 1000), _point(9000, 1000)],
        },
        demand={
            "id": list(VILLAGES),
            "township": [v[0] for v in VILLAGES.values()],
            "kids": [v[3] for v in VILLAGES.values()],
            "geometry": [_point(v[1], v[2]) for v in VILLAGES.values()],
        },
    )
    return summarize(dataset)


@pytest.fixture(scope="module")
def summary() -> Summary:
    return small_counts_summary()


def test_the_layout_is_as_worked_out(summary: Summary) -> None:
    assert summary.demand["kids"].to_dict() == {"A": 22, "B": 14, "C": 18, "D": 22, "E": 13}
    assert summary.covered["kids"].to_dict() == {"A": 15, "B": 0, "C": 0, "D": 0, "E": 10}


@pytest.mark.parametrize(
    ("hidden", "expected"),
    [
        ([3], True),
        ([2, 3], False),
        ([4, 4], True),
        ([1, 1], True),
        ([1, 4], False),
        ([1, 1, 2], False),
        ([], False),
    ],
)
def test_pinned(hidden: list[int], expected: bool) -> None:
    assert pinned(hidden, 5) is expected


def test_village_counts_below_the_threshold_read_less_than_k(summary: Summary) -> None:
    shown = public_village_counts(summary, protect(summary))["kids"]
    assert shown["A1"] == 12
    assert shown["A2"] == "<5"
    assert [shown[v] for v in ("D1", "D2", "D3")] == ["<5", "<5", 20]


def test_township_figures_by_hand(summary: Summary) -> None:
    public = public_groups(summary, protect(summary))
    assert public["people"]["kids"].to_dict() == {
        "A": PROTECTED,
        "B": 14,
        "C": PROTECTED,
        "D": PROTECTED,
        "E": 13,
    }
    assert public["covered"]["kids"].to_dict() == {
        "A": PROTECTED,
        "B": 0,
        "C": PROTECTED,
        "D": PROTECTED,
        "E": PROTECTED,
    }
    assert public["unreached"]["kids"]["E"] == "<5"  # 13 - 10 = 3: itself small
    assert public["coverage"]["kids"]["E"] == PROTECTED
    assert public["coverage"]["kids"]["B"] == 0


def test_the_subtraction_case_is_not_recoverable(summary: Summary) -> None:
    """Township total minus the shown villages: for every exact total, the rest is not pinned."""
    disclosure = protect(summary)
    people = public_groups(summary, disclosure)["people"]["kids"]
    villages = public_village_counts(summary, disclosure)["kids"]
    town = summary.dataset.demand.set_index("id")["township"]
    for code, total in people.items():
        cells = villages[town == code]
        if isinstance(total, int | float):
            rest = total - sum(v for v in cells if not isinstance(v, str))
            hidden = sum(isinstance(v, str) for v in cells)
            assert hidden == 0 or hidden < rest < hidden * 4, code


def test_the_covered_case(summary: Summary) -> None:
    """E: people exact, but covered minus the shown reached village would pin E1 = 2."""
    township = public_townships(summary, protect(summary)).loc["E"]
    assert township["people"] == 13
    assert (township["covered"], township["unreached"], township["coverage"]) == ("*", "<5", "*")


def test_district_total_and_funding(summary: Summary) -> None:
    disclosure = protect(summary)
    assert bool(disclosure.district["people"])
    assert not disclosure.district["covered"]
    assert not disclosure.funding
    assert (public_townships(summary, disclosure)["funding_yuan"] == PROTECTED).all()


def test_a_higher_threshold_hides_more(summary: Summary) -> None:
    shown = public_village_counts(summary, protect(summary, min_count=10))["kids"]
    assert shown["E3"] == "<10"
    assert shown["C3"] == 10
