"""Benchmark: one map PNG (300 dpi) and the whole briefing pack on the demo.

    python bench/bench_export.py [--dataset data/suyu] [--runs 3] [--cold-font]

Each export runs as a whole process, as staff would run it (interpreter start, imports,
loading and validating the dataset, the summary, drawing, writing the file):

    python -m geo export DATASET --what map --out map.png
    python -m geo export DATASET --what pack --out pack.pdf

Prints the median wall time of ``--runs`` runs and the output sizes. Targets: a map PNG under
3 s, the pack under 20 s. ``--cold-font`` also times the first export on a machine where the
static Noto Sans SC instances have not been cut yet (a fresh, empty font cache).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"map": 3.0, "pack": 20.0}


def run_export(dataset: Path, what: str, out: Path, *, env: dict[str, str] | None = None) -> float:
    """Wall seconds of one ``python -m geo export`` process (which must succeed)."""
    command = [sys.executable, "-m", "geo", "export", str(dataset), "--what", what]
    started = time.perf_counter()
    subprocess.run([*command, "--out", str(out)], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def time_exports(dataset: Path, runs: int, folder: Path) -> dict[str, list[float]]:
    """``runs`` timings of the map PNG and of the pack."""
    outputs = {"map": folder / "map.png", "pack": folder / "pack.pdf"}
    run_export(dataset, "map", outputs["map"])  # warm the font cache and the OS file cache
    return {
        what: [run_export(dataset, what, out) for _ in range(runs)] for what, out in outputs.items()
    }


def time_cold_font(dataset: Path, folder: Path) -> float:
    """One map export with an empty font cache: includes cutting the static font instances."""
    env = dict(os.environ, ATLAS_FONT_CACHE=str(folder / "font-cache"))
    return run_export(dataset, "map", folder / "cold.png", env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "data" / "suyu")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-font", action="store_true", help="also time an empty font cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timings = time_exports(args.dataset, args.runs, folder)
        print(f"dataset: {args.dataset}   runs: {args.runs}   (whole processes, wall time)")
        for what, seconds in timings.items():
            median = statistics.median(seconds)
            out = folder / ("map.png" if what == "map" else "pack.pdf")
            verdict = "ok" if median < TARGETS[what] else "OVER TARGET"
            spread = f"(min {min(seconds):.2f}, max {max(seconds):.2f})"
            size = f"{out.stat().st_size / 1e6:.2f} MB"
            print(f"{what:5s} median {median:6.2f} s  {spread}  target < {TARGETS[what]:.0f} s")
            print(f"      {verdict}, output {size}")
        if args.cold_font:
            cold = time_cold_font(args.dataset, folder)
            print(f"map with an empty font cache (first use): {cold:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
