"""Who is within reach of a service site, per township and beneficiary group.

The rules (DESIGN, "The rules of the computation"):

- A demand point's people of group g are covered when at least one site serving g lies within
  that site's radius for g (the site's ``radius_m``, else the group's ``radius_m``); a point
  exactly on the edge counts as covered.
- Township-level demand (a row without coordinates) is spread evenly over its township, so its
  covered share is area(township ∩ union of catchment discs) / area(township).
- Everything is measured in metres in the UTM zone of the townships' centre. A site outside
  every township still serves the people inside: catchments cross borders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo.dataset import Dataset, Group, has_point, resolve_groups, serves_any
from geo.projection import local_metric_crs, to_metric

__all__ = [
    "EDGE_TOLERANCE_M",
    "Coverage",
    "areal_covered_share",
    "compute_coverage",
    "coverage_ratio",
    "points_within_reach",
    "site_radii",
]

# A point on the edge of a catchment counts as covered. Reprojecting lon/lat to metres leaves
# noise of about 1e-9 m, so "distance <= radius" is tested with this much slack.
EDGE_TOLERANCE_M = 1e-6
# Segments per quarter circle of a catchment disc: a regular 128-gon has 99.96% of the disc's
# area, so areal shares are within 0.05% of the exact circle.
DISC_QUAD_SEGS = 32


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
    crs
        The metric CRS the distances and areas were measured in.
    """

    groups: tuple[str, ...]
    demand: pd.DataFrame
    covered: pd.DataFrame
    point_covered: pd.DataFrame
    unassigned_demand: gpd.GeoDataFrame
    crs: pyproj.CRS

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
    demand_xy: np.ndarray,
    site_xy: np.ndarray,
    radii_m: np.ndarray,
    *,
    tolerance_m: float = EDGE_TOLERANCE_M,
) -> np.ndarray:
    """Whether each demand point lies within the catchment of at least one site.

    Point p is covered when some site s has ``|p - s| <= radii_m[s]`` (plus ``tolerance_m``
    for float noise): the edge counts. With per-site radii this is a nearest-neighbour search
    under the power distance ``|p - s|^2 - r_s^2``, which becomes a plain Euclidean one by
    lifting each site to the height ``z_s = sqrt(R^2 - r_s^2)`` (``R`` the largest radius):
    then ``|p - s|^2 + z_s^2 <= R^2`` exactly when ``|p - s| <= r_s``. One KD-tree query per
    demand point answers it, in O((n + m) log m) however dense the demand or large the radii.

    Parameters
    ----------
    demand_xy
        Shape (n, 2), metres in a projected CRS.
    site_xy
        Shape (m, 2), metres in the same CRS.
    radii_m
        Shape (m,), each site's catchment radius in metres (finite, >= 0).
    tolerance_m
        Slack added to every radius.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    demand_xy = _as_xy(demand_xy, "demand_xy")
    site_xy = _as_xy(site_xy, "site_xy")
    reach = _check_radii(radii_m, len(site_xy)) + tolerance_m
    if len(demand_xy) == 0 or len(site_xy) == 0:
        return np.zeros(len(demand_xy), dtype=bool)
    top = float(reach.max())
    lift = np.sqrt(np.maximum(top * top - reach * reach, 0.0))
    tree = cKDTree(np.column_stack([site_xy, lift]))
    lifted_demand = np.column_stack([demand_xy, np.zeros(len(demand_xy))])
    distance, _ = tree.query(lifted_demand, k=1, distance_upper_bound=top * (1 + 1e-9) + 1e-9)
    return np.asarray(distance <= top, dtype=bool)


def areal_covered_share(
    polygons: gpd.GeoSeries | Sequence[shapely.Geometry] | np.ndarray,
    site_xy: np.ndarray,
    radii_m: np.ndarray,
    *,
    quad_segs: int = DISC_QUAD_SEGS,
) -> np.ndarray:
    """The share of each polygon's area inside the union of the sites' catchment discs.

    Only the discs whose bounds meet a polygon are unioned for it (an STRtree query), so the
    cost grows with the number of (polygon, nearby disc) pairs.

    Parameters
    ----------
    polygons
        Polygons in metres (a GeoSeries in a projected CRS, or shapely geometries), each with
        a positive area.
    site_xy
        Shape (m, 2), disc centres in metres in the same CRS.
    radii_m
        Shape (m,), disc radii in metres.
    quad_segs
        Segments per quarter circle of each disc (32 gives an area within 0.05% of pi r^2).

    Returns
    -------
    ndarray of float, shape (len(polygons),)
        Shares in [0, 1].
    """
    geoms = _as_metric_geometries(polygons)
    site_xy = _as_xy(site_xy, "site_xy")
    radii = _check_radii(radii_m, len(site_xy))
    areas = shapely.area(geoms)
    if np.any(~(areas > 0)):
        bad = np.flatnonzero(~(areas > 0)).tolist()
        msg = f"every polygon must have a positive area; polygons {bad} do not."
        raise ValueError(msg)
    covered_area = np.zeros(len(geoms))
    if len(geoms) and len(site_xy):
        discs = shapely.buffer(shapely.points(site_xy), radii, quad_segs=quad_segs)
        covered_area = _covered_areas(geoms, discs)
    share = np.clip(covered_area / areas, 0.0, 1.0)
    share[np.isclose(share, 1.0, rtol=0.0, atol=1e-9)] = 1.0
    return share


def _covered_areas(geoms: np.ndarray, discs: np.ndarray) -> np.ndarray:
    """Area of each polygon inside the union of the discs that meet it."""
    poly_idx, disc_idx = shapely.STRtree(discs).query(geoms, predicate="intersects")
    order = np.argsort(poly_idx, kind="stable")
    poly_idx, disc_idx = poly_idx[order], disc_idx[order]
    polys, starts, counts = np.unique(poly_idx, return_index=True, return_counts=True)
    unions = discs[disc_idx[starts]]
    for k in np.flatnonzero(counts > 1):
        unions[k] = shapely.union_all(discs[disc_idx[starts[k] : starts[k] + counts[k]]])
    covered = np.zeros(len(geoms))
    covered[polys] = shapely.area(shapely.intersection(unions, geoms[polys]))
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
    crs = local_metric_crs(dataset.townships)
    metric = _metric_geometry(dataset, crs)
    covered_rows, reached = {}, {}
    for group in chosen:
        reach, row_share = _cover_group(dataset, group, metric)
        covered_rows[group.code] = dataset.demand[group.code].to_numpy(dtype=float) * row_share
        reached[group.code] = pd.arrays.BooleanArray(reach, ~metric.is_point)
    return _assemble(dataset, chosen, metric, covered_rows, reached, crs)


@dataclass(frozen=True, eq=False)
class _MetricGeometry:
    """The dataset's geometry in metres, computed once for every group."""

    town_codes: pd.Index
    towns_m: np.ndarray
    is_point: np.ndarray
    assigned: np.ndarray
    demand_xy: np.ndarray
    site_ok: np.ndarray
    site_xy: np.ndarray

    @property
    def township_rows(self) -> np.ndarray:
        rows: np.ndarray = ~self.is_point & self.assigned
        return rows


