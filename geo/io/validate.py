"""Check a dataset folder and report every problem: file, row, column, expected, found.

The checks run layer by layer (dataset.toml, townships, sites, demand, projects) and carry on
past errors, so that one run lists everything that needs fixing. Later layers are checked
against whatever earlier layers got right: a broken group definition does not hide the sites'
other problems.

Coordinates. Lon/lat columns, and spatial files whose CRS is geographic WGS-84 or CGCS2000 (every
GeoJSON reads as such) or not declared, are taken as degrees in the dataset's ``coordinates``
datum and converted to WGS-84 (GCJ-02 and BD-09 shift by some hundred metres). A file in any
other declared CRS (a projected CGCS2000 Gauss-Kruger zone such as EPSG:4549, Beijing 1954, ...)
carries a real geodetic datum: it is reprojected to EPSG:4326 and not shifted again.

Townships of points. A point belongs to the township polygon that intersects it. A point on the
shared border of two townships (or in an overlap) goes to the one listed first in the
townships file, so that every point is counted once and the rule is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Required, TypedDict, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.dataset import Group, assign_townships
from geo.errors import DatasetError, Problem, Severity
from geo.funding import MAX_BUDGET_YUAN
from geo.io.columns import (
    Column,
    check_numbers,
    lookup_table,
    map_values,
    missing_columns,
    parse_numbers,
    required_text,
    resolve_columns,
    resolve_lists,
    row_problems,
    unique_values,
)
from geo.io.config import MAX_RADIUS_M, Config, read_config
from geo.io.datum import to_wgs84
from geo.io.readers import (
    LAYER_SUFFIXES,
    find_layer_file,
    find_layer_parts,
    normalize_name,
    read_layer,
)
from geo.projection import local_equal_area, lonlat

__all__ = ["CheckedLayers", "check_layers", "lonlat_points", "validate_dataset"]

WGS84 = "EPSG:4326"
LAYERS = ("townships", "sites", "demand", "projects")
REQUIRED_LAYERS = ("townships", "sites", "demand")

TOWNSHIP_COLUMNS = (
    Column("code", ("代码", "编码", "乡镇代码")),
    Column("name", ("名称", "乡镇名称")),
)
SITE_COLUMNS = (
    Column("id", ("编号", "站点编号")),
    Column("name", ("名称", "站点名称")),
    Column("kind", ("类型",)),
    Column("category", ("类别",), required=False),
    Column("groups", ("服务群体", "服务对象")),
    Column("lon", ("经度", "longitude", "lng")),
    Column("lat", ("纬度", "latitude")),
    Column("radius_m", ("服务半径",), required=False),
    Column("capacity", ("服务能力",), required=False),
    Column("rating", ("评估等级",), required=False),
    Column("inspected", ("年检",), required=False),
    Column("township", ("所属乡镇", "乡镇"), required=False),
)
DEMAND_COLUMNS = (
    Column("id", ("编号",)),
    Column("name", ("名称", "村居名称"), required=False),
    Column("lon", ("经度", "longitude", "lng"), required=False),
    Column("lat", ("纬度", "latitude"), required=False),
    Column("township", ("所属乡镇", "乡镇"), required=False),
)
PROJECT_COLUMNS = (
    Column("id", ("编号", "项目编号")),
    Column("name", ("项目名称", "名称")),
    Column("org", ("实施组织", "组织")),
    Column("year", ("年度", "年份")),
    Column("amount_yuan", ("资助金额", "金额")),
    Column("groups", ("服务群体", "服务对象")),
    Column("townships", ("服务乡镇",)),
    Column("person_times", ("服务人次",), required=False),
)
# "社会组织" is listed because it can only mean an organization; 驿站, 妇女之家 ... are categories.
SITE_KINDS = {
    "organization": "organization",
    "organisation": "organization",
    "组织": "organization",
    "社会组织": "organization",
    "station": "station",
    "站点": "station",
    "服务站": "station",
}
INSPECTED = {
    **dict.fromkeys(("yes", "y", "true", "1", "是", "通过", "合格", "已年检"), True),
    **dict.fromkeys(("no", "n", "false", "0", "否", "未通过", "不合格", "未年检"), False),
}
WHOLE_DISTRICT = ("全区", "全部", "all")
# More people than live in China in one row is a typo (and would overflow the int64 counts).
MAX_COUNT = 2e9
_CHINA_LON = (73.0, 136.0)
_CHINA_LAT = (3.0, 54.0)


FrameT = TypeVar("FrameT", pd.DataFrame, gpd.GeoDataFrame)


@dataclass(frozen=True)
class CheckedLayers:
    """The layers that passed their checks, indexed by the row numbers of their files."""

    config: Config
    folder: Path
    townships: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    projects: pd.DataFrame | None
    warnings: tuple[Problem, ...] = ()


@dataclass
class _Context:
    """What later layers are checked against; filled in as the earlier layers pass."""

    datum: str | None = None
    groups: tuple[Group, ...] = ()
    group_lookup: dict[str, str] = field(default_factory=dict)
    townships: gpd.GeoDataFrame | None = None
    township_lookup: dict[str, str] | None = None
    townships_file: str = "townships"


def validate_dataset(folder: Path | str) -> list[Problem]:
    """Every problem of the dataset folder ``folder``: errors and warnings.

    Parameters
    ----------
    folder
        A dataset folder (see the dataset contract in the design document).

    Returns
    -------
    list of Problem
        Empty when the dataset is valid and clean; a dataset with only warnings loads.
        Render with ``Problem.message(lang)``.
    """
    _, problems = check_layers(folder)
    return problems


def check_layers(folder: Path | str) -> tuple[CheckedLayers | None, list[Problem]]:
    """Read and check every file of ``folder``.

    Returns
    -------
    layers, problems
        ``layers`` is ``None`` when any problem is an error; otherwise the checked frames in
        WGS-84 with the warnings attached.
    """
    folder = Path(folder)
    if not folder.exists():
        return None, [Problem("folder_missing", str(folder))]
    if not folder.is_dir():
        return None, [Problem("not_a_folder", str(folder))]
    config, problems = read_config(folder)
    ctx = _context(config)
    paths, found = _find_files(folder)
    problems += found
    townships, sites, demand, projects = None, None, None, None
    if "townships" in paths:
        townships, found = _check_townships(paths["townships"][0], ctx)
        problems += found
    if "sites" in paths:
        sites, found = _check_parts(paths["sites"], _check_sites, ctx)
        problems += found
    if "demand" in paths:
        demand, found = _check_parts(paths["demand"], _check_demand, ctx)
        problems += found
    if "projects" in paths:
        projects, found = _check_parts(paths["projects"], _check_projects, ctx)
        problems += found
    if any(p.severity == "error" for p in problems) or config is None:
        return None, problems
    # a missing or unusable required layer is an error, so all three are here
    assert townships is not None and sites is not None and demand is not None
    layers = CheckedLayers(config, folder, townships, sites, demand, projects, tuple(problems))
    return layers, problems


def _context(config: Config | None) -> _Context:
    if config is None:
        return _Context()
    pairs = [(g.code, g.code) for g in config.groups]
    pairs += [(g.label, g.code) for g in config.groups]
    pairs += [(g.label_en, g.code) for g in config.groups if g.label_en]
    return _Context(
        datum=config.coordinates, groups=config.groups, group_lookup=lookup_table(pairs)
    )


def _find_files(folder: Path) -> tuple[dict[str, list[Path]], list[Problem]]:
    paths: dict[str, list[Path]] = {}
    problems: list[Problem] = []
    for stem in LAYERS:
        try:
            if stem == "townships":  # one boundary file: parts could overlap or leave gaps
                found = [p for p in [find_layer_file(folder, stem)] if p is not None]
            else:
                found = find_layer_parts(folder, stem)
        except DatasetError as error:
            problems += error.problems
            continue
        if found:
            paths[stem] = found
        elif stem in REQUIRED_LAYERS:
            expected = [stem + suffix for suffix in LAYER_SUFFIXES[stem]]
            problems.append(Problem("file_missing", f"{stem}.*", params={"expected": expected}))
    return paths, problems


def _check_parts(
    paths: list[Path],
    check: Callable[[Path, _Context], tuple[FrameT | None, list[Problem]]],
    ctx: _Context,
) -> tuple[FrameT | None, list[Problem]]:  # the frame type of ``check``
    """Check each file of a layer on its own, then combine them.

    Each file's problems name it and its rows. A row repeated in another file is dropped with
    a warning; an id whose rows differ between files is an error naming both files and rows.
    """
    problems: list[Problem] = []
    frames: list[tuple[str, FrameT]] = []
    for path in paths:
        frame, found = check(path, ctx)
        problems += found
        if frame is not None:
            frames.append((path.name, frame))
    if len(paths) == 1 or len(frames) < len(paths):
        return (frames[0][1] if len(frames) == 1 and len(paths) == 1 else None), problems
    combined, found = _combine_parts(frames)
    return combined, problems + found


def _combine_parts(frames: list[tuple[str, FrameT]]) -> tuple[FrameT, list[Problem]]:
    """One frame of the parts; ids met in an earlier file are compared with it."""
    first_seen: dict[str, tuple[str, int, tuple[object, ...]]] = {}
    keep: list[FrameT] = []
    problems: list[Problem] = []
    for name, frame in frames:
        rows = np.ones(len(frame), dtype=bool)
        for i, (row, record) in enumerate(zip(frame.index, _records(frame), strict=True)):
            key = str(frame["id"].iloc[i])
            if key not in first_seen:
                first_seen[key] = (name, int(row), record)
                continue
            other_file, other_row, other = first_seen[key]
            params = {"id": key, "other_file": other_file, "other_row": other_row}
            if record == other:
                problems.append(Problem("duplicate_across_files", name, row=int(row),
                                        params=params, severity="warning"))  # fmt: skip
                rows[i] = False
            else:
                differ = [c if c != "geometry" else "lon/lat"
                          for c, a, b in zip(_compared(frame), record, other, strict=True)
                          if a != b]  # fmt: skip
                params["columns"] = "、".join(differ)
                problems.append(Problem("conflict_across_files", name, row=int(row), params=params))
        keep.append(frame[rows])
    combined = pd.concat(keep, ignore_index=True)
    if isinstance(keep[0], gpd.GeoDataFrame):
        combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=keep[0].crs)
    return combined, problems


def _compared(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != "id"]


def _records(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """Each row's values as comparable tuples (points to 1e-6 degrees, about 0.1 m)."""
    columns = []
    for column in _compared(frame):
        values = frame[column]
        if isinstance(values, gpd.GeoSeries):
            xs, ys = shapely.get_x(values.to_numpy()), shapely.get_y(values.to_numpy())
            xy = [None if np.isnan(x) else (round(float(x), 6), round(float(y), 6))
                  for x, y in zip(xs, ys, strict=True)]  # fmt: skip
            columns.append(xy)
        else:
            columns.append([None if _missing(v) else v for v in values])
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(len(frame))]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _read(path: Path, *, empty_is_error: bool) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The layer's frame and the problems of reading it; ``None`` when unreadable."""
    try:
        frame = read_layer(path)
    except DatasetError as error:
        return None, list(error.problems)
    problems = list(frame.attrs.get("problems", []))
    if frame.empty:
        severity: Severity = "error" if empty_is_error else "warning"
        problems.append(Problem("no_rows", path.name, severity=severity))
    return frame, problems


