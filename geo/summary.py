"""The per-township table that the CLI, the dashboard and the exports all share."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from geo.coverage import compute_coverage, coverage_ratio
from geo.dataset import Dataset, Group, project_serves, resolve_groups, serves_any
from geo.funding import allocate_budget, funding_scores, funding_shares

if TYPE_CHECKING:
    from geo.privacy import Disclosure

__all__ = ["Summary", "summarize", "summary_to_json"]


class Totals(TypedDict):
    """District totals: people and covered people by group code, their ratio, the budget."""

    demand: pd.Series
    covered: pd.Series
    coverage: pd.Series
    funding_yuan: int


@dataclass(frozen=True)
class Summary:
    """Coverage, gaps and the funding allocation per township for a choice of groups.

    Attributes
    ----------
    dataset
        The dataset the summary was computed from (with its parameters).
    groups
        The groups the summary is about, in display order.
    budget_yuan
        The budget that was allocated.
    townships
        One row per township (index: township code, dataset order) with the columns
        ``name``, ``organizations``, ``stations`` (sites in the township serving at least one of
        the groups), ``people``, ``covered``, ``unreached`` (summed over the groups),
        ``coverage`` (covered / people, NaN where people is 0), ``rated_share`` and
        ``inspected_share`` (of the organizations, NaN where there are none),
        ``projects`` (venture projects serving the township), ``projects_yuan`` (their amounts,
        each project split evenly over its townships), ``funding_score``, ``funding_share``
        and ``funding_yuan`` (the recommended allocation of the budget).
    demand, covered, coverage
        Township x group frames (index: township code, columns: group codes).
    point_covered
        Demand id x group: True/False for point rows, NaN for township-level rows.
    unassigned_sites, unassigned_demand
        Ids of points that lie in no township.
    disclosure
        None for the internal edition (every count shown). The public edition
        (``geo.privacy.public_summary``) carries what the public may read: every map, table,
        chart and pack drawn from such a summary keeps its small counts private.
    """

    dataset: Dataset
    groups: tuple[Group, ...]
    budget_yuan: int
    townships: pd.DataFrame
    demand: pd.DataFrame
    covered: pd.DataFrame
    coverage: pd.DataFrame
    point_covered: pd.DataFrame
    unassigned_sites: tuple[str, ...]
    unassigned_demand: tuple[str, ...]
    disclosure: Disclosure | None = None

    @property
    def public(self) -> bool:
        """Whether this is the public edition (``geo.privacy.public_summary``)."""
        return self.disclosure is not None

    @property
    def group_codes(self) -> list[str]:
        """The codes of the summary's groups, in display order."""
        return [g.code for g in self.groups]

    def totals(self) -> Totals:
        """District totals: the sums of the township rows (unassigned points are not in them)."""
        demand = self.demand.sum()
        covered = self.covered.sum()
        ratio = coverage_ratio(covered.to_frame().T, demand.to_frame().T).iloc[0]
        return {
            "demand": demand,
            "covered": covered,
            "coverage": ratio,
            "funding_yuan": int(self.townships["funding_yuan"].sum()),
        }


def summarize(
    dataset: Dataset,
    *,
    groups: Sequence[str] | None = None,
    budget_yuan: int | None = None,
) -> Summary:
    """Compute the per-township summary.

    Parameters
    ----------
    dataset
        A loaded dataset (see ``geo.io.load.load_dataset``); its group radii and weights are used.
    groups
        Group codes or labels to include; all groups when None or empty.
    budget_yuan
        Budget to allocate; the dataset's ``budget_yuan`` when None.

    Returns
    -------
    Summary
    """
    chosen = resolve_groups(dataset, groups)
    codes = [g.code for g in chosen]
    budget = dataset.budget_yuan if budget_yuan is None else int(budget_yuan)
    cov = compute_coverage(dataset, codes)
    demand, covered = cov.demand[codes], cov.covered[codes]
    weights = {g.code: g.weight for g in chosen}
    scores = funding_scores(demand - covered, weights, demand)
    table = _township_table(dataset, codes, demand, covered)
    table["funding_score"] = scores
    table["funding_share"] = funding_shares(scores)
    table["funding_yuan"] = allocate_budget(scores, budget)
    return Summary(
        dataset=dataset,
        groups=chosen,
        budget_yuan=budget,
        townships=table,
        demand=demand,
        covered=covered,
        coverage=coverage_ratio(covered, demand),
        point_covered=cov.point_covered[codes],
        unassigned_sites=tuple(dataset.sites.loc[dataset.sites["township"].isna(), "id"]),
        unassigned_demand=tuple(cov.unassigned_demand["id"]),
    )


def _township_table(
    dataset: Dataset, codes: list[str], demand: pd.DataFrame, covered: pd.DataFrame
) -> pd.DataFrame:
    table: pd.DataFrame = dataset.townships.set_index("code")[["name"]].copy()
    table = pd.concat([table, _site_counts(dataset, codes, table.index)], axis=1)
    people, reached = demand.sum(axis=1), covered.sum(axis=1)
    table["people"] = people
    table["covered"] = reached
    table["unreached"] = people - reached
    table["coverage"] = (reached / people.where(people > 0)).astype(float)
    return pd.concat([table, _project_totals(dataset, codes, table.index)], axis=1)


