"""A tiny dataset with answers that can be worked out by hand, for the map and page tests.

Four square townships of about 9 x 11 km in a 2 x 2 grid near Suqian; two groups; four sites;
five villages and one township-level demand row; two projects.

    north  | T3 (118.3-118.4) | T4 (118.4-118.5) |   lat 33.9-34.0
    south  | T1               | T2               |   lat 33.8-33.9
"""

from __future__ import annotations

import numpy as np
from builder import build_dataset
from shapely.geometry import Point, box

from geo.dataset import Dataset, Group

GROUPS = (
    Group("elders", "留守老人", 2000.0, label_en="Left-behind elders", category="为老", weight=1.0),
    Group(
        "children", "留守儿童", 1000.0, label_en="Left-behind children", category="为小", weight=2.0
    ),
)


def make_dataset(*, demo: bool = True) -> Dataset:
    """The four-township dataset (WGS-84)."""
    townships = {
        "code": ["T1", "T2", "T3", "T4"],
        "name": ["一镇", "二镇", "三镇", "四镇"],
        "geometry": [
            box(118.3, 33.8, 118.4, 33.9),
            box(118.4, 33.8, 118.5, 33.9),
            box(118.3, 33.9, 118.4, 34.0),
            box(118.4, 33.9, 118.5, 34.0),
        ],
    }
    sites = {
        "id": ["S1", "S2", "S3", "S4"],
        "name": ["一镇社工站", "二镇驿站", "三镇妇女之家", "四镇协会"],
        "kind": ["station", "station", "station", "organization"],
        "category": ["社工站", "驿站", "妇女之家", "社会组织"],
        "groups": [("elders",), ("elders", "children"), ("children",), ("elders",)],
        "radius_m": [np.nan, np.nan, np.nan, 500.0],
        "capacity": [300.0, np.nan, np.nan, 120.0],
        "rating": [None, None, None, "3A"],
        "inspected": [None, None, None, True],
        "township": ["T1", "T2", "T3", "T4"],
        "geometry": [
            Point(118.35, 33.85),
            Point(118.45, 33.85),
            Point(118.35, 33.95),
            Point(118.45, 33.95),
        ],
    }
    # V1 next to S1 (covered), V2 about 4.6 km east of S1 (out of reach), V3 next to S2,
    # V4 in T3 next to S3 (children covered, elders not: S3 serves children only), V5 in T4
    # 1.1 km from S4 (outside its own 500 m radius).
    demand = {
        "id": ["V1", "V2", "V3", "V4", "V5", "D6"],
        "name": ["甲村", "乙村", "丙村", "丁村", "戊村", None],
        "township": ["T1", "T1", "T2", "T3", "T4", "T4"],
        "elders": [100, 50, 80, 40, 30, 0],
        "children": [10, 20, 30, 25, 0, 0],
        "geometry": [
            Point(118.351, 33.851),
            Point(118.30 + 0.0999, 33.85),
            Point(118.451, 33.851),
            Point(118.351, 33.951),
            Point(118.462, 33.95),
            None,
        ],
    }
    projects = {
        "id": ["P1", "P2"],
        "name": ["关爱老人", "护童成长"],
        "org": ["一镇社工站", "三镇妇女之家"],
        "year": [2021, 2021],
        "amount_yuan": [50000.0, 50000.0],
        "groups": [("elders",), ("children",)],
        "townships": [("T1",), ("T3", "T4")],
        "person_times": [1200.0, np.nan],
    }
    return build_dataset(
        groups=GROUPS,
        townships=townships,
        sites=sites,
        demand=demand,
        projects=projects,
        name="小样例",
        demo=demo,
        budget_yuan=100000,
    )
