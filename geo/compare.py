"""One year against another: coverage, sites and funding of two datasets, matched.

Townships are matched by code (a township renamed keeps its code; a code on one side only is
kept, with its status), sites by id (a site whose id stays but whose point moves more than
``MOVE_THRESHOLD_M`` metres on the ground has moved). Only the groups both datasets declare are
compared; the others are named as left out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from geo.dataset import Dataset
from geo.errors import OptionError
from geo.summary import Summary, summarize

__all__ = ["MOVE_THRESHOLD_M", "Comparison", "compare", "comparison_to_json", "shared_groups"]

MOVE_THRESHOLD_M = 50.0
_GEOD = pyproj.Geod(ellps="WGS84")
Frame = TypeVar("Frame", pd.DataFrame, pd.Series)


@dataclass(frozen=True)
class Comparison:
    """Two summaries over the same groups, matched township by township and site by site.

    Attributes
    ----------
    old, new
        The summaries of the earlier and the later dataset, over ``groups``.
    groups
        The compared group codes (declared by both datasets), in the new dataset's order.
    left_out
        ``{"old_only": codes, "new_only": codes}``: groups one dataset declares and the other
        does not (not compared).
    townships
        One row per township code of either side (index: code; the new dataset's order, then
        the codes only the old one has) with ``name`` (the new name where there is one),
        ``name_old``, ``status`` ("both" | "old_only" | "new_only"), ``people_old``,
        ``people_new``, ``covered_old``, ``covered_new``, ``unreached_old``, ``unreached_new``,
        ``coverage_old``, ``coverage_new`` (all groups together), ``coverage_change_pp``,
        ``sites_opened``, ``sites_closed``, ``sites_moved``, ``funding_yuan_old``,
        ``funding_yuan_new`` (the recommended allocation of each year's budget) and
        ``projects_yuan_old``, ``projects_yuan_new`` (the venture money each year's data
        records). Figures of the side a township is missing from are NaN.
    coverage_old, coverage_new, coverage_change_pp, covered_change, demand_change
        Township x group frames, same index as ``townships``; NaN where a side is missing or
        (for coverage) has no demand.
    opened, closed, moved
        Site ids serving at least one compared group: only in new, only in old, in both but
        more than ``MOVE_THRESHOLD_M`` apart.
    move_m
        Distance in metres of each moved site (index: id).
    """

    old: Summary
    new: Summary
    groups: tuple[str, ...]
    left_out: dict[str, tuple[str, ...]]
    townships: pd.DataFrame
    coverage_old: pd.DataFrame
    coverage_new: pd.DataFrame
    coverage_change_pp: pd.DataFrame
    covered_change: pd.DataFrame
    demand_change: pd.DataFrame
    opened: tuple[str, ...]
    closed: tuple[str, ...]
    moved: tuple[str, ...]
    move_m: pd.Series

    def totals(self) -> dict[str, pd.Series]:
        """District figures per group and ``"all"``: demand, covered, coverage, change in points.

        Keys ``demand_old``, ``demand_new``, ``covered_old``, ``covered_new``, ``coverage_old``,
        ``coverage_new`` and ``coverage_change_pp``.
        """
        out: dict[str, pd.Series] = {}
        for side, summary in (("old", self.old), ("new", self.new)):
            demand = summary.demand.sum()
            covered = summary.covered.sum()
            demand["all"], covered["all"] = demand.sum(), covered.sum()
            out[f"demand_{side}"] = demand
            out[f"covered_{side}"] = covered
            out[f"coverage_{side}"] = covered / demand.where(demand > 0)
        out["coverage_change_pp"] = _pp(out["coverage_old"], out["coverage_new"])
        return out

    def ranked_changes(
        self, count: int = 3, *, at_least_pp: float = 0.05
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The ``count`` townships with the biggest gains and the biggest losses of coverage.

        Townships in both years, all compared groups together, changes of at least
        ``at_least_pp`` points (less reads as 0.0); a table may be shorter than ``count``.
        """
        both = self.townships[
            (self.townships["status"] == "both") & self.townships["coverage_change_pp"].notna()
        ]
        ordered = both.sort_values("coverage_change_pp", kind="stable")
        change = ordered["coverage_change_pp"]
        gains = ordered[change >= at_least_pp].iloc[::-1].head(count)
        losses = ordered[change <= -at_least_pp].head(count)
        return gains, losses


def shared_groups(
    old: Dataset, new: Dataset, names: Sequence[str] | None = None, *, argument: str = "groups"
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The group codes to compare and the ones left out.

    Parameters
    ----------
    old, new
        The two datasets.
    names
        Group codes or labels to compare (as either dataset names them); every shared group
        when None or empty.
    argument
        The argument's name in an error (``"--group"`` on the command line).

    Returns
    -------
    (codes, left_out)
        ``codes`` in the new dataset's order; ``left_out`` = ``{"old_only": ..., "new_only":
        ...}`` for the groups one dataset lacks.

    Raises
    ------
    OptionError
        For a name neither dataset knows or a group only one of them declares (listing the
        shared codes), and when the datasets share no group at all.
    """
    old_codes, new_codes = old.group_codes, new.group_codes
    shared = tuple(c for c in new_codes if c in old_codes)
    left_out = {
        "old_only": tuple(c for c in old_codes if c not in new_codes),
        "new_only": tuple(c for c in new_codes if c not in old_codes),
    }
    if not shared:
        received = (*left_out["old_only"], *left_out["new_only"])
        raise OptionError(argument, received, expected="option.expected.shared_groups")
    if not names:
        return shared, left_out
    by_name = {
        n: g.code
        for ds in (old, new)
        for g in ds.groups
        for n in (g.code, g.label, g.label_en)
        if n
    }
    unknown = [n for n in names if by_name.get(n) not in shared]
    if unknown:
        raise OptionError(argument, unknown, allowed=shared)
    chosen = {by_name[n] for n in names}
    return tuple(c for c in shared if c in chosen), left_out


def compare(
    old: Dataset,
    new: Dataset,
    *,
    groups: Sequence[str] | None = None,
    move_threshold_m: float = MOVE_THRESHOLD_M,
) -> Comparison:
    """Compare two datasets (e.g. last year's and this year's) over the groups both have.

    Parameters
    ----------
    old, new
        The earlier and the later dataset.
    groups
        Group codes or labels to compare; every shared group when None or empty.
    move_threshold_m
        A site kept under its id has moved when its points are farther apart than this
        (geodesic metres on the WGS-84 ellipsoid).

    Returns
    -------
    Comparison

    Raises
    ------
    OptionError
        See :func:`shared_groups`.
    """
    codes, left_out = shared_groups(old, new, groups)
    before = summarize(old, groups=list(codes))
    after = summarize(new, groups=list(codes))
    index = _township_index(before.townships.index, after.townships.index)
    cov_old = before.coverage.reindex(index)
    cov_new = after.coverage.reindex(index)
    opened, closed, moved, move_m = _match_sites(old, new, codes, move_threshold_m)
    table = _township_table(before, after, index)
    table["sites_opened"] = _count_by_township(new.sites, opened, index)
    table["sites_closed"] = _count_by_township(old.sites, closed, index)
    table["sites_moved"] = _count_by_township(new.sites, moved, index)
    return Comparison(
        old=before,
        new=after,
        groups=codes,
        left_out=left_out,
        townships=table,
        coverage_old=cov_old,
        coverage_new=cov_new,
        coverage_change_pp=_pp(cov_old, cov_new),
        covered_change=after.covered.reindex(index) - before.covered.reindex(index),
        demand_change=after.demand.reindex(index) - before.demand.reindex(index),
        opened=opened,
        closed=closed,
        moved=moved,
        move_m=move_m,
    )


def _pp(old: Frame, new: Frame) -> Frame:
    """The change of a share in percentage points (2/5 -> 4/5 is exactly 40.0).

    Each side is turned into percent first: 100 * 0.8 - 100 * 0.4 is 40.0 exactly, while
    100 * (0.8 - 0.4) is 40.00000000000001.
    """
    return 100 * new - 100 * old


def _township_index(old: pd.Index, new: pd.Index) -> pd.Index:
    return new.append(old[~old.isin(new)])


def _township_table(before: Summary, after: Summary, index: pd.Index) -> pd.DataFrame:
    old = before.townships.reindex(index)
    new = after.townships.reindex(index)
    in_old, in_new = index.isin(before.townships.index), index.isin(after.townships.index)
    status = np.where(in_old & in_new, "both", np.where(in_old, "old_only", "new_only"))
    table = pd.DataFrame(
        {"name": new["name"].fillna(old["name"]), "name_old": old["name"], "status": status},
        index=index,
    )
    for column in ("people", "covered", "unreached", "coverage", "funding_yuan", "projects_yuan"):
        table[f"{column}_old"] = old[column].astype(float)
        table[f"{column}_new"] = new[column].astype(float)
    table["coverage_change_pp"] = _pp(table["coverage_old"], table["coverage_new"])
    return table


def _match_sites(
    old: Dataset, new: Dataset, codes: Sequence[str], threshold_m: float
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], pd.Series]:
    before = _serving(old, codes)
    after = _serving(new, codes)
    opened = tuple(after.index[~after.index.isin(before.index)])
    closed = tuple(before.index[~before.index.isin(after.index)])
    kept = after.index[after.index.isin(before.index)]
    a, b = before.loc[kept], after.loc[kept]
    _, _, dist = _GEOD.inv(a.geometry.x.to_numpy(), a.geometry.y.to_numpy(),
                           b.geometry.x.to_numpy(), b.geometry.y.to_numpy())  # fmt: skip
    move_m = pd.Series(np.asarray(dist, dtype=float), index=kept, name="move_m")
    move_m = move_m[move_m > threshold_m]
    return opened, closed, tuple(move_m.index), move_m


def _serving(dataset: Dataset, codes: Sequence[str]) -> gpd.GeoDataFrame:
    sites = dataset.sites
    serves = sites["groups"].map(lambda gs: not set(gs).isdisjoint(codes)).astype(bool)
    return sites[serves].drop_duplicates("id").set_index("id")


def _count_by_township(sites: pd.DataFrame, ids: Sequence[str], index: pd.Index) -> pd.Series:
    chosen = sites[sites["id"].isin(ids)]
    counts = chosen.groupby("township").size()
    return counts.reindex(index).fillna(0).astype(int)


# --- JSON (the CLI contract) ------------------------------------------------------------------


def comparison_to_json(comparison: Comparison) -> dict[str, object]:
    """The comparison as the JSON document of ``python -m geo compare --json``."""
    c = comparison
    totals = c.totals()
    groups = c.new.groups
    table = c.townships
    frames = {
        name: getattr(c, name).to_dict("index")
        for name in ("coverage_old", "coverage_new", "coverage_change_pp", "covered_change",
                     "demand_change")
    }  # fmt: skip
    return {
        "old": {"dataset": _dataset_json(c.old)},
        "new": {"dataset": _dataset_json(c.new)},
        "groups": [{"code": g.code, "label": g.label, "label_en": g.label_en} for g in groups],
        "groups_left_out": {side: list(codes) for side, codes in c.left_out.items()},
        "townships": [
            {
                "code": str(code),
                "name": row["name"],
                "name_old": None if pd.isna(row["name_old"]) else row["name_old"],
                "status": row["status"],
                "coverage_old": _numbers(frames["coverage_old"][code], 3),
                "coverage_new": _numbers(frames["coverage_new"][code], 3),
                "coverage_change_pp": _numbers(frames["coverage_change_pp"][code], 1),
                "covered_change": _numbers(frames["covered_change"][code], 2),
                "demand_change": _numbers(frames["demand_change"][code], 2),
                "sites_opened": int(row["sites_opened"]),
                "sites_closed": int(row["sites_closed"]),
                "funding_yuan_old": _whole(row["funding_yuan_old"]),
                "funding_yuan_new": _whole(row["funding_yuan_new"]),
                "projects_yuan_old": _whole(row["projects_yuan_old"]),
                "projects_yuan_new": _whole(row["projects_yuan_new"]),
            }
            for code, row in table.iterrows()
        ],
        "sites": {
            "opened": list(c.opened),
            "closed": list(c.closed),
            "moved": list(c.moved),
            "moved_m": {k: round(float(v), 1) for k, v in c.move_m.items()},
        },
        "totals": {
            "demand_old": _numbers(totals["demand_old"], 2),
            "demand_new": _numbers(totals["demand_new"], 2),
            "coverage_old": _numbers(totals["coverage_old"], 3),
            "coverage_new": _numbers(totals["coverage_new"], 3),
            "coverage_change_pp": _numbers(totals["coverage_change_pp"], 1),
            "funding_yuan_old": _whole(table["funding_yuan_old"].sum()),
            "funding_yuan_new": _whole(table["funding_yuan_new"].sum()),
        },
    }


def _dataset_json(summary: Summary) -> dict[str, object]:
    ds = summary.dataset
    return {
        "name": ds.name,
        "demo": ds.demo,
        "year": ds.metadata.get("year"),
        "budget_yuan": summary.budget_yuan,
    }


def _numbers(values: Mapping[Hashable, Any] | pd.Series, digits: int) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for code, value in dict(values).items():
        if pd.isna(value):
            out[str(code)] = None
            continue
        number = round(float(value), digits)
        out[str(code)] = int(number) if digits == 2 and number.is_integer() else number
    return out


def _whole(value: float) -> int | None:
    return None if pd.isna(value) else round(float(value))
