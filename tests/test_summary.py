"""summarize() on a two-township dataset whose answers can be worked out by hand.

Layout in metres on the ground near 宿豫区 (tests/ground.py, centred on S1 so that its edge is an
exact geodesic distance): township A is the square x 0..2000, y 0..2000,
township B the square x 2000..4000. Elders' radius 1000 m (weight 1), children's 500 m (weight 2).

    S1 station (500, 1000) elders          D1 (1000, 1000) in A: elders 10, children 4
    S2 organization (3000, 1000) children  D2 (1500, 1000) in A: elders 6  (exactly 1000 m from S1)
    S3 station (-3000, 1000) elders,       D3 (3000, 1400) in B: elders 7, children 5
       outside every township              D4 (-5000, 0) outside: elders 3

A: elders 16 of 16 covered, children 0 of 4 -> unmet score 2 x 4 = 8.
B: elders 0 of 7, children 5 of 5           -> unmet score 1 x 7 = 7.
"""

from __future__ import annotations

import math
from dataclasses import replace

import builder
import geopandas as gpd
import pandas as pd
import pytest
from ground import in_degrees, lonlat
from shapely.geometry import Point, box

from geo.dataset import Dataset, Group, with_parameters
from geo.summary import summarize, summary_to_json

S1 = (500.0, 1000.0)


def _point(x: float, y: float) -> Point:
    return Point(lonlat([(x - S1[0], y - S1[1])])[0])


def _square(x0: float, x1: float) -> object:
    return in_degrees([box(x0 - S1[0], -S1[1], x1 - S1[0], 2000 - S1[1])]).iloc[0]


def build_dataset() -> Dataset:
    groups = (
        Group(code="elders", label="老人", radius_m=1000, weight=1.0),
        Group(code="children", label="儿童", radius_m=500, weight=2.0),
    )
    return builder.build_dataset(
        groups=groups,
        townships={
            "code": ["A", "B"],
            "name": ["甲镇", "乙镇"],
            "geometry": [_square(0, 2000), _square(2000, 4000)],
        },
        sites={
            "id": ["S1", "S2", "S3"],
            "name": ["甲镇驿站", "乙镇协会", "域外驿站"],
            "kind": ["station", "organization", "station"],
            "category": ["驿站", "社会组织", "驿站"],
            "groups": [("elders",), ("children",), ("elders",)],
            "rating": [None, "3A", None],
            "inspected": [None, True, None],
            "township": ["A", "B", None],
            "geometry": [_point(500, 1000), _point(3000, 1000), _point(-3000, 1000)],
        },
        demand={
            "id": ["D1", "D2", "D3", "D4"],
            "name": ["一村", "二村", "三村", "域外村"],
            "township": ["A", "A", "B", None],
            "elders": [10, 6, 7, 3],
            "children": [4, 0, 5, 0],
            "geometry": [
                _point(1000, 1000),
                _point(1500, 1000),
                _point(3000, 1400),
                _point(-5000, 0),
            ],
        },
        projects={
            "id": ["P1", "P2"],
            "name": ["为老项目", "为小项目"],
            "org": ["甲协会", "乙协会"],
            "year": [2021, 2021],
            "amount_yuan": [50_000.0, 10_000.0],
            "groups": [("elders",), ("children",)],
            "townships": [("A", "B"), ("B",)],
            "person_times": [100.0, 50.0],
        },
        name="测试区",
        demo=True,
        budget_yuan=30_000,
    )


def test_people_and_coverage_per_township_and_group() -> None:
    summary = summarize(build_dataset())
    assert summary.demand.to_dict("index") == {
        "A": {"elders": 16, "children": 4},
        "B": {"elders": 7, "children": 5},
    }
    assert summary.covered.to_dict("index") == {
        "A": {"elders": 16, "children": 0},
        "B": {"elders": 0, "children": 5},
    }
    table = summary.townships
    assert table["people"].tolist() == [20, 12]
    assert table["unreached"].tolist() == [4, 7]
    assert table["coverage"].tolist() == pytest.approx([16 / 20, 5 / 12])


