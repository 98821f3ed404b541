"""Where should the next stations go? Maximal covering location for one group of a dataset.

Given the stations a group already has, choose K new locations among candidates (the
villages, or a list the planner uploads, see :mod:`geo.io.candidates`) that bring the most
people of the group newly within reach of a station. Existing sites stay; people they already
reach count for nothing more. :mod:`geo.cover` solves the problem set up here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from geo.access import group_demand_points, group_sites
from geo.cover import DEFAULT_TIME_LIMIT_S, CoverSolution, cover_matrix, solve_max_cover
from geo.dataset import Dataset, assign_townships
from geo.errors import OptionError
from geo.projection import lonlat, reach_pairs

__all__ = [
    "SitingProblem",
    "SitingResult",
    "add_stations",
    "siting_problem",
    "siting_to_json",
    "suggest_sites",
]


@dataclass(frozen=True)
class SitingResult:
    """Suggested new stations for one group, best first.

    Attributes
    ----------
    group
        The group code.
    radius_m
        The catchment of each new station.
    demand
        People of the group at located demand points (villages).
    covered_before, covered_after
        Of those, people within reach of a station before and after the suggestions.
    suggestions
        One row per suggested station, in the order chosen: ``rank`` (1, 2, ...),
        ``candidate_id``, ``name``, ``lon``, ``lat`` (WGS-84), ``township`` (code or None),
        ``gain`` (people it newly brings within reach, given the stations ranked before it).
        Fewer rows than asked when the rest would reach nobody new.
    upper_bound
        No choice of that many stations can bring ``covered_after`` above this.
    method
        ``"exact"`` or ``"heuristic"`` (see :func:`solve_max_cover`).
    unlocated
        Ids of township-level demand rows, which have no place to be reached from.
    """

    group: str
    radius_m: float
    demand: float
    covered_before: float
    covered_after: float
    suggestions: pd.DataFrame
    upper_bound: float
    method: str
    unlocated: tuple[str, ...] = ()

    @property
    def optimal(self) -> bool:
        """True when no other choice of stations reaches more people."""
        return self.covered_after >= self.upper_bound - 1e-9 * max(1.0, self.upper_bound)


@dataclass(frozen=True)
class SitingProblem:
    """The maximal covering problem of one group, ready for :func:`solve_max_cover`.

    Attributes
    ----------
    group, radius_m
        The group and the catchment of a new station.
    cover
        ``(candidates, villages)`` 0/1 sparse matrix: a station there would reach the village.
    people
        People of the group per village (located demand rows, dataset order).
    reached
        Whether an existing site serving the group already reaches each village.
    candidates
        ``id``, ``name``, ``township`` and WGS-84 points, one row per row of ``cover``.
    unlocated
        Ids of township-level demand rows (not part of the problem).
    """

    group: str
    radius_m: float
    cover: sparse.csr_matrix
    people: np.ndarray
    reached: np.ndarray
    candidates: gpd.GeoDataFrame
    unlocated: tuple[str, ...]

    @property
    def weight(self) -> np.ndarray:
        """People a new station could still bring within reach, per village."""
        return np.asarray(self.people * ~self.reached)


def siting_problem(
    dataset: Dataset,
    group_code: str,
    *,
    radius_m: float | None = None,
    candidates: gpd.GeoDataFrame | None = None,
) -> SitingProblem:
    """Set up the siting problem of one group (see :func:`suggest_sites` for the parameters).

    Raises
    ------
    OptionError
        If the dataset has no group ``group_code``.
    ValueError
        If ``radius_m`` is negative.
    """
    group = dataset.group(group_code)
    radius = float(group.radius_m if radius_m is None else radius_m)
    if not (radius >= 0 and math.isfinite(radius)):
        msg = f"`radius_m` must be a distance in metres >= 0, got {radius_m!r}."
        raise ValueError(msg)
    points = group_demand_points(dataset)
    places = _village_candidates(points) if candidates is None else candidates
    demand_xy = lonlat(points)
    unlocated = dataset.demand.loc[~dataset.demand.index.isin(points.index), "id"]
    return SitingProblem(
        group=group.code,
        radius_m=radius,
        cover=cover_matrix(lonlat(places), demand_xy, radius),
        people=points[group.code].to_numpy(dtype=float),
        reached=_reached_by(dataset, group_code, demand_xy),
        candidates=places,
        unlocated=tuple(str(i) for i in unlocated),
    )


def suggest_sites(
    dataset: Dataset,
    group_code: str,
    count: int,
    *,
    radius_m: float | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    exact: bool | None = None,
) -> SitingResult:
    """Suggest ``count`` new station locations that bring the most people newly within reach.

    The group's existing sites stay where they are; people they reach already count for
    nothing more (maximal covering location problem, Church & ReVelle 1974).

    Parameters
    ----------
    dataset
        A loaded dataset.
    group_code
        The group whose people are to be reached.
    count
        How many new stations (K >= 0).
    radius_m
        Catchment of a new station; by default the group's ``radius_m``.
    candidates
        Where a station may go: a GeoDataFrame with ``id``, ``name``, ``township`` and WGS-84
        points (see :func:`read_candidates`); by default the villages (located demand rows).
    time_limit_s, exact
        Search budget and use of the exact programme (see :func:`solve_max_cover`).

    Returns
    -------
    SitingResult

    Raises
    ------
    OptionError
        If the dataset has no group ``group_code``.
    ValueError
        If ``count`` or ``radius_m`` is negative.
    """
    problem = siting_problem(dataset, group_code, radius_m=radius_m, candidates=candidates)
    solution = solve_max_cover(
        problem.cover, problem.weight, count, time_limit_s=time_limit_s, exact=exact
    )
    before = float(problem.people[problem.reached].sum())
    return SitingResult(
        group=problem.group,
        radius_m=problem.radius_m,
        demand=float(problem.people.sum()),
        covered_before=before,
        covered_after=before + solution.covered,
        suggestions=_suggestion_table(problem.candidates, solution),
        upper_bound=before + solution.bound,
        method=solution.method,
        unlocated=problem.unlocated,
    )


def _reached_by(dataset: Dataset, group_code: str, demand_xy: np.ndarray) -> np.ndarray:
    """Which villages a site serving the group already reaches."""
    sites = group_sites(dataset, dataset.group(group_code))
    pairs = reach_pairs(demand_xy, lonlat(sites), sites["radius_m"].to_numpy(float))
    reached = np.zeros(len(demand_xy), dtype=bool)
    reached[pairs.demand] = True
    return reached


def _village_candidates(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return points[["id", "name", "township", "geometry"]].reset_index(drop=True)


def _suggestion_table(places: gpd.GeoDataFrame, solution: CoverSolution) -> pd.DataFrame:
    chosen = places.iloc[solution.chosen]
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1),
            "candidate_id": chosen["id"].astype(str).to_numpy(),
            "name": chosen["name"].to_numpy(),
            "lon": chosen.geometry.x.to_numpy(),
            "lat": chosen.geometry.y.to_numpy(),
            "township": chosen["township"].to_numpy(),
            "gain": solution.gains,
        }
    )


def add_stations(
    dataset: Dataset,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    groups: tuple[str, ...],
    *,
    capacity: float | None = None,
    radius_m: float | None = None,
    prefix: str = "new",
) -> Dataset:
    """The dataset with hypothetical stations added, for "what if a station stood here?".

    Parameters
    ----------
    dataset
        The dataset.
    lon, lat
        WGS-84 coordinates of the new stations.
    groups
        Group codes the new stations serve.
    capacity, radius_m
        Their capacity (None: not given) and catchment (None: each group's default).
    prefix
        Their ids are ``{prefix}-1``, ``{prefix}-2``, ...

    Returns
    -------
    Dataset
        A new dataset; coverage, access and siting computed from it see the new stations.
    """
    unknown = [g for g in groups if g not in dataset.group_codes]
    if unknown:
        raise OptionError("groups", unknown, allowed=dataset.group_codes)
    points = gpd.GeoSeries.from_xy(np.atleast_1d(lon), np.atleast_1d(lat), crs="EPSG:4326")
    n = len(points)
    new = gpd.GeoDataFrame(
        {
            "id": [f"{prefix}-{i}" for i in range(1, n + 1)],
            "name": [f"{prefix}-{i}" for i in range(1, n + 1)],
            "kind": ["station"] * n,
            "category": [None] * n,
            "groups": [tuple(groups)] * n,
            "radius_m": np.full(n, np.nan if radius_m is None else float(radius_m)),
            "capacity": np.full(n, np.nan if capacity is None else float(capacity)),
            "rating": [None] * n,
            "inspected": [None] * n,
            "township": pd.Series(assign_townships(points, dataset.townships), dtype=object),
        },
        geometry=points,
        crs="EPSG:4326",
    )
    sites = pd.concat([dataset.sites, new[dataset.sites.columns]], ignore_index=True)
    return replace(dataset, sites=gpd.GeoDataFrame(sites, geometry="geometry", crs="EPSG:4326"))


def _json_count(value: float) -> float | int:
    number = float(value)
    return round(number) if abs(number - round(number)) < 1e-9 else number


def siting_to_json(result: SitingResult) -> dict[str, object]:
    """The result as the CLI prints it (``python -m geo suggest ... --json``).

    Returns
    -------
    dict
        ``{"group", "radius_m", "demand", "covered_before", "covered_after", "upper_bound",
        "optimal", "method", "suggestions": [{"rank", "lon", "lat", "township", "gain",
        "candidate_id", "name"}], "unlocated"}``.
    """
    rows = result.suggestions
    suggestions = [
        {
            "rank": int(r["rank"]),
            "lon": float(r["lon"]),
            "lat": float(r["lat"]),
            "township": None if pd.isna(r["township"]) else str(r["township"]),
            "gain": _json_count(r["gain"]),
            "candidate_id": str(r["candidate_id"]),
            "name": None if pd.isna(r["name"]) else str(r["name"]),
        }
        for r in rows.to_dict("records")
    ]
    return {
        "group": result.group,
        "radius_m": _json_count(result.radius_m),
        "demand": _json_count(result.demand),
        "covered_before": _json_count(result.covered_before),
        "covered_after": _json_count(result.covered_after),
        "upper_bound": _json_count(math.floor(result.upper_bound + 1e-7))
        if result.optimal
        else float(result.upper_bound),
        "optimal": result.optimal,
        "method": result.method,
        "suggestions": suggestions,
        "unlocated": list(result.unlocated),
    }
