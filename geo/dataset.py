"""The Dataset value: everything one dataset folder holds, validated and in WGS-84."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import OptionError, Problem

SITE_KINDS = ("organization", "station")
DATUMS = ("wgs84", "cgcs2000", "gcj02", "bd09")
#: The public view's threshold when ``dataset.toml`` has no ``[privacy] min_count``.
DEFAULT_MIN_COUNT = 5


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

    ``min_count`` is the public view's threshold (``[privacy] min_count``): village counts
    from 1 to ``min_count - 1`` are shown as "<min_count" there (see ``geo.privacy``).
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
    min_count: int = DEFAULT_MIN_COUNT

    @property
    def group_codes(self) -> tuple[str, ...]:
        """The codes of the groups, in the order of ``dataset.toml``."""
        return tuple(g.code for g in self.groups)

    @property
    def district(self) -> str:
        """The name without a trailing note in brackets: 宿豫区（示例数据） -> 宿豫区.

        This is the place name that titles and file names print.
        """
        name = self.name
        for bracket in ("（", "("):
            name = name.split(bracket, 1)[0]
        return name.strip() or self.name

    def group(self, code: str, *, argument: str = "group_code") -> Group:
        """The group with ``code`` (``argument`` names it in an error).

        Raises
        ------
        OptionError
            If the dataset has no group ``code``.
        """
        for g in self.groups:
            if g.code == code:
                return g
        raise OptionError(argument, code, allowed=self.group_codes)


def resolve_groups(
    dataset: Dataset, names: Iterable[str] | None, *, argument: str = "groups"
) -> tuple[Group, ...]:
    """The groups named by code or label, in the dataset's order; every group when none is named.

    This is the one rule for choosing groups: ``None`` and an empty selection both mean every
    group, as a filter with nothing ticked shows everything.

    Parameters
    ----------
    dataset
        The dataset whose groups are chosen from.
    names
        Group codes, Chinese labels or English labels, in any mix.
    argument
        The argument's name in an error (``"--group"`` on the command line).

    Raises
    ------
    OptionError
        Naming the unknown values and the dataset's group codes.
    """
    wanted = list(names or ())
    if not wanted:
        return dataset.groups
    by_name = {name: g for g in dataset.groups for name in (g.code, g.label, g.label_en) if name}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise OptionError(argument, unknown, allowed=dataset.group_codes)
    chosen = {by_name[n].code for n in wanted}
    return tuple(g for g in dataset.groups if g.code in chosen)


def serves_any(groups: pd.Series, codes: Iterable[str]) -> np.ndarray:
    """Which rows serve at least one of ``codes``: the rule for a site and a chosen set of groups.

    Parameters
    ----------
    groups
        A ``groups`` column (tuples of group codes), as in ``Dataset.sites``.
    codes
        The chosen group codes.

    Returns
    -------
    ndarray of bool
        One value per row (also for an empty column).

    Examples
    --------
    >>> serves_any(pd.Series([("elders",), ("children",), ()]), ["elders"]).tolist()
    [True, False, False]
    """
    wanted = set(codes)

    def serves(gs: object) -> bool:
        return isinstance(gs, tuple | list | set | frozenset) and not wanted.isdisjoint(gs)

    try:
        # the same few combinations of groups on thousands of sites: each is looked at once
        positions, distinct = pd.factorize(groups, use_na_sentinel=False)
    except TypeError:  # lists or sets, which cannot be hashed
        return np.fromiter(map(serves, groups), dtype=bool, count=len(groups))
    answers = np.fromiter(map(serves, distinct), dtype=bool, count=len(distinct))
    return answers[positions]


def project_serves(groups: pd.Series, codes: Iterable[str]) -> np.ndarray:
    """Which projects count for ``codes``: those serving one of them, or naming no group.

    A venture project that names no beneficiary group is for everyone, so it counts for every
    choice of groups.

    Examples
    --------
    >>> project_serves(pd.Series([("elders",), ("children",), ()]), ["elders"]).tolist()
    [True, False, True]
    """
    names_none = np.fromiter((len(gs) == 0 for gs in groups), dtype=bool, count=len(groups))
    return np.asarray(serves_any(groups, codes) | names_none, dtype=bool)


def has_point(geometry: gpd.GeoSeries) -> np.ndarray:
    """Which rows have a location (township-level demand rows have none).

    Examples
    --------
    >>> from shapely import Point
    >>> has_point(gpd.GeoSeries([Point(118, 34), None, Point()])).tolist()
    [True, False, False]
    """
    values = geometry.to_numpy()
    located: np.ndarray = ~shapely.is_missing(values) & ~shapely.is_empty(values)
    return located


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
    OptionError
        For an unknown group code.
    ValueError
        For a radius that is not positive, or a negative weight or budget.
    """
    radii_m = dict(radii_m or {})
    weights = dict(weights or {})
    for argument, values in (("radii_m", radii_m), ("weights", weights)):
        unknown = sorted(set(values) - set(dataset.group_codes))
        if unknown:
            raise OptionError(argument, unknown, allowed=dataset.group_codes)
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