def _metric_geometry(dataset: Dataset, crs: pyproj.CRS) -> _MetricGeometry:
    town_codes = pd.Index(dataset.townships["code"], name="township")
    is_point = has_point(dataset.demand.geometry)
    site_ok = has_point(dataset.sites.geometry)
    return _MetricGeometry(
        town_codes=town_codes,
        towns_m=np.asarray(to_metric(dataset.townships.geometry, crs), dtype=object),
        is_point=is_point,
        assigned=dataset.demand["township"].isin(town_codes).to_numpy(),
        demand_xy=_xy_in(dataset.demand.geometry, is_point, crs),
        site_ok=site_ok,
        site_xy=_xy_in(dataset.sites.geometry, site_ok, crs),
    )


def _cover_group(
    dataset: Dataset, group: Group, metric: _MetricGeometry
) -> tuple[np.ndarray, np.ndarray]:
    """Per demand row: within reach (False for township rows) and the covered share."""
    mask, radii = site_radii(dataset.sites, group)
    xy, r = metric.site_xy[mask[metric.site_ok]], radii[mask & metric.site_ok]
    reach = _expand(points_within_reach(metric.demand_xy, xy, r), metric.is_point)
    row_share = reach.astype(float)
    rows = metric.township_rows
    shares = _township_shares(dataset.demand, group.code, metric, xy, r)
    row_share[rows] = shares.reindex(dataset.demand["township"][rows]).to_numpy()
    return reach, row_share


