"""Benchmark: every township's one-page sheet of the demo district as one PDF.

    python bench/bench_township.py [--repeat 3] [--lang zh]

Prints the time to draw and write all twelve A4 sheets (after a warm-up that builds the
Chinese font once), the time per sheet, and the PDF's size. The machine is shared: read the
figures as rough, not exact.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from geo.export.township import write_township_sheets
from geo.io.load import load_dataset
from geo.summary import summarize

DEMO = Path(__file__).resolve().parents[1] / "data" / "suyu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    summary = summarize(load_dataset(DEMO))
    towns = len(summary.townships)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "townships.pdf"
        write_township_sheets(summary, path, codes=[summary.townships.index[0]], lang=args.lang)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            write_township_sheets(summary, path, lang=args.lang)
            times.append(time.perf_counter() - start)
        size = path.stat().st_size
    best, median = min(times), statistics.median(times)
    print(f"township sheets ({towns} pages, {args.lang}): median {median:.1f} s, best {best:.1f} s")
    per_page = size / towns / 1e3
    print(f"per sheet: {median / towns:.2f} s; PDF {size / 1e6:.2f} MB ({per_page:.0f} kB/page)")


if __name__ == "__main__":
    main()
