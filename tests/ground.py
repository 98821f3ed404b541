"""Test layouts drawn in metres on the ground and handed to the analysis in WGS-84 degrees.

The frame is the azimuthal equidistant projection of the WGS-84 ellipsoid centred on an origin:
every distance *from the origin*, and between two points on one ray through it, is the exact
geodesic distance, so "exactly at the radius" can be drawn by hand. Other distances are right
to about 1e-8 within 10 km.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely

SUQIAN = (118.4, 33.95)


def ground_crs(origin: tuple[float, float] = SUQIAN) -> pyproj.CRS:
    """The azimuthal equidistant CRS (metres) centred on ``origin`` (lon, lat)."""
    return pyproj.CRS.from_proj4(
        f"+proj=aeqd +lon_0={origin[0]} +lat_0={origin[1]} +ellps=WGS84 +units=m +no_defs"
    )


def lonlat(xy: np.ndarray | list, origin: tuple[float, float] = SUQIAN) -> np.ndarray:
    """``(n, 2)`` metres east and north of ``origin`` as ``(n, 2)`` longitude and latitude."""
    arr = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(arr) == 0:
        return arr
    to_wgs84 = pyproj.Transformer.from_crs(ground_crs(origin), "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(arr[:, 0], arr[:, 1])
    return np.column_stack([lon, lat])


def in_degrees(
    geoms: list[shapely.Geometry | None] | np.ndarray,
    origin: tuple[float, float] = SUQIAN,
    *,
    segment_m: float = 50.0,
) -> gpd.GeoSeries:
    """Geometries drawn in metres around ``origin`` in EPSG:4326 (edges densified first)."""
    dense = [None if g is None else shapely.segmentize(g, segment_m) for g in geoms]
    return gpd.GeoSeries(dense, crs=ground_crs(origin)).to_crs("EPSG:4326")
