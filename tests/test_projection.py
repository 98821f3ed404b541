"""Tests for geo.projection: geodesic distances and local areas anywhere, against pyproj.Geod.

One dataset holds places in Kashgar, Shanghai, Harbin and Sanya (three UTM zones apart, 18° to
46° N); further cases sit in the southern hemisphere and across the antimeridian. The first
tests are about the projection static maps are *drawn* in (nothing is measured in it).
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
    drawing_crs,
    geocentric,
    geodesic_m,
    local_equal_area,
    lonlat,
    point_scale,
    reach_pairs,
    utm_zone,
)

GEOD = pyproj.Geod(ellps="WGS84")
# lon, lat of four cities three UTM zones apart, and two places the old single zone broke.
KASHGAR, SHANGHAI, HARBIN, SANYA = (75.99, 39.47), (121.47, 31.23), (126.63, 45.75), (109.51, 18.25)
SYDNEY = (151.21, -33.87)
ANTIMERIDIAN = (179.998, -16.5)  # Fiji's Vanua Levu reaches across 180°
PLACES = (KASHGAR, SHANGHAI, HARBIN, SANYA, SYDNEY, ANTIMERIDIAN)
NAMES = ("kashgar", "shanghai", "harbin", "sanya", "sydney", "fiji")
Country = tuple[np.ndarray, np.ndarray, np.ndarray]
WGS84 = "EPSG:4326"


def test_a_district_is_drawn_in_its_utm_zone() -> None:
    assert drawing_crs((118.0, 33.7, 118.8, 34.2)).to_epsg() == 32650  # Suyu: UTM 50N
    assert drawing_crs((151.1, -34.0, 151.3, -33.8)).to_epsg() == 32756  # Sydney: 56S


def test_a_city_across_a_zone_edge_stays_in_the_zone_of_its_centre() -> None:
    # Centre 120.05 E: zone 51 (central meridian 123 E). Its farthest edge, 119.7 E at 33 N,
    # has scale 0.9996 (1 + (3.3° cos 33°)^2 / 2) = 1.00082: within UTM's own 1.001.
    assert drawing_crs((119.7, 33.0, 120.4, 33.6)).to_epsg() == 32651


@pytest.mark.parametrize(
    ("lon", "zone"), [(-180.0, 1), (-174.01, 1), (-174.0, 2), (0.0, 31), (179.9, 60), (180.0, 60)]
)
def test_utm_zone_edges(lon: float, zone: int) -> None:
    assert utm_zone(lon) == zone


def _conic(crs: pyproj.CRS) -> dict[str, float]:
    operation = crs.coordinate_operation
    assert operation is not None
    assert operation.method_name == "Lambert Conic Conformal (2SP)"
    assert crs.ellipsoid is not None and crs.ellipsoid.name == "WGS 84"
    return {param.name: param.value for param in operation.params}


def test_a_province_over_several_zones_gets_a_conic_centred_on_it() -> None:
    # Jiangsu: 116.3-121.9 E is too wide for one zone at 31 N (scale 1.0023 at 121.9 E).
    params = _conic(drawing_crs((116.3, 30.7, 121.9, 35.1)))
    assert params["Latitude of 1st standard parallel"] == pytest.approx(30.7 + 4.4 / 6)
    assert params["Latitude of 2nd standard parallel"] == pytest.approx(30.7 + 4.4 * 5 / 6)
    assert params["Longitude of false origin"] == pytest.approx(119.1)
    assert params["Latitude of false origin"] == pytest.approx(32.9)


def test_the_country_is_drawn_in_a_conic_true_on_its_two_parallels() -> None:
    cities = gpd.GeoSeries([Point(p) for p in (KASHGAR, SHANGHAI, HARBIN, SANYA)], crs=WGS84)
    crs = drawing_crs(cities)
    params = _conic(crs)
    south, north = 18.25 + 27.5 / 6, 18.25 + 27.5 * 5 / 6  # latitudes 18.25-45.75 N
    assert params["Latitude of 1st standard parallel"] == pytest.approx(south)
    assert params["Latitude of 2nd standard parallel"] == pytest.approx(north)
    assert params["Longitude of false origin"] == pytest.approx((75.99 + 126.63) / 2)
    # A conic's scale depends on latitude only: 1 on both standard parallels at any
    # longitude, below 1 between them, above 1 outside.
    on = point_scale(crs, [[75.99, south], [126.63, south], [101.3, north], [75.99, north]])
    np.testing.assert_allclose(on, 1.0, atol=1e-9)
    west, east = point_scale(crs, [[75.99, 32.0], [126.63, 32.0]])
    assert west == pytest.approx(east, rel=1e-12)
    assert west < 1
    assert (point_scale(crs, [SANYA, HARBIN]) > 1).all()


def _ground_square(lon: float, lat: float, side_m: float) -> shapely.Polygon:
    """A square of ``side_m`` on the ground centred on (lon, lat), sides along the meridian."""
    half = side_m / 2
    corners = []
    for east, north in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        mid_lon, mid_lat, _ = GEOD.fwd(lon, lat, 0 if north > 0 else 180, half)
        corner_lon, corner_lat, _ = GEOD.fwd(mid_lon, mid_lat, 90 if east > 0 else 270, half)
        corners.append((corner_lon, corner_lat))
    return shapely.Polygon(corners)


def test_a_township_in_kashgar_keeps_its_shape_and_size_on_a_map_of_china() -> None:
    cities = gpd.GeoSeries([Point(p) for p in (KASHGAR, SHANGHAI, HARBIN, SANYA)], crs=WGS84)
    squares = gpd.GeoSeries(
        [_ground_square(*KASHGAR, 10_000), _ground_square(101.31, 32.0, 10_000)], crs=WGS84
    )
    conic = drawing_crs(cities)
    kashgar, centre = squares.to_crs(conic)
    minx, miny, maxx, maxy = kashgar.bounds
    assert (maxx - minx) / (maxy - miny) == pytest.approx(1.0, rel=0.01)
    # Drawn at the scale of the same square at the map's centre within 1% (0.84%: the conic's
    # scale varies with latitude only, and Kashgar is 7.5° north of the centre).
    assert math.sqrt(kashgar.area / centre.area) == pytest.approx(1.0, abs=0.01)
    # UTM 47N, the zone of the centre (central meridian 99 E), draws it 23° off that meridian:
    # conformal too (so still a square), but 4.8% larger than at the centre (10% its area).
    utm_kashgar, utm_centre = squares.to_crs("EPSG:32647")
    assert math.sqrt(utm_kashgar.area / utm_centre.area) > 1.04


@pytest.mark.parametrize(
    "bounds",
    [(95.0, -11.0, 141.0, 6.0), (30.0, -1.0, 40.0, 1.0)],  # Indonesia; astride the equator
)
def test_an_extent_across_the_equator_is_drawn_in_mercator(
    bounds: tuple[float, float, float, float],
) -> None:
    crs = drawing_crs(bounds)
    assert crs.coordinate_operation is not None
    assert crs.coordinate_operation.method_name.startswith("Mercator")
    lon = (bounds[0] + bounds[2]) / 2
    # Mercator's scale on the ellipsoid is sqrt(1 - e^2 sin^2 lat) / cos lat: 1 on the equator.
    ten = math.radians(10.0)
    expected = math.sqrt(1 - GEOD.es * math.sin(ten) ** 2) / math.cos(ten)
    scale = point_scale(crs, [[lon, 0.0], [bounds[0], -10.0]])
    assert scale == pytest.approx([1.0, expected], rel=1e-9)


def test_a_wide_extent_on_one_side_of_the_equator_keeps_the_conic() -> None:
    # Brazil: 34 S to 5 N, standard parallels 27.5 S and 1.5 S, both south.
    params = _conic(drawing_crs((-74.0, -34.0, -34.0, 5.0)))
    assert params["Latitude of 1st standard parallel"] == pytest.approx(-27.5)
    assert params["Latitude of 2nd standard parallel"] == pytest.approx(-1.5)


def test_bounds_of_a_projected_frame_are_taken_in_degrees() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(118.4, 33.95)], crs="EPSG:4326").to_crs("EPSG:3857")
    assert drawing_crs(gdf).to_epsg() == 32650


def test_empty_or_crs_less_data_is_refused() -> None:
    with pytest.raises(ValueError, match="no geometry"):
        drawing_crs(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"))
    with pytest.raises(ValueError, match="CRS"):
        drawing_crs(gpd.GeoSeries([Point(118.4, 33.95)]))
    with pytest.raises(ValueError, match="four finite numbers"):
        drawing_crs((118.0, float("nan"), 119.0, 34.0))


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
