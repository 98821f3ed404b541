"""Small counts kept private in the public view (statistical disclosure control).

The internal view shows every count. The public view (exports marked 公开, and the dashboard for
viewers and anonymous visitors) follows one rule, with ``k`` = ``[privacy] min_count`` of
``dataset.toml`` (default 5):

1. **Primary suppression.** A village-level count (a demand row, for one group) with
   ``0 < count < k`` is shown as ``"<k"``. Its village is not drawn as a point for that group:
   a point is a household's place, snapping it would still single out the village, so the
   public map shows such people only in the township figures.
2. **Pinned by subtraction.** The hidden cells ``H`` of a figure each lie in ``[1, k-1]``; an
   exact figure reveals their sum ``S`` (the figure minus the shown cells). One hidden value is
   then pinned exactly when ``|H| = 1``, ``S = |H|`` (all are 1) or ``S = |H|(k-1)`` (all are
   ``k-1``). Such a figure is not shown exactly but as ``"*"`` (protected), or as ``"<k"`` when
   it is itself below ``k``. No other exact figure is derived from the protected one: the
   checks run along one tree, village -> township x group -> township (all groups) ->
   district (all groups), in which each exact figure reveals the sum of the hidden cells below
   its protected children only (disjoint sets, so the check of each set is the whole truth).
3. **Covered and out of reach.** The public knows which shown villages are within reach, so
   the covered figure reveals the sum of the covered hidden cells and the out-of-reach figure
   that of the others; each set gets the check of rule 2. When either is protected both are
   (else one would follow from people minus the other), and so is the coverage share.
   Township-level demand rows (no point) are covered by area, a fraction: a hidden one
   protects its figure's covered and out-of-reach counts.
4. **Any aggregate below k** (``0 < value < k``) is shown as ``"<k"`` as well.
5. **Off the tree.** A district figure per group, and covered / out-of-reach counts above the
   township x group level, are exact only when every figure they add up is exact (so they
   reveal nothing new). The funding score, share and allocation follow the out-of-reach
   counts of every township and group: they are shown only when all of those are exact, as a
   share of one township would give away the others' sum.

This is a margin-by-margin rule for the one hierarchy the exports publish; it does not audit
other tables a reader might combine (e.g. an earlier export of different groups).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from geo.compare import Comparison
from geo.dataset import DEFAULT_MIN_COUNT
from geo.indicators import compute_indicator, format_indicator_value
from geo.summary import Summary

__all__ = [
    "DEFAULT_MIN_COUNT",
    "FIGURES",
    "PROTECTED",
    "Disclosure",
    "below",
    "district_shown",
    "gap_ranking",
    "indicator_shown",
    "indicator_texts",
    "pinned",
    "protect",
    "public_comparison",
    "public_demand",
    "public_groups",
    "public_summary",
    "public_text",
    "public_townships",
    "public_village_counts",
]

#: The counts of a figure, in the order the checks treat them.
FIGURES: Final = ("people", "covered", "unreached")
#: What a figure protected against subtraction shows.
PROTECTED: Final = "*"
_FUNDING: Final = ("funding_score", "funding_share", "funding_yuan")
_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def pinned(hidden: Iterable[float], min_count: int) -> bool:
    """Whether knowing the sum of the hidden cells pins one of them.

    Each hidden cell lies in ``[1, min_count - 1]``; with ``m`` cells summing to ``S``, a cell is
    pinned when ``m = 1``, ``S = m`` or ``S = m (min_count - 1)``.

    Examples
    --------
    >>> pinned([3], 5), pinned([1, 1], 5), pinned([4, 4], 5), pinned([1, 4], 5), pinned([], 5)
    (True, True, True, False, False)
    """
    values = list(hidden)
    m, total = len(values), sum(values)
    return m == 1 or (m > 1 and total in (m, m * (min_count - 1)))


def below(value: float, min_count: int) -> bool:
    """Whether ``value`` is a small count, shown as ``"<k"``: above 0 and below the threshold.

    Examples
    --------
    >>> below(0, 5), below(0.4, 5), below(4, 5), below(5, 5)
    (False, True, True, False)
    """
    return 0 < value < min_count


@dataclass(frozen=True)
class Disclosure:
    """Which counts of a summary the public view shows exactly.

    Attributes
    ----------
    min_count
        The threshold ``k``.
    hidden
        Demand id x group code: True where the village count shows ``"<k"`` (and its point is
        not drawn).
    township_groups
        Figure (people, covered, unreached) -> township x group: True where exact.
    townships
        Township x figure, over the summary's groups: True where exact.
    district_groups
        Group x figure: True where the district figure of the group is exact.
    district
        Figure -> True where the district total over the groups is exact.
    funding
        Whether the funding score, share and allocation are shown.
    """

    min_count: int
    hidden: pd.DataFrame
    township_groups: dict[str, pd.DataFrame]
    townships: pd.DataFrame
    district_groups: pd.DataFrame
    district: pd.Series
    funding: bool


def protect(summary: Summary, min_count: int | None = None) -> Disclosure:
    """Apply the module's rule to ``summary`` (threshold: the dataset's, unless given).

    Parameters
    ----------
    summary
        From ``geo.summary.summarize``.
    min_count
        The threshold ``k``; ``summary.dataset.min_count`` when None.

    Returns
    -------
    Disclosure
    """
    k = summary.dataset.min_count if min_count is None else int(min_count)
    demand = summary.dataset.demand.set_index(summary.dataset.demand["id"].astype(str))
    codes = summary.group_codes
    counts = demand[codes]
    hidden = (counts > 0) & (counts < k)
    cells = _Cells(demand, summary.point_covered, hidden, k)
    exact = {f: pd.DataFrame(True, index=summary.demand.index, columns=codes) for f in FIGURES}
    pools: dict[str, list[float]] = {str(t): [] for t in summary.demand.index}
    for town in map(str, summary.demand.index):
        for code in codes:
            figure = cells.township_group(town, code, summary)
            for name in FIGURES:
                exact[name].loc[town, code] = figure[name]
            if not figure["people"]:
                pools[town] += cells.values(town, code)
    townships = _aggregates(summary, exact, pools, k)
    district_pool = [
        v for t in townships.index if not townships.loc[t, "people"] for v in pools[str(t)]
    ]
    return Disclosure(
        min_count=k,
        hidden=hidden,
        township_groups=exact,
        townships=townships,
        district_groups=_district_groups(summary, exact, k),
        district=_district(summary, townships, district_pool, k),
        funding=bool(exact["unreached"].to_numpy().all()),
    )


class _Cells:
    """The hidden village cells of one summary, grouped by township and group once."""

    def __init__(
        self, demand: pd.DataFrame, reached: pd.DataFrame, hidden: pd.DataFrame, k: int
    ) -> None:
        self.k = k
        reached = reached.reindex(demand.index)
        town = demand["township"].astype(object).to_numpy()
        # (township, group) -> its hidden cells: count, and reached (None: a township-level row)
        self.cells: dict[tuple[str, str], list[tuple[float, bool | None]]] = {}
        for code in hidden.columns:
            rows = hidden[code].to_numpy(bool)
            known = reached[code].notna().to_numpy(bool)[rows]
            within = reached[code].eq(True).to_numpy(bool, na_value=False)[rows]
            counts = demand[code].to_numpy(float)[rows]
            for place, value, has, how in zip(town[rows], counts, known, within, strict=True):
                cell = (float(value), bool(how) if has else None)
                self.cells.setdefault((str(place), code), []).append(cell)

    def values(self, town: str, code: str, reach: bool | None = None) -> list[float]:
        """The hidden counts of ``code`` in ``town`` (only those with that reach if given)."""
        cells = self.cells.get((town, code), [])
        return [v for v, how in cells if reach is None or how is reach]

    def township_group(self, town: str, code: str, summary: Summary) -> dict[str, bool]:
        """Rules 2-4 for one township and group."""
        k = self.k
        people = float(summary.demand[code][town])
        covered = float(summary.covered[code][town])
        exact_people = not (pinned(self.values(town, code), k) or below(people, k))
        area_hidden = any(how is None for _, how in self.cells.get((town, code), []))
        split_ok = not (
            area_hidden
            or pinned(self.values(town, code, True), k)
            or pinned(self.values(town, code, False), k)
            or below(covered, k)
            or below(people - covered, k)
        )
        both = exact_people and split_ok
        return {"people": exact_people, "covered": both, "unreached": both}


def _aggregates(
    summary: Summary, exact: dict[str, pd.DataFrame], pools: dict[str, list[float]], k: int
) -> pd.DataFrame:
    """Township figures over all the summary's groups (rules 2, 4 and 5)."""
    rows = {}
    for town, row in summary.townships.iterrows():
        people = not (pinned(pools[str(town)], k) or below(row["people"], k))
        split = bool(
            people
            and exact["covered"].loc[[town]].to_numpy().all()
            and not below(row["covered"], k)
            and not below(row["unreached"], k)
        )
        rows[town] = {"people": people, "covered": split, "unreached": split}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(FIGURES))