def _site_counts(dataset: Dataset, codes: list[str], index: pd.Index) -> pd.DataFrame:
    sites = dataset.sites
    serving = sites[serves_any(sites["groups"], codes)]
    orgs = serving[serving["kind"] == "organization"]
    counts = pd.DataFrame(
        {
            "organizations": orgs.groupby("township").size(),
            "stations": serving[serving["kind"] == "station"].groupby("township").size(),
            "rated": orgs[orgs["rating"].notna()].groupby("township").size(),
            "inspected": orgs[orgs["inspected"].eq(True)].groupby("township").size(),
        }
    )
    counts = counts.reindex(index).fillna(0).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        counts["rated_share"] = counts["rated"] / counts["organizations"].where(
            counts["organizations"] > 0
        )
        counts["inspected_share"] = counts["inspected"] / counts["organizations"].where(
            counts["organizations"] > 0
        )
    return counts.drop(columns=["rated", "inspected"])


def _project_totals(dataset: Dataset, codes: list[str], index: pd.Index) -> pd.DataFrame:
    projects = dataset.projects
    if projects.empty:
        return pd.DataFrame({"projects": 0, "projects_yuan": 0.0}, index=index)
    relevant = projects[project_serves(projects["groups"], codes)]
    per_township = relevant.assign(
        township=relevant["townships"].map(list),
        share=relevant["amount_yuan"] / relevant["townships"].map(lambda ts: max(len(ts), 1)),
    ).explode("township")
    grouped = per_township.groupby("township")
    result = pd.DataFrame({"projects": grouped.size(), "projects_yuan": grouped["share"].sum()})
    result = result.reindex(index).fillna(0)
    return result.astype({"projects": int, "projects_yuan": float})


def summary_to_json(summary: Summary, lang: str = "zh") -> dict[str, object]:
    """The summary as the JSON document of the CLI contract (see DESIGN.md).

    ``warnings`` lists what the data loaded with (repaired boundaries, points outside every
    township, ...), each with its message in ``lang``, so that a consumer of the JSON learns
    of them too.
    """
    ds = summary.dataset
    totals = summary.totals()
    return {
        "dataset": {"name": ds.name, "demo": ds.demo},
        "parameters": {
            "budget_yuan": summary.budget_yuan,
            "groups": [
                {"code": g.code, "label": g.label, "radius_m": g.radius_m, "weight": g.weight}
                for g in summary.groups
            ],
        },
        "townships": _townships_json(summary),
        "unassigned": {
            "sites": list(summary.unassigned_sites),
            "demand": list(summary.unassigned_demand),
        },
        "totals": {
            "demand": _counts(totals["demand"].to_dict()),
            "covered": _counts(totals["covered"].to_dict()),
            "coverage": _ratios(totals["coverage"].to_dict()),
            "funding_yuan": totals["funding_yuan"],
        },
        "warnings": [p.to_json(lang) for p in ds.warnings],
    }


def _townships_json(summary: Summary) -> list[dict[str, object]]:
    table = summary.townships
    rows = zip(
        table.index.tolist(),
        table["name"].tolist(),
        table["organizations"].astype(int).tolist(),
        table["stations"].astype(int).tolist(),
        _count_rows(summary.demand),
        _count_rows(summary.covered),
        _ratio_rows(summary.coverage),
        table["funding_share"].astype(float).tolist(),
        table["funding_yuan"].astype(int).tolist(),
        strict=True,
    )
    return [
        {
            "code": code,
            "name": name,
            "organizations": organizations,
            "stations": stations,
            "demand": demand,
            "covered": covered,
            "coverage": coverage,
            "funding_share": round(share, 4),
            "funding_yuan": yuan,
        }
        for code, name, organizations, stations, demand, covered, coverage, share, yuan in rows
    ]


def _count_rows(frame: pd.DataFrame) -> list[dict[str, float | int]]:
    """:func:`_counts` of every row, vectorised for the whole numbers that most counts are."""
    values = frame.to_numpy(dtype=float)
    whole = np.abs(values - np.round(values)) < 0.004  # whole after rounding to 2 decimals
    cells = np.round(values).astype(np.int64).astype(object)
    for index in zip(*np.nonzero(~whole), strict=True):
        number = round(float(values[index]), 2)
        cells[index] = int(number) if number.is_integer() else number
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in cells.tolist()]


def _ratio_rows(frame: pd.DataFrame) -> list[dict[str, float | None]]:
    """Ratios to 3 decimals as ``round`` gives them (None for NaN), vectorised."""
    values = frame.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        scaled = values * 1000.0
        # np.round rounds the product, which is off by an ulp from the true half-way point:
        # near it, round() (exact on the decimal value) decides
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    cells = np.round(values, 3).astype(object)
    for index in zip(*np.nonzero(near_half), strict=True):
        cells[index] = round(float(values[index]), 3)
    cells[np.isnan(values)] = None
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in cells.tolist()]


def _counts(values: Mapping[Hashable, float]) -> dict[str, float | int]:
    """People counts: whole numbers stay ints; areal (township-level) shares keep 2 decimals."""
    out: dict[str, float | int] = {}
    for code, value in values.items():
        number = round(float(value), 2)
        out[str(code)] = int(number) if number.is_integer() else number
    return out


def _ratios(values: Mapping[Hashable, float]) -> dict[str, float | None]:
    return {str(c): None if pd.isna(v) else round(float(v), 3) for c, v in values.items()}
