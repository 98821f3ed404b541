"""Tests for geo.coverage on layouts at exact metre offsets near Suqian (118.4° E, 33.95° N).

Every layer is built in WGS-84 like a loaded dataset; the shapes are drawn in metres on the
ground around an origin (tests/ground.py) and turned into degrees, so that distances and areas
can be worked out by hand. The district fixture is centred on its site s1, so the catchment
edges through it are exact geodesic distances.
"""

from __future__ import annotations

import math

import geopandas as gpd
import ground
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from builder import build_dataset, sites_frame
from ground import lonlat
from shapely.geometry import Point, box

from geo.coverage import (
    areal_covered_share,
    compute_coverage,
    coverage_ratio,
    points_within_reach,
    site_radii,
)
from geo.dataset import Dataset, Group

# The district fixture's frame: (2000, 2000), where s1 stands, is the origin of the ground.
OFFSET = np.array([2000.0, 2000.0])
ELDERS = Group(code="elders", label="留守老人", radius_m=2000.0)
CHILDREN = Group(code="children", label="留守儿童", radius_m=1000.0)


def in_degrees(geoms: list[shapely.Geometry | None]) -> gpd.GeoSeries:
    """Geometries drawn in metres (s1 at (2000, 2000) is the origin), in EPSG:4326."""
    moved = [None if g is None else shapely.transform(g, lambda xy: xy - OFFSET) for g in geoms]
    return ground.in_degrees(moved)


def make_sites(rows: list[tuple[str, float, float, tuple[str, ...], float]]) -> gpd.GeoDataFrame:
    """Sites from ``(id, x_m, y_m, groups, radius_m)``; the other columns as the builder fills
    them (stations, no capacity, ``township`` None)."""
    return sites_frame(
        {
            "id": [r[0] for r in rows],
            "groups": [r[3] for r in rows],
            "radius_m": [r[4] for r in rows],
            "geometry": in_degrees([Point(r[1], r[2]) for r in rows]),
        }
    )


def make_demand(rows: list[tuple[str, str | None, Point | None, int, int]]) -> gpd.GeoDataFrame:
    """Demand from ``(id, township, point_in_metres_or_None, elders, children)``."""
    return gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "name": [None] * len(rows),
            "township": [r[1] for r in rows],
            "elders": [r[3] for r in rows],
            "children": [r[4] for r in rows],
        },
        geometry=in_degrees([r[2] for r in rows]),
    )


def make_dataset(
    townships: dict[str, shapely.Geometry],
    sites: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
) -> Dataset:
    towns = {
        "code": list(townships),
        "name": [f"{c}镇" for c in townships],
        "geometry": in_degrees(list(townships.values())),
    }
    return build_dataset(groups=(ELDERS, CHILDREN), townships=towns, sites=sites, demand=demand)


# --- points_within_reach -------------------------------------------------------------------


def test_a_point_exactly_at_the_radius_is_covered_and_1_cm_beyond_is_not() -> None:
    demand = lonlat([[2000.0, 0.0], [2000.01, 0.0], [0.0, -2000.0], [1414.2, 1414.2]])
    covered = points_within_reach(demand, lonlat([[0.0, 0.0]]), np.array([2000.0]))
    assert covered.tolist() == [True, False, True, True]


def test_each_site_uses_its_own_radius() -> None:
    sites = lonlat([[0.0, 0.0], [10_000.0, 0.0]])
    demand = lonlat([[600.0, 0.0], [10_600.0, 0.0], [9_000.0, 0.0]])
    covered = points_within_reach(demand, sites, np.array([500.0, 1000.0]))
    assert covered.tolist() == [False, True, True]


def test_no_sites_or_no_demand() -> None:
    assert (
        points_within_reach(np.zeros((3, 2)), np.empty((0, 2)), np.empty(0)).tolist() == [False] * 3
    )
    assert points_within_reach(np.empty((0, 2)), np.zeros((1, 2)), np.ones(1)).shape == (0,)


def test_bad_shapes_and_radii_are_refused() -> None:
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        points_within_reach(np.zeros((2, 3)), np.zeros((1, 2)), np.ones(1))
    with pytest.raises(ValueError, match="one radius per site"):
        points_within_reach(np.zeros((2, 2)), np.zeros((2, 2)), np.ones(3))
    with pytest.raises(ValueError, match="non-negative"):
        points_within_reach(np.zeros((2, 2)), np.zeros((1, 2)), np.array([np.nan]))
    with pytest.raises(ValueError, match="longitudes and latitudes"):
        points_within_reach(np.array([[500_000.0, 3_700_000.0]]), np.zeros((1, 2)), np.ones(1))


