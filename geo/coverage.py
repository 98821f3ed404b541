"""Who is within reach of a service site, per township and beneficiary group.

The rules (DESIGN, "The rules of the computation"):

- A demand point's people of group g are covered when at least one site serving g lies within
  that site's radius for g (the site's ``radius_m``, else the group's ``radius_m``); a point
  exactly on the edge counts as covered.
- Township-level demand (a row without coordinates) is spread evenly over its township, so its
  covered share is area(township ∩ union of catchment discs) / area(township).
- Distances are geodesics on the WGS-84 ellipsoid and areas are measured per township in a
  local equal-area frame (:mod:`geo.projection`), so a catchment is as wide in Kashgar as in
  Shanghai. A site outside every township still serves the people inside: catchments cross
  borders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo.dataset import Dataset, Group, has_point, resolve_groups, serves_any
from geo.projection import (
    EDGE_TOLERANCE_M,
    GroundPoints,
    Points,
    check_radii,
    geocentric,
    local_equal_area,
    lonlat,
    within_any,
)

__all__ = [
    "Coverage",
    "areal_covered_share",
    "compute_coverage",
    "coverage_ratio",
    "points_within_reach",
    "site_radii",
]

# Segments per quarter circle of a catchment disc: a regular 128-gon has 99.96% of the disc's
# area, so areal shares are within 0.05% of the exact circle.
DISC_QUAD_SEGS = 32
WGS84 = "EPSG:4326"


@dataclass(frozen=True, eq=False)
class Coverage:
    """Demand and covered people per township and group, and which demand points are reached.

    Attributes
    ----------
    groups
        The group codes computed, in the order of the columns below.
    demand
        Index: township codes (every township, in dataset order, named ``"township"``);
        columns: group codes; values: people (int).
    covered
        Same shape as ``demand``; people covered (float: township-level demand contributes
        demand x areal share).
    point_covered
        Index: demand ids (every demand row, named ``"id"``); columns: group codes; nullable
        ``boolean`` dtype: True/False for point rows, ``<NA>`` for township-level rows.
    unassigned_demand
        The demand rows counted in no township (points outside every township), as in
        ``dataset.demand``. Their reach is still in ``point_covered``.
    """

    groups: tuple[str, ...]
    demand: pd.DataFrame
    covered: pd.DataFrame
    point_covered: pd.DataFrame
    unassigned_demand: gpd.GeoDataFrame

    @property
    def ratio(self) -> pd.DataFrame:
        """``covered / demand`` per township and group; NaN where demand is 0."""
        return coverage_ratio(self.covered, self.demand)


def site_radii(sites: gpd.GeoDataFrame, group: Group) -> tuple[np.ndarray, np.ndarray]:
    """Which sites serve ``group``, and each site's catchment radius for it.

    Parameters
    ----------
    sites
        ``Dataset.sites``: ``groups`` holds tuples of group codes, ``radius_m`` is NaN where
        the site uses the group default.
    group
        The beneficiary group.

    Returns
    -------
    mask : ndarray of bool, shape (m,)
        True for the sites whose ``groups`` include ``group.code``.
    radii : ndarray of float, shape (m,)
        The site's ``radius_m`` where given, else ``group.radius_m`` (for every site, serving
        or not; index it with ``mask``).
    """
    code = group.code
    mask = serves_any(sites["groups"], [code])
    own = sites["radius_m"].to_numpy(dtype=float)
    radii = np.where(np.isnan(own), float(group.radius_m), own)
    return mask, radii


def points_within_reach(
    demand_lonlat: Points,
    site_lonlat: Points,
    radii_m: np.ndarray,
    *,
    tolerance_m: float = EDGE_TOLERANCE_M,
) -> np.ndarray:
    """Whether each demand point lies within the catchment of at least one site.

    Point p is covered when some site s has a geodesic distance ``d(p, s) <= radii_m[s]``
    (plus ``tolerance_m`` for float noise): the edge counts. See
    :func:`geo.projection.within_any`: O((n + m) log m) however dense the demand or large the
    radii, and right anywhere on the ellipsoid.

    Parameters
    ----------
    demand_lonlat
        Shape (n, 2), WGS-84 longitude and latitude in degrees (or
        :class:`geo.projection.GroundPoints`).
    site_lonlat
        Shape (m, 2), likewise.
    radii_m
        Shape (m,), each site's catchment radius in metres (finite, >= 0).
    tolerance_m
        Slack added to every radius.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    return within_any(demand_lonlat, site_lonlat, radii_m, tolerance_m=tolerance_m)


