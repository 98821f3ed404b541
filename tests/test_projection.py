"""Tests for geo.projection: geodesic distances and local areas anywhere, against pyproj.Geod.

One dataset holds places in Kashgar, Shanghai, Harbin and Sanya (three UTM zones apart, 18° to
46° N); further cases sit in the southern hemisphere and across the antimeridian. The UTM zone
remains only for drawing maps (the first tests).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box

from geo.coverage import areal_covered_share, points_within_reach
from geo.projection import (
    geocentric,
    geodesic_m,
    local_equal_area,
    local_metric_crs,
    lonlat,
    reach_pairs,
    utm_zone,
)


def test_suqian_is_in_utm_zone_50_north() -> None:
    crs = local_metric_crs((118.0, 33.7, 118.8, 34.2))
    assert crs.to_epsg() == 32650


def test_southern_hemisphere_uses_327xx() -> None:
    assert local_metric_crs((151.1, -34.0, 151.3, -33.8)).to_epsg() == 32756


@pytest.mark.parametrize(
    ("lon", "zone"), [(-180.0, 1), (-174.01, 1), (-174.0, 2), (0.0, 31), (179.9, 60), (180.0, 60)]
)
def test_utm_zone_edges(lon: float, zone: int) -> None:
    assert utm_zone(lon) == zone


def test_zone_comes_from_the_centre_of_the_total_bounds() -> None:
    # 113.5 is in zone 49 and 121.5 in zone 51; their centre, 117.5, is in zone 50.
    gdf = gpd.GeoDataFrame(geometry=[Point(113.5, 30.0), Point(121.5, 31.0)], crs="EPSG:4326")
    assert local_metric_crs(gdf).to_epsg() == 32650


def test_bounds_of_a_projected_frame_are_taken_in_degrees() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(118.4, 33.95)], crs="EPSG:4326").to_crs("EPSG:3857")
    assert local_metric_crs(gdf).to_epsg() == 32650


def test_empty_or_crs_less_data_is_refused() -> None:
    with pytest.raises(ValueError, match="no geometry"):
        local_metric_crs(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"))
    with pytest.raises(ValueError, match="CRS"):
        local_metric_crs(gpd.GeoSeries([Point(118.4, 33.95)]))
    with pytest.raises(ValueError, match="four finite numbers"):
        local_metric_crs((118.0, float("nan"), 119.0, 34.0))


GEOD = pyproj.Geod(ellps="WGS84")
# lon, lat of four cities three UTM zones apart, and two places the old single zone broke.
KASHGAR, SHANGHAI, HARBIN, SANYA = (75.99, 39.47), (121.47, 31.23), (126.63, 45.75), (109.51, 18.25)
SYDNEY = (151.21, -33.87)
ANTIMERIDIAN = (179.998, -16.5)  # Fiji's Vanua Levu reaches across 180°
PLACES = (KASHGAR, SHANGHAI, HARBIN, SANYA, SYDNEY, ANTIMERIDIAN)
NAMES = ("kashgar", "shanghai", "harbin", "sanya", "sydney", "fiji")
Country = tuple[np.ndarray, np.ndarray, np.ndarray]


def _scatter(
    rng: np.random.Generator, centre: tuple[float, float], n: int, metres: float
) -> np.ndarray:
    """``n`` points within about ``metres`` of ``centre`` (lon/lat, wrapped to +-180)."""
    azimuth = rng.uniform(0, 360, n)
    distance = metres * np.sqrt(rng.uniform(0, 1, n))
    lon, lat, _ = GEOD.fwd(np.full(n, centre[0]), np.full(n, centre[1]), azimuth, distance)
    return np.column_stack([(np.asarray(lon) + 180) % 360 - 180, lat])


def _table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    aa, bb = np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1))
    _, _, dist = GEOD.inv(aa[:, 0], aa[:, 1], bb[:, 0], bb[:, 1])
    return np.asarray(dist).reshape(len(a), len(b))


@pytest.fixture(scope="module")
def country() -> Country:
    """Villages and sites around every place of PLACES, in one dataset; per-site radii."""
    rng = np.random.default_rng(15)
    villages = np.vstack([_scatter(rng, c, 300, 6000.0) for c in PLACES])
    sites = np.vstack([_scatter(rng, c, 12, 5000.0) for c in PLACES])
    radii = rng.uniform(800.0, 3000.0, len(sites))
    return villages, sites, radii


def test_pair_distances_are_the_geodesic_anywhere(country: Country) -> None:
    villages, sites, radii = country
    pairs = reach_pairs(villages, sites, radii)
    exact = geodesic_m(villages[pairs.demand], sites[pairs.site])
    assert len(pairs.demand) > 500
    np.testing.assert_allclose(pairs.distance_m, exact, rtol=1e-7, atol=1e-6)
    assert (exact <= radii[pairs.site] + 1e-6).all()


def test_every_pair_within_reach_is_found_and_no_other(country: Country) -> None:
    villages, sites, radii = country
    expected = np.argwhere(_table(villages, sites) <= radii[None, :])
    pairs = reach_pairs(villages, sites, radii)
    found = np.column_stack([pairs.demand, pairs.site])
    assert sorted(map(tuple, found.tolist())) == sorted(map(tuple, expected.tolist()))
    within = points_within_reach(villages, sites, radii)
    np.testing.assert_array_equal(within, (_table(villages, sites) <= radii[None, :]).any(axis=1))


@pytest.mark.parametrize(
    "place", PLACES, ids=["kashgar", "shanghai", "harbin", "sanya", "sydney", "fiji"]
)
def test_the_edge_of_a_1500_m_catchment_is_1500_m_everywhere(place: tuple[float, float]) -> None:
    # One UTM zone for China measured this catchment as 1,573 m in Kashgar, 1,587 m in Shanghai.
    azimuths = np.array([0.0, 45.0, 90.0, 135.0, 180.0, 270.0])
    ring = []
    for d in (1499.9, 1500.0, 1500.01):
        lon, lat, _ = GEOD.fwd(np.full(6, place[0]), np.full(6, place[1]), azimuths, np.full(6, d))
        ring.append(np.column_stack([(np.asarray(lon) + 180) % 360 - 180, lat]))
    covered = points_within_reach(np.vstack(ring), np.array([place]), np.array([1500.0]))
    assert covered.tolist() == [True] * 12 + [False] * 6


def test_a_site_across_the_antimeridian_reaches_its_neighbours() -> None:
    site = np.array([[179.9995, -16.5]])
    villages = np.array([[-179.9995, -16.5], [-179.98, -16.5]])  # about 107 m and 2.1 km away
    pairs = reach_pairs(villages, site, [1000.0])
    assert pairs.demand.tolist() == [0]
    assert pairs.distance_m[0] == pytest.approx(geodesic_m(villages[:1], site)[0], rel=1e-9)


def test_geocentric_coordinates_match_pyproj() -> None:
    points = np.array([KASHGAR, SANYA, SYDNEY, (-180.0, 0.0), (0.0, 90.0)])
    to_ecef = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)
    x, y, z = to_ecef.transform(points[:, 0], points[:, 1], np.zeros(len(points)))
    np.testing.assert_allclose(geocentric(points), np.column_stack([x, y, z]), atol=1e-6)


def _square_around(centre: tuple[float, float], half_m: float) -> shapely.Geometry:
    """A densified square of side 2 x ``half_m`` (metres on the ground) around ``centre``."""
    aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lon_0={centre[0]} +lat_0={centre[1]} +ellps=WGS84")
    square = shapely.segmentize(box(-half_m, -half_m, half_m, half_m), half_m / 50)
    return gpd.GeoSeries([square], crs=aeqd).to_crs("EPSG:4326").iloc[0]


@pytest.mark.parametrize(
    "place", PLACES[:5], ids=["kashgar", "shanghai", "harbin", "sanya", "sydney"]
)
@pytest.mark.parametrize("half_m", [2_000.0, 20_000.0, 150_000.0])
def test_local_areas_are_the_ellipsoidal_areas(place: tuple[float, float], half_m: float) -> None:
    town = _square_around(place, half_m)
    exact, _ = GEOD.geometry_area_perimeter(town)
    local = local_equal_area([town], [place])[0]
    assert local.area == pytest.approx(abs(exact), rel=1e-4)


@pytest.mark.parametrize(
    "place", PLACES[:5], ids=["kashgar", "shanghai", "harbin", "sanya", "sydney"]
)
def test_a_catchment_inside_a_township_covers_pi_r2_of_its_ellipsoidal_area(
    place: tuple[float, float],
) -> None:
    town = _square_around(place, 8_000.0)
    exact, _ = GEOD.geometry_area_perimeter(town)
    site = _scatter(np.random.default_rng(3), place, 1, 3000.0)
    share = areal_covered_share([town], site, np.array([1500.0]))[0]
    assert share == pytest.approx(math.pi * 1500.0**2 / abs(exact), rel=1e-3)


def test_lonlat_reads_points_in_any_crs() -> None:
    points = gpd.GeoSeries([Point(*SHANGHAI)], crs="EPSG:4326")
    np.testing.assert_allclose(lonlat(points.to_crs(3857)), [SHANGHAI], atol=1e-9)
    with pytest.raises(ValueError, match="must have a CRS"):
        lonlat(gpd.GeoSeries([Point(*SHANGHAI)]))


def test_reach_is_also_right_where_pairs_are_too_many_to_list() -> None:
    # 2,000 villages under 40 overlapping 10 km catchments: 80,000 pairs, so the power-distance
    # search answers instead of the pair list; edge points at 9,999.99 and 10,000.01 m included.
    rng = np.random.default_rng(4)
    villages = _scatter(rng, HARBIN, 2000, 5000.0)
    sites = _scatter(rng, HARBIN, 40, 3000.0)
    radii = np.full(40, 10_000.0)
    lon, lat, _ = GEOD.fwd([sites[0, 0]] * 2, [sites[0, 1]] * 2, [30.0, 30.0], [9999.99, 10_000.01])
    far = np.column_stack([lon, lat])
    villages = np.vstack([villages, far])
    expected = (_table(villages, sites) <= radii[None, :]).any(axis=1)
    assert len(reach_pairs(villages, sites, radii).demand) > 16 * (len(villages) + len(sites))
    np.testing.assert_array_equal(points_within_reach(villages, sites, radii), expected)
