"""Gap-weighted allocation of a funding budget across townships.

The rule (DESIGN, "The rules of the computation"):

    score_t = sum over groups g of weight_g x (demand - covered)_{t,g}
    share_t = score_t / sum of scores
    yuan_t  = budget x share_t, rounded to whole 100 yuan by the largest-remainder method

If every township's unmet need is 0 (everyone is reached), the scores fall back to
weight x demand, so the money still follows where people are; if there is no demand at all,
every township gets an equal share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["MAX_BUDGET_YUAN", "allocate_budget", "funding_scores", "funding_shares"]

# A trillion yuan: far beyond any venture round, and small enough that the units of 100 yuan
# stay exact in float64 and the amounts within int64.
MAX_BUDGET_YUAN = 10**12

# Unmet need below a millionth of a person is float noise from areal shares, not a gap.
_NOISE_PEOPLE = 1e-6
# Remainders that differ by less than this count as equal, so that shares such as 1/3 that
# float arithmetic cannot represent exactly still fall to the documented tie rule.
_REMAINDER_DIGITS = 9


def funding_scores(
    unmet: pd.DataFrame,
    weights: Mapping[str, float],
    demand: pd.DataFrame,
) -> pd.Series:
    """Each township's funding score: its weighted unmet need.

    Parameters
    ----------
    unmet
        Index: townships; columns: group codes; values: people not reached
        (``Coverage.demand - Coverage.covered``). Values under 1e-6 count as 0.
    weights
        Weight of each group code in ``unmet.columns`` (``Group.weight``), non-negative.
    demand
        People per township and group, same shape as ``unmet``; used when every score is 0.

    Returns
    -------
    Series of float
        ``sum_g weights[g] * unmet[t, g]`` per township (named ``"score"``). If every score is
        0, ``sum_g weights[g] * demand[t, g]`` instead; if that is all 0 too, 1.0 for every
        township (equal shares).

    Raises
    ------
    ValueError
        If a group has no weight, a weight is negative or not finite, or the frames differ.
    """
    w = _weight_vector(weights, unmet.columns)
    if not demand.index.equals(unmet.index) or not demand.columns.equals(unmet.columns):
        msg = "`unmet` and `demand` must have the same townships and groups."
        raise ValueError(msg)
    gap = unmet.to_numpy(dtype=float)
    gap = np.where(gap < _NOISE_PEOPLE, 0.0, gap)
    scores = gap @ w
    if not np.any(scores > 0):
        scores = demand.to_numpy(dtype=float) @ w
    if not np.any(scores > 0):
        scores = np.ones(len(unmet))
    return pd.Series(scores, index=unmet.index, name="score", dtype=float)


def funding_shares(scores: pd.Series) -> pd.Series:
    """``scores / scores.sum()``; equal shares when every score is 0.

    Parameters
    ----------
    scores
        Non-negative scores per township (from ``funding_scores``).

    Returns
    -------
    Series of float summing to 1 (empty if ``scores`` is empty).
    """
    values = _check_scores(scores)
    total = values.sum()
    shares = values / total if total > 0 else np.full(len(values), 1.0 / max(len(values), 1))
    return pd.Series(shares, index=scores.index, name="share", dtype=float)


def allocate_budget(scores: pd.Series, budget_yuan: int, *, unit: int = 100) -> pd.Series:
    """Split ``budget_yuan`` in proportion to ``scores``, in whole ``unit`` yuan, exactly.

    The budget is cut into ``budget_yuan // unit`` units. Each township first gets the whole
    units of its quota ``units x share``; the units left over go one each to the townships
    with the largest fractional remainders. Equal remainders go to the larger score first,
    then to the township that comes first in ``scores``. A budget that is not a multiple of
    ``unit`` leaves ``budget_yuan % unit`` yuan (less than one unit); that goes to the
    township with the largest share (same tie rule), so the amounts always add up to
    ``budget_yuan``.

    Parameters
    ----------
    scores
        Non-negative scores per township (from ``funding_scores``); all 0 means equal shares.
    budget_yuan
        The whole budget in yuan, a non-negative integer.
    unit
        The rounding step in yuan (default 100), a positive integer.

    Returns
    -------
    Series of int64, same index as ``scores``, named ``"funding_yuan"``, summing to
    ``budget_yuan``.

    Raises
    ------
    ValueError
        If the budget is negative or not whole, ``unit`` is not positive, a score is negative
        or not a number, or there is a budget but no township to give it to.
    """
    budget, step = _check_budget(budget_yuan, unit)
    shares = funding_shares(scores).to_numpy()
    values = _check_scores(scores)
    if len(shares) == 0:
        if budget > 0:
            msg = f"cannot allocate a budget of {budget} yuan across no townships."
            raise ValueError(msg)
        return pd.Series([], index=scores.index, name="funding_yuan", dtype="int64")
    units = _largest_remainder(shares, values, budget // step)
    amounts = units * step
    amounts[_priority(np.zeros(len(values)), values)[0]] += budget % step
    return pd.Series(amounts, index=scores.index, name="funding_yuan", dtype="int64")


def _largest_remainder(shares: np.ndarray, scores: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to ``shares`` that add up to ``total``."""
    quotas = shares * total
    whole: np.ndarray = np.floor(quotas).astype(np.int64)
    left = int(np.clip(total - whole.sum(), 0, len(whole)))
    winners = _priority(np.round(quotas - whole, _REMAINDER_DIGITS), scores)[:left]
    whole[winners] += 1
    return whole


def _priority(remainders: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Positions ordered by larger remainder, then larger score, then position."""
    positions = np.arange(len(scores))
    return np.lexsort((positions, -scores, -remainders))


def _weight_vector(weights: Mapping[str, float], groups: pd.Index) -> np.ndarray:
    missing = [g for g in groups if g not in weights]
    if missing:
        msg = f"`weights` has no weight for groups {missing}."
        raise ValueError(msg)
    w = np.array([float(weights[g]) for g in groups], dtype=float)
    if not (np.isfinite(w) & (w >= 0)).all():
        msg = f"weights must be finite and non-negative, got {dict(zip(groups, w, strict=True))}."
        raise ValueError(msg)
    return w


def _check_scores(scores: pd.Series) -> np.ndarray:
    values = scores.to_numpy(dtype=float)
    if not (np.isfinite(values) & (values >= 0)).all():
        msg = "`scores` must be finite and non-negative."
        raise ValueError(msg)
    return values


def _check_budget(budget_yuan: int, unit: int) -> tuple[int, int]:
    if not _is_whole(budget_yuan):
        msg = f"`budget_yuan` must be a whole number of yuan, got {budget_yuan!r}."
        raise ValueError(msg)
    if budget_yuan < 0:
        msg = f"`budget_yuan` must be 0 or more yuan, got {budget_yuan!r}."
        raise ValueError(msg)
    if budget_yuan > MAX_BUDGET_YUAN:
        msg = f"`budget_yuan` must be at most {MAX_BUDGET_YUAN} yuan, got {budget_yuan!r}."
        raise ValueError(msg)
    if not _is_whole(unit) or unit <= 0:
        msg = f"`unit` must be a positive whole number of yuan, got {unit!r}."
        raise ValueError(msg)
    return int(budget_yuan), int(unit)


def _is_whole(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return False
    return math.isfinite(value) and int(value) == value