def areal_covered_share(
    polygons: gpd.GeoSeries | Sequence[shapely.Geometry] | np.ndarray,
    site_lonlat: np.ndarray,
    radii_m: np.ndarray,
    *,
    quad_segs: int = DISC_QUAD_SEGS,
) -> np.ndarray:
    """The share of each polygon's area inside the union of the sites' catchment discs.

    Each polygon is measured in its own local equal-area frame
    (:func:`geo.projection.local_equal_area`), with the discs of the sites near it drawn in
    the same frame, so the share is right at any latitude and in any UTM zone. Only the discs
    that can meet a polygon are drawn and unioned for it (a k-d tree query on geocentric
    coordinates), so the cost grows with the number of (polygon, nearby site) pairs.

    Parameters
    ----------
    polygons
        Polygons in WGS-84 longitude and latitude (a GeoSeries in EPSG:4326, or shapely
        geometries), each with a positive area.
    site_lonlat
        Shape (m, 2), disc centres in degrees.
    radii_m
        Shape (m,), disc radii in metres.
    quad_segs
        Segments per quarter circle of each disc (32 gives an area within 0.05% of pi r^2).

    Returns
    -------
    ndarray of float, shape (len(polygons),)
        Shares in [0, 1].
    """
    geoms = _as_lonlat_geometries(polygons)
    site_lonlat = np.asarray(site_lonlat, dtype=float).reshape(-1, 2)
    radii = check_radii(radii_m, len(site_lonlat))
    origins = shapely.get_coordinates(shapely.centroid(geoms)) if len(geoms) else np.zeros((0, 2))
    towns = local_equal_area(geoms, origins)
    areas = shapely.area(towns)
    if np.any(~(areas > 0)):
        bad = np.flatnonzero(~(areas > 0)).tolist()
        msg = f"every polygon must have a positive area; polygons {bad} do not."
        raise ValueError(msg)
    covered_area = np.zeros(len(geoms))
    if len(geoms) and len(site_lonlat):
        town_idx, site_idx = _nearby_sites(towns, origins, site_lonlat, radii)
        centres = local_equal_area(shapely.points(site_lonlat[site_idx]), origins, town_idx)
        discs = shapely.buffer(centres, radii[site_idx], quad_segs=quad_segs)
        covered_area = _covered_areas(towns, town_idx, discs)
    share = np.clip(covered_area / areas, 0.0, 1.0)
    share[np.isclose(share, 1.0, rtol=0.0, atol=1e-9)] = 1.0
    return share


