"""The reference for bench_scale.py: the sums of `geo summary --json`, as a bare notebook does them.

    python bench/notebook_summary.py DATASET_FOLDER > out.json

What an analyst with geopandas and scipy would write, cell after cell, with no validation and no
error messages: read the folder; convert GCJ-02 to WGS-84 (the one snippet borrowed from the
atlas, as a notebook borrows a datum snippet); put villages in townships (a spatial join);
find, per group, the villages within the radius of a site serving it, correctly at any extent
(a k-d tree on geocentric coordinates, then pyproj.Geod on the candidate pairs); sum per
township and group; share the budget by weighted unmet need (largest remainder, 100 yuan
units); print the JSON. It handles what the generated folders hold (point demand, a
``groups`` column of ``;``-separated codes, an optional ``radius_m``), nothing more.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo.io.datum import to_wgs84

folder = Path(sys.argv[1])
config = tomllib.loads((folder / "dataset.toml").read_text(encoding="utf-8"))
datum = config.get("coordinates", "wgs84")
groups = config["groups"]
codes = [g["code"] for g in groups]

towns = gpd.read_file(folder / "townships.geojson")
towns.geometry = shapely.transform(
    towns.geometry.values, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], datum))
)
sites = pd.read_csv(folder / "sites.csv", dtype={"id": str})
demand = pd.read_csv(folder / "demand.csv", dtype={"id": str})
for frame in (sites, demand):
    frame["lon"], frame["lat"] = to_wgs84(frame["lon"].to_numpy(), frame["lat"].to_numpy(), datum)

villages = gpd.GeoDataFrame(
    demand, geometry=gpd.points_from_xy(demand["lon"], demand["lat"]), crs="EPSG:4326"
)
joined = gpd.sjoin(villages, towns[["code", "geometry"]], how="left", predicate="intersects")
demand["township"] = joined.groupby(level=0)["code"].first()

to_ecef = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)
geod = pyproj.Geod(ellps="WGS84")
village_xyz = np.column_stack(to_ecef.transform(demand["lon"], demand["lat"], 0 * demand["lon"]))
site_xyz = np.column_stack(to_ecef.transform(sites["lon"], sites["lat"], 0 * sites["lon"]))
village_tree = cKDTree(village_xyz)
served = sites["groups"].str.split(";")

covered = pd.DataFrame(index=demand.index)
for group in groups:
    mine = served.map(lambda gs, code=group["code"]: code in gs).to_numpy()
    radius = sites["radius_m"].fillna(group["radius_m"]).to_numpy()[mine]
    # the chord is never longer than the geodesic: query by the radius, then measure exactly
    found = cKDTree(site_xyz[mine]).query_ball_tree(village_tree, radius.max())
    site_idx = np.repeat(np.arange(len(found)), [len(f) for f in found])
    village_idx = np.concatenate([np.asarray(f, dtype=np.intp) for f in found])
    lon, lat = sites["lon"].to_numpy()[mine], sites["lat"].to_numpy()[mine]
    _, _, distance = geod.inv(
        lon[site_idx], lat[site_idx], demand["lon"][village_idx], demand["lat"][village_idx]
    )
    reached = np.zeros(len(demand), dtype=bool)
    reached[village_idx[distance <= radius[site_idx] + 1e-6]] = True
    covered[group["code"]] = demand[group["code"]] * reached

people = demand.groupby("township")[codes].sum().reindex(towns["code"], fill_value=0)
within = covered.groupby(demand["township"])[codes].sum().reindex(towns["code"], fill_value=0)
weights = np.array([g.get("weight", 1.0) for g in groups])
score = (people - within).to_numpy(dtype=float) @ weights
share = score / score.sum()
budget_units = config["budget_yuan"] // 100
quota = share * budget_units
units = np.floor(quota).astype(int)
left = budget_units - units.sum()
units[np.lexsort((np.arange(len(score)), -score, -np.round(quota - units, 9)))[:left]] += 1

ratio = (within / people.where(people > 0)).round(3).astype(object)
rows = zip(
    towns["code"],
    towns["name"],
    people.to_dict("records"),
    within.to_dict("records"),
    ratio.where(ratio.notna(), None).to_dict("records"),
    share,
    units,
    strict=True,
)
townships = [
    {
        "code": code,
        "name": name,
        "demand": d,
        "covered": c,
        "coverage": r,
        "funding_share": round(float(s), 4),
        "funding_yuan": int(u) * 100,
    }
    for code, name, d, c, r, s, u in rows
]
totals = {
    "demand": {c: int(people[c].sum()) for c in codes},
    "covered": {c: int(within[c].sum()) for c in codes},
    "coverage": {c: round(within[c].sum() / people[c].sum(), 3) for c in codes},
    "funding_yuan": int(units.sum()) * 100,
}
print(json.dumps({"townships": townships, "totals": totals}, ensure_ascii=False))
