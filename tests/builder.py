"""The one builder of hand-made datasets for the tests: write only what a test is about.

A test names the columns it cares about; every other column of the ``Dataset`` contract gets
the value a dataset folder would give when the file leaves it blank (a site is a station with the
group's radius and no capacity, a demand row has no name, ...). Geometries are given in WGS-84,
or as a GeoSeries in any CRS (converted to WGS-84).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.dataset import Dataset, Group
from geo.io.load import PROJECT_COLUMNS, SITE_COLUMNS

Columns = Mapping[str, Sequence[object]]
Geometries = Sequence[shapely.Geometry | None] | gpd.GeoSeries

_SITE_DEFAULTS: dict[str, object] = {
    "kind": "station",
    "category": None,
    "radius_m": np.nan,
    "capacity": np.nan,
    "rating": None,
    "inspected": None,
    "township": None,
}


def build_dataset(
    *,
    groups: Sequence[Group],
    townships: Columns,
    sites: Columns,
    demand: Columns,
    projects: Columns | None = None,
    **about: object,
) -> Dataset:
    """A valid ``Dataset`` from the columns a test names.

    ``townships``, ``sites`` and ``demand`` each hold a ``geometry`` entry. ``about`` sets
    ``name``, ``demo``, ``budget_yuan`` or ``metadata`` (defaults: "test", False, 0, {}).
    """
    return Dataset(
        name=str(about.get("name", "test")),
        demo=bool(about.get("demo", False)),
        coordinates="wgs84",
        budget_yuan=int(about.get("budget_yuan", 0)),  # type: ignore[call-overload]
        groups=tuple(groups),
        townships=_spatial(townships, ("code", "name")),
        sites=sites_frame(sites),
        demand=_spatial(
            _with_defaults(demand, {"name": None, "township": None}),
            ("id", "name", "township", *(g.code for g in groups if g.code in demand)),
        ),
        projects=_projects(projects),
        metadata=dict(about.get("metadata", {})),  # type: ignore[call-overload]
    )


def sites_frame(columns: Columns) -> gpd.GeoDataFrame:
    """``Dataset.sites`` from the named columns (stations, no capacity, no township, ...)."""
    return _spatial(
        _with_defaults(columns, {"name": columns["id"], **_SITE_DEFAULTS}), SITE_COLUMNS
    )


def _projects(columns: Columns | None) -> pd.DataFrame:
    """The projects table; an empty one (with its columns) when there are none."""
    given = {} if columns is None else columns
    frame = pd.DataFrame({key: list(values) for key, values in given.items()})
    return frame.reindex(columns=list(PROJECT_COLUMNS))


def _with_defaults(columns: Columns, defaults: Mapping[str, object]) -> dict[str, object]:
    n = len(columns["id"])
    filled: dict[str, object] = dict(columns)
    for key, value in defaults.items():
        if key not in filled:
            many = isinstance(value, Sequence | pd.Series) and not isinstance(value, str)
            filled[key] = list(value) if many else [value] * n  # type: ignore[call-overload]
    return filled


def _spatial(columns: Mapping[str, object], order: Sequence[str]) -> gpd.GeoDataFrame:
    geometry = columns["geometry"]
    series = geometry if isinstance(geometry, gpd.GeoSeries) else gpd.GeoSeries(geometry, crs=4326)
    data = {key: list(columns[key]) for key in order if key != "geometry"}  # type: ignore[call-overload]
    frame = pd.DataFrame(data, columns=[c for c in order if c != "geometry"])
    return gpd.GeoDataFrame(frame, geometry=series.to_crs(4326).to_numpy(), crs="EPSG:4326")
