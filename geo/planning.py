"""What the planning pages show besides maps: who a station would reach, and "what if".

A planner looks at suggested stations (:func:`geo.siting.suggest_sites`) and also tries places
of her own: "what if a station stood here?". :func:`compare_stations` answers with the same
numbers the rest of the atlas uses — coverage from :func:`geo.summary.summarize` and the
2SFCA/E2SFCA accessibility of :func:`geo.access.compute_access` — before and after the
hypothetical stations are added (:func:`geo.siting.add_stations`). :func:`village_reach` says
for every village whether an existing site, a suggested station or a hypothetical one reaches
it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.access import compute_access, group_demand_points, group_sites
from geo.dataset import Dataset
from geo.projection import lonlat, reach_pairs
from geo.siting import add_stations
from geo.summary import summarize

__all__ = [
    "REACH_STATES",
    "WhatIf",
    "compare_stations",
    "village_reach",
]

# A village's state on the siting map, in the order of precedence.
REACH_STATES = ("existing", "suggested", "hypothetical", "unreached")
WHATIF_PREFIX = "whatif"


def _lonlat_xy(lonlat: tuple[npt.ArrayLike, npt.ArrayLike] | None) -> np.ndarray:
    """``(n, 2)`` longitude and latitude (an empty array for None)."""
    if lonlat is None:
        return np.zeros((0, 2))
    lon, lat = lonlat
    return np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)]).astype(float)


def _first_reaching(demand_xy: np.ndarray, station_xy: np.ndarray, radius_m: float) -> np.ndarray:
    """Per demand point, the index of the first station within ``radius_m`` (-1 for none)."""
    pairs = reach_pairs(demand_xy, station_xy, radius_m)
    first = np.full(len(demand_xy), len(station_xy), dtype=np.intp)
    np.minimum.at(first, pairs.demand, pairs.site)
    return np.where(first < len(station_xy), first, -1)


def village_reach(
    dataset: Dataset,
    group_code: str,
    *,
    radius_m: float | None = None,
    suggested: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    hypothetical: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
) -> gpd.GeoDataFrame:
    """Which villages with people of the group are reached, and by what.

    Parameters
    ----------
    dataset
        A loaded dataset.
    group_code
        The group whose people and sites count.
    radius_m
        Catchment of a suggested or hypothetical station; by default the group's.
    suggested, hypothetical
        ``(lon, lat)`` arrays (WGS-84) of suggested and of hypothetical stations.

    Returns
    -------
    GeoDataFrame
        One row per located demand point with people of the group (dataset order): ``id``,
        ``name``, ``township``, ``people``, ``reach`` (``"existing"``: an existing site serving
        the group reaches it; else ``"suggested"``, ``"hypothetical"`` or ``"unreached"``),
        ``station`` (for ``suggested``/``hypothetical``: the index of the first such station
        that reaches it, else -1) and ``geometry``.
    """
    group = dataset.group(group_code)
    radius = float(group.radius_m if radius_m is None else radius_m)
    points = group_demand_points(dataset)
    xy = lonlat(points)
    sites = group_sites(dataset, group)
    existing = reach_pairs(xy, lonlat(sites), sites["radius_m"].to_numpy(dtype=float))
    reached = np.zeros(len(points), dtype=bool)
    reached[existing.demand] = True
    by_suggested = _first_reaching(xy, _lonlat_xy(suggested), radius)
    by_hypothetical = _first_reaching(xy, _lonlat_xy(hypothetical), radius)
    state = np.select(
        [reached, by_suggested >= 0, by_hypothetical >= 0],
        list(REACH_STATES[:3]),
        default=REACH_STATES[3],
    )
    station = np.select([reached, by_suggested >= 0], [-1, by_suggested], default=by_hypothetical)
    frame = gpd.GeoDataFrame(
        {
            "id": points["id"].to_numpy(),
            "name": points["name"].to_numpy(),
            "township": points["township"].to_numpy(),
            "people": points[group.code].to_numpy(dtype=float),
            "reach": state,
            "station": station.astype(np.intp),
        },
        geometry=points.geometry.to_numpy(),
        crs=points.crs,
    )
    return frame[frame["people"] > 0].reset_index(drop=True)


@dataclass(frozen=True)
class WhatIf:
    """Coverage and accessibility of one group before and after hypothetical stations.

    Attributes
    ----------
    group, method
        The group code and the accessibility method (``"2sfca"`` or ``"e2sfca"``).
    radius_m, capacity
        Catchment and capacity of each hypothetical station (capacity None: not given,
        counted as 1 by the accessibility score, as any site without one).
    stations
        One row per hypothetical station, in the order given: ``id``, ``lon``, ``lat``,
        ``township`` (code or None), ``gain`` (people at villages it newly brings within reach,
        given the existing sites and the stations before it).
    demand, covered_before, covered_after
        The group's people and those within reach, from :func:`geo.summary.summarize`
        (township-level demand included, by area).
    access
        One row per township: ``code``, ``name``, ``demand`` (people at its villages),
        ``before``, ``after`` (demand-weighted mean score of its villages) and ``change``.
    score_before, score_after
        The district's demand-weighted mean village score.
    """

    group: str
    method: str
    radius_m: float
    capacity: float | None
    stations: pd.DataFrame
    demand: float
    covered_before: float
    covered_after: float
    access: pd.DataFrame
    score_before: float
    score_after: float

    @property
    def coverage_before(self) -> float:
        """The share of the group's people within reach before (NaN with no people)."""
        return self.covered_before / self.demand if self.demand > 0 else math.nan

    @property
    def coverage_after(self) -> float:
        """The share of the group's people within reach after (NaN with no people)."""
        return self.covered_after / self.demand if self.demand > 0 else math.nan


