"""How the ground is measured: geodesics on the WGS-84 ellipsoid, right at any extent.

One map projection cannot measure a country: in the UTM zone of China's centre a 1,500 m
catchment measures 1,573 m in Kashgar and 1,587 m in Shanghai. So nothing here projects the
whole dataset. Instead:

- **Distances** are geodesics on the ellipsoid. Neighbours are found on geocentric (ECEF)
  coordinates, where the straight chord between two points is never longer than the geodesic
  and, along a geodesic of length g, never shorter than ``2 rho sin(g / 2 rho)`` (``rho`` the
  smallest radius of curvature of the ellipsoid; Schur's comparison theorem). A chord query with
  the radius is therefore conservative, every pair with a chord below the shorter bound is
  certainly within reach, and only the pairs in the micrometre-wide band between the two are
  measured exactly with :class:`pyproj.Geod`. Distances are the chord turned back into an arc on
  the local sphere of curvature (within 1e-8 of the geodesic below 10 km).
- **Areas** are measured polygon by polygon in a local Lambert azimuthal equal-area frame
  centred on each one (:func:`local_equal_area`), built from the geocentric coordinates; a disc
  of radius r in that frame is the geodesic circle of radius r to well within 0.01%.

Static maps are *drawn* in :func:`drawing_crs`: the UTM zone of a district or a city, a
conformal conic centred on a province or a country; :func:`point_scale` says how many map
metres a metre on the ground is at any point of such a drawing (the scale bar, the discs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from scipy.spatial import cKDTree

__all__ = [
    "EDGE_TOLERANCE_M",
    "GEOD",
    "GroundPoints",
    "ReachPairs",
    "check_radii",
    "drawing_crs",
    "geocentric",
    "geodesic_m",
    "local_equal_area",
    "lonlat",
    "point_scale",
    "reach_pairs",
    "utm_zone",
    "within_any",
]

WGS84 = "EPSG:4326"
GEOD = pyproj.Geod(ellps="WGS84")
_A = GEOD.a
_E2 = GEOD.es
# The smallest radius of curvature of the ellipsoid (meridional, at the equator): b^2 / a.
_RHO_MIN = _A * (1.0 - _E2)
# A point on the edge of a catchment counts as covered. Datum shifts and float arithmetic leave
# noise of about 1e-9 m, so "distance <= radius" is tested with this much slack.
EDGE_TOLERANCE_M = 1e-6
# Above this many (point, site) pairs per point, whether a point is reached at all is answered
# without listing the pairs.
_PAIRS_PER_POINT = 16


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


# The largest point scale of a UTM zone inside its own 6° band (at its edge on the equator).
_UTM_LARGEST_SCALE = 1.001


def drawing_crs(
    data: gpd.GeoDataFrame | gpd.GeoSeries | Sequence[float],
) -> pyproj.CRS:
    """The conformal CRS in metres that a static map of ``data`` is drawn in.

    - **A district or a city**: the WGS-84 UTM zone (EPSG:326xx north, 327xx south) of the
      centre, when its point scale stays within what UTM allows inside its own 6° band
      (0.9996 to 1.001) everywhere in the extent.
    - **Wider** (a province over several zones, a country): Lambert conformal conic on
      WGS-84 centred on the data, with standard parallels at 1/6 and 5/6 of the latitude span
      (the usual choice for maps of China). In UTM a national map puts Kashgar 30° from the
      central meridian, where the scale is 15% off and shapes are sheared across the map; the
      conic keeps the scale within a few per cent from Sanya to Harbin.
    - **Across the equator** (those two parallels on both sides of it, or one on it): Mercator
      centred on the data. The conic flattens into the Mercator cylinder as its parallels
      approach the equator from both sides (and is undefined when they mirror each other), and
      near the equator Mercator's scale, which grows only with latitude, is the least distorted
      conformal choice for extents in the tropics.

    All three are conformal: a small square stays a square and a circle a circle anywhere on
    the map, and true north is a single angle at any point. Nothing is *measured* in them (see
    the module notes); :func:`point_scale` gives the map's scale at a point.

    Parameters
    ----------
    data
        A GeoDataFrame or GeoSeries with a CRS (any; its bounds are taken in WGS-84), or
        ``(minx, miny, maxx, maxy)`` in WGS-84 degrees.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    ValueError
        If ``data`` is empty, has no CRS, or its bounds are not finite degrees.

    Examples
    --------
    >>> drawing_crs((118.0, 33.7, 118.8, 34.2)).to_epsg()  # Suyu District: UTM 50N
    32650
    >>> drawing_crs((73.5, 18.2, 134.8, 53.6)).name  # China
    'Lambert conformal conic 24.1/47.7, centred on 104.2/35.9'
    """
    minx, miny, maxx, maxy = _bounds_in_degrees(data)
    lon, lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    if not -90.0 <= miny <= maxy <= 90.0:
        msg = f"latitudes must lie between -90 and 90 degrees, got {miny!r} to {maxy!r}."
        raise ValueError(msg)
    zone = utm_zone(lon)
    utm = pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
    if _largest_utm_scale(utm, 6.0 * zone - 183.0, (minx, miny, maxx, maxy)) <= _UTM_LARGEST_SCALE:
        return utm
    south, north = miny + (maxy - miny) / 6.0, miny + 5.0 * (maxy - miny) / 6.0
    geographic = pyproj.crs.GeographicCRS(datum="WGS84")
    if south * north <= 0:
        return pyproj.crs.ProjectedCRS(
            name=f"Mercator centred on {lon:.1f}",
            conversion=pyproj.crs.coordinate_operation.MercatorAConversion(
                longitude_natural_origin=lon
            ),
            geodetic_crs=geographic,
        )
    return pyproj.crs.ProjectedCRS(
        name=f"Lambert conformal conic {south:.1f}/{north:.1f}, centred on {lon:.1f}/{lat:.1f}",
        conversion=pyproj.crs.coordinate_operation.LambertConformalConic2SPConversion(
            latitude_first_parallel=south,
            latitude_second_parallel=north,
            latitude_false_origin=lat,
            longitude_false_origin=lon,
        ),
        geodetic_crs=geographic,
    )


def _largest_utm_scale(
    utm: pyproj.CRS, central: float, bounds: tuple[float, float, float, float]
) -> float:
    """The largest point scale of ``utm`` (central meridian ``central``) over ``bounds``.

    A transverse Mercator's scale grows with the distance from its central meridian and
    falls with latitude, so it is largest at the longitude farthest from that meridian and
    the latitude nearest the equator.
    """
    minx, miny, maxx, maxy = bounds
    far = minx if abs(minx - central) > abs(maxx - central) else maxx
    return float(point_scale(utm, [[far, min(max(0.0, miny), maxy)]])[0])


def point_scale(crs: pyproj.CRS, lonlat_deg: npt.ArrayLike) -> np.ndarray:
    """Map metres per metre on the ground at each point of a conformal ``crs``.

    A length ``d`` on the ground near point i is drawn ``d * point_scale[i]`` long, in any
    direction (the projection is conformal: see :func:`drawing_crs`).

    Parameters
    ----------
    crs
        A projected CRS in metres.
    lonlat_deg
        ``(n, 2)`` WGS-84 longitude and latitude in degrees.

    Returns
    -------
    ndarray of float, shape (n,)

    Examples
    --------
    >>> utm50 = pyproj.CRS.from_epsg(32650)
    >>> point_scale(utm50, [[117.0, 34.0]]).round(6).tolist()  # on the central meridian
    [0.9996]
    """
    points = _as_lonlat(lonlat_deg, "lonlat_deg")
    if len(points) == 0:
        return np.zeros(0)
    factors = pyproj.Proj(crs).get_factors(points[:, 0], points[:, 1])
    return np.asarray(factors.meridional_scale, dtype=float)


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
            msg = "`data` has no geometry, so it has no extent to draw."
            raise ValueError(msg)
        bounds = tuple(float(v) for v in geoms.to_crs(WGS84).total_bounds)
    else:
        bounds = tuple(float(v) for v in data)
    if len(bounds) != 4 or not all(math.isfinite(v) for v in bounds):
        msg = f"bounds must be four finite numbers (minx, miny, maxx, maxy), got {bounds!r}."
        raise ValueError(msg)
    minx, miny, maxx, maxy = bounds
    return minx, miny, maxx, maxy


def lonlat(points: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """``(n, 2)`` WGS-84 longitude and latitude of point geometries, in degrees.

    Raises
    ------
    ValueError
        If ``points`` has no CRS.
    """
    if len(points) == 0:
        return np.zeros((0, 2))
    geometry = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    if geometry.crs is None:
        msg = "`points` must have a CRS (the dataset layers are in EPSG:4326)."
        raise ValueError(msg)
    if not pyproj.CRS(geometry.crs).equals(WGS84):
        geometry = geometry.to_crs(WGS84)
    return shapely.get_coordinates(np.asarray(geometry, dtype=object))


def geocentric(lonlat_deg: npt.ArrayLike) -> np.ndarray:
    """Earth-centred, earth-fixed coordinates (metres) of points on the WGS-84 ellipsoid.

    Parameters
    ----------
    lonlat_deg
        ``(n, 2)`` longitude and latitude in degrees (height 0).

    Returns
    -------
    ndarray of float, shape (n, 3)
    """
    lon, lat = np.radians(_as_lonlat(lonlat_deg, "lonlat_deg")).T
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    normal = _A / np.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    return np.column_stack(
        [
            normal * cos_lat * np.cos(lon),
            normal * cos_lat * np.sin(lon),
            normal * (1.0 - _E2) * sin_lat,
        ]
    )


def geodesic_m(a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
    """The geodesic distance in metres between ``a[i]`` and ``b[i]`` (``(n, 2)`` lon/lat)."""
    a, b = _as_lonlat(a, "a"), _as_lonlat(b, "b")
    if len(a) == 0:
        return np.zeros(0)
    _, _, distance = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(distance, dtype=float)


def _shortest_chord(arc_m: np.ndarray) -> np.ndarray:
    """A lower bound of the chord under a geodesic of length ``arc_m`` (Schur)."""
    angle = np.minimum(np.asarray(arc_m, dtype=float) / (2.0 * _RHO_MIN), math.pi / 2)
    return 2.0 * _RHO_MIN * np.sin(angle)


def _arc_from_chord(chord_m: np.ndarray, xyz: np.ndarray) -> np.ndarray:
    """The chord turned into an arc on the Gaussian sphere of curvature at ``xyz``."""
    sin2 = (xyz[:, 2] / np.linalg.norm(xyz, axis=1)) ** 2  # about sin^2(latitude)
    w = 1.0 - _E2 * sin2
    radius = _A * math.sqrt(1.0 - _E2) / w
    return np.asarray(2.0 * radius * np.arcsin(np.minimum(chord_m / (2.0 * radius), 1.0)))


@dataclass(frozen=True)
class ReachPairs:
    """Every (demand point, site) pair within the site's catchment, with its distance."""

    demand: np.ndarray
    site: np.ndarray
    distance_m: np.ndarray