def _district_groups(summary: Summary, exact: dict[str, pd.DataFrame], k: int) -> pd.DataFrame:
    people, covered = summary.demand.sum(), summary.covered.sum()
    values = {"people": people, "covered": covered, "unreached": people - covered}
    out = {
        name: exact[name].all() & ~values[name].map(lambda v: below(v, k)).astype(bool)
        for name in FIGURES
    }
    frame = pd.DataFrame(out)
    frame.loc[~frame["people"], ["covered", "unreached"]] = False
    split = frame["covered"] & frame["unreached"]
    frame["covered"] = frame["unreached"] = split
    return frame


def _district(summary: Summary, townships: pd.DataFrame, pool: list[float], k: int) -> pd.Series:
    people = float(summary.demand.to_numpy().sum())
    covered = float(summary.covered.to_numpy().sum())
    exact_people = not (pinned(pool, k) or below(people, k))
    split = bool(
        exact_people
        and townships["covered"].all()
        and not below(covered, k)
        and not below(people - covered, k)
    )
    return pd.Series({"people": exact_people, "covered": split, "unreached": split})


def _show(value: float, exact: bool, k: int) -> object:
    if exact:
        return value
    return f"<{k}" if below(value, k) else PROTECTED


def public_summary(summary: Summary, min_count: int | None = None) -> Summary:
    """The public edition of ``summary``: the same figures, carrying their :class:`Disclosure`.

    Whatever draws or writes a summary (maps, tables, charts, the pack, the dashboard) reads
    ``summary.disclosure`` and keeps the protected counts out. Applying it twice is harmless.
    """
    if summary.disclosure is not None and min_count is None:
        return summary
    return replace(summary, disclosure=protect(summary, min_count))