def _geodesic_table(demand: np.ndarray, sites: np.ndarray) -> np.ndarray:
    """Every demand x site geodesic distance, the slow way."""
    d = np.repeat(demand, len(sites), axis=0)
    s = np.tile(sites, (len(demand), 1))
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(d[:, 0], d[:, 1], s[:, 0], s[:, 1])
    return np.asarray(dist).reshape(len(demand), len(sites))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_brute_force_geodesics_with_mixed_radii(seed: int) -> None:
    rng = np.random.default_rng(seed)
    demand = lonlat(rng.uniform(0, 20_000, size=(800, 2)))
    sites = lonlat(rng.uniform(0, 20_000, size=(60, 2)))
    radii = rng.uniform(200, 2500, size=60)
    radii[:3] = [0.0, 30_000.0 * (seed == 3), 50.0]
    expected = (_geodesic_table(demand, sites) <= radii[None, :]).any(axis=1)
    assert 0 < expected.sum() <= len(expected)
    np.testing.assert_array_equal(points_within_reach(demand, sites, radii), expected)


def test_edges_hold_next_to_a_much_larger_catchment() -> None:
    # The far site's 50 km radius sets the lifting height; the 300 m site's edge must still be
    # exact to the centimetre.
    sites = lonlat([[0.0, 0.0], [200_000.0, 0.0]])
    demand = lonlat([[300.0, 0.0], [0.0, 300.01], [212.1320, 212.1320]])
    covered = points_within_reach(demand, sites, np.array([300.0, 50_000.0]))
    assert covered.tolist() == [True, False, True]


# --- site_radii ----------------------------------------------------------------------------


def test_site_radius_overrides_the_group_radius_and_other_groups_are_masked() -> None:
    sites = make_sites(
        [
            ("s1", 0, 0, ("elders",), np.nan),
            ("s2", 0, 0, ("elders", "children"), 3500.0),
            ("s3", 0, 0, ("children",), np.nan),
            ("s4", 0, 0, (), 800.0),
        ]
    )
    mask, radii = site_radii(sites, ELDERS)
    assert mask.tolist() == [True, True, False, False]
    assert radii.tolist() == [2000.0, 3500.0, 2000.0, 800.0]


# --- areal_covered_share -------------------------------------------------------------------


def test_half_disc_on_the_edge_of_a_square_covers_pi_over_8() -> None:
    square = ground.in_degrees([box(-1000, 0, 1000, 2000)])
    share = areal_covered_share(square, lonlat([[0.0, 0.0]]), np.array([1000.0]))
    assert share[0] == pytest.approx((math.pi / 2) / 4, rel=1e-3)


def test_overlapping_discs_are_not_counted_twice() -> None:
    square = ground.in_degrees([box(-1000, 0, 1000, 2000)])
    share = areal_covered_share(square, lonlat([[0.0, 0.0]] * 3), np.array([1000.0] * 3))
    assert share[0] == pytest.approx((math.pi / 2) / 4, rel=1e-3)


def test_township_inside_a_disc_is_fully_covered_and_a_far_one_not_at_all() -> None:
    polygons = ground.in_degrees(
        [box(-500, -500, 500, 500), box(50_000, 0, 51_000, 1000), box(1500, -100, 2500, 100)]
    )
    share = areal_covered_share(polygons, lonlat([[0.0, 0.0]]), np.array([2000.0]))
    assert share[0] == 1.0
    assert share[1] == 0.0
    # the rectangle x 1500..2500, |y| <= 100 is cut by the circle x = sqrt(2000^2 - y^2) ~ 2000
    assert share[2] == pytest.approx(0.5, abs=2e-3)


def test_areal_share_matches_one_union_of_every_disc_on_the_ground() -> None:
    rng = np.random.default_rng(7)
    corners = rng.uniform(-15_000, 15_000, size=(40, 2))
    polygons = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + 3000, corners[:, 1] + 2000)
    sites = rng.uniform(-15_000, 15_000, size=(25, 2))
    radii = rng.uniform(500, 4000, size=25)
    union = shapely.union_all(shapely.buffer(shapely.points(sites), radii, quad_segs=32))
    expected = shapely.area(shapely.intersection(polygons, union)) / shapely.area(polygons)
    shares = areal_covered_share(ground.in_degrees(polygons), lonlat(sites), radii)
    np.testing.assert_allclose(shares, expected, atol=5e-4)


def test_areal_share_without_sites_is_zero_and_projected_polygons_are_refused() -> None:
    square = ground.in_degrees([box(0, 0, 1000, 1000)])
    assert areal_covered_share(square, np.empty((0, 2)), np.empty(0)).tolist() == [0.0]
    in_metres = gpd.GeoSeries([box(0, 0, 1000, 1000)], crs=ground.ground_crs())
    with pytest.raises(ValueError, match="WGS-84 degrees"):
        areal_covered_share(in_metres, np.zeros((1, 2)), np.ones(1))
    with pytest.raises(ValueError, match="positive area"):
        areal_covered_share([box(118.4, 33.9, 118.4, 34.0)], np.zeros((1, 2)), np.ones(1))


# --- compute_coverage ----------------------------------------------------------------------


