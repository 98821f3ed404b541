"""A small hand-made dataset for the export tests: three square townships near Suqian.

Each township is 0.1 deg wide (about 9.2 km east-west, 11.1 km north-south). Sites, villages
and projects are placed so that every view has something to show: a covered and an unreached
village per township, a village outside every township and one township-level demand row.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from builder import build_dataset
from shapely.geometry import Point, box

from geo.dataset import Dataset, Group

TOWNSHIP_NAMES = ("顺河街道", "新庄镇", "来龙镇")
GROUPS = (
    Group("elders_left_behind", "留守老人", 2000.0, label_en="Left-behind elders", weight=1.0),
    Group("children_left_behind", "留守儿童", 1500.0, label_en="Left-behind children", weight=2.0),
)


def _townships() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["321311001", "321311113", "321311108"],
            "name": list(TOWNSHIP_NAMES),
            "geometry": [box(118.30 + 0.1 * i, 33.90, 118.40 + 0.1 * i, 34.00) for i in range(3)],
        },
        crs="EPSG:4326",
    )


def _sites(codes: list[str]) -> gpd.GeoDataFrame:
    both = ("elders_left_behind", "children_left_behind")
    return gpd.GeoDataFrame(
        {
            "id": ["S1", "S2", "S3", "S4"],
            "name": ["顺河妇女之家", "振友社区驿站", "来龙日间照料中心", "宿豫区心理协会"],
            "kind": ["station", "station", "station", "organization"],
            "category": ["妇女之家", "驿站", "日间照料", "社会组织"],
            "groups": [both, both, ("elders_left_behind",), ("children_left_behind",)],
            "radius_m": [np.nan, 3000.0, np.nan, np.nan],
            "capacity": [300.0, np.nan, 120.0, np.nan],
            "rating": [None, None, None, "3A"],
            "inspected": [None, None, None, True],
            "township": [codes[0], codes[1], codes[2], codes[0]],
            "geometry": [
                Point(118.35, 33.95),
                Point(118.45, 33.95),
                Point(118.55, 33.95),
                Point(118.32, 33.92),
            ],
        },
        crs="EPSG:4326",
    )


def _demand(codes: list[str]) -> gpd.GeoDataFrame:
    near = [(118.351, 33.951), (118.452, 33.951), (118.551, 33.952)]
    far = [(118.38, 33.99), (118.48, 33.99), (118.58, 33.99)]
    rows = [
        *[(f"V{i + 1}", f"近村{i + 1}", codes[i], 120, 30, Point(xy)) for i, xy in enumerate(near)],
        *[
            (f"W{i + 1}", f"远村{i + 1}", codes[i], 80 + 10 * i, 20, Point(xy))
            for i, xy in enumerate(far)
        ],
        ("X1", "界外村", None, 50, 5, Point(118.70, 33.95)),
        ("T1", None, codes[2], 40, 10, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "name",
            "township",
            "elders_left_behind",
            "children_left_behind",
            "geometry",
        ],
    )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _projects(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["P1", "P2"],
            "name": ["银龄陪伴", "护苗成长"],
            "org": ["宿豫区迅哥有约志愿者协会", "宿豫区心理协会"],
            "year": [2021, 2021],
            "amount_yuan": [50000.0, 50000.0],
            "groups": [("elders_left_behind",), ("children_left_behind",)],
            "townships": [(codes[0],), (codes[1], codes[2])],
            "person_times": [5000.0, np.nan],
        }
    )


def make_dataset(*, demo: bool = True) -> Dataset:
    """The three-township test dataset (budget 100,000 yuan)."""
    towns = _townships()
    codes = towns["code"].tolist()
    return build_dataset(
        groups=GROUPS,
        townships=towns,
        sites=_sites(codes),
        demand=_demand(codes),
        projects=_projects(codes),
        name="宿豫区（测试数据）",
        demo=demo,
        budget_yuan=100_000,
        metadata={"source": "测试数据", "boundary_note": "示意边界"},
    )
