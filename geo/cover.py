"""The maximal covering solver (Church & ReVelle 1974): K rows of a 0/1 matrix covering most.

Given the stations a group already has, choose K new locations among candidates (the
villages, or a list the planner uploads) that bring the most people of the group newly within
reach of a station. Existing sites stay; people they already reach count for nothing more.

The solver combines four things, because plain greedy lands near 96% of the optimum on
clustered villages and greedy followed by swaps still near 98%:

1. greedy with incrementally updated gains (each step touches only the villages it newly
   covers);
2. a subgradient search on the Lagrangian relaxation (Galvao & ReVelle 1996): it bounds the
   optimum from above, and the sites it picks on the way are good starting points;
3. a swap local search from greedy's answer and from the best of those starting points:
   exchange one chosen site for one candidate while that gains people, every exchange of a
   round scored at once with two sparse products;
4. where it is small enough, the exact integer programme solved by HiGHS (``scipy.optimize.
   milp``) within a time limit; it proves optimality, or gives an upper bound when the time
   runs out, and the better of its incumbent and the local search is kept.

An upper bound is always reported (the Lagrangian's, the exact solver's, or the free one of
submodularity: the people covered plus the K largest single-site gains left), so a planner sees
how far from the best possible a suggestion can at most be.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from geo.projection import reach_pairs

__all__ = ["CoverSolution", "cover_matrix", "solve_max_cover"]

# Above this many (candidate, village) pairs the exact programme is not attempted.
EXACT_MAX_PAIRS = 150_000
DEFAULT_TIME_LIMIT_S = 2.0
_MAX_SWAP_ROUNDS = 500
# Solutions of the Lagrangian search that the local search starts from.
_POOL = 10


@dataclass(frozen=True)
class CoverSolution:
    """K sites chosen to maximise the weight newly covered.

    Attributes
    ----------
    chosen
        Candidate indices, in the order of their marginal gains (largest first, each given
        the ones before it).
    gains
        The marginal weight each brings, in that order (sums to ``covered``).
    covered
        Total weight covered by the chosen sites.
    bound
        A proven upper bound on the best total any ``count`` sites could cover.
    method
        ``"exact"`` (the integer programme's optimum), ``"exact+local"`` (the programme's
        incumbent or the local search, whichever is better, at the time limit) or ``"local"``.
    """

    chosen: np.ndarray
    gains: np.ndarray
    covered: float
    bound: float
    method: str

    @property
    def optimal(self) -> bool:
        """True when the bound proves that no choice covers more."""
        return self.covered >= self.bound - 1e-9 * max(1.0, abs(self.bound))


def cover_matrix(
    candidate_xy: npt.ArrayLike, demand_xy: npt.ArrayLike, radius_m: float | npt.ArrayLike
) -> sparse.csr_matrix:
    """``(m, n)`` 0/1 matrix: candidate j would reach demand point i (edge included).

    Parameters
    ----------
    candidate_xy, demand_xy
        WGS-84 longitude and latitude in degrees.
    radius_m
        The catchment of a new site (one value, or one per candidate).
    """
    cxy = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    dxy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    pairs = reach_pairs(dxy, cxy, radius_m)
    ones = np.ones(len(pairs.site), dtype=float)
    return sparse.csr_matrix((ones, (pairs.site, pairs.demand)), shape=(len(cxy), len(dxy)))


def solve_max_cover(
    cover: sparse.spmatrix,
    weight: npt.ArrayLike,
    count: int,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    exact: bool | None = None,
) -> CoverSolution:
    """Choose ``count`` rows of ``cover`` that maximise the weight of the columns they cover.

    Parameters
    ----------
    cover
        ``(m, n)`` 0/1 sparse matrix of candidates x demand points.
    weight
        ``(n,)`` non-negative weight of each point (0 for points already covered).
    count
        How many sites to choose at most (fewer when no more weight can be gained).
    time_limit_s
        Wall-clock budget of the search: the Lagrangian takes at most half, the exact
        programme what is left.
    exact
        ``True``: try the exact programme whenever the heuristics leave a gap; ``False``:
        never; ``None``: only when the instance has at most :data:`EXACT_MAX_PAIRS` pairs.

    Returns
    -------
    CoverSolution
    """
    if count < 0:
        msg = f"`count` must be a whole number >= 0, got {count!r}."
        raise ValueError(msg)
    full = sparse.csr_matrix(cover, dtype=float)
    w = np.asarray(weight, dtype=float).reshape(-1)
    rows, cols = _useful(full, w)
    a, wr = full[rows][:, cols].tocsr(), w[cols]
    k = min(count, a.shape[0])
    granularity = 1.0 if np.array_equal(wr, np.round(wr)) else 0.0
    chosen = _swap_search(a, wr, _greedy(a, wr, k))
    bound = _submodular_bound(a, wr, chosen, k)
    deadline = time.monotonic() + time_limit_s
    relaxed = _lagrangian(a, wr, k, bound, granularity, seconds=time_limit_s / 2)
    for start in relaxed.pool:
        improved = _swap_search(a, wr, start)
        if _covered(a, wr, improved) > _covered(a, wr, chosen):
            chosen = improved
        if time.monotonic() > deadline:
            break
    bound, method = min(bound, relaxed.bound), "heuristic"
    run_exact = exact if exact is not None else a.nnz <= EXACT_MAX_PAIRS
    if run_exact and k > 0 and not _closes(_covered(a, wr, chosen), bound, granularity):
        picked, milp_bound, proven = _exact(a, wr, k, deadline - time.monotonic())
        bound = min(bound, milp_bound)
        if picked is not None and _covered(a, wr, picked) > _covered(a, wr, chosen):
            chosen = picked
        method = "exact" if proven else method
    order, gains = _order_by_gain(a, wr, chosen)
    covered = float(gains.sum())
    if _closes(covered, bound, granularity):
        bound = covered
    return CoverSolution(rows[order], gains, covered, max(bound, covered), method)


def _closes(value: float, bound: float, granularity: float) -> bool:
    """Whether ``bound`` proves ``value`` optimal (integer weights: a gap below 1 is none)."""
    if granularity > 0:
        return math.floor(bound + 1e-7) <= value + 1e-9
    return value >= bound - 1e-9 * max(1.0, abs(bound))


def _useful(a: sparse.csr_matrix, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points with weight, and the candidates that reach at least one of them."""
    cols = np.flatnonzero(w > 0)
    reach = a[:, cols] @ np.ones(len(cols))
    return np.flatnonzero(reach > 0), cols


