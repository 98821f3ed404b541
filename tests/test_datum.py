"""Tests for geo.io.datum: WGS-84 / CGCS2000 / GCJ-02 / BD-09 conversions."""

from __future__ import annotations

import numpy as np
import pytest

from geo.dataset import DATUMS
from geo.io.datum import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

EARTH_RADIUS_M = 6_371_008.8
CONVERTERS = [
    wgs84_to_gcj02,
    gcj02_to_wgs84,
    gcj02_to_bd09,
    bd09_to_gcj02,
    wgs84_to_bd09,
    bd09_to_wgs84,
]


def ground_m(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    """Metres between nearby points (equirectangular; exact enough below a kilometre)."""
    d_lon = np.radians(np.asarray(lon_a) - lon_b) * np.cos(np.radians(lat_b))
    d_lat = np.radians(np.asarray(lat_a) - lat_b)
    return np.hypot(d_lon, d_lat) * EARTH_RADIUS_M


def china_sample() -> tuple[np.ndarray, np.ndarray]:
    """A regular grid plus seeded random points over the GCJ-02 rectangle.

    The rectangle is shrunk by 0.1 degree: the GCJ-02 offset jumps to zero at its edges (which
    lie outside China's territory), so near them the inverse is not unique.
    """
    lon_min, lon_max, lat_min, lat_max = 72.104, 137.7347, 0.9293, 55.7271
    grid_lon, grid_lat = np.meshgrid(
        np.linspace(lon_min, lon_max, 67), np.linspace(lat_min, lat_max, 56)
    )
    rng = np.random.default_rng(20240601)
    lon = np.concatenate([grid_lon.ravel(), rng.uniform(lon_min, lon_max, 20_000)])
    lat = np.concatenate([grid_lat.ravel(), rng.uniform(lat_min, lat_max, 20_000)])
    return lon, lat


# (wgs lon, wgs lat, gcj lon, gcj lat). Shanghai, Shenzhen, Beijing: the shared test table of
# googollee/eviltransform (e.g. python/test.py). Last row: wandergis/coordtransform test/app.js.
WGS_GCJ_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]
# (gcj lon, gcj lat, bd lon, bd lat). wandergis/coordtransform test/app.js (gcj02tobd09), and
# the example response of Alibaba Cloud's address-purification TransferCoord API documentation.
GCJ_BD_PAIRS = [
    (116.404, 39.915, 116.41036949371029, 39.92133699351021),
    (120.026268, 30.279164, 120.032768, 30.285238),
]


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), WGS_GCJ_PAIRS)
def test_wgs84_to_gcj02_matches_published_points(wgs_lon, wgs_lat, gcj_lon, gcj_lat):
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert ground_m(lon, lat, gcj_lon, gcj_lat) < 0.5


@pytest.mark.parametrize(("wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat"), WGS_GCJ_PAIRS)
def test_gcj02_to_wgs84_recovers_published_points(wgs_lon, wgs_lat, gcj_lon, gcj_lat):
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert ground_m(lon, lat, wgs_lon, wgs_lat) < 0.01


@pytest.mark.parametrize(("gcj_lon", "gcj_lat", "bd_lon", "bd_lat"), GCJ_BD_PAIRS)
def test_gcj02_to_bd09_matches_published_points(gcj_lon, gcj_lat, bd_lon, bd_lat):
    lon, lat = gcj02_to_bd09(gcj_lon, gcj_lat)
    assert ground_m(lon, lat, bd_lon, bd_lat) < 0.5


def test_bd09_to_gcj02_matches_published_point():
    # wandergis/coordtransform test/app.js: bd09togcj02(116.404, 39.915). That one-step
    # formula is a few centimetres off the exact inverse computed here.
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert ground_m(lon, lat, 116.39762729119315, 39.90865673957631) < 0.5
    back_lon, back_lat = gcj02_to_bd09(lon, lat)
    assert ground_m(back_lon, back_lat, 116.404, 39.915) < 0.001


def test_gcj02_shift_is_hundreds_of_metres_in_suqian():
    # A hand check of scale: the obfuscation moves points by roughly 100-700 m.
    lon, lat = wgs84_to_gcj02(118.33, 33.95)
    assert 100 < ground_m(lon, lat, 118.33, 33.95) < 700


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
        (wgs84_to_bd09, bd09_to_wgs84),
    ],
)
def test_round_trip_over_china_within_a_centimetre(forward, inverse):
    lon, lat = china_sample()
    back_lon, back_lat = inverse(*forward(lon, lat))
    assert ground_m(back_lon, back_lat, lon, lat).max() < 0.01
    # and the other way round: the inverse is a true inverse, not an approximation
    again_lon, again_lat = forward(*inverse(lon, lat))
    assert ground_m(again_lon, again_lat, lon, lat).max() < 0.01


@pytest.mark.parametrize(("lon", "lat"), [(-0.1276, 51.5072), (139.6917, 35.6895), (100.0, 60.0)])
def test_gcj02_leaves_points_outside_china_unchanged(lon, lat):
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_cgcs2000_and_wgs84_are_identity():
    lon, lat = np.array([118.3, 118.4]), np.array([33.9, 34.0])
    for datum in ("wgs84", "cgcs2000"):
        for convert in (to_wgs84, from_wgs84):
            out_lon, out_lat = convert(lon, lat, datum)
            np.testing.assert_array_equal(out_lon, lon)
            np.testing.assert_array_equal(out_lat, lat)
            assert out_lon is not lon  # a copy: callers may write into the result


@pytest.mark.parametrize("datum", DATUMS)
def test_to_wgs84_inverts_from_wgs84(datum):
    lon, lat = np.array([118.25, 118.45]), np.array([33.85, 34.05])
    back_lon, back_lat = to_wgs84(*from_wgs84(lon, lat, datum), datum)
    assert ground_m(back_lon, back_lat, lon, lat).max() < 0.01


def test_to_wgs84_dispatches_to_the_named_datum():
    expected = bd09_to_wgs84(118.3, 33.9)
    assert to_wgs84(118.3, 33.9, "bd09") == expected
    assert from_wgs84(118.3, 33.9, "gcj02") == wgs84_to_gcj02(118.3, 33.9)


@pytest.mark.parametrize("convert", [to_wgs84, from_wgs84])
def test_unknown_datum_names_allowed_and_received_values(convert):
    with pytest.raises(ValueError, match=r"'wgs84', 'cgcs2000', 'gcj02', 'bd09'; got 'WGS-84'"):
        convert(118.3, 33.9, "WGS-84")


@pytest.mark.parametrize("convert", CONVERTERS)
def test_nan_passes_through_without_warnings(convert):
    lon, lat = convert([np.nan, 118.3, 118.3], [33.9, np.nan, 33.9])
    assert np.isnan(lon[:2]).all()
    assert np.isnan(lat[:2]).all()
    assert np.isfinite(lon[2])
    assert np.isfinite(lat[2])


@pytest.mark.parametrize("convert", CONVERTERS)
def test_scalar_list_and_array_inputs_agree(convert):
    scalar = convert(118.3, 33.9)
    listed = convert([118.3, 118.4], [33.9, 34.0])
    grid = convert(np.full((2, 3), 118.3), 33.9)  # a scalar latitude broadcasts
    assert all(isinstance(part, np.ndarray) and part.shape == () for part in scalar)
    assert listed[0].shape == (2,)
    assert grid[0].shape == (2, 3)
    assert listed[0][0] == scalar[0]
    assert listed[1][0] == scalar[1]
    np.testing.assert_array_equal(grid[1], np.full((2, 3), scalar[1]))