def _nearby_sites(
    towns: np.ndarray, origins: np.ndarray, site_lonlat: np.ndarray, radii: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(town, site) pairs whose disc may meet the town, sorted by town.

    In a town's frame a point lies at its chord from the origin, so the town fits in the disc
    of its farthest vertex's chord, and a site's disc can meet it only when the chord from the
    origin to the site is at most that plus the site's radius.
    """
    coords, owner = shapely.get_coordinates(towns, return_index=True)
    extent = np.zeros(len(towns))
    np.maximum.at(extent, owner, np.hypot(coords[:, 0], coords[:, 1]))
    site_xyz, origin_xyz = geocentric(site_lonlat), geocentric(origins)
    found = cKDTree(site_xyz).query_ball_point(origin_xyz, extent + radii.max() + 1e-6)
    town_idx = np.repeat(np.arange(len(towns)), [len(f) for f in found])
    site_idx = np.fromiter((s for f in found for s in f), dtype=np.intp, count=len(town_idx))
    chord = np.linalg.norm(site_xyz[site_idx] - origin_xyz[town_idx], axis=1)
    keep = chord <= extent[town_idx] + radii[site_idx] + 1e-6
    return town_idx[keep], site_idx[keep]


def _covered_areas(towns: np.ndarray, town_idx: np.ndarray, discs: np.ndarray) -> np.ndarray:
    """Area of each town inside the union of its discs (``town_idx`` sorted, one per disc)."""
    covered = np.zeros(len(towns))
    if len(town_idx) == 0:
        return covered
    polys, starts, counts = np.unique(town_idx, return_index=True, return_counts=True)
    unions = discs[starts]
    for k in np.flatnonzero(counts > 1):
        unions[k] = shapely.union_all(discs[starts[k] : starts[k] + counts[k]])
    covered[polys] = shapely.area(shapely.intersection(unions, towns[polys]))
    return covered


def coverage_ratio(covered: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """``covered / demand`` element-wise; NaN where demand is 0 (nothing to cover).

    Parameters
    ----------
    covered, demand
        Frames of the same shape (e.g. ``Coverage.covered`` and ``Coverage.demand``).
    """
    denominator = demand.astype(float).where(demand != 0)
    return covered.astype(float) / denominator


def compute_coverage(dataset: Dataset, groups: Sequence[str] | None = None) -> Coverage:
    """Demand and covered people per township and group, by the rules in DESIGN.

    Parameters
    ----------
    dataset
        A loaded dataset (every layer in WGS-84).
    groups
        Group codes or labels to compute (in the dataset's order); every group when None or
        empty.

    Returns
    -------
    Coverage

    Raises
    ------
    OptionError
        If a value in ``groups`` is not a group of the dataset.
    ValueError
        If a chosen group has no demand column.
    """
    chosen = _select_groups(dataset, groups)
    layout = _layout(dataset)
    covered_rows, reached = {}, {}
    for group in chosen:
        reach, row_share = _cover_group(dataset, group, layout)
        covered_rows[group.code] = dataset.demand[group.code].to_numpy(dtype=float) * row_share
        reached[group.code] = pd.arrays.BooleanArray(reach, ~layout.is_point)
    return _assemble(dataset, chosen, layout, covered_rows, reached)


@dataclass(frozen=True, eq=False)
class _Layout:
    """The dataset's geometry in WGS-84 degrees, extracted once for every group."""

    town_codes: pd.Index
    towns: np.ndarray
    is_point: np.ndarray
    assigned: np.ndarray
    demand: GroundPoints
    site_ok: np.ndarray
    site_lonlat: np.ndarray

    @property
    def township_rows(self) -> np.ndarray:
        rows: np.ndarray = ~self.is_point & self.assigned
        return rows


def _layout(dataset: Dataset) -> _Layout:
    town_codes = pd.Index(dataset.townships["code"], name="township")
    is_point = has_point(dataset.demand.geometry)
    site_ok = has_point(dataset.sites.geometry)
    return _Layout(
        town_codes=town_codes,
        towns=np.asarray(dataset.townships.geometry.to_crs(WGS84), dtype=object),
        is_point=is_point,
        assigned=dataset.demand["township"].isin(town_codes).to_numpy(),
        demand=GroundPoints(lonlat(cast(gpd.GeoSeries, dataset.demand.geometry[is_point]))),
        site_ok=site_ok,
        site_lonlat=lonlat(cast(gpd.GeoSeries, dataset.sites.geometry[site_ok])),
    )


def _cover_group(dataset: Dataset, group: Group, layout: _Layout) -> tuple[np.ndarray, np.ndarray]:
    """Per demand row: within reach (False for township rows) and the covered share."""
    mask, radii = site_radii(dataset.sites, group)
    xy, r = layout.site_lonlat[mask[layout.site_ok]], radii[mask & layout.site_ok]
    reach = _expand(points_within_reach(layout.demand, xy, r), layout.is_point)
    row_share = reach.astype(float)
    rows = layout.township_rows
    shares = _township_shares(dataset.demand, group.code, layout, xy, r)
    row_share[rows] = shares.reindex(dataset.demand["township"][rows]).to_numpy()
    return reach, row_share


def _township_shares(
    demand: gpd.GeoDataFrame,
    code: str,
    layout: _Layout,
    site_lonlat: np.ndarray,
    radii: np.ndarray,
) -> pd.Series:
    """Areal covered share of each township holding township-level demand of ``code``."""
    rows = layout.township_rows
    needed = rows & (demand[code].to_numpy() > 0)
    wanted = pd.unique(demand["township"][needed])
    shares = areal_covered_share(
        layout.towns[layout.town_codes.get_indexer(pd.Index(wanted))], site_lonlat, radii
    )
    every = pd.unique(demand["township"][rows])
    return pd.Series(shares, index=pd.Index(wanted), dtype=float).reindex(every, fill_value=0.0)


def _assemble(
    dataset: Dataset,
    chosen: tuple[Group, ...],
    layout: _Layout,
    covered_rows: dict[str, np.ndarray],
    reached: dict[str, pd.arrays.BooleanArray],
) -> Coverage:
    codes = [g.code for g in chosen]
    demand, assigned = dataset.demand, layout.assigned
    town = layout.town_codes.get_indexer(pd.Index(demand["township"][assigned]))
    count = len(layout.town_codes)

    def per_township(values: np.ndarray) -> np.ndarray:
        return np.bincount(town, weights=values[assigned], minlength=count)

    people = {c: per_township(demand[c].to_numpy(dtype=float)).astype("int64") for c in codes}
    demand_table = pd.DataFrame(people, index=layout.town_codes, columns=codes)
    covered = {c: per_township(covered_rows[c]) for c in codes}
    covered_table = pd.DataFrame(covered, index=layout.town_codes, columns=codes)
    ids = pd.Index(demand["id"], name="id")
    point_covered = pd.DataFrame({c: reached[c] for c in codes}, index=ids, columns=codes)
    return Coverage(
        groups=tuple(codes),
        demand=demand_table.rename_axis("township"),
        covered=covered_table.astype(float).rename_axis("township"),
        point_covered=point_covered,
        unassigned_demand=demand[~assigned],
    )


def _select_groups(dataset: Dataset, groups: Sequence[str] | None) -> tuple[Group, ...]:
    chosen = resolve_groups(dataset, groups)
    missing = [g.code for g in chosen if g.code not in dataset.demand.columns]
    if missing:
        msg = f"the demand frame has no column for groups {missing}."
        raise ValueError(msg)
    return chosen


def _expand(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values`` placed at the True positions of ``where``; False elsewhere."""
    out = np.zeros(len(where), dtype=bool)
    out[where] = values
    return out


def _as_lonlat_geometries(
    polygons: gpd.GeoSeries | Sequence[shapely.Geometry] | np.ndarray,
) -> np.ndarray:
    crs = getattr(polygons, "crs", None)
    if crs is not None and not pyproj.CRS(crs).is_geographic:
        msg = f"`polygons` must be in WGS-84 degrees, got {pyproj.CRS(crs).name!r}."
        raise ValueError(msg)
    return np.asarray(polygons, dtype=object).reshape(-1)
