"""Benchmark: add and load the province-scale dataset in the store, SQLite and PostgreSQL.

    python bench/bench_store.py [--repeat 3] [--data bench/out/province] [--postgres URL]
                                [--no-postgres] [--no-browser]

Prints, per backend: the time to add the folder (validation, encoding, one transaction), the
time to load the stored version, and that load time divided by loading the same folder from
its files in the same run (the goal is at most 1.0: the store keeps parsed, validated data).
Without ``--postgres`` a throwaway PostgreSQL cluster is started (Debian's postgresql and
postgis packages). Then, unless ``--no-browser``, the dashboard's first paint (a fresh
server, the time until the first township is drawn) on the stored version and on the folder.
The machine is shared: expect noise of tens of percent, and compare figures of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.io.load import load_dataset  # noqa: E402
from geo.io.store import open_store  # noqa: E402


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall seconds of ``repeat`` calls."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


@contextlib.contextmanager
def postgres_url(given: str | None) -> Iterator[str]:
    """``given``, else a database in a throwaway cluster."""
    if given:
        yield given
        return
    from tests.store.pg_cluster import throwaway_cluster

    with throwaway_cluster() as cluster:
        yield cluster.new_database()


def bench_backend(name: str, url: str, data: Path, repeat: int, files_s: float) -> int:
    """Add, then load ``repeat`` times; print one line; return the version id."""
    with open_store(url) as store:
        start = time.perf_counter()
        version = store.add(data, label="bench").version
        add_s = time.perf_counter() - start
        loads = timed(lambda: store.load(version.id), repeat)
    load_s = statistics.median(loads)
    print(
        f"{name:<10} add {add_s:6.2f} s   load median {load_s:5.2f} s "
        f"(runs {', '.join(f'{s:.2f}' for s in loads)})   load / files {load_s / files_s:.2f}"
    )
    return version.id


def first_paint(env: dict[str, str]) -> float:
    """Seconds from opening a fresh dashboard server's page to its first township drawn."""
    from playwright.sync_api import sync_playwright

    from dashboard.headless import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, serve_dashboard

    with serve_dashboard(env=env, timeout_s=120) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        started = time.perf_counter()
        page.goto(url + "/", wait_until="load")
        frame = page.frame_locator("iframe[title*='st_folium']").first
        frame.locator(MAP_DRAWN).first.wait_for(timeout=300_000)
        seconds = time.perf_counter() - started
        browser.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "province")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="an empty database with PostGIS")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if not (args.data / "dataset.toml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_province.py"), str(args.data)],
            cwd=ROOT,
            check=True,
        )
    dataset = load_dataset(args.data)
    print(
        f"dataset: {len(dataset.townships):,} townships, {len(dataset.demand):,} demand rows, "
        f"{len(dataset.sites):,} sites"
    )
    files = timed(lambda: load_dataset(args.data), args.repeat)
    files_s = statistics.median(files)
    print(
        f"{'files':<10} load median {files_s:5.2f} s (runs {', '.join(f'{s:.2f}' for s in files)})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'atlas.sqlite'}"
        version = bench_backend("SQLite", sqlite_url, args.data, args.repeat, files_s)
        size_mb = (Path(tmp) / "atlas.sqlite").stat().st_size / 1e6
        print(f"{'':<10} store file {size_mb:.1f} MB")
        if not args.no_postgres:
            with postgres_url(args.postgres) as url:
                bench_backend("PostgreSQL", url, args.data, args.repeat, files_s)
        if not args.no_browser:
            stored = first_paint({"ATLAS_STORE": sqlite_url, "ATLAS_DATA": f"store:{version}"})
            folder = first_paint({"ATLAS_DATA": str(args.data)})
            print(
                f"dashboard first paint (fresh server, first township drawn): "
                f"stored version {stored:.1f} s, folder {folder:.1f} s"
            )


if __name__ == "__main__":
    main()
