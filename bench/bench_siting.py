"""Benchmark: suggest K = 20 new stations among 5,000 clustered villages.

    python bench/bench_siting.py [--villages 5000] [--count 20] [--reference]

Writes a dataset folder to a temporary directory (villages around market towns, existing
stations reaching part of them), then prints:

- the time of ``suggest_sites`` in the process (median of several runs, dataset loaded);
- wall and CPU time of the whole ``python -m geo suggest ... --json`` process;
- the quality: people newly reached, the proven upper bound, and what plain greedy reaches;
- with ``--reference``: the exact optimum from HiGHS without a time limit (tens of seconds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_access import timed, write_dataset
from scipy import sparse

from geo.cover import solve_max_cover
from geo.io.load import load_dataset
from geo.siting import siting_problem, suggest_sites


def plain_greedy(cover: sparse.csr_matrix, weight: np.ndarray, count: int) -> float:
    """People reached by plain greedy: repeatedly the candidate with the largest gain."""
    left = weight.copy()
    total = 0.0
    for _ in range(count):
        gains = cover @ left
        best = int(np.argmax(gains))
        total += gains[best]
        left[cover.indices[cover.indptr[best] : cover.indptr[best + 1]]] = 0.0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=5_000)
    parser.add_argument("--stations", type=int, default=30, help="existing stations")
    parser.add_argument("--size-km", type=float, default=40.0, help="side of the square area")
    parser.add_argument("--count", type=int, default=20, help="K, new stations to suggest")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reference", action="store_true", help="also solve exactly (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(
            Path(tmp) / "data",
            villages=args.villages,
            stations=args.stations,
            size_m=args.size_km * 1000,
        )
        run(folder, Path(tmp), args)


def run(folder: Path, tmp: Path, args: argparse.Namespace) -> None:
    dataset = load_dataset(folder)
    times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = suggest_sites(dataset, "elders", args.count)
        times.append(time.perf_counter() - start)
    assert result is not None
    print(f"{args.villages:,} villages, {args.stations} existing stations, K = {args.count}")
    print(
        f"suggest_sites: median {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)}); method {result.method}"
    )
    command = [sys.executable, "-m", "geo", "suggest", str(folder), "--group", "elders"]
    wall, cpu, mb = timed([*command, "--count", str(args.count), "--json"], tmp / "cli.json")
    print(f"python -m geo suggest --json: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {mb:.0f} MB")
    gain = result.covered_after - result.covered_before
    bound = result.upper_bound - result.covered_before
    problem = siting_problem(dataset, "elders")
    greedy = plain_greedy(problem.cover, problem.weight, args.count)
    print(
        f"newly reached: {gain:,.0f} people; proven bound {bound:,.0f} "
        f"(at least {gain / bound:.2%} of the optimum); plain greedy {greedy:,.0f}"
    )
    if args.reference:
        start = time.perf_counter()
        exact = solve_max_cover(
            problem.cover, problem.weight, args.count, time_limit_s=600.0, exact=True
        )
        print(
            f"exact (HiGHS, {time.perf_counter() - start:.0f} s, optimal={exact.optimal}): "
            f"{exact.covered:,.0f}; ours {gain / exact.covered:.4%}, "
            f"plain greedy {greedy / exact.covered:.2%} of it"
        )


if __name__ == "__main__":
    main()