def _district_score(points: pd.DataFrame) -> float:
    people = points["demand"].to_numpy(dtype=float)
    total = people.sum()
    return float((points["score"].to_numpy() * people).sum() / total) if total > 0 else math.nan


def _covered(dataset: Dataset, group_code: str) -> tuple[float, float]:
    totals = summarize(dataset, groups=[group_code]).totals()
    return float(totals["demand"][group_code]), float(totals["covered"][group_code])


def compare_stations(
    dataset: Dataset,
    group_code: str,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    radius_m: float | None = None,
    capacity: float | None = None,
    method: str = "2sfca",
) -> WhatIf:
    """Coverage and accessibility of a group without and with hypothetical stations.

    Parameters
    ----------
    dataset
        A loaded dataset.
    group_code
        The group the hypothetical stations serve.
    lon, lat
        WGS-84 coordinates of the hypothetical stations (none: after equals before).
    radius_m
        Their catchment; by default the group's ``radius_m``.
    capacity
        Their capacity in people a year (None: not given).
    method
        ``"2sfca"`` or ``"e2sfca"`` (see :func:`geo.access.compute_access`).

    Returns
    -------
    WhatIf

    Raises
    ------
    OptionError
        If the dataset has no group ``group_code``.
    """
    group = dataset.group(group_code)
    radius = float(group.radius_m if radius_m is None else radius_m)
    lons, lats = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, float))
    after = add_stations(
        dataset, lons, lats, (group.code,), capacity=capacity, radius_m=radius, prefix=WHATIF_PREFIX
    )
    demand, covered_before = _covered(dataset, group.code)
    _, covered_after = _covered(after, group.code)
    access_before = compute_access(dataset, group.code, method=method)
    access_after = compute_access(after, group.code, method=method)
    towns = access_before.townships[["code", "name", "demand"]].assign(
        before=access_before.townships["score"].to_numpy(),
        after=access_after.townships["score"].to_numpy(),
    )
    towns["change"] = towns["after"] - towns["before"]
    return WhatIf(
        group=group.code,
        method=method,
        radius_m=radius,
        capacity=capacity,
        stations=_station_gains(dataset, group.code, lons, lats, radius, after),
        demand=demand,
        covered_before=covered_before,
        covered_after=covered_after,
        access=towns,
        score_before=_district_score(access_before.points),
        score_after=_district_score(access_after.points),
    )


def _station_gains(
    dataset: Dataset,
    group_code: str,
    lon: np.ndarray,
    lat: np.ndarray,
    radius_m: float,
    after: Dataset,
) -> pd.DataFrame:
    reach = village_reach(dataset, group_code, radius_m=radius_m, hypothetical=(lon, lat))
    newly = reach["reach"] == "hypothetical"
    gains = np.bincount(
        reach.loc[newly, "station"].to_numpy(dtype=np.intp),
        weights=reach.loc[newly, "people"].to_numpy(dtype=float),
        minlength=len(lon),
    )
    added = after.sites.iloc[len(dataset.sites) :]
    return pd.DataFrame(
        {
            "id": added["id"].to_numpy(),
            "lon": lon,
            "lat": lat,
            "township": added["township"].to_numpy(),
            "gain": gains[: len(lon)],
        }
    )
