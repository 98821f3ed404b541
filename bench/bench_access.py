"""Benchmark: 2SFCA on 20,000 villages x 2,000 stations, ours against PySAL access.

    python bench/bench_access.py [--villages 20000] [--stations 2000] [--skip-pysal]

Every side runs as a whole process (interpreter start, imports, reading the files, the scores,
writing them out) from the same CSV files, written to a temporary folder:

- ours, library: read the two CSV files with pandas, pass their lon/lat (geodesic distances) to
  ``geo.access.two_step_fca``, write the scores: the same steps as the PySAL process (which
  measures in UTM 50N: within 0.02% here);
- ours, CLI: ``python -m geo access DATASET --group elders --json``, which also loads and
  validates the whole dataset folder (townships, datum, every cell);
- PySAL access as its documentation shows: ``Access(...)``, ``create_euclidean_distance`` (a
  cross join of every village with every station, filtered afterwards; the threshold is set to
  the catchment, the most favourable choice for it), then ``two_stage_fca(max_cost=...)``.

Prints wall time, CPU time and peak RSS of each process (GNU time; ours: the median of
several runs) and the largest relative difference between the scores. The PySAL process needs
about 3 GB of memory and runs once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
UTM = "EPSG:32650"
ORIGIN = (560_000.0, 3_700_000.0)  # south-west corner in UTM 50N, about 117.6E 33.4N
RADIUS_M = 2000.0


def clustered_xy(rng: np.random.Generator, count: int, centres: np.ndarray) -> np.ndarray:
    """Points around market-town centres, as villages are."""
    return centres[rng.integers(0, len(centres), count)] + rng.normal(0, 2500, (count, 2))


def write_dataset(
    folder: Path, *, villages: int, stations: int, size_m: float, seed: int = 2024
) -> Path:
    """A dataset folder: square townships, clustered villages (one group), stations."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    centres = rng.uniform(5000, size_m - 5000, (max(10, villages // 60), 2)) + ORIGIN
    to_lonlat = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    _write_townships(folder / "townships.geojson", to_lonlat, size_m)
    lon, lat = to_lonlat.transform(*clustered_xy(rng, villages, centres).T)
    pd.DataFrame(
        {
            "id": [f"V{i:06d}" for i in range(villages)],
            "name": [f"村{i}" for i in range(villages)],
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
            "elders": rng.integers(5, 400, villages),
        }
    ).to_csv(folder / "demand.csv", index=False)
    lon, lat = to_lonlat.transform(*clustered_xy(rng, stations, centres).T)
    pd.DataFrame(
        {
            "id": [f"S{i:05d}" for i in range(stations)],
            "name": [f"站{i}" for i in range(stations)],
            "kind": "station",
            "groups": "elders",
            "lon": np.round(lon, 6),
            "lat": np.round(lat, 6),
            "capacity": rng.integers(50, 500, stations),
        }
    ).to_csv(folder / "sites.csv", index=False)
    (folder / "dataset.toml").write_text(
        'name = "benchmark"\ncoordinates = "wgs84"\n\n[[groups]]\ncode = "elders"\n'
        f'label = "老人"\nradius_m = {RADIUS_M:g}\n',
        encoding="utf-8",
    )
    return folder


def _write_townships(path: Path, to_lonlat: Transformer, size_m: float, cells: int = 6) -> None:
    step = size_m / cells
    features = []
    for i in range(cells):
        for j in range(cells):
            x0, y0 = ORIGIN[0] + i * step, ORIGIN[1] + j * step
            ring = [(x0, y0), (x0 + step, y0), (x0 + step, y0 + step), (x0, y0 + step), (x0, y0)]
            coords = [list(to_lonlat.transform(x, y)) for x, y in ring]
            code = f"T{i:02d}{j:02d}"
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": f"镇{code}"},
                    "geometry": {"type": "Polygon", "coordinates": [coords]},
                }
            )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def timed(command: list[str], stdout: Path) -> tuple[float, float, float]:
    """Run ``command`` under GNU time: (wall seconds, CPU seconds, peak RSS in MB).

    CPU time (user + system) is the steadier figure on a machine that other work shares.
    """
    with stdout.open("w") as out:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", *command],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
    wall, user, system, kilobytes = done.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), float(kilobytes) / 1024