@pytest.fixture
def district() -> Dataset:
    """Townships A (0..4000 x 0..4000), B (4000..8000 x 0..4000) and C (far away, no people).

    s1 sits in the middle of A; s2 sits outside every township, east of B, with its own 1500 m
    radius; s3 serves children only. d7 is A's township-level demand; d5 lies in no township.
    """
    townships = {
        "A": box(0, 0, 4000, 4000),
        "B": box(4000, 0, 8000, 4000),
        "C": box(0, 20_000, 1000, 21_000),
    }
    sites = make_sites(
        [
            ("s1", 2000, 2000, ("elders", "children"), np.nan),
            ("s2", 9000, 2000, ("elders",), 1500.0),
            ("s3", 6000, 2000, ("children",), 500.0),
        ]
    )
    demand = make_demand(
        [
            ("d1", "A", Point(3999, 2000), 10, 5),  # 1999 m from s1
            ("d2", "A", Point(2000, 3000), 4, 3),  # 1000 m from s1: the children's edge
            ("d3", "B", Point(7500, 2000), 7, 2),  # 1500 m from s2: its own edge
            ("d4", "B", Point(6000, 2499), 6, 8),  # 499 m from s3, which serves no elders
            ("d6", "B", Point(7200, 2000), 1, 0),  # 1800 m from s2: beyond its own 1500 m
            ("d5", None, Point(20_000, 2000), 100, 100),  # in no township
            ("d7", "A", None, 40, 0),  # township-level: spread over A
        ]
    )
    return make_dataset(townships, sites, demand)


def test_demand_is_summed_per_township_in_dataset_order(district: Dataset) -> None:
    cov = compute_coverage(district)
    assert cov.groups == ("elders", "children")
    assert cov.demand.index.tolist() == ["A", "B", "C"]
    assert cov.demand.to_dict("index") == {
        "A": {"elders": 54, "children": 8},
        "B": {"elders": 14, "children": 10},
        "C": {"elders": 0, "children": 0},
    }


def test_covered_people_follow_reach_and_areal_share(district: Dataset) -> None:
    cov = compute_coverage(district)
    # d7: s1's 2 km disc lies wholly inside A (4 km x 4 km), so the share is pi/4.
    assert cov.covered.loc["A", "elders"] == pytest.approx(14 + 40 * math.pi / 4, rel=1e-3)
    assert cov.covered.loc["A", "children"] == 3
    assert cov.covered.loc["B", "elders"] == 7
    assert cov.covered.loc["B", "children"] == 8
    assert cov.covered.loc["C"].tolist() == [0.0, 0.0]


def test_point_covered_marks_each_village_and_leaves_township_rows_empty(
    district: Dataset,
) -> None:
    reached = compute_coverage(district).point_covered
    assert reached.index.tolist() == ["d1", "d2", "d3", "d4", "d6", "d5", "d7"]
    assert str(reached["elders"].dtype) == "boolean"
    assert reached["elders"].iloc[:6].tolist() == [True, True, True, False, False, False]
    assert reached["children"].iloc[:6].tolist() == [False, True, False, True, False, False]
    assert reached.loc["d7"].isna().all()


def test_points_in_no_township_are_listed_not_counted(district: Dataset) -> None:
    cov = compute_coverage(district)
    assert cov.unassigned_demand["id"].tolist() == ["d5"]
    assert cov.demand["elders"].sum() == 54 + 14


def test_coverage_ratio_is_nan_where_there_is_no_demand(district: Dataset) -> None:
    ratio = compute_coverage(district).ratio
    assert ratio.loc["B", "children"] == pytest.approx(0.8)
    assert ratio.loc["C"].isna().all()
    frame = coverage_ratio(pd.DataFrame({"g": [0.0, 3.0]}), pd.DataFrame({"g": [0, 4]}))
    assert frame["g"].isna().tolist() == [True, False]
    assert frame["g"].iloc[1] == 0.75


def test_township_level_demand_out_of_reach_is_not_covered(district: Dataset) -> None:
    extra = make_demand([("d8", "C", None, 0, 20)])
    data = make_dataset(
        {"A": box(0, 0, 4000, 4000), "C": box(0, 20_000, 1000, 21_000)},
        district.sites,
        pd.concat([district.demand, extra], ignore_index=True),
    )
    cov = compute_coverage(data)
    assert cov.demand.loc["C", "children"] == 20
    assert cov.covered.loc["C", "children"] == 0.0


def test_a_chosen_subset_of_groups(district: Dataset) -> None:
    cov = compute_coverage(district, ["children"])
    assert cov.demand.columns.tolist() == ["children"]
    assert cov.point_covered.columns.tolist() == ["children"]
    with pytest.raises(
        ValueError, match=r"`groups` must be one of 'elders', 'children'; got 'nobody'"
    ):
        compute_coverage(district, ["nobody"])


def test_a_dataset_without_sites_covers_nobody(district: Dataset) -> None:
    data = make_dataset({"A": box(0, 0, 4000, 4000)}, district.sites.iloc[:0], district.demand)
    cov = compute_coverage(data)
    assert cov.covered.to_numpy().sum() == 0.0
    assert cov.demand.loc["A", "elders"] == 54


def test_no_demand_rows_give_zero_tables(district: Dataset) -> None:
    data = make_dataset({"A": box(0, 0, 4000, 4000)}, district.sites, make_demand([]))
    cov = compute_coverage(data)
    assert cov.demand.to_dict("index") == {"A": {"elders": 0, "children": 0}}
    assert cov.point_covered.empty
    assert cov.unassigned_demand.empty