def _township_shares(
    demand: gpd.GeoDataFrame,
    code: str,
    metric: _MetricGeometry,
    site_xy: np.ndarray,
    radii: np.ndarray,
) -> pd.Series:
    """Areal covered share of each township holding township-level demand of ``code``."""
    rows = metric.township_rows
    needed = rows & (demand[code].to_numpy() > 0)
    wanted = pd.unique(demand["township"][needed])
    shares = areal_covered_share(
        metric.towns_m[metric.town_codes.get_indexer(pd.Index(wanted))], site_xy, radii
    )
    every = pd.unique(demand["township"][rows])
    return pd.Series(shares, index=pd.Index(wanted), dtype=float).reindex(every, fill_value=0.0)


def _assemble(
    dataset: Dataset,
    chosen: tuple[Group, ...],
    metric: _MetricGeometry,
    covered_rows: dict[str, np.ndarray],
    reached: dict[str, pd.arrays.BooleanArray],
    crs: pyproj.CRS,
) -> Coverage:
    codes = [g.code for g in chosen]
    demand, assigned = dataset.demand, metric.assigned
    towns = demand["township"][assigned].to_numpy()
    people = demand.loc[assigned, codes].astype("int64")
    demand_table = people.groupby(towns).sum().reindex(metric.town_codes, fill_value=0)
    covered = pd.DataFrame({c: covered_rows[c][assigned] for c in codes}, columns=codes)
    covered_table = covered.groupby(towns).sum().reindex(metric.town_codes, fill_value=0.0)
    ids = pd.Index(demand["id"], name="id")
    point_covered = pd.DataFrame({c: reached[c] for c in codes}, index=ids, columns=codes)
    return Coverage(
        groups=tuple(codes),
        demand=demand_table.rename_axis("township"),
        covered=covered_table.astype(float).rename_axis("township"),
        point_covered=point_covered,
        unassigned_demand=demand[~assigned],
        crs=crs,
    )


def _select_groups(dataset: Dataset, groups: Sequence[str] | None) -> tuple[Group, ...]:
    chosen = resolve_groups(dataset, groups)
    missing = [g.code for g in chosen if g.code not in dataset.demand.columns]
    if missing:
        msg = f"the demand frame has no column for groups {missing}."
        raise ValueError(msg)
    return chosen


def _xy_in(geometry: gpd.GeoSeries, rows: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """``(n, 2)`` metres of the points in ``rows`` (all located)."""
    if not rows.any():
        return np.empty((0, 2))
    return shapely.get_coordinates(np.asarray(to_metric(geometry, crs), dtype=object)[rows])


def _expand(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values`` placed at the True positions of ``where``; False elsewhere."""
    out = np.zeros(len(where), dtype=bool)
    out[where] = values
    return out


def _as_xy(xy: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(xy, dtype=float)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"`{name}` must have shape (n, 2), got {arr.shape}."
        raise ValueError(msg)
    if not np.isfinite(arr).all():
        msg = f"`{name}` must hold finite coordinates in metres."
        raise ValueError(msg)
    return arr


def _check_radii(radii_m: np.ndarray, m: int) -> np.ndarray:
    radii = np.asarray(radii_m, dtype=float).reshape(-1)
    if radii.shape != (m,):
        msg = f"`radii_m` must have one radius per site ({m}), got shape {radii.shape}."
        raise ValueError(msg)
    if not (np.isfinite(radii) & (radii >= 0)).all():
        msg = "`radii_m` must be finite, non-negative metres."
        raise ValueError(msg)
    return radii


def _as_metric_geometries(
    polygons: gpd.GeoSeries | Sequence[shapely.Geometry] | np.ndarray,
) -> np.ndarray:
    crs = getattr(polygons, "crs", None)
    if crs is not None and not pyproj.CRS(crs).is_projected:
        msg = f"`polygons` must be in a metric CRS, got {pyproj.CRS(crs).name!r}."
        raise ValueError(msg)
    return np.asarray(polygons, dtype=object).reshape(-1)
