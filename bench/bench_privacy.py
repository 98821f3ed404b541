"""Benchmark: the public edition's rule (geo.privacy.protect) against the summary it protects.

    python bench/bench_privacy.py [--repeat 5] [--data data/suyu]

Prints the median seconds of ``summarize`` and of ``protect`` on the same summary (all the
dataset's groups), with the count of hidden village cells and of protected townships. The
dashboard caches the public summary per choice of groups and parameters, so ``protect`` is
paid once per choice; the figure says how long that first view waits.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from geo.io.load import load_dataset
from geo.privacy import protect
from geo.summary import summarize

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "suyu")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dataset = load_dataset(args.data)
    summaries, protects = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        summary = summarize(dataset)
        summaries.append(time.perf_counter() - start)
        start = time.perf_counter()
        disclosure = protect(summary)
        protects.append(time.perf_counter() - start)
    hidden = int(disclosure.hidden.to_numpy().sum())
    kept = int((~disclosure.townships["people"]).sum())
    print(
        f"{args.data.name}: {len(dataset.demand)} demand rows x {len(summary.groups)} groups, "
        f"{len(summary.townships)} townships, k = {disclosure.min_count}"
    )
    print(f"hidden village cells: {hidden}; townships whose people count is kept: {kept}")
    for label, runs in (("summarize", summaries), ("protect", protects)):
        listed = ", ".join(f"{s:.2f}" for s in runs)
        print(f"{label}: median {statistics.median(runs):.2f} s (runs: {listed})")


if __name__ == "__main__":
    main()