def _text(frame: pd.DataFrame, mapping: Mapping[str, str], key: str) -> pd.Series | None:
    return frame[mapping[key]] if key in mapping else None


def _blank(index: pd.Index) -> pd.Series:
    return pd.Series("", index=index, dtype=str)


def _optional_text(text: pd.Series | None, index: pd.Index) -> pd.Series:
    """Cells as str, blank -> None (object column); all None when the column is absent."""
    if text is None:
        return pd.Series([None] * len(index), index=index, dtype=object)
    values = text.astype(object)
    return values.where(text.ne(""), None)


# --- townships -----------------------------------------------------------------------------


def _check_townships(path: Path, ctx: _Context) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    ctx.townships_file = path.name
    frame, problems = _read(path, empty_is_error=True)
    if frame is None or frame.empty:
        return None, problems
    mapping, found = resolve_columns(frame, TOWNSHIP_COLUMNS, path.name)
    problems += found + missing_columns(mapping, TOWNSHIP_COLUMNS, path.name)
    if "code" not in mapping or "name" not in mapping:
        return None, problems
    code, name = frame[mapping["code"]], frame[mapping["name"]]
    for text, key in ((code, "code"), (name, "name")):
        problems += required_text(text, path.name, mapping[key])
        problems += unique_values(text, path.name, mapping[key])
    geometry, found = _township_geometry(gpd.GeoDataFrame(frame), path.name, ctx.datum, name)
    problems += found
    townships = gpd.GeoDataFrame({"code": code, "name": name}, geometry=geometry, crs=WGS84)
    # Names resolve for every township with a code, so that a broken boundary does not also
    # make every row that names its township fail; only usable boundaries place points.
    coded = townships[code.ne("").to_numpy()]
    codes, names = coded["code"].tolist(), coded["name"].tolist()
    pairs = list(zip(codes, codes, strict=True)) + list(zip(names, codes, strict=True))
    ctx.township_lookup = lookup_table(pairs)
    ctx.townships = coded[coded.geometry.notna().to_numpy()]
    return townships, problems


