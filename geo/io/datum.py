"""Conversions between WGS-84, GCJ-02 and BD-09 longitudes/latitudes, vectorised with numpy.

GCJ-02 is the obfuscated datum that Chinese web maps (Gaode/AMap, Tencent) are required to use;
BD-09 is Baidu's further offset of GCJ-02. CGCS2000, China's official datum, differs from
WGS-84 by centimetres and is treated as WGS-84.

GCJ-02 shifts only points inside the rectangle lon 72.004..137.8347, lat 0.8293..55.8271 (the
usual "in China" test of every published implementation); points outside it are returned
unchanged by the GCJ-02 steps. BD-09 applies its own offset everywhere.

Every function takes array-likes of longitudes and latitudes in degrees and returns a tuple
``(lon, lat)`` of float ndarrays of the broadcast shape (0-d for scalars). A point with NaN
in either coordinate comes out as NaN in both.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from geo.dataset import DATUMS
from geo.errors import check_choice

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

ArrayLike = npt.ArrayLike
LonLat = tuple[np.ndarray, np.ndarray]
Converter = Callable[[ArrayLike, ArrayLike], LonLat]

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 algorithm uses it
_EE = 0.00669342162296594323  # Krasovsky first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_TOLERANCE_DEG = 1e-9  # about 0.1 mm
_MAX_ITERATIONS = 10


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Fresh float arrays of the broadcast shape; a point missing either value is all NaN."""
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    missing = np.isnan(lon_a) | np.isnan(lat_a)
    return np.where(missing, np.nan, lon_a), np.where(missing, np.nan, lat_a)


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> LonLat:
    """GCJ-02 minus WGS-84 in degrees at WGS-84 ``(lon, lat)``; zero outside China."""
    inside = _in_china(lon, lat)
    # Points outside (NaN, inf) are moved to the origin so that sin() never sees inf.
    x = np.where(inside, lon - 105.0, 0.0)
    y = np.where(inside, lat - 35.0, 0.0)
    shared = (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat += shared + (20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon += shared + (20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    rad_lat = np.radians(y + 35.0)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    d_lat = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    d_lon = d_lon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad_lat) * np.pi)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def _invert(forward: Converter, lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Solve ``forward(x) == (lon, lat)`` by fixed-point steps (the offsets vary slowly)."""
    target_lon, target_lat = _as_arrays(lon, lat)
    x_lon, x_lat = target_lon, target_lat
    for _ in range(_MAX_ITERATIONS):
        f_lon, f_lat = forward(x_lon, x_lat)
        step_lon, step_lat = f_lon - target_lon, f_lat - target_lat
        x_lon, x_lat = x_lon - step_lon, x_lat - step_lat
        # Comparisons with NaN are False, so NaN points never hold the loop open.
        if not np.any((np.abs(step_lon) > _TOLERANCE_DEG) | (np.abs(step_lat) > _TOLERANCE_DEG)):
            break
    return np.asarray(x_lon), np.asarray(x_lat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert WGS-84 to GCJ-02 (unchanged outside China, see the module docstring).

    Parameters
    ----------
    lon, lat
        Longitudes and latitudes in degrees (scalars or array-likes that broadcast).

    Returns
    -------
    tuple of ndarray
        GCJ-02 ``(lon, lat)`` in degrees.
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_offset(lon_a, lat_a)
    return np.asarray(lon_a + d_lon), np.asarray(lat_a + d_lat)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert GCJ-02 to WGS-84 by inverting :func:`wgs84_to_gcj02` iteratively.

    Unlike the common one-step approximation (errors up to a few metres), the result maps
    back onto the input within about 1e-9 degrees (0.1 mm). Unchanged outside China. Within
    about 1 km of the rectangle's edges (all outside Chinese territory) the forward shift jumps
    to zero, so there a GCJ-02 point may have no or two WGS-84 origins.
    """
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert GCJ-02 to BD-09 (Baidu's published formula)."""
    x, y = _as_arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return np.asarray(z * np.cos(theta) + 0.0065), np.asarray(z * np.sin(theta) + 0.006)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert BD-09 to GCJ-02 by inverting :func:`gcj02_to_bd09` iteratively."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert WGS-84 to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Convert BD-09 to WGS-84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84: dict[str, Converter] = {
    "wgs84": _as_arrays,
    "cgcs2000": _as_arrays,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Converter] = {
    "wgs84": _as_arrays,
    "cgcs2000": _as_arrays,
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def _pick(table: dict[str, Converter], datum: str) -> Converter:
    return table[check_choice("datum", datum, DATUMS)]


def to_wgs84(lon: ArrayLike, lat: ArrayLike, datum: str) -> LonLat:
    """Convert ``(lon, lat)`` given in ``datum`` to WGS-84.

    Parameters
    ----------
    lon, lat
        Degrees in ``datum``.
    datum
        One of ``geo.dataset.DATUMS``: "wgs84", "cgcs2000" (treated as WGS-84), "gcj02", "bd09".

    Raises
    ------
    ValueError
        If ``datum`` is not one of the known datums.
    """
    return _pick(_TO_WGS84, datum)(lon, lat)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, datum: str) -> LonLat:
    """Convert WGS-84 ``(lon, lat)`` to ``datum`` (see :func:`to_wgs84` for the values)."""
    return _pick(_FROM_WGS84, datum)(lon, lat)
