"""Acceptance: datasets as a Chinese district office hands them over, checked end to end.

The answers here are worked out independently of ``geo/``: ground truth is laid out in
WGS-84, shifted to GCJ-02 / BD-09 with the published forward formulas written out below,
distances are geodesic (``pyproj.Geod``), areal shares come from the area of a circle and of a
circular segment. Every point stays well away (> 1%) from the edge of every catchment, so that
the small difference between geodesic and UTM distances (about 0.02% here) cannot decide a
case, except in the dedicated edge test, which keeps 1 m off the edge.

Then a dozen and more kinds of broken input: each must give exit code 2 for ``validate`` and
``summary --json``, a report that names the file, in Chinese by default and in English with
``--lang en``, nothing on stdout for ``summary --json`` and never a traceback.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Polygon, mapping

from geo.cli.commands import main

pytestmark = pytest.mark.slow  # end to end: whole folders through load, CLI and exports

ROOT = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")

# --- reference datum shifts (the published forward formulas, written out independently) ---

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = math.pi * 3000.0 / 180.0


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 forward formula as published (eviltransform and its many copies)."""
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02 -> BD-09 (Baidu's published forward formula)."""
    x, y = wgs84_to_gcj02(lon, lat)
    z = math.sqrt(x * x + y * y) + 0.00002 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * _BD_X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


FORWARD: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def segment_area(h: float, r: float) -> float:
    """Area of the part of a disc of radius ``r`` beyond a chord ``h`` from its centre."""
    return r * r * math.acos(h / r) - h * math.sqrt(r * r - h * h)


def offset(lon: float, lat: float, azimuth: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` from (lon, lat) along ``azimuth`` (degrees from north), geodesic."""
    end_lon, end_lat, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return float(end_lon), float(end_lat)


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def box_area(bounds: tuple[float, float, float, float]) -> float:
    west, south, east, north = bounds
    area, _ = GEOD.polygon_area_perimeter([west, east, east, west], [south, south, north, north])
    return abs(float(area))


# --- the ground truth: a small district in WGS-84 -------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    code: str
    label: str
    radius_m: float
    weight: float


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    bounds: tuple[float, float, float, float]  # west, south, east, north (WGS-84)

    def holds(self, point: tuple[float, float]) -> bool:
        west, south, east, north = self.bounds
        return west < point[0] < east and south < point[1] < north


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    kind: str  # as written in the file: 站点 / 组织 / 社会组织 / station
    groups: tuple[str, ...]  # group codes
    groups_cell: str  # as written in the file: labels with mixed separators
    point: tuple[float, float]
    radius_m: float | None = None


@dataclass(frozen=True)
class Village:
    id: str
    name: str
    point: tuple[float, float]
    counts: dict[str, int]


@dataclass(frozen=True)
class TownRow:
    """Township-level demand: spread evenly over the township."""

    id: str
    township: str  # as written in the file: a name or a code
    town_code: str
    counts: dict[str, int]
    shares: dict[str, float]  # expected covered share by group, worked out by formula


@dataclass
class World:
    groups: list[GroupSpec]
    towns: list[Town]
    sites: list[Site]
    villages: list[Village]
    town_rows: list[TownRow] = field(default_factory=list)
    budget_yuan: int = 300_000

    def radius(self, site: Site, code: str) -> float:
        if site.radius_m is not None:
            return site.radius_m
        return next(g.radius_m for g in self.groups if g.code == code)

    def town_of(self, point: tuple[float, float]) -> str | None:
        return next((t.code for t in self.towns if t.holds(point)), None)


ELDERS, CHILDREN, DISABLED = "elders_left_behind", "children_left_behind", "disabled"
GROUPS = [
    GroupSpec(ELDERS, "留守老人", 2000.0, 1.0),
    GroupSpec(CHILDREN, "留守儿童", 1000.0, 2.0),
    GroupSpec(DISABLED, "残疾人", 3000.0, 1.5),
]


def district_world() -> World:
    """Four townships of 0.1 x 0.1 degrees near Suqian, sites, villages and township rows.

    ::

        lat 34.00 +-----------------+-----------------+
                  | 顺河街道 S01 S02 | 仰化镇 S03      |   V08 (east of everything)
        lat 33.90 +-----------------+-----------------+
                  | 大兴镇 (row)     | 来龙镇 S04 S05  |
        lat 33.80 +-----------------+--(row)----------+
                        S06 (outside, south)
               118.20            118.30            118.40
    """
    towns = [
        Town("321311100", "顺河街道", (118.20, 33.90, 118.30, 34.00)),
        Town("321311101", "仰化镇", (118.30, 33.90, 118.40, 34.00)),
        Town("321311102", "大兴镇", (118.20, 33.80, 118.30, 33.90)),
        Town("321311103", "来龙镇", (118.30, 33.80, 118.40, 33.90)),
    ]
    s01, s02, s03, s04 = (118.25, 33.95), (118.22, 33.93), (118.35, 33.95), (118.35, 33.85)
    s05 = offset(118.37, 33.80, 0.0, 300.0)  # 300 m north of 来龙镇's southern border
    s06 = (118.25, 33.78)  # 2.2 km south of 大兴镇, in no township
    sites = [
        Site("S01", "顺河社工站", "站点", (ELDERS, CHILDREN), "留守老人、留守儿童", s01),
        Site("S02", "顺河助残协会", "社会组织", (ELDERS, DISABLED), "残疾人；留守老人", s02, 500.0),
        Site("S03", "仰化儿童之家", "站点", (CHILDREN, DISABLED), "留守儿童 / 残疾人", s03),
        Site("S04", "来龙妇女之家", "站点", (CHILDREN,), "留守儿童", s04, 1200.0),
        Site("S05", "来龙康复站", "站点", (DISABLED,), "残疾人", s05, 800.0),
        Site(
            "S06", "骆马湖志愿者协会", "组织", (ELDERS, DISABLED), "留守老人，残疾人", s06, 2500.0
        ),
    ]
    n = {ELDERS: 0, CHILDREN: 0, DISABLED: 0}
    villages = [
        Village("V01", "河东村", offset(*s01, 45.0, 1500.0), {**n, ELDERS: 120, CHILDREN: 35}),
        Village("V02", "河西村", offset(*s02, 200.0, 400.0), {**n, ELDERS: 80, DISABLED: 12}),
        Village(
            "V03", "新河社区", offset(*s01, 300.0, 700.0), {ELDERS: 60, CHILDREN: 20, DISABLED: 5}
        ),
        Village("V04", "仰化村", offset(*s03, 90.0, 2500.0), {**n, CHILDREN: 40, DISABLED: 9}),
        Village(
            "V05", "林场村", offset(*s03, 180.0, 3500.0), {ELDERS: 150, CHILDREN: 30, DISABLED: 7}
        ),
        Village("V06", "来龙村", offset(*s04, 0.0, 900.0), {**n, CHILDREN: 25}),
        Village("V07", "庙头村", offset(*s04, 270.0, 1300.0), {ELDERS: 90, CHILDREN: 45}),
        Village("V08", "湖滨村", (118.45, 33.95), {ELDERS: 500, CHILDREN: 100, DISABLED: 50}),
        Village("V09", "大兴村", offset(*s06, 0.0, 2400.0), {**n, ELDERS: 70}),
    ]
    area_t3, area_t4 = box_area(towns[2].bounds), box_area(towns[3].bounds)
    h06 = distance(s06, (s06[0], 33.80))
    town_rows = [
        TownRow(
            "T3",
            "大兴镇",
            towns[2].code,
            {ELDERS: 1000, CHILDREN: 200, DISABLED: 0},
            {ELDERS: segment_area(h06, 2500.0) / area_t3, CHILDREN: 0.0, DISABLED: 0.0},
        ),
        TownRow(
            "T4",
            "321311103",
            towns[3].code,
            {ELDERS: 0, CHILDREN: 600, DISABLED: 300},
            {
                ELDERS: 0.0,
                CHILDREN: math.pi * 1200.0**2 / area_t4,
                DISABLED: (math.pi * 800.0**2 - segment_area(300.0, 800.0)) / area_t4,
            },
        ),
    ]
    return World(list(GROUPS), towns, sites, villages, town_rows)


# --- the files, as an office would write them ----------------------------------------------

SITE_HEADERS = ["编号", "名称", "类型", "类别", "服务群体", "经度", "纬度", "服务半径（米）"]
DEMAND_HEADERS = ["编号", "村居名称", "经度", "纬度", "所属乡镇"]


def shifted(point: tuple[float, float], datum: str) -> tuple[float, float]:
    """A WGS-84 point as a map picker in ``datum`` shows it, to 6 decimals (about 0.1 m)."""
    lon, lat = FORWARD[datum](*point)
    return round(lon, 6), round(lat, 6)


def toml_text(world: World, *, datum: str, budget: bool = True) -> str:
    lines = ['name = "宿豫区验收数据"', f'coordinates = "{datum}"']
    if budget:
        lines.append(f"budget_yuan = {world.budget_yuan}")
    for g in world.groups:
        lines += [
            "",
            "[[groups]]",
            f'code = "{g.code}"',
            f'label = "{g.label}"',
            f"radius_m = {g.radius_m:g}",
            f"weight = {g.weight:g}",
        ]
    return "\n".join(lines) + "\n"


def township_polygons(world: World, datum: str) -> list[Polygon]:
    rings = []
    for town in world.towns:
        west, south, east, north = town.bounds
        corners = [(west, south), (east, south), (east, north), (west, north)]
        rings.append(Polygon([shifted(c, datum) for c in corners]))
    return rings


def write_townships_geojson(world: World, path: Path, datum: str) -> None:
    """Hand-written GeoJSON: Chinese property names, codes stored as numbers (as GIS tools do)."""
    features = [
        {
            "type": "Feature",
            "properties": {"乡镇代码": int(town.code), "乡镇名称": town.name},
            "geometry": mapping(polygon),
        }
        for town, polygon in zip(world.towns, township_polygons(world, datum), strict=True)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def write_townships_shapefile(
    world: World,
    path: Path,
    datum: str,
    *,
    inside: str = "宿豫区乡镇边界/",
    parts: Sequence[str] = (".shp", ".shx", ".dbf", ".prj"),
    crs: str | None = None,
) -> None:
    """A zipped shapefile with a GBK attribute table and no .cpg (what ArcGIS in China writes),
    zipped as a folder (Windows' "send to compressed folder" puts the files in a subfolder),
    with the macOS resource-fork copies some archives carry. ``crs``: project the WGS-84
    ground truth to it instead of shifting to ``datum`` (a land bureau's CGCS2000 file)."""
    frame = gpd.GeoDataFrame(
        {"代码": [t.code for t in world.towns], "名称": [t.name for t in world.towns]},
        geometry=township_polygons(world, "wgs84" if crs else datum),
        crs="EPSG:4326",
    )
    if crs is not None:
        frame = frame.to_crs(crs)
    work = path.parent / "_shp"
    work.mkdir()
    frame.to_file(work / "乡镇.shp", driver="ESRI Shapefile", encoding="GBK")
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(work.iterdir()):
            if part.suffix in parts:
                archive.write(part, inside + part.name)
                archive.writestr(f"__MACOSX/{inside}._{part.name}", b"\x00\x05\x16\x07")
            part.unlink()
    work.rmdir()


def shapefile_townships(**options: object) -> Callable[[Path], None]:
    """Replace townships.geojson by a zipped shapefile (see ``write_townships_shapefile``)."""

    def step(folder: Path) -> None:
        (folder / "townships.geojson").unlink()
        path = folder / "townships.shp.zip"
        write_townships_shapefile(district_world(), path, "gcj02", **options)  # type: ignore[arg-type]

    return step


def site_rows(world: World, datum: str) -> list[list[object]]:
    rows = []
    for s in world.sites:
        lon, lat = shifted(s.point, datum)
        category = "社会组织" if "组织" in s.kind else "服务站"
        radius = "" if s.radius_m is None else int(s.radius_m)
        rows.append([s.id, s.name, s.kind, category, s.groups_cell, lon, lat, radius])
    return rows


def demand_rows(world: World, datum: str) -> tuple[list[str], list[list[object]]]:
    headers = DEMAND_HEADERS + [g.label for g in world.groups]
    names = {t.code: t.name for t in world.towns}
    rows: list[list[object]] = []
    for v in world.villages:
        lon, lat = shifted(v.point, datum)
        town = names.get(world.town_of(v.point) or "", "")
        rows.append(
            [v.id, v.name, lon, lat, town, *(v.counts.get(g.code, 0) for g in world.groups)]
        )
    for r in world.town_rows:
        rows.append([r.id, "", "", "", r.township, *(r.counts[g.code] for g in world.groups)])
    return headers, rows


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], **kw: str
) -> None:
    frame = pd.DataFrame([[str(c) for c in row] for row in rows], columns=list(headers))
    frame.to_csv(path, index=False, encoding=kw.get("encoding", "gb18030"))


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    sheet: str,
    title: str | None = None,
) -> None:
    """An Excel workbook with typed cells (numbers as numbers, blanks as empty cells)."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "说明"
    first.append(["本表由区民政局填报"])
    ws = book.create_sheet(sheet)
    if title is not None:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append([None if cell == "" else cell for cell in row])
    book.save(path)


PROJECT_HEADERS = [
    "编号",
    "项目名称",
    "实施组织",
    "年度",
    "资助金额",
    "服务群体",
    "服务乡镇",
    "服务人次",
]


def project_rows() -> list[list[object]]:
    return [
        ["XM01", "银龄守护", "顺河助残协会", "2021年", 50000, "留守老人", "顺河街道", 4500],
        ["XM02", "童心港湾", "仰化儿童之家", "2021年", 50000, "留守儿童", "321311101", 5200],
        ["XM03", "助残康复", "来龙康复站", "2021年", 50000, "残疾人", "来龙镇、大兴镇", 3900],
        ["XM04", "四点半课堂", "来龙妇女之家", "2021年", 50000, "留守儿童", "来龙镇", 4100],
        ["XM05", "邻里守望", "骆马湖志愿者协会", "2021年", 50000, "留守老人；残疾人", "全区", 4800],
        ["XM06", "困境帮扶", "顺河社工站", "2021年", 50000, "", "顺河街道/仰化镇", 4500],
    ]


def write_gcj02_folder(world: World, folder: Path) -> Path:
    """GCJ-02: GeoJSON townships, GB18030 sites CSV, demand XLSX with a title row."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_text(toml_text(world, datum="gcj02"), encoding="utf-8")
    write_townships_geojson(world, folder / "townships.geojson", "gcj02")
    write_csv(folder / "sites.csv", SITE_HEADERS, site_rows(world, "gcj02"))
    headers, rows = demand_rows(world, "gcj02")
    write_xlsx(folder / "demand.xlsx", headers, rows, sheet="需求", title="2024年村居需求摸底表")
    return folder


def write_bd09_folder(world: World, folder: Path) -> Path:
    """BD-09: zipped GBK shapefile, sites XLSX, demand GB18030 CSV, projects (budget from them)."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_text(toml_text(world, datum="bd09", budget=False), "utf-8")
    write_townships_shapefile(world, folder / "townships.shp.zip", "bd09")
    write_xlsx(folder / "sites.xlsx", SITE_HEADERS, site_rows(world, "bd09"), sheet="站点")
    headers, rows = demand_rows(world, "bd09")
    write_csv(folder / "demand.csv", headers, rows)
    write_xlsx(folder / "projects.xlsx", PROJECT_HEADERS, project_rows(), sheet="公益创投")
    return folder


def write_mixed_folder(world: World, folder: Path) -> Path:
    """Townships from the land bureau in CGCS2000 / 3-degree Gauss-Kruger zone 39 (metres, with
    a .prj), sites and demand picked on AMap in GCJ-02: the boundaries are only reprojected."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_text(toml_text(world, datum="gcj02"), encoding="utf-8")
    path = folder / "townships.shp.zip"
    write_townships_shapefile(world, path, "gcj02", crs="EPSG:4527", inside="")
    write_xlsx(folder / "sites.xlsx", SITE_HEADERS, site_rows(world, "gcj02"), sheet="Sheet1")
    write_csv(folder / "demand.csv", *demand_rows(world, "gcj02"), encoding="utf-8-sig")
    return folder


def write_point_geojson(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> None:
    """Points from 经度/纬度 as GeoJSON geometry; rows without them get a null geometry."""
    features = []
    for row in rows:
        cells = dict(zip(headers, row, strict=True))
        lon, lat = cells.pop("经度"), cells.pop("纬度")
        point = None if lon == "" else {"type": "Point", "coordinates": [lon, lat]}
        properties = {k: (None if v == "" else v) for k, v in cells.items()}
        features.append({"type": "Feature", "properties": properties, "geometry": point})
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding=encoding)


def write_spatial_folder(world: World, folder: Path) -> Path:
    """GCJ-02 everywhere: GeoPackage townships, GeoJSON sites and demand (township-level rows
    with a null geometry; demand in GBK, as some Chinese tools write GeoJSON), dataset.toml
    saved by Notepad as "ANSI" (GBK)."""
    folder.mkdir(parents=True)
    (folder / "dataset.toml").write_bytes(toml_text(world, datum="gcj02").encode("gbk"))
    frame = gpd.GeoDataFrame(
        {"编码": [t.code for t in world.towns], "名称": [t.name for t in world.towns]},
        geometry=township_polygons(world, "gcj02"),
        crs="EPSG:4326",
    )
    frame.to_file(folder / "townships.gpkg", driver="GPKG", layer="乡镇边界")
    write_point_geojson(folder / "sites.geojson", SITE_HEADERS, site_rows(world, "gcj02"))
    write_point_geojson(folder / "demand.geojson", *demand_rows(world, "gcj02"), encoding="gbk")
    return folder


# --- the expected answer, worked out from the ground truth ---------------------------------


@dataclass(frozen=True)
class Expected:
    demand: dict[str, dict[str, float]]  # township code -> group -> people
    covered: dict[str, dict[str, float]]
    organizations: dict[str, int]
    stations: dict[str, int]
    unassigned_sites: list[str]
    unassigned_demand: list[str]
    funding_share: dict[str, float]
    funding_yuan: dict[str, int]
    edge_margin: float  # smallest |distance - radius| / radius over every site-village pair


def reached(world: World, village: Village, code: str) -> tuple[bool, float]:
    """Whether a site serving ``code`` has the village within its radius; the closest call."""
    hit, margin = False, math.inf
    for site in world.sites:
        if code in site.groups:
            radius = world.radius(site, code)
            gap = distance(site.point, village.point) - radius
            hit |= gap <= 0
            margin = min(margin, abs(gap) / radius)
    return hit, margin


def expected_answer(world: World, codes: Sequence[str] | None = None) -> Expected:
    codes = list(codes or [g.code for g in world.groups])
    towns = [t.code for t in world.towns]
    demand = {t: dict.fromkeys(codes, 0.0) for t in towns}
    covered = {t: dict.fromkeys(codes, 0.0) for t in towns}
    margin = math.inf
    for village in world.villages:
        town = world.town_of(village.point)
        for code in codes:
            hit, closest = reached(world, village, code)
            margin = min(margin, closest) if village.counts.get(code) else margin
            if town is not None:
                demand[town][code] += village.counts.get(code, 0)
                covered[town][code] += village.counts.get(code, 0) * hit
    for row in world.town_rows:
        for code in codes:
            demand[row.town_code][code] += row.counts[code]
            covered[row.town_code][code] += row.counts[code] * row.shares[code]
    serving = [s for s in world.sites if set(s.groups) & set(codes)]
    placed = [(s, world.town_of(s.point)) for s in serving]
    orgs = {t: sum(1 for s, w in placed if w == t and "组织" in s.kind) for t in towns}
    stations = {t: sum(1 for s, w in placed if w == t and "组织" not in s.kind) for t in towns}
    weights = {g.code: g.weight for g in world.groups}
    scores = [sum(weights[c] * (demand[t][c] - covered[t][c]) for c in codes) for t in towns]
    if not any(s > 1e-6 for s in scores):  # everyone reached: the money follows the people
        scores = [sum(weights[c] * demand[t][c] for c in codes) for t in towns]
    return Expected(
        demand=demand,
        covered=covered,
        organizations=orgs,
        stations=stations,
        unassigned_sites=[s.id for s in world.sites if world.town_of(s.point) is None],
        unassigned_demand=[v.id for v in world.villages if world.town_of(v.point) is None],
        funding_share={t: s / sum(scores) for t, s in zip(towns, scores, strict=True)},
        funding_yuan=dict(zip(towns, largest_remainder(scores, world.budget_yuan), strict=True)),
        edge_margin=margin,
    )


def largest_remainder(scores: Sequence[float], budget: int, unit: int = 100) -> list[int]:
    """Whole 100 yuan by largest remainder (this test's data has no ties to break)."""
    scores = list(scores)
    total = sum(scores)
    units = budget // unit
    quotas = [units * s / total for s in scores]
    whole = [math.floor(q) for q in quotas]
    order = sorted(range(len(scores)), key=lambda i: quotas[i] - whole[i], reverse=True)
    for i in order[: units - sum(whole)]:
        whole[i] += 1
    yuan = [w * unit for w in whole]
    yuan[scores.index(max(scores))] += budget % unit  # the odd yuan: to the largest share
    return yuan


def run_summary_json(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["summary", str(folder), "--json", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def assert_matches(doc: dict, world: World, want: Expected) -> None:
    """The CLI's JSON against the independent answer, with the tolerances explained above."""
    rows = {row["code"]: row for row in doc["townships"]}
    assert list(rows) == [t.code for t in world.towns]
    assert [rows[t.code]["name"] for t in world.towns] == [t.name for t in world.towns]
    for town, row in rows.items():
        assert row["demand"] == want.demand[town], town
        for code, people in want.covered[town].items():
            # areal shares: a 128-gon disc in UTM holds 99.9% of the geodesic disc's area
            assert row["covered"][code] == pytest.approx(people, rel=1e-2, abs=0.02), (town, code)
            share = None if not want.demand[town][code] else people / want.demand[town][code]
            assert row["coverage"][code] == pytest.approx(share, abs=2e-3), (town, code)
        assert (row["organizations"], row["stations"]) == (
            want.organizations[town],
            want.stations[town],
        ), town
        assert row["funding_share"] == pytest.approx(want.funding_share[town], abs=2e-3), town
        assert abs(row["funding_yuan"] - want.funding_yuan[town]) <= 100, town
    budget = doc["parameters"]["budget_yuan"]
    assert sum(r["funding_yuan"] % 100 for r in rows.values()) == budget % 100
    assert sum(r["funding_yuan"] for r in rows.values()) == budget
    assert doc["totals"]["funding_yuan"] == budget
    assert doc["unassigned"] == {"sites": want.unassigned_sites, "demand": want.unassigned_demand}
    for code in doc["totals"]["demand"]:
        assert doc["totals"]["demand"][code] == sum(d[code] for d in want.demand.values())


# --- correct datasets ----------------------------------------------------------------------


def test_the_ground_truth_keeps_clear_of_every_catchment_edge() -> None:
    """Guards the tolerance argument: no village within 1% of any radius it is tested against."""
    world = district_world()
    assert expected_answer(world).edge_margin > 0.01
    # and every point stays in the township the layout says (at least 100 m inside)
    for village in district_world().villages:
        town = world.town_of(village.point)
        if town is not None:
            west, south, east, north = next(t.bounds for t in world.towns if t.code == town)
            lon, lat = village.point
            edges = [(west, lat), (east, lat), (lon, south), (lon, north)]
            assert min(distance(village.point, e) for e in edges) > 100, village.id


@pytest.mark.parametrize(
    "writer",
    [write_gcj02_folder, write_bd09_folder, write_spatial_folder, write_mixed_folder],
    ids=[
        "gcj02-csv-xlsx-geojson",
        "bd09-xlsx-csv-shapefile",
        "gcj02-geojson-gpkg",
        "gcj02-points-cgcs2000-gauss-kruger-townships",
    ],
)
def test_summary_json_matches_the_independent_answer(
    writer: Callable[[World, Path], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = district_world()
    folder = writer(world, tmp_path / "宿豫区 2024")
    doc = run_summary_json(folder, capsys)
    assert doc["dataset"] == {"name": "宿豫区验收数据", "demo": False}
    assert doc["parameters"]["budget_yuan"] == 300_000
    assert [g["code"] for g in doc["parameters"]["groups"]] == [g.code for g in GROUPS]
    assert_matches(doc, world, expected_answer(world))


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--group", "留守儿童", "--budget", "123456"], [CHILDREN]),
        (["--group", ELDERS, "--group", "残疾人"], [ELDERS, DISABLED]),
    ],
    ids=["one-group-by-label-odd-budget", "two-groups"],
)
def test_group_and_budget_options(
    args: list[str], codes: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = district_world()
    if "--budget" in args:
        world.budget_yuan = int(args[args.index("--budget") + 1])
    doc = run_summary_json(write_gcj02_folder(world, tmp_path / "d"), capsys, *args)
    assert [g["code"] for g in doc["parameters"]["groups"]] == codes
    assert doc["parameters"]["budget_yuan"] == world.budget_yuan
    assert_matches(doc, world, expected_answer(world, codes))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_excel_unicode_text_exports_are_read(
    encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel's "Unicode text" is tab-separated UTF-16 with a BOM; some tools drop the BOM."""
    world = district_world()
    folder = write_gcj02_folder(world, tmp_path / "d")
    path = folder / "sites.csv"
    text = path.read_bytes().decode("gb18030").replace(",", "\t")
    path.write_bytes(text.encode(encoding))
    assert_matches(run_summary_json(folder, capsys), world, expected_answer(world))


# --- broken input -------------------------------------------------------------------------

Build = Callable[[Path], None]


def edit_world(change: Callable[[World], None]) -> Build:
    """A GCJ-02 folder written from a world with one thing changed."""

    def build(folder: Path) -> None:
        world = district_world()
        change(world)
        write_gcj02_folder(world, folder)

    return build


def after(*steps: Callable[[Path], None]) -> Build:
    """A valid GCJ-02 folder, then ``steps`` applied to its files."""

    def build(folder: Path) -> None:
        write_gcj02_folder(district_world(), folder)
        for step in steps:
            step(folder)

    return build


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data)


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def edit_text(name: str, old: str, new: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def step(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding=encoding)
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding=encoding)

    return step


def edit_sites(change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Callable[[Path], None]:
    """Change the GB18030 sites.csv as a frame of strings (row 2 = S01, row 3 = S02, ...).

    ``change`` edits the frame in place or returns a new one.
    """

    def step(folder: Path) -> None:
        path = folder / "sites.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
        changed = change(frame)
        frame = frame if changed is None else changed
        frame.to_csv(path, index=False, encoding="gb18030")

    return step


def edit_townships(change: Callable[[list[dict]], None]) -> Callable[[Path], None]:
    """Change the features of townships.geojson (feature 1 = 顺河街道, 2 = 仰化镇, ...)."""

    def step(folder: Path) -> None:
        path = folder / "townships.geojson"
        doc = json.loads(path.read_text(encoding="utf-8"))
        change(doc["features"])
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    return step


def set_cell(row: int, column: str, value: str) -> Callable[[pd.DataFrame], None]:
    """Set a cell by its spreadsheet row number (header = row 1)."""

    def change(frame: pd.DataFrame) -> None:
        frame.loc[row - 2, column] = value

    return change


def set_count(village: str, code: str, value: object) -> Callable[[World], None]:
    def change(world: World) -> None:
        v = next(v for v in world.villages if v.id == village)
        v.counts[code] = value  # type: ignore[assignment]

    return change


def set_town_row(row_id: str, township: str) -> Callable[[World], None]:
    def change(world: World) -> None:
        i = next(i for i, r in enumerate(world.town_rows) if r.id == row_id)
        r = world.town_rows[i]
        world.town_rows[i] = TownRow(r.id, township, r.town_code, r.counts, r.shares)

    return change


def demand_csv(*, rows: bool = True, keep_xlsx: bool = False) -> Callable[[Path], None]:
    """Replace demand.xlsx by a GB18030 demand.csv (header only when not ``rows``)."""

    def step(folder: Path) -> None:
        if not keep_xlsx:
            (folder / "demand.xlsx").unlink()
        headers, body = demand_rows(district_world(), "gcj02")
        write_csv(folder / "demand.csv", headers, body if rows else [])

    return step


def swap_site_lonlat(row: int) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        i = row - 2
        frame.loc[i, ["经度", "纬度"]] = frame.loc[i, ["纬度", "经度"]].to_numpy()

    return change


def point_townships(features: list[dict]) -> None:
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"][0][0]
        feature["geometry"] = {"type": "Point", "coordinates": [lon, lat]}


def drop_radius(folder: Path) -> None:
    path = folder / "dataset.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("radius_m = 1000\n", ""), "utf-8")


def csv_as_xlsx(folder: Path) -> None:
    (folder / "demand.xlsx").unlink()
    headers, rows = demand_rows(district_world(), "gcj02")
    write_csv(folder / "demand.xlsx", headers, rows)


def replace_bytes(name: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def step(folder: Path) -> None:
        path = folder / name
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new))

    return step


def corrupt_member(name: str, suffix: str) -> Callable[[Path], None]:
    """Overwrite the middle of a zip member's compressed data, leaving the archive's index
    intact: opening works, reading the member fails (bad CRC or deflate stream)."""

    def step(folder: Path) -> None:
        path = folder / name
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = next(i for i in archive.infolist() if i.filename.endswith(suffix))
        at = info.header_offset
        name_len = int.from_bytes(data[at + 26 : at + 28], "little")
        extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
        middle = at + 30 + name_len + extra_len + info.compress_size // 2
        data[middle : middle + 8] = b"\xff\x00" * 4
        path.write_bytes(bytes(data))

    return step


def blank_demand_column(header: str) -> Callable[[Path], None]:
    """Empty one column of demand.xlsx (sheet 需求: title row, header row, data)."""

    def step(folder: Path) -> None:
        from openpyxl import load_workbook

        path = folder / "demand.xlsx"
        book = load_workbook(path)
        sheet = book["需求"]
        column = next(c.column for c in sheet[2] if c.value == header)
        for row in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            row[0].value = None
        book.save(path)

    return step


def truncate(name: str, keep: float = 0.5) -> Callable[[Path], None]:
    def step(folder: Path) -> None:
        path = folder / name
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return step


GARBAGE = np.random.default_rng(20240601).integers(0, 256, 4096, dtype=np.uint8).tobytes()


@dataclass(frozen=True)
class Broken:
    """A broken dataset: how to build it, the file the report must name, and what else it says."""

    id: str
    build: Build
    file: str
    zh: tuple[str, ...] = ()  # more text the Chinese report must hold (row, column, value)
    en: tuple[str, ...] = ()


BROKEN = [
    Broken("missing-dataset-toml", after(remove("dataset.toml")), "dataset.toml"),
    Broken(
        "bad-toml-syntax",
        after(edit_text("dataset.toml", "budget_yuan = 300000", "budget_yuan = 30万")),
        "dataset.toml",
        ("第 3 行", "英文双引号"),
        ("line 3",),
    ),
    Broken(
        "unknown-datum",
        after(edit_text("dataset.toml", '"gcj02"', '"北京54"')),
        "dataset.toml",
        ("北京54", "gcj02：高德"),
        ("北京54", "gcj02: AMap"),
    ),
    Broken("missing-required-file", after(remove("demand.xlsx")), "demand.xlsx"),
    Broken("empty-file", after(write_bytes("sites.csv", b"")), "sites.csv"),
    Broken("binary-garbage-as-csv", after(write_bytes("sites.csv", GARBAGE)), "sites.csv"),
    Broken("xlsx-that-is-a-csv", after(csv_as_xlsx), "demand.xlsx", ("xlsx",), ("xlsx",)),
    Broken("corrupt-xlsx", after(truncate("demand.xlsx")), "demand.xlsx", ("损坏",), ("damaged",)),
    Broken("truncated-geojson", after(truncate("townships.geojson")), "townships.geojson"),
    Broken(
        "xlsx-with-a-damaged-sheet",
        after(corrupt_member("demand.xlsx", "sheet2.xml")),
        "demand.xlsx",
        ("XLSX",),
        ("XLSX",),
    ),
    Broken(
        "geojson-in-no-known-encoding",
        after(replace_bytes("townships.geojson", "顺河".encode(), b"\xff\xfe\x80\x81")),
        "townships.geojson",
        ("UTF-8",),
        ("UTF-8",),
    ),
    Broken(
        "polygon-of-two-points",
        after(
            edit_townships(
                lambda fs: fs[3]["geometry"]["coordinates"][0].__delitem__(slice(2, None))
            )
        ),
        "townships.geojson",
        ("第 4 个要素",),
        ("feature 4",),
    ),
    Broken(
        "geojson-of-points",
        after(edit_townships(point_townships)),
        "townships.geojson",
        ("第 1 个要素", "Point"),
        ("feature 1", "Point"),
    ),
    Broken(
        "missing-column",
        after(edit_sites(lambda f: f.drop(columns=["类型"]))),
        "sites.csv",
        ("缺少必需的列“类型”",),
        ("'kind'",),
    ),
    Broken(
        "duplicate-site-id",
        after(edit_sites(set_cell(4, "编号", "S02"))),
        "sites.csv",
        ("第 4 行", "编号", "S02", "第 3 行"),
        ("row 4", "S02", "row 3"),
    ),
    Broken(
        "duplicate-township-code",
        after(edit_townships(lambda fs: fs[2]["properties"].update({"乡镇代码": 321311101}))),
        "townships.geojson",
        ("第 3 个要素", "321311101"),
        ("feature 3", "321311101"),
    ),
    Broken(
        "township-without-name",
        after(edit_townships(lambda fs: fs[1]["properties"].update({"乡镇名称": ""}))),
        "townships.geojson",
        ("第 2 个要素", "乡镇名称"),
        ("feature 2",),
    ),
    Broken(
        "non-numeric-count",
        edit_world(set_count("V02", ELDERS, "约80")),
        "demand.xlsx",
        ("第 4 行", "留守老人", "约80"),
        ("row 4", "约80"),
    ),
    Broken(
        "negative-count",
        edit_world(set_count("V03", CHILDREN, -20)),
        "demand.xlsx",
        ("第 5 行", "留守儿童", "-20"),
        ("row 5", "-20"),
    ),
    Broken(
        "fractional-count",
        edit_world(set_count("V04", DISABLED, 8.5)),
        "demand.xlsx",
        ("第 6 行", "残疾人", "8.5"),
        ("row 6", "8.5"),
    ),
    Broken(
        "lat-lon-swapped",
        after(edit_sites(swap_site_lonlat(5))),
        "sites.csv",
        ("第 5 行",),
        ("row 5",),
    ),
    Broken(
        "longitude-out-of-range",
        after(edit_sites(set_cell(3, "经度", "218.22"))),
        "sites.csv",
        ("第 3 行", "经度", "218.22"),
        ("row 3", "218.22"),
    ),
    Broken(
        "unknown-group-in-site-list",
        after(edit_sites(set_cell(2, "服务群体", "留守老人、孤寡老人"))),
        "sites.csv",
        ("第 2 行", "服务群体", "孤寡老人"),
        ("row 2", "孤寡老人"),
    ),
    Broken(
        "unknown-township-in-township-row",
        edit_world(set_town_row("T3", "大兴乡")),
        "demand.xlsx",
        ("大兴乡", "所属乡镇"),
        ("大兴乡",),
    ),
    Broken(
        "township-row-without-township",
        edit_world(set_town_row("T3", "")),
        "demand.xlsx",
        ("第 12 行", "所属乡镇"),
        ("row 12",),
    ),
    Broken(
        "group-without-radius",
        after(drop_radius),
        "dataset.toml",
        ("radius_m",),
        ("radius_m",),
    ),
    Broken(
        "infinite-weight",
        after(edit_text("dataset.toml", "weight = 2\n", "weight = inf\n")),
        "dataset.toml",
        ("groups[2].weight", "inf"),
        ("groups[2].weight", "inf"),
    ),
    Broken(
        "radius-not-a-number",
        after(edit_text("dataset.toml", "radius_m = 3000\n", "radius_m = nan\n")),
        "dataset.toml",
        ("groups[3].radius_m", "nan"),
        ("groups[3].radius_m", "nan"),
    ),
    Broken(
        "absurd-count",
        edit_world(set_count("V01", ELDERS, 99999999999999999999)),
        "demand.xlsx",
        ("第 3 行", "留守老人"),
        ("row 3",),
    ),
    Broken("header-only-demand", after(demand_csv(rows=False)), "demand.csv"),
    Broken(
        "sites-lon-all-blank",
        after(edit_sites(lambda f: f.__setitem__("经度", ""))),
        "sites.csv",
        ("列“经度”：整列都是空的",),
        ("column '经度': the whole column is empty",),
    ),
    Broken(
        "demand-lat-all-blank",
        after(blank_demand_column("纬度")),
        "demand.xlsx",
        ("列“纬度”：整列都是空的",),
        ("column '纬度': the whole column is empty",),
    ),
    Broken(
        "two-files-for-one-layer",
        after(demand_csv(keep_xlsx=True)),
        "demand.csv",
    ),
    Broken(
        "old-excel-xls",
        after(lambda f: (f / "demand.xlsx").rename(f / "demand.xls")),
        "demand.xls",
    ),
    Broken(
        "shapefile-zip-without-shp",
        after(shapefile_townships(parts=(".dbf", ".prj"), inside="")),
        "townships.shp.zip",
        (".shp",),
        (".shp",),
    ),
    Broken(
        "shapefile-zip-without-dbf",
        after(shapefile_townships(parts=(".shp", ".shx", ".prj"))),
        "townships.shp.zip",
        ("乡镇.dbf",),
        ("乡镇.dbf",),
    ),
    Broken(
        "shapefile-in-metres-without-prj",
        after(shapefile_townships(parts=(".shp", ".shx", ".dbf"), crs="EPSG:4527")),
        "townships.shp.zip",
        ("第 1 个要素", "投影坐标", ".prj"),
        ("feature 1", "projected", ".prj"),
    ),
    Broken(
        "shapefile-zip-with-a-damaged-member",
        after(shapefile_townships(), corrupt_member("townships.shp.zip", "乡镇.dbf")),
        "townships.shp.zip",
        ("ZIP",),
        ("zip",),
    ),
    Broken(
        "truncated-shapefile-zip",
        after(shapefile_townships(), truncate("townships.shp.zip", 0.8)),
        "townships.shp.zip",
        ("ZIP",),
        ("zip",),
    ),
    Broken(
        "unclosed-quote",
        after(edit_text("sites.csv", "S02,", 'S02,"', encoding="gb18030")),
        "sites.csv",
        ("第 3 行", "名称", "引号"),
        ("row 3", "quote"),
    ),
    Broken(
        "site-radius-absurd",
        after(edit_sites(set_cell(6, "服务半径（米）", "1e300"))),
        "sites.csv",
        ("第 6 行", "100000", "1e300"),
        ("row 6", "100000", "1e300"),
    ),
    Broken(
        "group-radius-in-the-wrong-unit",
        after(edit_text("dataset.toml", "radius_m = 3000\n", "radius_m = 3000000\n")),
        "dataset.toml",
        ("groups[3].radius_m", "100000"),
        ("groups[3].radius_m", "100000"),
    ),
    Broken(
        "budget-beyond-reason",
        after(edit_text("dataset.toml", "budget_yuan = 300000", "budget_yuan = 3e20")),
        "dataset.toml",
        ("budget_yuan", "1 万亿"),
        ("budget_yuan", "10^12"),
    ),
    Broken(
        "site-radius-with-unit",
        after(edit_sites(set_cell(5, "服务半径（米）", "1.2公里"))),
        "sites.csv",
        ("第 5 行", "1.2公里"),
        ("row 5", "1.2公里"),
    ),
]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: c.id)
def test_broken_input_exits_2_with_a_report_naming_the_file(
    case: Broken, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``summary --json`` as the acceptance run calls it (Chinese by default), and
    ``validate --lang en``: two runs cover both commands and both languages."""
    folder = tmp_path / "乡镇数据"
    case.build(folder)
    code, out, err = run_cli(["summary", str(folder), "--json"], capsys)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    assert "“”" not in err  # a blank value named as if it were one
    lines = [line for line in err.splitlines() if line.startswith("错误") and case.file in line]
    assert lines, err  # an error, in Chinese, that names the file
    assert all("：" in line for line in lines), err
    for text in case.zh:
        assert any(text in line for line in lines), (text, err)
    code, out, err = run_cli(["validate", str(folder), "--lang", "en"], capsys)
    assert code == 2, err
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.startswith("error: ") and case.file in line]
    assert lines, err
    assert not any("：" in line or "错误" in line for line in lines), err
    for text in case.en:
        assert any(text in line for line in lines), (text, err)


# --- end to end, as the acceptance run calls it --------------------------------------------


def start_cli(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "geo", *args]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish_cli(run: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Exit code, stdout, stderr. The timeout only catches a hang: three interpreters starting
    side by side on a busy machine take a while (60 s was too short under load)."""
    out, err = run.communicate(timeout=240)
    return run.returncode, out, err


def test_summary_json_as_a_process_prints_only_json_and_never_a_traceback(tmp_path: Path) -> None:
    """The valid folder has warnings (points outside): exit 0, stdout is exactly one JSON
    document. Two broken folders: exit 2, nothing on stdout, the file named, no traceback.
    The processes run side by side to keep the test short."""
    world = district_world()
    valid = write_gcj02_folder(world, tmp_path / "valid")
    broken = {c.id: c for c in BROKEN}
    chosen = ["binary-garbage-as-csv", "lat-lon-swapped"]
    for name in chosen:
        broken[name].build(tmp_path / name)
    runs = {"valid": start_cli("summary", str(valid), "--json")}
    runs |= {name: start_cli("summary", str(tmp_path / name), "--json") for name in chosen}
    done = {name: finish_cli(run) for name, run in runs.items()}
    code, out, err = done.pop("valid")
    assert code == 0, err
    assert_matches(json.loads(out), world, expected_answer(world))
    assert "Traceback" not in err
    for name, (code, out, err) in done.items():
        assert (code, out) == (2, ""), (name, err)
        assert "Traceback" not in err
        assert broken[name].file in err


def open_rings_and_lists(features: list[dict]) -> None:
    """What a hand-written GeoJSON may hold: rings not closed, a list and a huge number."""
    for feature in features:
        feature["geometry"]["coordinates"][0].pop()
        feature["properties"]["村居"] = ["甲村", "乙村"]
        feature["properties"]["人口"] = 1e300


def test_hand_written_geojson_with_open_rings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = district_world()
    folder = write_gcj02_folder(world, tmp_path / "d")
    edit_townships(open_rings_and_lists)(folder)
    assert_matches(run_summary_json(folder, capsys), world, expected_answer(world))


def test_when_everyone_is_reached_funding_follows_weighted_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = district_world()
    world.sites = [replace(s, radius_m=60_000.0) for s in world.sites]
    world.town_rows = [replace(r, shares=dict.fromkeys(r.shares, 1.0)) for r in world.town_rows]
    doc = run_summary_json(write_gcj02_folder(world, tmp_path / "d"), capsys)
    assert doc["totals"]["covered"] == doc["totals"]["demand"]
    assert_matches(doc, world, expected_answer(world))


def test_demand_of_township_rows_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Empty lon/lat columns beside township names are township-level demand, not an error."""
    world = district_world()
    world.villages = []
    doc = run_summary_json(write_gcj02_folder(world, tmp_path / "d"), capsys)
    assert_matches(doc, world, expected_answer(world))


def test_validate_a_folder_with_warnings_exits_0_and_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_gcj02_folder(district_world(), tmp_path / "d")
    code, out, err = run_cli(["validate", str(folder)], capsys)
    assert code == 0, err
    assert "sites.csv" in out and "S06" in out
    assert "demand.xlsx" in out and "V08" in out


# --- the edge of a catchment, in metres ----------------------------------------------------


def edge_world() -> World:
    """One township; a site with its own 500 m radius and one with the 2,000 m group default;
    villages 1-2 m inside and outside each edge in four directions. UTM here shortens
    distances by about 0.02% (0.1 m at 500 m, 0.4 m at 2 km), well under the margins."""
    town = Town("321311104", "丁嘴镇", (118.10, 33.70, 118.30, 33.90))
    small, large = (118.15, 33.80), (118.24, 33.80)
    sites = [
        Site("E1", "丁嘴驿站", "站点", (ELDERS,), "留守老人", small, 500.0),
        Site("E2", "丁嘴社工站", "站点", (ELDERS,), "elders_left_behind", large),
    ]
    villages = []
    for k, azimuth in enumerate((0.0, 90.0, 180.0, 270.0)):
        for site, radius, slack in ((small, 500.0, 1.0), (large, 2000.0, 2.0)):
            for sign, people in ((-1, 1), (1, 100)):
                point = offset(*site, azimuth, radius + sign * slack)
                number = len(villages) + 1
                villages.append(
                    Village(f"E{k}{number:02d}", f"村{number}", point, {ELDERS: people})
                )
    return World([GROUPS[0]], [town], sites, villages)


@pytest.mark.parametrize("datum", ["gcj02", "wgs84"])
def test_the_catchment_edge_in_metres(
    datum: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = edge_world()
    folder = tmp_path / "edge"
    folder.mkdir()
    (folder / "dataset.toml").write_text(toml_text(world, datum=datum), encoding="utf-8")
    write_townships_geojson(world, folder / "townships.geojson", datum)
    write_csv(folder / "sites.csv", SITE_HEADERS, site_rows(world, datum), encoding="utf-8-sig")
    headers, rows = demand_rows(world, datum)
    write_csv(folder / "demand.csv", headers, rows, encoding="utf-8-sig")
    (row,) = run_summary_json(folder, capsys)["townships"]
    # 8 villages of 1 person just inside, 8 of 100 just outside
    assert (row["demand"]["elders_left_behind"], row["covered"]["elders_left_behind"]) == (808, 8)


# --- damaged bytes: whatever breaks, the answer is a report, not a crash -------------------


def damage(data: bytes, rng: np.random.Generator) -> bytes:
    """Cut the file short, overwrite a few bytes, or insert a delimiter, quote or zero."""
    out = bytearray(data)
    how = rng.integers(3)
    if how == 0:
        return bytes(out[: rng.integers(len(out))])
    if how == 1:
        for at in rng.integers(len(out), size=rng.integers(1, 8)):
            out[at] = rng.integers(256)
        return bytes(out)
    at = int(rng.integers(len(out)))
    out[at:at] = rng.choice([b",", b"\n", b'"', b"\x00", "、".encode(), b"}", b"-9"])
    return bytes(out)


def test_damaged_files_give_a_report_or_a_summary_never_a_crash(tmp_path: Path) -> None:
    """Seeded damage to one file of a valid folder at a time (CSV, XLSX, GeoJSON, GeoPackage,
    zipped shapefile, TOML): loading either succeeds or raises DatasetError."""
    from geo.errors import DatasetError
    from geo.io.load import load_dataset
    from geo.summary import summarize, summary_to_json

    world = district_world()
    writers = (write_gcj02_folder, write_bd09_folder, write_spatial_folder)
    bases = [writer(world, tmp_path / f"base{i}") for i, writer in enumerate(writers)]
    rng = np.random.default_rng(20240602)
    outcomes = set()
    for trial in range(30):
        base = bases[trial % len(bases)]
        files = sorted(p.name for p in base.iterdir())
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        for name in files:
            (folder / name).write_bytes((base / name).read_bytes())
        victim = folder / files[rng.integers(len(files))]
        victim.write_bytes(damage(victim.read_bytes(), rng))
        try:
            json.dumps(summary_to_json(summarize(load_dataset(folder))))
            outcomes.add("loaded")
        except DatasetError as error:
            assert error.errors, victim.name
            outcomes.add("report")
    assert outcomes == {"loaded", "report"}