def _township_geometry(
    frame: gpd.GeoDataFrame, file: str, datum: str | None, names: pd.Series
) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Polygons in WGS-84, repaired where invalid; ``None`` where unusable."""
    geometry, problems = _to_wgs84(frame.geometry, file, datum)
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    problems += row_problems("geometry_missing", file, "geometry", frame.index[missing])
    kinds = geometry.geom_type.to_numpy()
    wrong = ~missing & ~np.isin(kinds, ["Polygon", "MultiPolygon"])
    problems += row_problems(
        "geometry_type",
        file,
        "geometry",
        frame.index[wrong],
        lambda r: {"found": kinds[frame.index.get_loc(r)], "expected": "polygon"},
    )
    values = geometry.to_numpy().copy()
    values[missing | wrong] = None
    broken = _not_finite(values)
    problems += row_problems("geometry_not_finite", file, "geometry", frame.index[broken])
    values[broken] = None
    outside, found = _beyond_degrees(values, frame.index, file)
    values[outside] = None
    values, repaired = _repair_polygons(values, frame.index, file, names)
    return gpd.GeoSeries(values, index=frame.index, crs=WGS84), problems + found + repaired


def _not_finite(values: np.ndarray) -> np.ndarray:
    """Geometries with a NaN or infinite coordinate, which GEOS cannot work with."""
    coords, owner = shapely.get_coordinates(values, return_index=True)
    broken = np.zeros(len(values), dtype=bool)
    broken[owner[~np.isfinite(coords).all(axis=1)]] = True
    return broken


def _beyond_degrees(
    values: np.ndarray, index: pd.Index, file: str
) -> tuple[np.ndarray, list[Problem]]:
    """Polygons with coordinates no longitude or latitude can have.

    Typically metres of a projected CRS (Gauss-Kruger x = 40,500,000) in a file that does not
    say so: a shapefile without its .prj, or a GeoJSON, which is lon/lat by definition.
    """
    bounds = shapely.bounds(values)  # NaN for missing geometries, which compare False
    with np.errstate(invalid="ignore"):
        outside = (np.abs(bounds[:, [0, 2]]) > 180.0).any(axis=1)
        outside |= (np.abs(bounds[:, [1, 3]]) > 90.0).any(axis=1)
    outside = np.asarray(outside, dtype=bool)
    extent = "x {0:.7g}…{2:.7g}, y {1:.7g}…{3:.7g}"
    problems = row_problems(
        "geometry_out_of_range",
        file,
        "geometry",
        index[outside],
        lambda r: {"found": extent.format(*bounds[index.get_loc(r)])},
    )
    return outside, problems


def _repair_polygons(
    values: np.ndarray, index: pd.Index, file: str, names: pd.Series
) -> tuple[np.ndarray, list[Problem]]:
    present = ~shapely.is_missing(values)
    invalid = present & ~shapely.is_valid(values)
    problems = []
    for position in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(values[position])
        values[position] = _polygonal_part(shapely.make_valid(values[position]))
        params = {"name": names.iloc[position], "reason": reason}
        problems.append(
            Problem(
                "geometry_repaired",
                file,
                row=int(index.to_numpy()[position]),
                params=params,
                severity="warning",
            )
        )
    unusable = present & (shapely.area(values) <= 0)
    for position in np.flatnonzero(unusable):
        params = {"name": names.iloc[position]}
        row = int(index.to_numpy()[position])
        problems.append(Problem("geometry_unusable", file, row=row, params=params))
        values[position] = None
    return values, problems


def _found_in(values: pd.Series, expected: str) -> Callable[[int], dict[str, object]]:
    """The parameters of a ``bad_value`` problem in row ``r``: what was expected and found."""
    return lambda row: {"expected": expected, "found": values[row]}


def _polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of what ``make_valid`` returns (it may add lines or points)."""
    parts = shapely.get_parts(geometry)
    polygons = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        return shapely.Polygon()
    union = shapely.union_all(polygons)
    return union if union.geom_type in ("Polygon", "MultiPolygon") else shapely.Polygon()


