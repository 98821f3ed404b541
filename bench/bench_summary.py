"""Benchmark: wall time and peak memory of `python -m geo summary --json` at province scale.

    python bench/bench_summary.py [--repeat 3] [--data bench/out/province]

Generates the dataset with bench/make_province.py on first use (it is not committed), then
runs the whole CLI process several times and prints the median wall time and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(data: Path) -> tuple[float, float, dict]:
    """One CLI process: (seconds, peak RSS in MB of that child, parsed JSON)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "geo", "summary", str(data), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak_kb, before) / 1024, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "province")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.data / "dataset.toml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_province.py"), str(args.data)],
            cwd=ROOT,
            check=True,
        )
    runs = [run_once(args.data) for _ in range(args.repeat)]
    doc = runs[-1][2]
    people = sum(doc["totals"]["demand"].values())
    groups = len(doc["parameters"]["groups"])
    print(f"dataset: {len(doc['townships'])} townships, {people:,} people in {groups} groups")
    print(
        f"summary --json wall time: median {statistics.median(r[0] for r in runs):.2f} s "
        f"(runs: {', '.join(f'{r[0]:.2f}' for r in runs)})"
    )
    print(f"peak RSS of the CLI process: {max(r[1] for r in runs):.0f} MB")


if __name__ == "__main__":
    main()