def pysal_worker(folder: Path, out: Path) -> None:
    """PySAL access as documented, on the dataset's CSV files; writes {id: score} as JSON."""
    import geopandas as gpd  # only the worker process needs these two
    from access import Access

    def points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
        return gpd.GeoDataFrame(frame, geometry=geometry).to_crs(UTM)

    demand = points(pd.read_csv(folder / "demand.csv", dtype={"id": str}))
    sites = points(pd.read_csv(folder / "sites.csv", dtype={"id": str}))
    model = Access(
        demand_df=demand,
        demand_index="id",
        demand_value="elders",
        supply_df=sites,
        supply_index="id",
        supply_value="capacity",
    )
    model.create_euclidean_distance(name="euclidean", threshold=RADIUS_M + 1e-6)
    scores = model.two_stage_fca(name="2sfca", cost="euclidean", max_cost=RADIUS_M)
    series = scores["2sfca_capacity"].reindex(demand["id"]).fillna(0.0)
    out.write_text(json.dumps({str(k): float(v) for k, v in series.items()}))


def ours_worker(folder: Path, out: Path) -> None:
    """Our library on the dataset's CSV files, as the PySAL worker does; writes {id: score}."""
    from geo.access import two_step_fca  # only the worker process needs it

    demand = pd.read_csv(folder / "demand.csv", dtype={"id": str})
    sites = pd.read_csv(folder / "sites.csv", dtype={"id": str})
    scores = two_step_fca(
        demand[["lon", "lat"]].to_numpy(),
        demand["elders"].to_numpy(),
        sites[["lon", "lat"]].to_numpy(),
        sites["capacity"].to_numpy(),
        RADIUS_M,
    ).score
    out.write_text(json.dumps(dict(zip(demand["id"], scores.tolist(), strict=True))))


def read_scores(path: Path) -> dict[str, float]:
    """{id: score} from a worker's file or from the CLI's JSON."""
    doc = json.loads(path.read_text())
    return {p["id"]: p["score"] for p in doc["points"]} if "points" in doc else doc


def compare(ours_json: Path, pysal_json: Path) -> tuple[float, int]:
    """Largest relative difference of the scores, and how many villages score above 0."""
    ours = read_scores(ours_json)
    ref = read_scores(pysal_json)
    a = np.array([ours[k] for k in ref])
    b = np.array(list(ref.values()))
    rel = np.abs(a - b) / np.maximum(np.abs(b), 1e-300)
    return float(rel[(a != 0) | (b != 0)].max(initial=0.0)), int((b > 0).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--stations", type=int, default=2_000)
    parser.add_argument("--size-km", type=float, default=120.0, help="side of the square area")
    parser.add_argument("--repeat", type=int, default=5, help="runs of ours (PySAL runs once)")
    parser.add_argument("--skip-pysal", action="store_true", help="time ours only")
    parser.add_argument("--pysal-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ours-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pysal_worker or args.ours_worker:
        (pysal_worker if args.pysal_worker else ours_worker)(
            *(args.pysal_worker or args.ours_worker)
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_all(Path(tmp), args)


def run_all(tmp: Path, args: argparse.Namespace) -> None:
    folder = write_dataset(
        tmp / "data", villages=args.villages, stations=args.stations, size_m=args.size_km * 1000
    )
    print(f"{args.villages:,} villages x {args.stations:,} stations, radius {RADIUS_M:g} m")
    library = median_of(
        [sys.executable, __file__, "--ours-worker", str(folder), str(tmp / "ours.json")],
        tmp / "ours.log",
        args.repeat,
    )
    report("ours, library (two_step_fca)", library, f"median of {args.repeat}")
    command = [sys.executable, "-m", "geo", "access", str(folder), "--group", "elders", "--json"]
    cli = median_of(command, tmp / "cli.json", args.repeat)
    report("ours, CLI (geo access --json)", cli, f"median of {args.repeat}")
    if args.skip_pysal:
        return
    worker = [sys.executable, __file__, "--pysal-worker", str(folder), str(tmp / "pysal.json")]
    ref = timed(worker, tmp / "pysal.log")
    report("PySAL access (two_stage_fca)", ref, "one run")
    for label, ours in (("library", library), ("CLI", cli)):
        print(
            f"ours, {label}: {ref[0] / ours[0]:.1f}x faster by the clock, "
            f"{ref[1] / ours[1]:.1f}x less CPU time, {ref[2] / ours[2]:.1f}x less memory"
        )
    for name in ("ours.json", "cli.json"):
        diff, positive = compare(tmp / name, tmp / "pysal.json")
        print(f"{name}: largest relative difference {diff:.2e} ({positive:,} scores > 0)")


def median_of(command: list[str], stdout: Path, repeat: int) -> tuple[float, float, float]:
    runs = [timed(command, stdout) for _ in range(repeat)]
    return tuple(statistics.median(r[k] for r in runs) for k in range(3))  # type: ignore[return-value]


def report(label: str, figures: tuple[float, ...], note: str) -> None:
    wall, cpu, mb = figures
    print(f"{label:30s} wall {wall:6.2f} s  CPU {cpu:6.2f} s  peak RSS {mb:6.0f} MB  ({note})")


if __name__ == "__main__":
    main()
