"""The Dataset value: everything one dataset folder holds, validated and in WGS-84."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import Problem

SITE_KINDS = ("organization", "station")
DATUMS = ("wgs84", "cgcs2000", "gcj02", "bd09")


@dataclass(frozen=True)
class Group:
    """A beneficiary group (留守老人, 残疾人, ...) as declared in ``dataset.toml``."""

    code: str
    label: str
    radius_m: float
    label_en: str | None = None
    category: str | None = None
    weight: float = 1.0

    def display(self, lang: str = "zh") -> str:
        """The group's name in ``lang``, falling back to the Chinese label."""
        if lang == "en" and self.label_en:
            return self.label_en
        return self.label


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset. Every geometry is in WGS-84 (EPSG:4326).

    Frames (column order as listed; extra columns from the files are dropped):

    townships : GeoDataFrame
        ``code`` (str), ``name`` (str), ``geometry`` (Polygon/MultiPolygon, valid).
    sites : GeoDataFrame
        ``id`` (str), ``name`` (str), ``kind`` ("organization" | "station"), ``category``
        (str | None), ``groups`` (tuple of group codes), ``radius_m`` (float, NaN = group default),
        ``capacity`` (float, NaN = not given), ``rating`` (str | None), ``inspected``
        (bool | None), ``township`` (township code | None when outside every township),
        ``geometry`` (Point).
    demand : GeoDataFrame
        ``id`` (str), ``name`` (str | None), ``township`` (code | None), one int column per
        group code, ``geometry`` (Point, or None for township-level rows).
        Point rows get ``township`` from the polygon that contains them; township-level rows
        from their ``township`` column (resolved from code or name to the code).
    projects : DataFrame
        ``id``, ``name``, ``org`` (str), ``year`` (int), ``amount_yuan`` (float),
        ``groups`` (tuple of group codes), ``townships`` (tuple of township codes),
        ``person_times`` (float, NaN = not given). Empty frame with these columns if absent.
    """

    name: str
    demo: bool
    coordinates: str
    budget_yuan: int
    groups: tuple[Group, ...]
    townships: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    projects: pd.DataFrame
    warnings: tuple[Problem, ...] = ()
    source: Path | None = None
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def group_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.groups)

    def group(self, code: str) -> Group:
        """The group with ``code``; ``KeyError`` if there is none."""
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)


def with_parameters(
    dataset: Dataset,
    *,
    radii_m: Mapping[str, float] | None = None,
    weights: Mapping[str, float] | None = None,
    budget_yuan: int | None = None,
) -> Dataset:
    """A copy of ``dataset`` with some group radii, weights or the budget changed.

    This is how planners try "what if the catchment of elders' stations were 3 km": the data
    stays the same, only the parameters of the computation change.

    Parameters
    ----------
    dataset
        The loaded dataset.
    radii_m, weights
        New values by group code; groups not named keep theirs.
    budget_yuan
        The new default budget for the funding allocation.

    Raises
    ------
    ValueError
        For an unknown group code, a radius that is not positive, or a negative weight or budget.
    """
    radii_m = dict(radii_m or {})
    weights = dict(weights or {})
    unknown = (set(radii_m) | set(weights)) - set(dataset.group_codes)
    if unknown:
        msg = f"unknown group codes {sorted(unknown)}; known: {list(dataset.group_codes)}"
        raise ValueError(msg)
    if any(r <= 0 for r in radii_m.values()) or any(w < 0 for w in weights.values()):
        msg = f"radii must be > 0 and weights >= 0, got radii={radii_m} weights={weights}"
        raise ValueError(msg)
    if budget_yuan is not None and budget_yuan < 0:
        msg = f"budget_yuan must be >= 0, got {budget_yuan}"
        raise ValueError(msg)
    groups = tuple(
        replace(
            g,
            radius_m=float(radii_m.get(g.code, g.radius_m)),
            weight=float(weights.get(g.code, g.weight)),
        )
        for g in dataset.groups
    )
    budget = dataset.budget_yuan if budget_yuan is None else int(budget_yuan)
    return replace(dataset, groups=groups, budget_yuan=budget)


def assign_townships(points: gpd.GeoSeries, townships: gpd.GeoDataFrame) -> np.ndarray:
    """The code of the township that holds each point, ``None`` for points outside all.

    Parameters
    ----------
    points
        Points in the CRS of ``townships`` (``None`` entries allowed: they get ``None``).
    townships
        Polygons with a ``code`` column.

    Returns
    -------
    ndarray of object
        One code (or ``None``) per point. A point on a shared border, or in an overlap, goes to
        the township that comes first in ``townships``.
    """
    codes = np.full(len(points), None, dtype=object)
    if len(points) == 0 or len(townships) == 0:
        return codes
    if len(points) > len(townships):
        # Many points: each polygon is prepared once and asked which points it holds.
        tree = shapely.STRtree(points.to_numpy())
        hit_township, hit_point = tree.query(townships.geometry.to_numpy(), predicate="intersects")
    else:
        hit_point, hit_township = townships.sindex.query(points.to_numpy(), predicate="intersects")
    first = np.full(len(points), len(townships))
    np.minimum.at(first, hit_point, hit_township)
    inside = first < len(townships)
    codes[inside] = townships["code"].to_numpy()[first[inside]]
    return codes