def _is_lonlat(crs: pyproj.CRS | None) -> bool:
    """Whether coordinates in ``crs`` are lon/lat in the dataset's datum (see module doc)."""
    if crs is None:
        return True
    return crs.is_geographic and crs.to_epsg() in (4326, 4490)


def _to_wgs84(
    geometry: gpd.GeoSeries, file: str, datum: str | None
) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Geometries in WGS-84: reprojected from a declared CRS, or shifted from ``datum``."""
    if not _is_lonlat(geometry.crs):
        if _degrees_in_projected_crs(geometry):
            crs = str(geometry.crs.to_string()) if geometry.crs is not None else ""
            dropped = geometry.set_crs(None, allow_override=True)  # type: ignore[call-overload]  # None drops the CRS
            return dropped, [Problem("crs_mismatch", file, params={"crs": crs})]
        try:
            return geometry.to_crs(WGS84), []
        except pyproj.exceptions.ProjError as error:
            return geometry.set_crs(None, allow_override=True), [  # type: ignore[call-overload]  # None drops the CRS
                Problem("layer_unreadable", file, params={"reason": str(error)})
            ]
    values = geometry.to_numpy()
    if datum not in (None, "wgs84", "cgcs2000"):
        values = shapely.transform(values, lambda xy: _shift(xy, datum))
    return gpd.GeoSeries(values, index=geometry.index, crs=WGS84), []


def _degrees_in_projected_crs(geometry: gpd.GeoSeries) -> bool:
    """A file that declares metres (EPSG:3857, a Gauss-Kruger zone) but holds lon/lat.

    In a projected CRS every coordinate of a whole district within 180 m (x) and 90 m (y) of
    the false origin does not happen; lon/lat degrees written under the wrong .prj do.
    """
    if geometry.crs is None or not geometry.crs.is_projected:
        return False
    bounds = shapely.bounds(geometry.to_numpy())  # NaN rows for missing or empty geometries
    present = ~np.isnan(bounds).any(axis=1)
    if not present.any():
        return False
    extent = np.abs(bounds[present])
    return bool((extent[:, [0, 2]] <= 180.0).all() and (extent[:, [1, 3]] <= 90.0).all())


def _shift(xy: np.ndarray, datum: str) -> np.ndarray:
    lon, lat = to_wgs84(xy[:, 0], xy[:, 1], datum)
    return np.column_stack([lon, lat])


# --- points (sites and demand) -----------------------------------------------------------------


def lonlat_points(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    file: str,
    datum: str | None,
    *,
    required: bool,
) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Point geometries in WGS-84 from lon/lat columns or from the file's geometry.

    Rows without a usable point get ``None`` (an error where ``required``).
    """
    if isinstance(frame, gpd.GeoDataFrame):
        lon, lat, columns, problems = _spatial_lonlat(frame, file, required=required)
    else:
        lon, lat, columns, problems = _table_lonlat(frame, mapping, file, required=required)
    valid, found = _check_lonlat(lon, lat, frame.index, file, columns)
    problems += found
    if datum is not None and valid.any():
        lon[valid], lat[valid] = to_wgs84(lon[valid], lat[valid], datum)
    points = np.full(len(frame), None, dtype=object)
    points[valid] = shapely.points(lon[valid], lat[valid])
    return gpd.GeoSeries(points, index=frame.index, crs=WGS84), problems