class GroundPoints:
    """Points on the ellipsoid with their geocentric coordinates and, once asked, a k-d tree.

    Pass one to :func:`reach_pairs` or :func:`within_any` instead of a lon/lat array when the
    same points are asked about many times (every group of a dataset): the conversion and the
    tree are then built once.

    Parameters
    ----------
    lonlat_deg
        ``(n, 2)`` WGS-84 longitude and latitude in degrees.
    """

    def __init__(self, lonlat_deg: npt.ArrayLike) -> None:
        self.lonlat = _as_lonlat(lonlat_deg, "lonlat_deg")
        self.xyz = geocentric(self.lonlat)

    def __len__(self) -> int:
        return len(self.lonlat)

    @cached_property
    def tree(self) -> cKDTree:
        """A k-d tree over the geocentric coordinates."""
        return cKDTree(self.xyz)


Points = GroundPoints | npt.ArrayLike


def _ground(points: Points, name: str) -> GroundPoints:
    if isinstance(points, GroundPoints):
        return points
    return GroundPoints(_as_lonlat(points, name))


def reach_pairs(
    demand_lonlat: Points,
    site_lonlat: Points,
    radii_m: npt.ArrayLike,
    *,
    tolerance_m: float = EDGE_TOLERANCE_M,
) -> ReachPairs:
    """The pairs of demand points and sites whose geodesic distance is within the site's radius.

    Only pairs within the radius are ever built (one ball query per site in a k-d tree of the
    demand points' geocentric coordinates), never the points x sites table. A pair is within
    reach when its geodesic distance is at most the radius plus ``tolerance_m``: the edge
    counts.

    Parameters
    ----------
    demand_lonlat, site_lonlat
        ``(n, 2)`` and ``(m, 2)`` WGS-84 longitude and latitude in degrees, or
        :class:`GroundPoints`.
    radii_m
        ``(m,)`` catchment radius of each site in metres, or one radius for all; a site with a
        negative or missing radius reaches nobody.
    tolerance_m
        Slack added to every radius.

    Returns
    -------
    ReachPairs
        Indices into the demand and site arrays and the geodesic distance of each pair.
    """
    demand = _ground(demand_lonlat, "demand_lonlat")
    sites = _ground(site_lonlat, "site_lonlat")
    radii = np.broadcast_to(np.asarray(radii_m, dtype=float), (len(sites),))
    usable = np.flatnonzero(radii >= 0)
    if len(demand) == 0 or len(usable) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return ReachPairs(empty, empty.copy(), np.zeros(0))
    reach = radii + tolerance_m
    # The chord never exceeds the geodesic: a ball of the radius misses no pair.
    found = demand.tree.query_ball_point(sites.xyz[usable], reach[usable])
    counts = np.fromiter(map(len, found), dtype=np.intp, count=len(found))
    demand_idx = np.fromiter(chain.from_iterable(found), dtype=np.intp, count=int(counts.sum()))
    site_idx = np.repeat(usable, counts)
    chord = np.linalg.norm(demand.xyz[demand_idx] - sites.xyz[site_idx], axis=1)
    keep = chord <= reach[site_idx]
    site_idx, demand_idx, chord = site_idx[keep], demand_idx[keep], chord[keep]
    distance = _arc_from_chord(chord, sites.xyz[site_idx])
    unsure = chord > _shortest_chord(reach[site_idx])
    if unsure.any():
        exact = geodesic_m(demand.lonlat[demand_idx[unsure]], sites.lonlat[site_idx[unsure]])
        distance[unsure] = exact
        keep = ~unsure | (distance <= reach[site_idx])
        site_idx, demand_idx, distance = site_idx[keep], demand_idx[keep], distance[keep]
    return ReachPairs(demand=demand_idx, site=site_idx, distance_m=distance)


