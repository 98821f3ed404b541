"""Benchmark: `python -m geo compare OLD NEW --json` against two `summary --json` runs.

    python bench/bench_compare.py [--repeat 3] [--data bench/out/province]

Generates the province (bench/make_province.py, seed 7) and its year before (the same script
with --earlier-of, seed 8) on first use; neither is committed. Each figure is a whole CLI
process (start-up, reading, checking, the datum conversion, the computation and the JSON), the
median of ``--repeat`` runs. The goal: compare takes at most 1.2 times two summaries, since it
reads and summarises both years and adds only the matching of townships and sites.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.2


def wall_time(*args: str) -> float:
    """Seconds of one ``python -m geo ...`` process (its output is parsed by nobody)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def ensure_data(new: Path, old: Path) -> None:
    """Generate the province and its year before when they are not there yet."""
    maker = str(ROOT / "bench" / "make_province.py")
    if not (new / "dataset.toml").exists():
        subprocess.run([sys.executable, maker, str(new)], cwd=ROOT, check=True)
    if not (old / "dataset.toml").exists():
        command = [sys.executable, maker, str(old), "--earlier-of", str(new), "--seed", "8"]
        subprocess.run(command, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "province")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    new, old = args.data, args.data.with_name(args.data.name + "-earlier")
    ensure_data(new, old)
    compares, pairs = [], []
    for _ in range(args.repeat):  # interleaved, so that a busy moment hits both alike
        compares.append(wall_time("compare", str(old), str(new), "--json"))
        pairs.append(
            wall_time("summary", str(old), "--json") + wall_time("summary", str(new), "--json")
        )
    compare_s, pair_s = statistics.median(compares), statistics.median(pairs)
    ratio = compare_s / pair_s
    for label, runs in (("compare --json", compares), ("two summary --json", pairs)):
        listed = ", ".join(f"{s:.2f}" for s in runs)
        print(f"{label}: median {statistics.median(runs):.2f} s (runs: {listed})")
    verdict = "within" if ratio <= GOAL else "over"
    print(f"ratio {ratio:.2f} ({verdict} the goal of {GOAL})")


if __name__ == "__main__":
    main()