def _table_lonlat(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str, *, required: bool
) -> tuple[np.ndarray, np.ndarray, tuple[str, str], list[Problem]]:
    nan = np.full(len(frame), np.nan)
    if "lon" not in mapping or "lat" not in mapping:
        return nan, nan.copy(), ("lon", "lat"), []
    lon_col, lat_col = mapping["lon"], mapping["lat"]
    lon_text, lat_text = frame[lon_col], frame[lat_col]
    lon_blank, lat_blank = lon_text.eq("").to_numpy(), lat_text.eq("").to_numpy()
    problems = _empty_coordinate_columns(lon_blank, lat_blank, (lon_col, lat_col), file, required)
    if not problems:
        problems = row_problems(
            "coordinates_missing", file, lon_col, frame.index[lon_blank & ~lat_blank]
        )
        problems += row_problems(
            "coordinates_missing", file, lat_col, frame.index[lat_blank & ~lon_blank]
        )
        if required:
            problems += row_problems(
                "coordinates_missing", file, None, frame.index[lon_blank & lat_blank]
            )
    lon, lat = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    for text, column, expected, out in (
        (lon_text, lon_col, "lon", lon),
        (lat_text, lat_col, "lat", lat),
    ):
        values, bad = parse_numbers(text)
        problems += row_problems(
            "bad_value",
            file,
            column,
            frame.index[bad],
            _found_in(text, expected),
        )
        out[:] = values
    return lon, lat, (lon_col, lat_col), problems


def _empty_coordinate_columns(
    lon_blank: np.ndarray,
    lat_blank: np.ndarray,
    columns: tuple[str, str],
    file: str,
    required: bool,
) -> list[Problem]:
    """One problem for a lon or lat column left empty, instead of one per row.

    Where coordinates are optional (demand), both columns empty just means township-level
    rows; one empty beside a filled one is still a mistake.
    """
    if len(lon_blank) == 0:
        return []
    empty = (bool(lon_blank.all()), bool(lat_blank.all()))
    if not required and all(empty):
        return []
    return [
        Problem("column_empty", file, column=column)
        for column, blank in zip(columns, empty, strict=True)
        if blank
    ]


def _spatial_lonlat(
    frame: gpd.GeoDataFrame, file: str, *, required: bool
) -> tuple[np.ndarray, np.ndarray, tuple[str, str], list[Problem]]:
    geometry, problems = _to_wgs84_points(frame.geometry, file)
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    if required:
        problems += row_problems("geometry_missing", file, "geometry", frame.index[missing])
    kinds = geometry.geom_type.to_numpy()
    wrong = ~missing & (kinds != "Point")
    problems += row_problems(
        "geometry_type",
        file,
        "geometry",
        frame.index[wrong],
        lambda r: {"found": kinds[frame.index.get_loc(r)], "expected": "point"},
    )
    points = np.where(missing | wrong, np.array(None), geometry.to_numpy())
    return shapely.get_x(points), shapely.get_y(points), ("geometry", "geometry"), problems


