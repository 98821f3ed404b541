"""Generate a dataset folder for benchmarks at district, province or national scale (not committed).

Townships are Voronoi cells over a box drawn in a Lambert azimuthal equal-area frame; villages
and sites cluster around the township centres; 7 groups; GCJ-02 coordinates (so the datum
conversion is part of what is measured).

- district: 15 townships over 40 km x 45 km near Suqian, 500 villages, 60 sites;
- province: 1,300 townships over 300 km x 370 km (Jiangsu's size), 50,000 villages, 5,000 sites;
- national: 40,000 townships over 5,200 km x 3,400 km (73-135° E, seven UTM zones),
  500,000 villages, 50,000 sites.

    python bench/make_province.py OUT_DIR [--scale province] [--seed 7]
    python bench/make_province.py OUT_DIR --earlier-of PROVINCE_DIR [--seed 8]

The second form writes "the year before" of a generated province: the same townships, each
demand count drawn again around its value, 4 % of the sites missing (opened since), 2 % more
(closed since), 2 % at a point 100-300 m away (moved).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io.datum import from_wgs84


@dataclass(frozen=True)
class Scale:
    centre: tuple[float, float]  # lon, lat of the box's centre
    size_m: tuple[float, float]
    townships: int
    demand: int
    sites: int


SCALES = {
    "district": Scale((118.35, 33.95), (40_000.0, 45_000.0), 15, 500, 60),
    "province": Scale((119.4, 33.0), (300_000.0, 370_000.0), 1300, 50_000, 5000),
    "national": Scale((104.0, 35.0), (5_200_000.0, 3_400_000.0), 40_000, 500_000, 50_000),
}
GROUPS = {
    "elders_left_behind": ("留守老人", 2000),
    "elders_chronic": ("慢性病老人", 2000),
    "elders_wubao": ("五保老人", 3000),
    "children_left_behind": ("留守儿童", 2000),
    "children_difficulty": ("困境儿童", 3000),
    "disabled": ("残疾人", 1500),
    "families_hardship": ("困难家庭", 3000),
}


def frame_crs(scale: Scale) -> str:
    """The equal-area frame the data is drawn in, centred on the box."""
    lon, lat = scale.centre
    return f"+proj=laea +lon_0={lon} +lat_0={lat} +ellps=WGS84 +units=m +no_defs"


def make_townships(rng: np.random.Generator, scale: Scale, count: int) -> gpd.GeoDataFrame:
    half = np.asarray(scale.size_m) / 2
    seeds = rng.uniform(-1, 1, (count, 2)) * half
    frame = shapely.box(-half[0], -half[1], half[0], half[1])
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame)
    polygons = shapely.intersection(np.asarray(shapely.get_parts(cells)), frame)
    codes = [f"{i:09d}" for i in range(len(polygons))]
    names = [f"第{i + 1}镇" for i in range(len(polygons))]
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=polygons, crs=frame_crs(scale))


def random_points(rng: np.random.Generator, count: int, centres: np.ndarray) -> np.ndarray:
    """Points clustered around township centres, as villages are around market towns."""
    picks = centres[rng.integers(0, len(centres), count)]
    return picks + rng.normal(0, 2500, (count, 2))


def to_gcj02(xy: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    wgs = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs).to_crs(4326)
    lon, lat = from_wgs84(wgs.x.to_numpy(), wgs.y.to_numpy(), "gcj02")
    return np.round(lon, 6), np.round(lat, 6)


def _gcj02_coordinates(coords: np.ndarray) -> np.ndarray:
    return np.column_stack(from_wgs84(coords[:, 0], coords[:, 1], "gcj02"))


def make_sites(rng: np.random.Generator, count: int, centres: np.ndarray, crs: str) -> pd.DataFrame:
    lon, lat = to_gcj02(random_points(rng, count, centres), crs)
    codes = list(GROUPS)
    served = [
        ";".join(rng.choice(codes, size=rng.integers(1, 4), replace=False)) for _ in range(count)
    ]
    radius = np.where(rng.random(count) < 0.2, rng.integers(5, 40, count) * 100, np.nan)
    return pd.DataFrame(
        {
            "id": [f"S{i:06d}" for i in range(count)],
            "name": [f"服务站{i}" for i in range(count)],
            "kind": rng.choice(["organization", "station"], count),
            "groups": served,
            "lon": lon,
            "lat": lat,
            "radius_m": radius,
            "capacity": rng.integers(50, 2000, count),
        }
    )


def make_demand(
    rng: np.random.Generator, count: int, centres: np.ndarray, crs: str
) -> pd.DataFrame:
    lon, lat = to_gcj02(random_points(rng, count, centres), crs)
    frame = pd.DataFrame({"id": [f"V{i:06d}" for i in range(count)], "lon": lon, "lat": lat})
    for code in GROUPS:
        frame[code] = rng.poisson(20, count)
    return frame


LABELS = {"district": "区县", "province": "省级", "national": "全国"}


def write_toml(path: Path, scale: str) -> None:
    lines = [
        f'name = "{LABELS[scale]}规模基准（生成数据）"',
        "demo = true",
        'coordinates = "gcj02"',
        "budget_yuan = 10000000",
        "",
    ]
    for code, (label, radius) in GROUPS.items():
        lines += [
            "[[groups]]",
            f'code = "{code}"',
            f'label = "{label}"',
            f"radius_m = {radius}",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def make_earlier_year(source: Path, out: Path, rng: np.random.Generator) -> None:
    """Write the year before ``source`` (a generated province) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ("townships.geojson", "dataset.toml"):
        (out / name).write_bytes((source / name).read_bytes())
    demand = pd.read_csv(source / "demand.csv", dtype={"id": str})
    for code in GROUPS:
        demand[code] = rng.poisson(demand[code].to_numpy() * rng.lognormal(0, 0.1, len(demand)))
    demand.to_csv(out / "demand.csv", index=False)
    sites = pd.read_csv(source / "sites.csv", dtype={"id": str})
    kept = sites[rng.random(len(sites)) >= 0.04].copy()
    moved = rng.random(len(kept)) < 0.02
    angle = rng.uniform(0, 2 * np.pi, moved.sum())
    metres = rng.uniform(100, 300, moved.sum())
    kept.loc[moved, "lon"] += np.round(metres * np.cos(angle) / 92_000, 6)  # ~92 km a degree
    kept.loc[moved, "lat"] += np.round(metres * np.sin(angle) / 111_000, 6)
    closed = sites.sample(n=len(sites) // 50, random_state=rng).copy()
    closed["id"] = [f"C{i:05d}" for i in range(len(closed))]
    closed["lon"] += np.round(rng.normal(0, 0.02, len(closed)), 6)
    closed["lat"] += np.round(rng.normal(0, 0.02, len(closed)), 6)
    pd.concat([kept, closed]).to_csv(out / "sites.csv", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", choices=list(SCALES), default="province")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--earlier-of", type=Path, metavar="DIR", help="write its year before")
    parser.add_argument("--townships", type=int, help="override the scale's count")
    parser.add_argument("--demand", type=int, help="override the scale's count")
    parser.add_argument("--sites", type=int, help="override the scale's count")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    count_towns = args.townships or scale.townships
    count_demand, count_sites = args.demand or scale.demand, args.sites or scale.sites
    rng = np.random.default_rng(args.seed)
    if args.earlier_of is not None:
        make_earlier_year(args.earlier_of, args.out, rng)
        print(f"wrote {args.out}: the year before {args.earlier_of}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    townships = make_townships(rng, scale, count_towns)
    centres = shapely.get_coordinates(townships.geometry.centroid)
    wgs = townships.to_crs(4326)
    gcj = shapely.transform(wgs.geometry.values, _gcj02_coordinates)
    wgs.geometry = shapely.set_precision(gcj, 1e-6)
    wgs.to_file(args.out / "townships.geojson", driver="GeoJSON")
    crs = frame_crs(scale)
    make_sites(rng, count_sites, centres, crs).to_csv(args.out / "sites.csv", index=False)
    make_demand(rng, count_demand, centres, crs).to_csv(args.out / "demand.csv", index=False)
    write_toml(args.out / "dataset.toml", args.scale)
    print(
        f"wrote {args.out}: {len(townships)} townships, {count_demand} demand, {count_sites} sites"
    )


if __name__ == "__main__":
    main()