def within_any(
    demand_lonlat: Points,
    site_lonlat: Points,
    radii_m: npt.ArrayLike,
    *,
    tolerance_m: float = EDGE_TOLERANCE_M,
) -> np.ndarray:
    """Whether each demand point lies within the geodesic radius of at least one site.

    Usually the pairs within reach are few (a handful per point) and :func:`reach_pairs`
    answers. Where they would be many (dense points, large radii), a nearest-neighbour search
    under the power distance ``|p - s|^2 - r_s^2`` on geocentric chords answers instead, in
    O((n + m) log m) however many pairs: lifting each site to the height
    ``z_s = sqrt(R^2 - r_s^2)`` (``R`` the largest radius) makes it a plain Euclidean search,
    since ``|p - s|^2 + z_s^2 <= R^2`` exactly when the chord ``|p - s| <= r_s``. A chord
    within the shortest chord of the radius is certainly within reach; the few points whose
    nearest catchment edge is closer than that margin are settled by :func:`reach_pairs`.

    Parameters
    ----------
    demand_lonlat, site_lonlat
        ``(n, 2)`` and ``(m, 2)`` WGS-84 longitude and latitude in degrees, or
        :class:`GroundPoints`.
    radii_m
        ``(m,)`` catchment radius of each site in metres (finite, >= 0).
    tolerance_m
        Slack added to every radius.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    demand = _ground(demand_lonlat, "demand_lonlat")
    sites = _ground(site_lonlat, "site_lonlat")
    radii = check_radii(radii_m, len(sites))
    within = np.zeros(len(demand), dtype=bool)
    if len(demand) == 0 or len(sites) == 0:
        return within
    reach = radii + tolerance_m
    pairs = demand.tree.query_ball_point(sites.xyz, reach, return_length=True)
    if pairs.sum() <= _PAIRS_PER_POINT * (len(demand) + len(sites)):
        within[reach_pairs(demand, sites, radii, tolerance_m=tolerance_m).demand] = True
        return within
    maybe = np.flatnonzero(_lifted_within(demand.xyz, sites.xyz, reach))
    sure = _lifted_within(demand.xyz[maybe], sites.xyz, _shortest_chord(reach))
    within[maybe[sure]] = True
    unsure = maybe[~sure]
    if len(unsure):
        found = reach_pairs(demand.lonlat[unsure], sites, radii, tolerance_m=tolerance_m)
        within[unsure[found.demand]] = True
    return within


def _lifted_within(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Whether each point is within the Euclidean radius of some centre (the lifting trick)."""
    if len(points) == 0:
        return np.zeros(0, dtype=bool)
    top = float(radii.max())
    lift = np.sqrt(np.maximum(top * top - radii * radii, 0.0))
    tree = cKDTree(np.column_stack([centres, lift]))
    lifted = np.column_stack([points, np.zeros(len(points))])
    distance, _ = tree.query(lifted, k=1, distance_upper_bound=top * (1 + 1e-12) + 1e-9)
    return np.asarray(distance <= top, dtype=bool)