def public_text(value: float, exact: bool, text: str, k: int, *, count: bool = True) -> str:
    """``text`` (``value`` formatted) where exact, else ``"<k"`` (a small count) or ``"*"``.

    Examples
    --------
    >>> public_text(3, False, "3", 5), public_text(12, False, "12", 5), public_text(9, True, "9", 5)
    ('<5', '*', '9')
    >>> public_text(0.4, False, "40%", 5, count=False)
    '*'
    """
    if exact:
        return text
    return f"<{k}" if count and below(value, k) else PROTECTED


def public_demand(demand: _Frame, disclosure: Disclosure) -> _Frame:
    """``demand`` (rows with an ``id``) with its hidden cells set to 0: what a public map places.

    A village whose only people are small groups then has no one to draw.
    """
    codes = [c for c in disclosure.hidden.columns if c in demand.columns]
    hidden = disclosure.hidden.reindex(demand["id"].astype(str))[codes].fillna(False)
    out = demand.copy()
    out[codes] = out[codes].mask(hidden.to_numpy(bool), 0)
    return out


#: The figures each township indicator is computed from (all must be exact to show it).
_INDICATOR_FIGURES: Final[dict[str, tuple[str, ...]]] = {
    "coverage": ("people", "covered"),
    "unreached": ("unreached",),
    "sites_per_1000": ("people",),
    "funding_per_person": ("people",),  # the projects' yuan are public
    "funding_yuan": ("funding",),
}


def indicator_shown(disclosure: Disclosure, indicator: str) -> pd.Series:
    """Township code -> whether the public may read the township's value of ``indicator``."""
    exact = disclosure.townships.assign(funding=disclosure.funding)
    needed = list(_INDICATOR_FIGURES.get(indicator, FIGURES))
    return exact[needed].all(axis=1)


def indicator_texts(summary: Summary, indicator: str, lang: str = "zh") -> pd.Series:
    """Township code -> the value of ``indicator`` as the summary's edition prints it.

    Formatted by ``geo.indicators.format_indicator_value``; in the public edition "<k" (a
    small out-of-reach count) or "*" where :func:`indicator_shown` says no.
    """
    values = compute_indicator(summary.townships, indicator)
    texts = [format_indicator_value(indicator, v, lang) for v in values]
    disclosure = summary.disclosure
    if disclosure is not None:
        shown = indicator_shown(disclosure, indicator).reindex(values.index).fillna(False)
        k, count = disclosure.min_count, indicator == "unreached"
        texts = [
            public_text(v, bool(ok), text, k, count=count)
            for v, ok, text in zip(values, shown, texts, strict=True)
        ]
    return pd.Series(texts, index=values.index, dtype=object)


def district_shown(summary: Summary) -> dict[str, bool]:
    """Whether the district figures over the summary's groups may be read exactly.

    Keys ``people``, ``covered``, ``unreached`` and ``coverage``; all True for the internal
    edition.
    """
    if summary.disclosure is None:
        return dict.fromkeys(("people", "covered", "unreached", "coverage"), True)
    exact = {str(name): bool(v) for name, v in summary.disclosure.district.items()}
    return {**exact, "coverage": exact["people"] and exact["covered"]}


