"""Selections of the dataset that the maps and pages show.

Filtered sites, catchments, the villages out of reach and one township's detail.

These are small queries over a :class:`~geo.summary.Summary`; they live here (not in a page)
so that the dashboard and the exports show the same selection and so that they are tested.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.access import group_sites
from geo.coverage import site_radii
from geo.dataset import Dataset, Group, project_serves, serves_any
from geo.errors import check_choice
from geo.privacy import public_groups, public_townships
from geo.projection import geocentric, geodesic_m, lonlat
from geo.summary import Summary

__all__ = [
    "DistrictKpis",
    "TownshipDetail",
    "count_unreached_villages",
    "district_kpis",
    "filter_sites",
    "site_catchment_radii",
    "township_detail",
    "unreached_points",
    "unreached_villages",
]


def filter_sites(
    sites: gpd.GeoDataFrame,
    *,
    groups: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    township: str | None = None,
) -> gpd.GeoDataFrame:
    """The sites that pass every filter given.

    A site passes when it serves any of ``groups``, is of one of ``kinds`` and ``categories``
    and lies in ``township``; a filter that is None (or empty) lets every site through.

    Parameters
    ----------
    sites
        ``Dataset.sites``.
    groups
        Group codes.
    kinds
        ``"organization"`` and/or ``"station"``.
    categories
        Values of the ``category`` column; sites without a category pass only when the
        filter is None or empty.
    township
        A township code.
    """
    keep = np.ones(len(sites), dtype=bool)
    if groups:
        keep &= serves_any(sites["groups"], groups)
    if kinds:
        keep &= sites["kind"].isin(list(kinds)).to_numpy()
    if categories:
        keep &= sites["category"].isin(list(categories)).to_numpy()
    if township:
        keep &= (sites["township"] == township).to_numpy()
    return sites[keep]


def site_catchment_radii(sites: gpd.GeoDataFrame, groups: Collection[Group]) -> pd.Series:
    """Each site's widest catchment (metres) over the ``groups`` it serves; NaN if none.

    A site's radius for a group is its own ``radius_m`` where given, else the group's
    (the same rule as the coverage computation).
    """
    radii = np.full(len(sites), np.nan)
    for group in groups:
        mask, group_radii = site_radii(sites, group)
        radii = np.where(mask, np.fmax(radii, group_radii), radii)
    return pd.Series(radii, index=sites.index, name="radius_m")


def unreached_points(summary: Summary, hidden: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Demand points (villages, communities) with people of the summary's groups out of reach.

    ``hidden`` (demand id x group, from ``geo.privacy.protect``) leaves those cells out: the
    public map does not place a small group at its village.

    Returns
    -------
    geopandas.GeoDataFrame
        ``id``, ``name``, ``township``, ``unreached`` (people of the selected groups at the
        point who are not within reach of a site serving their group, > 0), ``people`` and
        ``geometry``; sorted by ``unreached``, largest first. Township-level demand rows (no
        point) are not included: their gap shows in the township table.
    """
    demand = summary.dataset.demand
    codes = summary.group_codes
    points = demand[demand.geometry.notna()].set_index("id")
    covered = summary.point_covered.reindex(points.index)[codes]
    people = points[codes].astype(float)
    if hidden is not None:
        people = people.where(~hidden.reindex(points.index)[codes].fillna(False).astype(bool), 0.0)
    not_reached = people.where(covered.eq(False), 0.0).sum(axis=1)
    result = points.assign(unreached=not_reached, people=people.sum(axis=1))
    result = result[result["unreached"] > 0].reset_index()
    columns = ["id", "name", "township", "unreached", "people", "geometry"]
    return result[columns].sort_values("unreached", ascending=False, kind="stable")


def unreached_villages(
    summary: Summary,
    township: str | None = None,
    hidden: pd.DataFrame | None = None,
    *,
    most: int | None = None,
) -> pd.DataFrame:
    """The villages out of reach, per group, with the nearest site serving the group.

    One row per village and group: a list a planner can act on.

    The villages are those :func:`unreached_points` puts on the map (the red points), taken
    group by group. Distances are geodesics on the WGS-84 ellipsoid in metres
    (``geo.projection.geodesic_m``), right at any extent, never degrees.

    Parameters
    ----------
    summary
        From ``geo.summary.summarize`` (its groups and catchment radii).
    township
        A township code to keep only its villages; None for the whole district.
    hidden
        Demand id x group (``geo.privacy.protect``): those cells are left out, as the public
        map leaves them out; a row naming a village and a small group would point at a
        household.
    most
        Keep only this many rows, those with the most people out of reach (the first in the
        order below among equals), in their order; the nearest sites are then looked up for
        those rows only (a province has a quarter of a million). None keeps every row.

    Returns
    -------
    pandas.DataFrame
        Columns ``township`` (code, NaN outside every township), ``township_name``, ``id``,
        ``name``, ``group`` (code), ``unreached`` (people of the group at the village, all out
        of reach), ``site_id``, ``site_name`` (the nearest site serving the group, NaN when no
        site serves it), ``distance_m`` (to that site) and ``radius_m`` (that site's reach).
        Sorted by township (dataset order), then people out of reach, most first.
    """
    points, covered = _demand_points(summary, township)
    rows = _unreached_rows(points, covered, summary, hidden)
    if most is not None and len(rows) > most:
        top = rows["unreached"].nlargest(most, keep="first").index
        rows = rows[rows.index.isin(top)].reset_index(drop=True)
    return _with_nearest_sites(rows, points, summary)


