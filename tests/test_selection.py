"""Filtered sites, catchments, villages out of reach and township detail, checked by hand."""

from __future__ import annotations

import dataclasses
import math

import pytest
from pyproj import Geod
from small_dataset import GROUPS, make_dataset

from geo.selection import (
    district_kpis,
    filter_sites,
    site_catchment_radii,
    township_detail,
    unreached_points,
    unreached_villages,
)
from geo.summary import Summary, summarize


@pytest.fixture(scope="module")
def summary() -> Summary:
    return summarize(make_dataset())


def test_filter_sites_by_group_kind_category_and_township() -> None:
    sites = make_dataset().sites
    assert list(filter_sites(sites)["id"]) == ["S1", "S2", "S3", "S4"]
    assert list(filter_sites(sites, groups=["children"])["id"]) == ["S2", "S3"]
    assert list(filter_sites(sites, kinds=["organization"])["id"]) == ["S4"]
    assert list(filter_sites(sites, categories=["驿站", "社工站"])["id"]) == ["S1", "S2"]
    assert list(filter_sites(sites, groups=["elders"], township="T2")["id"]) == ["S2"]
    assert filter_sites(sites, groups=["children"], kinds=["organization"]).empty


def test_catchment_is_the_widest_radius_over_the_groups_served() -> None:
    sites = make_dataset().sites
    radii = site_catchment_radii(sites, GROUPS)
    # S1 elders 2000; S2 elders 2000 and children 1000; S3 children 1000; S4 its own 500
    assert radii.tolist() == [2000.0, 2000.0, 1000.0, 500.0]
    children_only = site_catchment_radii(sites, [GROUPS[1]])
    assert math.isnan(children_only.iloc[0]) and children_only.iloc[2] == 1000.0


def test_unreached_points_by_hand(summary: Summary) -> None:
    points = unreached_points(summary)
    # V2: 50 elders + 20 children; V4: 40 elders (S3 serves children only); V5: 30 elders
    # (1.1 km from S4, whose own radius is 500 m); V1: its 10 children (S1 serves elders only)
    assert list(points["id"]) == ["V2", "V4", "V5", "V1"]
    assert points["unreached"].tolist() == [70.0, 40.0, 30.0, 10.0]
    assert points["people"].tolist() == [70.0, 65.0, 30.0, 110.0]


def test_unreached_points_follow_the_selected_groups() -> None:
    children = summarize(make_dataset(), groups=["children"])
    points = unreached_points(children)
    assert list(points["id"]) == ["V2", "V1"]
    assert points["unreached"].tolist() == [20.0, 10.0]


def test_township_detail(summary: Summary) -> None:
    detail = township_detail(summary, "T1")
    assert detail.name == "一镇"
    assert detail.groups.loc["elders", "demand"] == 150
    assert detail.groups.loc["elders", "covered"] == 100
    assert detail.groups.loc["children", "unreached"] == 30
    assert list(detail.sites["id"]) == ["S1"]
    assert list(detail.projects["id"]) == ["P1"]
    t4 = township_detail(summary, "T4")
    assert list(t4.projects["id"]) == ["P2"]  # a project that names two townships
    with pytest.raises(ValueError, match=r"`code` must be one of 'T1'.*got 'T9'"):
        township_detail(summary, "T9")


def test_district_kpis_by_hand(summary: Summary) -> None:
    kpis = district_kpis(summary)
    assert (kpis.organizations, kpis.stations) == (1, 3)
    # people in townships: elders 150 + 80 + 40 + 30, children 30 + 30 + 25 (D6 has none)
    assert kpis.people == 385
    assert kpis.covered == 100 + 80 + 30 + 25
    assert kpis.coverage == pytest.approx(235 / 385)
    assert (kpis.funding_year, kpis.projects, kpis.funding_yuan) == (2021, 2, 100000.0)
    children = district_kpis(summarize(make_dataset(), groups=["children"]))
    assert (children.projects, children.people, children.stations) == (1, 85, 2)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]


def test_unreached_villages_name_the_nearest_serving_site_in_metres(summary: Summary) -> None:
    villages = unreached_villages(summary)
    rows = list(zip(villages["id"], villages["group"], villages["site_id"], strict=True))
    # T1: V2's elders (S1 is 4.6 km west, S2 a little further east), V2's children (S2: S3
    # serves children too but is 11 km away), V1's children (S1 serves elders only); T3: V4's
    # elders (S4, 9 km east, beats S1, 11 km south); T4: V5's elders (S4, its own 500 m)
    assert rows == [
        ("V2", "elders", "S1"),
        ("V2", "children", "S2"),
        ("V1", "children", "S2"),
        ("V4", "elders", "S4"),
        ("V5", "elders", "S4"),
    ]
    assert villages["unreached"].tolist() == [50.0, 20.0, 10.0, 40.0, 30.0]
    assert villages["township_name"].tolist() == ["一镇", "一镇", "一镇", "三镇", "四镇"]
    assert villages["radius_m"].tolist() == [2000.0, 1000.0, 1000.0, 500.0, 500.0]
    # metres on the ground (UTM scale error here < 0.05%), not degrees
    expected = [
        _metres((118.3999, 33.85), (118.35, 33.85)),
        _metres((118.3999, 33.85), (118.45, 33.85)),
        _metres((118.351, 33.851), (118.45, 33.85)),
        _metres((118.351, 33.951), (118.45, 33.95)),
        _metres((118.462, 33.95), (118.45, 33.95)),
    ]
    assert villages["distance_m"].tolist() == pytest.approx(expected, rel=5e-4)
    assert 1100 < villages["distance_m"].iloc[-1] < 1120


def test_unreached_villages_are_the_red_points_of_the_map(summary: Summary) -> None:
    villages = unreached_villages(summary)
    points = unreached_points(summary).set_index("id")
    per_village = villages.groupby("id")["unreached"].sum()
    assert per_village.sort_index().to_dict() == points["unreached"].sort_index().to_dict()
    assert list(unreached_villages(summary, "T3")["id"]) == ["V4"]
    assert unreached_villages(summary, "T2").empty


def test_a_group_no_site_serves_has_no_nearest_site() -> None:
    dataset = make_dataset()
    sites = dataset.sites.assign(groups=[("elders",)] * 4)
    summary = summarize(dataclasses.replace(dataset, sites=sites), groups=["children"])
    villages = unreached_villages(summary)
    assert list(villages["id"]) == ["V2", "V1", "V3", "V4"]  # every village with children
    assert villages["site_id"].isna().all() and villages["distance_m"].isna().all()