def test_funding_follows_weighted_unmet_need_and_adds_up() -> None:
    table = summarize(build_dataset()).townships
    assert table["funding_score"].tolist() == [8, 7]
    assert table["funding_yuan"].tolist() == [16_000, 14_000]
    small = summarize(build_dataset(), budget_yuan=1000).townships
    # 533.3 / 466.7 yuan -> 5 + 4 whole hundreds, the last hundred to the larger remainder (B).
    assert small["funding_yuan"].tolist() == [500, 500]


def test_group_filter_limits_people_sites_and_score() -> None:
    summary = summarize(build_dataset(), groups=["儿童"])
    table = summary.townships
    assert list(summary.demand.columns) == ["children"]
    assert table["stations"].tolist() == [0, 0]
    assert table["organizations"].tolist() == [0, 1]
    assert table["funding_yuan"].tolist() == [30_000, 0]
    assert table["projects_yuan"].tolist() == [0, 10_000]


def test_sites_rating_projects_and_unassigned_points() -> None:
    summary = summarize(build_dataset())
    table = summary.townships
    assert table["stations"].tolist() == [1, 0]
    assert table["organizations"].tolist() == [0, 1]
    assert table["rated_share"].isna().tolist() == [True, False]
    assert table.loc["B", "inspected_share"] == 1.0
    assert table["projects_yuan"].tolist() == [25_000, 35_000]
    assert summary.unassigned_sites == ("S3",)
    assert summary.unassigned_demand == ("D4",)


def test_wider_radius_reaches_the_other_township() -> None:
    # S1 at x=500 reaches D3 at (3000, 1400) from 2532 m.
    wider = with_parameters(build_dataset(), radii_m={"elders": 2600})
    assert summarize(wider).covered.loc["B", "elders"] == 7


def test_township_level_demand_counts_the_covered_share_of_its_area() -> None:
    dataset = build_dataset()
    level = gpd.GeoDataFrame(
        {"id": ["T1"], "name": [None], "township": ["A"], "elders": [100], "children": [0]},
        geometry=[None],
        crs=4326,
    )
    demand = pd.concat([dataset.demand, level], ignore_index=True)
    summary = summarize(replace(dataset, demand=gpd.GeoDataFrame(demand, crs=4326)))
    # S1's 1000 m disc in the 2000 m square, less the segment beyond x=0 (500 m from its centre).
    segment = 1e6 * math.acos(0.5) - 500 * math.sqrt(1e6 - 500**2)
    share = (math.pi * 1e6 - segment) / 4e6
    assert summary.covered.loc["A", "elders"] == pytest.approx(16 + 100 * share, rel=1e-3)


def test_json_follows_the_contract() -> None:
    doc = summary_to_json(summarize(build_dataset()))
    assert doc["dataset"] == {"name": "测试区", "demo": True}
    assert doc["parameters"]["budget_yuan"] == 30_000
    assert [g["code"] for g in doc["parameters"]["groups"]] == ["elders", "children"]
    first = doc["townships"][0]
    assert first == {
        "code": "A",
        "name": "甲镇",
        "organizations": 0,
        "stations": 1,
        "demand": {"elders": 16, "children": 4},
        "covered": {"elders": 16, "children": 0},
        "coverage": {"elders": 1.0, "children": 0.0},
        "funding_share": round(8 / 15, 4),
        "funding_yuan": 16_000,
    }
    assert doc["unassigned"] == {"sites": ["S3"], "demand": ["D4"]}
    assert doc["totals"] == {
        "demand": {"elders": 23, "children": 9},
        "covered": {"elders": 16, "children": 5},
        "coverage": {"elders": round(16 / 23, 3), "children": round(5 / 9, 3)},
        "funding_yuan": 30_000,
    }


def test_coverage_is_null_where_nobody_is_in_need() -> None:
    dataset = build_dataset()
    demand = dataset.demand.assign(children=0)
    doc = summary_to_json(summarize(replace(dataset, demand=demand)))
    assert doc["townships"][0]["coverage"]["children"] is None
    assert doc["totals"]["coverage"]["children"] is None