def _covered(a: sparse.csr_matrix, w: np.ndarray, chosen: np.ndarray) -> float:
    hit = np.asarray(a[np.asarray(chosen, dtype=np.intp)].sum(axis=0)).ravel() > 0
    return float(w[hit].sum())


def _greedy(a: sparse.csr_matrix, w: np.ndarray, count: int) -> np.ndarray:
    """Greedy picks; after each, only the gains of candidates near newly covered points change."""
    by_point = a.tocsc()
    gains = a @ w
    uncovered = np.ones(a.shape[1], dtype=bool)
    chosen: list[int] = []
    for _ in range(min(count, a.shape[0])):
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        chosen.append(best)
        points = a.indices[a.indptr[best] : a.indptr[best + 1]]
        newly = points[uncovered[points]]
        uncovered[newly] = False
        gains -= by_point[:, newly] @ w[newly]
        gains[best] = -np.inf
    return np.asarray(chosen, dtype=np.intp)


def _swap_search(a: sparse.csr_matrix, w: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Best-improvement 1-swap: replace one chosen site by one candidate while that gains."""
    current = chosen.copy()
    if len(current) == 0 or len(current) >= a.shape[0]:
        return current
    tolerance = 1e-9 * max(1.0, float(w.sum()))
    for _ in range(_MAX_SWAP_ROUNDS):
        picked = a[current]
        count = np.asarray(picked.sum(axis=0)).ravel()
        free, single = w * (count == 0), w * (count == 1)
        loss = picked @ single
        # shared[c, s]: weight only s covers now that c would cover again if it replaced s
        shared = (a.multiply(single[np.newaxis, :]).tocsr() @ picked.T).toarray()
        delta = (a @ free)[:, np.newaxis] + shared - loss[np.newaxis, :]
        delta[current, :] = -np.inf
        c, s = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[c, s] <= tolerance:
            break
        current[s] = c
    return current


def _submodular_bound(a: sparse.csr_matrix, w: np.ndarray, chosen: np.ndarray, k: int) -> float:
    """f(S) + the k largest single-candidate gains over S bounds the optimum (submodularity)."""
    hit = np.asarray(a[chosen].sum(axis=0)).ravel() > 0 if len(chosen) else np.zeros(len(w), bool)
    gains = a @ (w * ~hit)
    top = np.sort(gains)[::-1][:k]
    return float(w[hit].sum() + top.sum())


@dataclass(frozen=True)
class _Relaxation:
    pool: list[np.ndarray]  # the best distinct site sets met on the way, best first
    bound: float


def _lagrangian(
    a: sparse.csr_matrix,
    w: np.ndarray,
    k: int,
    bound: float,
    granularity: float,
    *,
    seconds: float,
    iterations: int = 1500,
    patience: int = 30,
) -> _Relaxation:
    """Subgradient search on the Lagrangian of the coverage constraints (Galvao & ReVelle 1996).

    Relaxing ``y_i <= sum_j a_ji x_j`` with multipliers ``0 <= lam_i <= w_i`` leaves
    ``L(lam) = sum_i max(0, w_i - lam_i) + (sum of the k largest (a lam)_j)``, an upper bound
    equal at best to the LP bound. The k sites of every step are a solution too: the best few
    are returned as starting points for the local search.
    """
    if k == 0 or a.shape[0] <= k:
        return _Relaxation([], bound)  # greedy already took every useful candidate
    seen: dict[tuple[int, ...], float] = {}
    upper, theta, stall, value = bound, 2.0, 0, 0.0
    lam, stop = 0.5 * w, time.monotonic() + seconds
    for _ in range(iterations):
        reward = a @ lam
        sites = np.sort(np.argpartition(-reward, k - 1)[:k])
        keep = w > lam
        current = float((w - lam)[keep].sum() + reward[sites].sum())
        stall = 0 if current < upper - 1e-9 else stall + 1
        upper = min(upper, current)
        if stall >= patience:
            theta, stall = theta / 2.0, 0
        hits = _row_hits(a, sites)
        seen[tuple(sites.tolist())] = covered = float(w[hits > 0].sum())
        value = max(value, covered)
        step = keep - hits
        norm = float(step @ step)
        if _closes(value, upper, granularity) or norm == 0 or theta < 1e-4:
            break
        if time.monotonic() > stop:
            break
        lam = np.clip(lam + theta * (current - value) / norm * step, 0.0, w)
    best = sorted(seen, key=seen.__getitem__, reverse=True)[:_POOL]
    return _Relaxation([np.asarray(b, dtype=np.intp) for b in best], upper)


def _row_hits(a: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """How many of ``rows`` cover each point."""
    starts, ends = a.indptr[rows], a.indptr[rows + 1]
    index = np.concatenate([a.indices[s:e] for s, e in zip(starts, ends, strict=True)])
    return np.bincount(index, minlength=a.shape[1]).astype(float)


def _exact(
    a: sparse.csr_matrix, w: np.ndarray, count: int, time_limit_s: float
) -> tuple[np.ndarray | None, float, bool]:
    """The MCLP as a MILP: max w.y, y_i <= sum_j a_ji x_j, sum x <= K, x binary, 0 <= y <= 1."""
    # scipy.optimize takes a tenth of a second to import; only this step needs it.
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = a.shape
    link = sparse.hstack([-a.T, sparse.identity(n)], format="csr")
    budget = sparse.hstack([np.ones((1, m)), sparse.csr_matrix((1, n))], format="csr")
    result = milp(
        np.concatenate([np.zeros(m), -w]),
        constraints=[LinearConstraint(link, -np.inf, 0.0), LinearConstraint(budget, 0, count)],
        integrality=np.concatenate([np.ones(m), np.zeros(n)]),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": max(time_limit_s, 0.01), "mip_rel_gap": 1e-9, "disp": False},
    )
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and math.isfinite(dual) else math.inf
    if result.x is None:
        return None, bound, False
    picked = np.flatnonzero(result.x[:m] > 0.5)
    proven = result.status == 0
    return picked, (_covered(a, w, picked) if proven else bound), proven


def _order_by_gain(
    a: sparse.csr_matrix, w: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The chosen sites re-ordered greedily, with each one's marginal gain; zero gains dropped."""
    sub = a[chosen]
    order, gains = _greedy(sub, w, len(chosen)), []
    uncovered = np.ones(a.shape[1], dtype=bool)
    for row in order:
        points = sub.indices[sub.indptr[row] : sub.indptr[row + 1]]
        newly = points[uncovered[points]]
        uncovered[newly] = False
        gains.append(float(w[newly].sum()))
    return chosen[order], np.asarray(gains, dtype=float)