def count_unreached_villages(
    summary: Summary, township: str | None = None, hidden: pd.DataFrame | None = None
) -> int:
    """How many rows :func:`unreached_villages` has, without making them."""
    points, covered = _demand_points(summary, township)
    return sum(int(_out_of_reach(points, covered, g, hidden).sum()) for g in summary.groups)


def _demand_points(summary: Summary, township: str | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The demand points (of a township, or all) and whether each group is covered there."""
    demand = summary.dataset.demand
    points = demand[demand.geometry.notna()]
    if township is not None:
        points = points[points["township"] == township]
    return points, summary.point_covered.reindex(points["id"])


def _out_of_reach(
    points: gpd.GeoDataFrame, covered: pd.DataFrame, group: Group, hidden: pd.DataFrame | None
) -> np.ndarray:
    """Which points have people of ``group``, all out of reach (and not hidden)."""
    people = points[group.code].to_numpy(dtype=float)
    out = covered[group.code].eq(False).to_numpy() & (people > 0)
    if hidden is not None:
        out &= ~hidden[group.code].reindex(points["id"]).fillna(False).to_numpy(bool)
    return np.asarray(out, dtype=bool)


def _unreached_rows(
    points: gpd.GeoDataFrame,
    covered: pd.DataFrame,
    summary: Summary,
    hidden: pd.DataFrame | None,
) -> pd.DataFrame:
    """The rows of :func:`unreached_villages` in its order, as numbers only.

    ``point`` (the village's position among ``points``), ``group`` (the group's position
    among the summary's) and ``unreached``; the names are looked up for the rows kept.
    """
    rank = summary.townships.index.get_indexer(pd.Index(points["township"]))
    rank[rank < 0] = len(summary.townships)  # outside every township: last
    parts = []
    for number, group in enumerate(summary.groups):
        out = np.flatnonzero(_out_of_reach(points, covered, group, hidden))
        people = points[group.code].to_numpy(dtype=float)[out]
        parts.append((out, np.full(len(out), number), people))
    point, group_number, unreached = (
        np.concatenate([part[k] for part in parts]) if parts else np.empty(0) for k in range(3)
    )
    order = np.lexsort((-unreached, rank[point.astype(np.intp)]))  # stable, as the list reads
    return pd.DataFrame(
        {"point": point[order], "group": group_number[order], "unreached": unreached[order]}
    ).astype({"point": np.intp, "group": np.intp})


def _with_nearest_sites(
    rows: pd.DataFrame, points: gpd.GeoDataFrame, summary: Summary
) -> pd.DataFrame:
    """The villages and groups of ``rows`` with the nearest site serving the group.

    With its reach and the geodesic distance to it.
    """
    columns = ["township", "township_name", "id", "name", "group", "unreached"]
    columns += ["site_id", "site_name", "distance_m", "radius_m"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    at = rows["point"].to_numpy()
    number = rows["group"].to_numpy()
    village_lonlat = lonlat(points)[at]
    site_id = np.full(len(rows), np.nan, dtype=object)
    site_name = np.full(len(rows), np.nan, dtype=object)
    radius = np.full(len(rows), np.nan)
    distance = np.full(len(rows), np.nan)
    for k, group in enumerate(summary.groups):
        mine = np.flatnonzero(number == k)
        if len(mine) == 0:
            continue
        sites = group_sites(summary.dataset, group)
        site_lonlat = lonlat(sites)
        nearest = _nearest(geocentric(village_lonlat[mine]), geocentric(site_lonlat))
        found = nearest >= 0
        picked = sites.iloc[nearest[found]]
        site_id[mine[found]] = picked["id"].to_numpy()
        site_name[mine[found]] = picked["name"].to_numpy()
        radius[mine[found]] = picked["radius_m"].to_numpy(dtype=float)
        distance[mine] = _distances(village_lonlat[mine], site_lonlat, nearest)
    township = points["township"].to_numpy()[at]
    return pd.DataFrame(
        {
            "township": township,
            "township_name": pd.Series(township).map(summary.townships["name"]).to_numpy(),
            "id": points["id"].to_numpy()[at],
            "name": points["name"].to_numpy()[at],
            "group": np.array([g.code for g in summary.groups], dtype=object)[number],
            "unreached": rows["unreached"].to_numpy(),
            "site_id": site_id,
            "site_name": site_name,
            "distance_m": distance,
            "radius_m": radius,
        }
    )[columns]


def _nearest(xyz: np.ndarray, site_xyz: np.ndarray) -> np.ndarray:
    """Index of the nearest site of each point (-1 when there is no site).

    Found by the chord between geocentric coordinates: the nearest by chord is the nearest by
    geodesic at these ranges.
    """
    if len(site_xyz) == 0 or len(xyz) == 0:
        return np.full(len(xyz), -1)
    _, index = cKDTree(site_xyz).query(xyz, k=1)
    return np.asarray(index, dtype=np.intp)


def _distances(points: np.ndarray, sites: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """Geodesic metres from each lon/lat point to its nearest site (NaN when none)."""
    found = nearest >= 0
    distance = np.full(len(points), np.nan)
    if found.any():
        distance[found] = geodesic_m(points[found], sites[nearest[found]])
    return distance


@dataclass(frozen=True)
class TownshipDetail:
    """One township: people, covered and coverage per group, its sites and projects."""

    code: str
    name: str
    row: pd.Series
    groups: pd.DataFrame
    sites: gpd.GeoDataFrame
    projects: pd.DataFrame


def township_detail(summary: Summary, code: str) -> TownshipDetail:
    """The detail of township ``code`` under the summary's groups.

    ``groups`` has one row per selected group (index: group code) with ``label``, ``demand``,
    ``covered``, ``unreached`` and ``coverage`` (in the public edition, ``geo.privacy``, "<k"
    or "*" where it keeps a figure, in ``row`` too); ``sites`` are the township's sites serving
    any selected group; ``projects`` the venture projects that name the township.

    Raises
    ------
    OptionError
        For a code that is not a township of the dataset.
    """
    check_choice("code", code, summary.townships.index)
    codes = summary.group_codes
    groups = pd.DataFrame(
        {
            "label": [g.label for g in summary.groups],
            "demand": summary.demand.loc[code, codes].to_numpy(dtype=float),
            "covered": summary.covered.loc[code, codes].to_numpy(dtype=float),
            "coverage": summary.coverage.loc[code, codes].to_numpy(dtype=float),
        },
        index=pd.Index(codes, name="group"),
    )
    groups["unreached"] = groups["demand"] - groups["covered"]
    row = cast(pd.Series, summary.townships.loc[code])
    if summary.disclosure is not None:  # the public edition: "<k" and "*" where it says so
        shown = public_groups(summary, summary.disclosure)
        columns = {"demand": "people", "covered": "covered", "unreached": "unreached"}
        columns["coverage"] = "coverage"
        groups = groups.astype(dict.fromkeys(columns, object))
        for column, figure in columns.items():
            groups[column] = shown[figure].loc[code, codes].to_numpy()
        row = cast(pd.Series, public_townships(summary, summary.disclosure).loc[code])
    return TownshipDetail(
        code=code,
        name=str(summary.townships.at[code, "name"]),
        row=row,
        groups=groups,
        sites=filter_sites(summary.dataset.sites, groups=codes, township=code),
        projects=_projects_in(summary.dataset, code, codes),
    )


def _projects_in(dataset: Dataset, code: str, codes: list[str]) -> pd.DataFrame:
    """Projects naming the township and serving a chosen group (no groups = every group).

    The same rule as the summary's ``projects`` column.
    """
    projects = dataset.projects
    if projects.empty:
        return projects
    here = projects["townships"].map(lambda ts: code in ts).to_numpy(dtype=bool)
    chosen: pd.DataFrame = projects[here & project_serves(projects["groups"], codes)]
    return chosen


@dataclass(frozen=True)
class DistrictKpis:
    """The district's headline figures for the summary's groups (township totals)."""

    organizations: int
    stations: int
    people: float
    covered: float
    unreached: float
    coverage: float
    funding_year: int | None
    projects: int
    funding_yuan: float


def district_kpis(summary: Summary) -> DistrictKpis:
    """Headline figures: sites, people, coverage and the latest year's venture funding.

    People, covered and coverage are the sums over the townships (points outside every
    township are not in them, as in the CLI totals). Funding counts the projects of the
    latest year in the data that serve one of the groups (or name no group).
    """
    table = summary.townships
    people, covered = float(table["people"].sum()), float(table["covered"].sum())
    year, projects = _latest_projects(summary.dataset.projects, summary.group_codes)
    return DistrictKpis(
        organizations=int(table["organizations"].sum()),
        stations=int(table["stations"].sum()),
        people=people,
        covered=covered,
        unreached=people - covered,
        coverage=covered / people if people > 0 else float("nan"),
        funding_year=year,
        projects=len(projects),
        funding_yuan=float(projects["amount_yuan"].sum()) if len(projects) else 0.0,
    )


def _latest_projects(projects: pd.DataFrame, codes: list[str]) -> tuple[int | None, pd.DataFrame]:
    if projects.empty:
        return None, projects
    serving = projects[project_serves(projects["groups"], codes)]
    year = int(projects["year"].max())
    return year, serving[serving["year"] == year]