def local_equal_area(
    geometries: npt.ArrayLike, origin_lonlat: npt.ArrayLike, index: npt.ArrayLike | None = None
) -> np.ndarray:
    """Geometries in WGS-84 degrees redrawn in metres in local equal-area frames.

    Geometry ``k`` is drawn in the Lambert azimuthal equal-area frame centred on
    ``origin_lonlat[index[k]]``: a point at chord ``c`` from the origin lands at distance
    ``c`` from it in the tangent plane, in the direction of its horizontal offset. On a sphere
    that is exactly the Lambert projection (equal-area); on the ellipsoid the area error is of
    the order of ``e^2 (d / R)^2`` (under 1e-5 within 300 km of the origin) and a disc of
    radius r drawn there is the geodesic circle of radius r to well within 0.01%.

    Parameters
    ----------
    geometries
        Shapely geometries in WGS-84 longitude and latitude.
    origin_lonlat
        ``(k, 2)`` frame origins in degrees.
    index
        Which origin each geometry uses (default: geometry i uses origin i).

    Returns
    -------
    ndarray of shapely geometries in metres (each in its own frame; comparable only with
    geometries drawn in the same frame).
    """
    geoms = np.asarray(geometries, dtype=object).reshape(-1)
    origins = _as_lonlat(origin_lonlat, "origin_lonlat")
    which = np.arange(len(geoms)) if index is None else np.asarray(index, dtype=np.intp)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    xy = _equal_area_xy(coords, origins[which[owner]])
    return shapely.set_coordinates(geoms.copy(), xy)