def _to_wgs84_points(geometry: gpd.GeoSeries, file: str) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Reproject from a declared non-lon/lat CRS; lon/lat stay in the dataset datum for now."""
    if _is_lonlat(geometry.crs):
        return geometry, []
    converted, problems = _to_wgs84(geometry, file, None)
    return converted, problems


def _check_lonlat(
    lon: np.ndarray, lat: np.ndarray, index: pd.Index, file: str, columns: tuple[str, str]
) -> tuple[np.ndarray, list[Problem]]:
    """Swapped and out-of-range coordinates; returns which rows hold a usable point."""
    present = np.isfinite(lon) & np.isfinite(lat)
    swapped = (
        present
        & (lat >= _CHINA_LON[0])
        & (lat <= _CHINA_LON[1])
        & (lon >= _CHINA_LAT[0])
        & (lon <= _CHINA_LAT[1])
    )

    def params(row: int) -> dict[str, object]:
        return {"lon": lon[index.get_loc(row)], "lat": lat[index.get_loc(row)]}

    problems = row_problems("lat_lon_swapped", file, None, index[swapped], params)
    with np.errstate(invalid="ignore"):
        bad_lon = ~swapped & (np.abs(lon) > 180.0)
        bad_lat = ~swapped & (np.abs(lat) > 90.0)
    for bad, column, expected, values in (
        (bad_lon, columns[0], "lon", lon),
        (bad_lat, columns[1], "lat", lat),
    ):
        problems += row_problems(
            "bad_value",
            file,
            column,
            index[bad],
            _found_in(pd.Series(values, index=index), expected),
        )
    return present & ~swapped & ~bad_lon & ~bad_lat, problems


def _outside_warning(
    file: str, ids: pd.Series, geometry: gpd.GeoSeries, codes: np.ndarray
) -> list[Problem]:
    outside = geometry.notna().to_numpy() & pd.isna(codes)
    if not outside.any():
        return []
    params = {"count": int(outside.sum()), "ids": ids[outside].tolist()}
    return [Problem("outside_townships", file, params=params, severity="warning")]


# --- sites ---------------------------------------------------------------------------------


def _check_sites(path: Path, ctx: _Context) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    file = path.name
    frame, problems = _read(path, empty_is_error=False)
    if frame is None:
        return None, problems
    columns = _point_columns(SITE_COLUMNS, frame)
    mapping, found = resolve_columns(frame, columns, file)
    problems += found + missing_columns(mapping, columns, file)
    ids, found = _ids(frame, mapping, file)
    problems += found
    if "name" in mapping:
        problems += required_text(frame[mapping["name"]], file, mapping["name"])
    kind, found = _site_kind(frame, mapping, file)
    problems += found
    groups, found = _site_groups(frame, mapping, file, ctx)
    problems += found
    numbers, found = _site_numbers(frame, mapping, file)
    problems += found
    inspected, found = _inspected(frame, mapping, file)
    problems += found
    geometry, found = lonlat_points(frame, mapping, file, ctx.datum, required=True)
    problems += found
    sites = gpd.GeoDataFrame(
        {
            "id": ids,
            "name": frame[mapping["name"]] if "name" in mapping else _blank(frame.index),
            "kind": kind,
            "category": _optional_text(_text(frame, mapping, "category"), frame.index),
            "groups": groups,
            **numbers,
            "rating": _optional_text(_text(frame, mapping, "rating"), frame.index),
            "inspected": inspected,
        },
        geometry=geometry,
        crs=WGS84,
    )
    sites, found = _place_points(sites, file, ctx)
    problems += found
    given = _text(frame, mapping, "township")
    if ctx.township_lookup is not None and given is not None:
        has_point = sites.geometry.notna().to_numpy()
        problems += _stated_township_warnings(
            sites, given, has_point & given.ne("").to_numpy(), file, mapping["township"], ctx
        )
    return sites, problems


def _point_columns(columns: tuple[Column, ...], frame: pd.DataFrame) -> tuple[Column, ...]:
    """In a spatial file the geometry holds the point: lon/lat columns become optional."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return columns
    return tuple(
        Column(c.name, c.aliases, required=False) if c.name in ("lon", "lat") else c
        for c in columns
    )


def _ids(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str
) -> tuple[pd.Series, list[Problem]]:
    if "id" not in mapping:
        return pd.Series(frame.index.astype(str), index=frame.index, dtype=str), []
    ids = frame[mapping["id"]]
    return ids, required_text(ids, file, mapping["id"]) + unique_values(ids, file, mapping["id"])


def _site_kind(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str
) -> tuple[pd.Series, list[Problem]]:
    text = _text(frame, mapping, "kind")
    if text is None:
        return _optional_text(None, frame.index), []
    kind, problems = map_values(text, SITE_KINDS, file, mapping["kind"], expected="kind")
    return kind, required_text(text, file, mapping["kind"]) + problems


def _site_groups(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str, ctx: _Context
) -> tuple[pd.Series, list[Problem]]:
    text = _text(frame, mapping, "groups")
    if text is None:
        return pd.Series([()] * len(frame), index=frame.index, dtype=object), []
    problems = required_text(text, file, mapping["groups"])
    codes, found = _resolve_groups(text, file, mapping["groups"], ctx)
    return codes, problems + found


def _resolve_groups(
    text: pd.Series, file: str, column: str, ctx: _Context
) -> tuple[pd.Series, list[Problem]]:
    order = [g.code for g in ctx.groups]
    codes, unknown = resolve_lists(text, ctx.group_lookup, order)
    if not ctx.groups:  # dataset.toml is broken: its own problems say so
        return codes, []
    known = [f"{g.code} ({g.label})" for g in ctx.groups]
    problems = row_problems(
        "unknown_group",
        file,
        column,
        unknown.index,
        lambda r: {"found": unknown[r], "known": known},
    )
    return codes, problems


def _site_numbers(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str
) -> tuple[dict[str, np.ndarray], list[Problem]]:
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for key, strict in (("radius_m", True), ("capacity", False)):
        text = _text(frame, mapping, key)
        if text is None:
            out[key] = np.full(len(frame), np.nan)
            continue
        expected = "positive" if strict else "non_negative"
        out[key], found = check_numbers(
            text,
            file,
            mapping[key],
            expected=expected,
            minimum=0.0,
            maximum=MAX_RADIUS_M if strict else None,
            strict_minimum=strict,
        )
        problems += found
    return out, problems


def _inspected(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str
) -> tuple[pd.Series, list[Problem]]:
    text = _text(frame, mapping, "inspected")
    if text is None:
        return _optional_text(None, frame.index), []
    return map_values(text, INSPECTED, file, mapping["inspected"], expected="inspected")