def public_comparison(comparison: Comparison) -> Comparison:
    """Two years compared as the public may read them: each year under its own rule.

    A township's figure of a year is NaN where that year's public edition keeps it, and a
    change where either year's does; ``old`` and ``new`` become the public editions (their
    district figures: :func:`district_shown`).
    """
    old, new = public_summary(comparison.old), public_summary(comparison.new)
    table = comparison.townships.copy()
    frames = {}
    for side, summary in (("old", old), ("new", new)):
        assert summary.disclosure is not None
        exact = summary.disclosure.townships.reindex(table.index).fillna(False).astype(bool)
        for name in FIGURES:
            table[f"{name}_{side}"] = table[f"{name}_{side}"].where(exact[name])
        table[f"coverage_{side}"] = table[f"coverage_{side}"].where(
            exact["people"] & exact["covered"]
        )
        if not summary.disclosure.funding:
            table[f"funding_yuan_{side}"] = np.nan
        groups = summary.disclosure.township_groups
        frames[side] = (groups["people"] & groups["covered"]).reindex(table.index).fillna(False)
    both = table["coverage_old"].notna() & table["coverage_new"].notna()
    table["coverage_change_pp"] = table["coverage_change_pp"].where(both)
    per_group = frames["old"].astype(bool) & frames["new"].astype(bool)
    return replace(
        comparison,
        old=old,
        new=new,
        townships=table,
        coverage_old=comparison.coverage_old.where(frames["old"].astype(bool)),
        coverage_new=comparison.coverage_new.where(frames["new"].astype(bool)),
        coverage_change_pp=comparison.coverage_change_pp.where(per_group),
        covered_change=comparison.covered_change.where(per_group),
        demand_change=comparison.demand_change.where(per_group),
    )


def public_village_counts(summary: Summary, disclosure: Disclosure) -> pd.DataFrame:
    """Demand id x group: each village's count, or ``"<k"`` where it is hidden.

    Examples
    --------
    A village of 3 with the threshold 5 reads ``"<5"``; see ``tests/test_privacy.py``.
    """
    demand = summary.dataset.demand.set_index(summary.dataset.demand["id"].astype(str))
    counts = demand[summary.group_codes].astype(object)
    return counts.mask(disclosure.hidden, f"<{disclosure.min_count}")


def public_townships(summary: Summary, disclosure: Disclosure) -> pd.DataFrame:
    """``summary.townships`` as the public sees it: protected counts as ``"<k"`` or ``"*"``.

    The coverage share is shown where people and covered are both exact; the funding columns
    where ``disclosure.funding`` holds.
    """
    k = disclosure.min_count
    table = summary.townships.copy()
    for name in FIGURES:
        exact = disclosure.townships[name]
        shown_exact = exact.reindex(table.index).to_numpy(bool)
        table[name] = pd.Series(
            [_show(v, ok, k) for v, ok in zip(table[name], shown_exact, strict=True)],
            index=table.index,
            dtype=object,
        )
    shown = disclosure.townships["people"] & disclosure.townships["covered"]
    table["coverage"] = table["coverage"].astype(object).where(shown, PROTECTED)
    if not disclosure.funding:
        for column in _FUNDING:
            table[column] = PROTECTED
    return table


def gap_ranking(townships: pd.DataFrame) -> pd.DataFrame:
    """Township rows, most people out of reach first (then lower coverage); "<k" / "*" last.

    The public rows (:func:`public_townships`) that are protected come last, in their own
    order: a rank between two shown figures would bound the hidden one.
    """
    keys = townships[["unreached", "coverage"]].apply(pd.to_numeric, errors="coerce")
    order = keys.sort_values(["unreached", "coverage"], ascending=[False, True], kind="stable")
    ranked: pd.DataFrame = townships.loc[order.index]
    return ranked


def public_groups(summary: Summary, disclosure: Disclosure) -> dict[str, pd.DataFrame]:
    """Township x group frames of people, covered, unreached and coverage as the public sees them.

    Returns
    -------
    dict
        ``"people"``, ``"covered"``, ``"unreached"`` and ``"coverage"`` -> township x group
        frame of objects (numbers, ``"<k"`` or ``"*"``).
    """
    k = disclosure.min_count
    values = {
        "people": summary.demand,
        "covered": summary.covered,
        "unreached": summary.demand - summary.covered,
    }
    out = {}
    for name, frame in values.items():
        exact = disclosure.township_groups[name]
        out[name] = frame.astype(object).combine(
            exact,
            lambda col, ok: pd.Series(
                [_show(v, bool(o), k) for v, o in zip(col, ok, strict=True)], index=col.index
            ),
        )
    shown = disclosure.township_groups["people"] & disclosure.township_groups["covered"]
    out["coverage"] = summary.coverage.astype(object).where(shown, PROTECTED)
    return out
