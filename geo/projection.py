"""The local metric CRS in which every distance, buffer and area is measured.

Lon/lat degrees are not a length: a degree of longitude at Suqian (33.9° N) is about 92 km, a
degree of latitude about 111 km. Every computation that measures the ground therefore first
projects to the WGS-84 UTM zone of the data's centre, where a unit is a metre and the scale
error across a district or a province (a few hundred km) stays well under 0.1%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import geopandas as gpd
import pyproj

__all__ = ["local_metric_crs", "to_metric", "utm_zone"]

WGS84 = "EPSG:4326"


def utm_zone(lon: float) -> int:
    """The UTM zone number (1-60) whose 6° band holds longitude ``lon``.

    Parameters
    ----------
    lon
        Longitude in degrees; 180 is put in zone 60.
    """
    if not math.isfinite(lon) or not -180.0 <= lon <= 180.0:
        msg = f"`lon` must be a longitude between -180 and 180 degrees, got {lon!r}."
        raise ValueError(msg)
    return min(int((lon + 180.0) // 6.0) + 1, 60)


def local_metric_crs(
    data: gpd.GeoDataFrame | gpd.GeoSeries | Sequence[float],
) -> pyproj.CRS:
    """The WGS-84 UTM CRS (EPSG:326xx north, 327xx south) of the centre of ``data``.

    Parameters
    ----------
    data
        A GeoDataFrame or GeoSeries with a CRS (any; its bounds are taken in WGS-84), or
        ``(minx, miny, maxx, maxy)`` in WGS-84 degrees.

    Returns
    -------
    pyproj.CRS
        The UTM zone that contains the centre of the total bounds.

    Raises
    ------
    ValueError
        If ``data`` is empty, has no CRS, or its bounds are not finite degrees.
    """
    minx, miny, maxx, maxy = _bounds_in_degrees(data)
    lon, lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    if not -90.0 <= lat <= 90.0:
        msg = f"the centre latitude must be between -90 and 90 degrees, got {lat!r}."
        raise ValueError(msg)
    base = 32600 if lat >= 0 else 32700
    return pyproj.CRS.from_epsg(base + utm_zone(lon))


def _bounds_in_degrees(
    data: gpd.GeoDataFrame | gpd.GeoSeries | Sequence[float],
) -> tuple[float, float, float, float]:
    if isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        if data.crs is None:
            msg = "`data` must have a CRS (the dataset layers are in EPSG:4326)."
            raise ValueError(msg)
        geoms = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
        geoms = cast(gpd.GeoSeries, geoms[geoms.notna() & ~geoms.is_empty])
        if geoms.empty:
            msg = "`data` has no geometry, so it has no centre to pick a UTM zone from."
            raise ValueError(msg)
        bounds = tuple(float(v) for v in geoms.to_crs(WGS84).total_bounds)
    else:
        bounds = tuple(float(v) for v in data)
    if len(bounds) != 4 or not all(math.isfinite(v) for v in bounds):
        msg = f"bounds must be four finite numbers (minx, miny, maxx, maxy), got {bounds!r}."
        raise ValueError(msg)
    minx, miny, maxx, maxy = bounds
    return minx, miny, maxx, maxy


def to_metric(
    geoms: gpd.GeoDataFrame | gpd.GeoSeries,
    crs: pyproj.CRS | None = None,
) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """``geoms`` reprojected to ``crs`` (by default the local metric CRS of ``geoms`` itself).

    Parameters
    ----------
    geoms
        Geometries with a CRS. Missing geometries stay missing.
    crs
        The target metric CRS, usually ``local_metric_crs(dataset.townships)`` so that every
        layer of a dataset is measured in the same zone.

    Returns
    -------
    GeoDataFrame or GeoSeries
        A new object in ``crs``, coordinates in metres.
    """
    if geoms.crs is None:
        msg = "`geoms` must have a CRS before it can be projected to metres."
        raise ValueError(msg)
    target = local_metric_crs(geoms) if crs is None else crs
    if not pyproj.CRS.from_user_input(target).is_projected:
        msg = f"`crs` must be a projected CRS in metres, got {pyproj.CRS(target).name!r}."
        raise ValueError(msg)
    return geoms.to_crs(target)