def _place_points(
    points: gpd.GeoDataFrame, file: str, ctx: _Context
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Set ``township`` from the polygons; warn about points outside every township."""
    if ctx.townships is None:
        points["township"] = None
        return points, []
    codes = assign_townships(points.geometry, ctx.townships)
    points["township"] = pd.Series(codes, index=points.index, dtype=object)
    return points, _outside_warning(file, points["id"], points.geometry, codes)


# --- demand --------------------------------------------------------------------------------


def _check_demand(path: Path, ctx: _Context) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    file = path.name
    frame, problems = _read(path, empty_is_error=True)
    if frame is None:
        return None, problems
    group_columns = tuple(Column(g.code, (g.label,)) for g in ctx.groups)
    extra = lookup_table([(g.label_en, g.code) for g in ctx.groups if g.label_en])
    columns = DEMAND_COLUMNS + group_columns
    mapping, found = resolve_columns(frame, columns, file, extra=extra)
    problems += found + missing_columns(mapping, columns, file)
    problems += _half_coordinate_columns(mapping, file)
    ids, found = _ids(frame, mapping, file)
    problems += found
    counts: dict[str, np.ndarray] = {}
    for group in ctx.groups:
        counts[group.code], found = _counts(frame, mapping, file, group.code)
        problems += found
    geometry, found = lonlat_points(frame, mapping, file, ctx.datum, required=False)
    problems += found
    demand = gpd.GeoDataFrame(
        {
            "id": ids,
            "name": _optional_text(_text(frame, mapping, "name"), frame.index),
            "township": _optional_text(None, frame.index),
            **counts,
        },
        geometry=geometry,
        crs=WGS84,
    )
    found = _demand_townships(demand, _text(frame, mapping, "township"), mapping, file, ctx)
    return demand, problems + found


def _half_coordinate_columns(mapping: Mapping[str, str], file: str) -> list[Problem]:
    """A lon column without a lat column (or the reverse) is a missing column."""
    if ("lon" in mapping) == ("lat" in mapping):
        return []
    lacking = DEMAND_COLUMNS[3] if "lon" in mapping else DEMAND_COLUMNS[2]
    return [Problem("missing_column", file, params={"name": lacking.name, "alias": lacking.alias})]


def _counts(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str, code: str
) -> tuple[np.ndarray, list[Problem]]:
    """People of one group per row; a blank cell counts as 0."""
    if code not in mapping:
        return np.zeros(len(frame), dtype=np.int64), []
    values, problems = check_numbers(
        frame[mapping[code]],
        file,
        mapping[code],
        expected="count",
        minimum=0.0,
        maximum=MAX_COUNT,
        whole=True,
    )
    return np.nan_to_num(values, nan=0.0).astype(np.int64), problems


def _demand_townships(
    demand: gpd.GeoDataFrame,
    given: pd.Series | None,
    mapping: Mapping[str, str],
    file: str,
    ctx: _Context,
) -> list[Problem]:
    """Fill ``demand.township``: the polygon for point rows, the given township otherwise."""
    column = mapping.get("township")
    has_point = demand.geometry.notna().to_numpy()
    given = given if given is not None else pd.Series("", index=demand.index, dtype=str)
    blank = given.eq("").to_numpy()
    problems = row_problems("township_required", file, column, demand.index[~has_point & blank])
    if ctx.township_lookup is None:
        return problems
    resolved = _resolve_townships(given, ctx.township_lookup)
    unknown = ~blank & resolved.isna().to_numpy()
    problems += row_problems(
        "unknown_township",
        file,
        column,
        demand.index[unknown & ~has_point],
        lambda r: {"found": given[r], "townships_file": ctx.townships_file},
    )
    assert ctx.townships is not None  # the demand is checked only after the townships passed
    codes = assign_townships(demand.geometry, ctx.townships)
    codes[~has_point] = resolved.to_numpy()[~has_point]
    demand["township"] = pd.Series(codes, index=demand.index, dtype=object)
    point_rows = demand[has_point]
    problems += _outside_warning(file, point_rows["id"], point_rows.geometry, codes[has_point])
    problems += _stated_township_warnings(demand, given, has_point & ~blank, file, column, ctx)
    return problems


def _resolve_townships(text: pd.Series, lookup: Mapping[str, str]) -> pd.Series:
    """Township code or name -> code (NaN/None where unknown or blank)."""
    table = {value: lookup.get(normalize_name(value)) for value in pd.unique(text.to_numpy())}
    return text.map(table).astype(object)


def _stated_township_warnings(
    points: gpd.GeoDataFrame,
    given: pd.Series,
    rows: np.ndarray,
    file: str,
    column: str | None,
    ctx: _Context,
) -> list[Problem]:
    """Warnings for point rows whose stated township is unknown or not the one holding them.

    The point decides; the warning says how far it lies from the stated township's border.
    """
    if not rows.any():
        return []
    resolved = _resolve_townships(given, ctx.township_lookup or {}).to_numpy()
    located = points["township"].to_numpy()
    # a township whose name is missing (an error of its own) is named by its code
    towns = ctx.townships
    assert towns is not None
    unknown = rows & pd.isna(resolved)
    differs = rows & pd.notna(resolved) & pd.notna(located) & (located != resolved)
    if not (unknown.any() or differs.any()):
        return []
    names = {c: n or c for c, n in zip(towns["code"].tolist(), towns["name"].tolist(), strict=True)}
    outside = "—"
    problems = row_problems(
        "stated_township_unknown",
        file,
        column,
        points.index[unknown],
        lambda r: {"given": given[r], "found": names.get(points.at[r, "township"], outside),
                   "townships_file": ctx.townships_file},
        severity="warning",
    )  # fmt: skip
    distances = _distance_to(points.geometry, resolved, differs, towns)
    return problems + row_problems(
        "township_mismatch",
        file,
        column,
        points.index[differs],
        lambda r: {"found": names.get(points.at[r, "township"]), "given": given[r],
                   "distance": f"{distances[points.index.get_loc(r)]:,.0f}"},
        severity="warning",
    )  # fmt: skip


def _distance_to(
    geometry: gpd.GeoSeries, codes: np.ndarray, rows: np.ndarray, towns: gpd.GeoDataFrame
) -> np.ndarray:
    """Metres from each point of ``rows`` to the township ``codes`` names (NaN elsewhere)."""
    distance = np.full(len(geometry), np.nan)
    if not rows.any():
        return distance
    # each township drawn in the local equal-area frame of its point, where the point is the
    # origin and a distance from it is the geodesic one (see geo.projection)
    points = lonlat(gpd.GeoSeries(geometry[rows], crs=geometry.crs))
    polygons = towns.to_crs(WGS84).set_index("code").geometry
    wanted = np.asarray(polygons.reindex(codes[rows]).array, dtype=object)
    origin = shapely.points(np.zeros((len(points), 2)))
    distance[rows] = shapely.distance(origin, local_equal_area(wanted, points))
    return distance


# --- projects ------------------------------------------------------------------------------


def _check_projects(path: Path, ctx: _Context) -> tuple[pd.DataFrame | None, list[Problem]]:
    file = path.name
    frame, problems = _read(path, empty_is_error=False)
    if frame is None:
        return None, problems
    mapping, found = resolve_columns(frame, PROJECT_COLUMNS, file)
    problems += found + missing_columns(mapping, PROJECT_COLUMNS, file)
    ids, found = _ids(frame, mapping, file)
    problems += found
    text = {key: _text(frame, mapping, key) for key in ("name", "org")}
    if text["name"] is not None:
        problems += required_text(text["name"], file, mapping["name"])
    numbers, found = _project_numbers(frame, mapping, file)
    problems += found
    groups, found = _project_groups(frame, mapping, file, ctx)
    problems += found
    townships, found = _project_townships(frame, mapping, file, ctx)
    problems += found
    blank = _blank(frame.index)
    projects = pd.DataFrame(
        {
            "id": ids,
            "name": text["name"] if text["name"] is not None else blank,
            "org": text["org"] if text["org"] is not None else blank,
            **numbers,
            "groups": groups,
            "townships": townships,
        },
        index=frame.index,
    )
    return projects, problems


class _NumberSpec(TypedDict, total=False):
    expected: Required[str]
    minimum: float
    maximum: float
    whole: bool


def _project_numbers(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str
) -> tuple[dict[str, np.ndarray], list[Problem]]:
    specs: dict[str, _NumberSpec] = {
        "year": {"expected": "year", "minimum": 1900.0, "maximum": 2999.0, "whole": True},
        "amount_yuan": {"expected": "yuan", "minimum": 0.0, "maximum": float(MAX_BUDGET_YUAN)},
        "person_times": {"expected": "non_negative", "minimum": 0.0},
    }
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for key, spec in specs.items():
        text = _text(frame, mapping, key)
        if text is None:
            out[key] = np.full(len(frame), np.nan)
            continue
        if key != "person_times":
            problems += required_text(text, file, mapping[key])
        if key == "year":
            text = text.str.replace(r"\s*年$", "", regex=True)
        out[key], found = check_numbers(text, file, mapping[key], **spec)
        problems += found
    out["year"] = np.nan_to_num(out["year"], nan=0.0).astype(np.int64)
    out["person_times"] = out.pop("person_times")
    return out, problems


def _project_groups(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str, ctx: _Context
) -> tuple[pd.Series, list[Problem]]:
    text = _text(frame, mapping, "groups")
    if text is None:
        return pd.Series([()] * len(frame), index=frame.index, dtype=object), []
    return _resolve_groups(text, file, mapping["groups"], ctx)


def _project_townships(
    frame: pd.DataFrame, mapping: Mapping[str, str], file: str, ctx: _Context
) -> tuple[pd.Series, list[Problem]]:
    """Township lists by code or name; 全区 / all stands for every township."""
    text = _text(frame, mapping, "townships")
    if text is None or ctx.township_lookup is None or ctx.townships is None:
        return pd.Series([()] * len(frame), index=frame.index, dtype=object), []
    order = ctx.townships["code"].tolist()
    whole = text.map(normalize_name).isin([normalize_name(w) for w in WHOLE_DISTRICT])
    codes, unknown = resolve_lists(text.where(~whole, ""), ctx.township_lookup, order)
    for row in text.index[whole.to_numpy()]:
        codes.at[row] = tuple(order)  # type: ignore[assignment]  # a tuple in an object column
    problems = row_problems(
        "unknown_township",
        file,
        mapping["townships"],
        unknown.index,
        lambda r: {
            "found": unknown[r],
            "townships_file": ctx.townships_file,
        },
    )
    return codes, problems
