"""Benchmark: `python -m geo summary --json` against a bare notebook, district to national scale.

    python bench/bench_scale.py [--scales district province national] [--repeat 5]

For each scale the dataset folder is generated once with bench/make_province.py into
bench/out/<scale> (not committed). Then the whole CLI process (interpreter start, imports,
reading and validating every cell, the datum conversion, the analysis, the JSON) and the whole
reference process (bench/notebook_summary.py: the same sums, no validation) run alternately
``--repeat`` times. Printed side by side: median wall time, median CPU time (user + system: less
disturbed when other work shares the machine) and the largest peak RSS of each, and the ratio
CLI / notebook. The two must agree on the totals of people and people covered, and on the
budget of every township, or the benchmark stops.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = ("district", "province", "national")


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    peak_mb: float
    output: dict


def run_once(command: list[str]) -> Run:
    """One whole process: wall and CPU seconds, peak RSS (MB) and its parsed JSON output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
        out.seek(0)
        output = json.loads(out.read())
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def check_same_sums(cli: dict, notebook: dict) -> None:
    for key in ("demand", "covered"):
        if cli["totals"][key] != notebook["totals"][key]:
            sys.exit(f"the totals of {key} differ: {cli['totals'][key]} {notebook['totals'][key]}")
    ours = {t["code"]: t["funding_yuan"] for t in cli["townships"]}
    theirs = {t["code"]: t["funding_yuan"] for t in notebook["townships"]}
    if ours != theirs:
        sys.exit("the budget per township differs")


def dataset(scale: str) -> Path:
    folder = ROOT / "bench" / "out" / scale
    if not (folder / "dataset.toml").exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "make_province.py"),
                str(folder),
                "--scale",
                scale,
            ],
            check=True,
        )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", choices=SCALES, default=list(SCALES))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(
        f"{'scale':<9} {'townships':>9} {'villages':>9} | {'CLI wall':>8} {'CPU':>6} {'RSS':>7} "
        f"| {'notebook':>8} {'CPU':>6} {'RSS':>7} | {'wall x':>6} {'CPU x':>6}"
    )
    for scale in args.scales:
        folder = dataset(scale)
        cli_command = [sys.executable, "-m", "geo", "summary", str(folder), "--json"]
        notebook_command = [
            sys.executable,
            str(ROOT / "bench" / "notebook_summary.py"),
            str(folder),
        ]
        cli, reference = [], []
        for _ in range(args.repeat):
            cli.append(run_once(cli_command))
            reference.append(run_once(notebook_command))
        check_same_sums(cli[-1].output, reference[-1].output)
        doc = cli[-1].output
        with (folder / "demand.csv").open(encoding="utf-8") as lines:
            villages = sum(1 for _ in lines) - 1
        cw, cc = (statistics.median(getattr(r, f) for r in cli) for f in ("wall_s", "cpu_s"))
        nw, nc = (statistics.median(getattr(r, f) for r in reference) for f in ("wall_s", "cpu_s"))
        print(
            f"{scale:<9} {len(doc['townships']):>9,} {villages:>9,} | {cw:>7.2f}s {cc:>5.2f}s "
            f"{max(r.peak_mb for r in cli):>5.0f}MB | {nw:>7.2f}s {nc:>5.2f}s "
            f"{max(r.peak_mb for r in reference):>5.0f}MB | {cw / nw:>6.2f} {cc / nc:>6.2f}"
        )
    print(f"medians of {args.repeat} runs each, alternating; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