def _equal_area_xy(points_lonlat: np.ndarray, origins_lonlat: np.ndarray) -> np.ndarray:
    """Point i in the local Lambert azimuthal equal-area frame of origin i (east, north)."""
    if len(points_lonlat) == 0:
        return np.zeros((0, 2))
    offset = geocentric(points_lonlat) - geocentric(origins_lonlat)
    lon0, lat0 = np.radians(origins_lonlat).T
    east = np.column_stack([-np.sin(lon0), np.cos(lon0), np.zeros_like(lon0)])
    north = np.column_stack(
        [-np.sin(lat0) * np.cos(lon0), -np.sin(lat0) * np.sin(lon0), np.cos(lat0)]
    )
    x, y = np.einsum("ij,ij->i", offset, east), np.einsum("ij,ij->i", offset, north)
    horizontal = np.hypot(x, y)
    chord = np.linalg.norm(offset, axis=1)
    scale = np.divide(chord, horizontal, out=np.ones_like(chord), where=horizontal > 0)
    return np.column_stack([x * scale, y * scale])


def _as_lonlat(values: npt.ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"`{name}` must have shape (n, 2) (longitude, latitude), got {arr.shape}."
        raise ValueError(msg)
    ok = np.isfinite(arr).all(axis=1) & (np.abs(arr[:, 0]) <= 360) & (np.abs(arr[:, 1]) <= 90)
    if not ok.all():
        msg = f"`{name}` must hold longitudes and latitudes in degrees (row {np.argmin(ok)})."
        raise ValueError(msg)
    return arr


def check_radii(radii_m: npt.ArrayLike, m: int) -> np.ndarray:
    """``radii_m`` as a float array of ``m`` finite, non-negative metres.

    Raises
    ------
    ValueError
        If there is not one radius per site, or a radius is negative or not finite.
    """
    radii = np.asarray(radii_m, dtype=float).reshape(-1)
    if radii.shape != (m,):
        msg = f"`radii_m` must have one radius per site ({m}), got shape {radii.shape}."
        raise ValueError(msg)
    if not (np.isfinite(radii) & (radii >= 0)).all():
        msg = "`radii_m` must be finite, non-negative metres."
        raise ValueError(msg)
    return radii
