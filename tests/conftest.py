"""Shared fixtures: a tiny, valid dataset folder written to ``tmp_path`` by code.

Two square townships side by side near Suqian (WGS-84), two groups, three sites, four demand
rows (three villages as points, one township-level row), two projects::

    lat 33.9 +----------------+----------------+
             | T1 321311001   | T2 321311002   |
             | 一镇  S1 D1 D2 | 二镇  S2 S3 D3 |   D4: township-level, 二镇
    lat 33.8 +----------------+----------------+
           118.3            118.4            118.5

Use the ``make_dataset_folder`` fixture, e.g. ``make_dataset_folder(sites=frame)`` or
``make_dataset_folder(formats={"sites": "xlsx"}, encoding="gb18030")``; the default frames
come from ``default_sites()`` etc., so that a test can change one cell and write the folder.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box


def pytest_configure(config: pytest.Config) -> None:  # noqa: ARG001 - pytest's hook signature
    """Never touch the user's own store: the default store lives in a temporary folder, and
    no store or dataset configured in the environment is used."""
    os.environ["ATLAS_DATA_DIR"] = tempfile.mkdtemp(prefix="atlas-test-data-")
    for name in ("ATLAS_STORE", "ATLAS_DATA"):
        os.environ.pop(name, None)


DEFAULT_TOML = """\
name = "测试数据"
coordinates = "wgs84"
budget_yuan = 100000
boundary_note = "示意边界"

[[groups]]
code = "elders"
label = "留守老人"
label_en = "Left-behind elders"
category = "为老"
radius_m = 2000

[[groups]]
code = "children"
label = "留守儿童"
label_en = "Left-behind children"
category = "为小"
radius_m = 1000
weight = 2.0
"""

DEFAULT_FORMATS = {
    "townships": "geojson",
    "sites": "csv",
    "demand": "csv",
    "projects": "csv",
}

Content = pd.DataFrame | str | bytes


def default_townships() -> gpd.GeoDataFrame:
    """T1 (west) and T2 (east), each 0.1 x 0.1 degrees."""
    return gpd.GeoDataFrame(
        {"code": ["321311001", "321311002"], "name": ["一镇", "二镇"]},
        geometry=[box(118.3, 33.8, 118.4, 33.9), box(118.4, 33.8, 118.5, 33.9)],
        crs="EPSG:4326",
    )


def default_sites() -> pd.DataFrame:
    """S1 in T1; S2 and S3 in T2. All cells as text, as a user would type them."""
    return pd.DataFrame(
        {
            "id": ["S1", "S2", "S3"],
            "name": ["一镇社工站", "二镇驿站", "二镇协会"],
            "kind": ["station", "站点", "organization"],
            "category": ["社工站", "驿站", ""],
            "groups": ["elders", "elders;留守儿童", "children"],
            "lon": ["118.35", "118.45", "118.46"],
            "lat": ["33.85", "33.85", "33.86"],
            "radius_m": ["", "", "500"],
            "capacity": ["300", "", ""],
            "rating": ["", "", "3A"],
            "inspected": ["", "", "是"],
        }
    )


def default_demand() -> pd.DataFrame:
    """D1, D2 in T1 and D3 in T2 as points; D4 is township-level demand of T2 (by name)."""
    return pd.DataFrame(
        {
            "id": ["D1", "D2", "D3", "D4"],
            "name": ["甲村", "乙村", "丙村", ""],
            "lon": ["118.351", "118.39", "118.451", ""],
            "lat": ["33.851", "33.85", "33.851", ""],
            "township": ["", "", "", "二镇"],
            "elders": ["100", "50", "80", "40"],
            "children": ["10", "20", "", "5"],
        }
    )


def default_projects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["P1", "P2"],
            "name": ["关爱老人", "儿童陪伴"],
            "org": ["一镇协会", "二镇协会"],
            "year": ["2021", "2021"],
            "amount_yuan": ["50000", "30000"],
            "groups": ["elders", "留守儿童"],
            "townships": ["321311001", "一镇、二镇"],
            "person_times": ["1200", ""],
        }
    )


_DEFAULTS: dict[str, Callable[[], pd.DataFrame]] = {
    "townships": default_townships,
    "sites": default_sites,
    "demand": default_demand,
    "projects": default_projects,
}


def write_dataset_folder(
    folder: Path,
    *,
    toml: str | bytes | None = DEFAULT_TOML,
    formats: Mapping[str, str] | None = None,
    omit: tuple[str, ...] = (),
    encoding: str = "utf-8",
    **layers: Content,
) -> Path:
    """Write a dataset folder; every argument left out gives the default valid layer.

    Parameters
    ----------
    folder
        Created if needed.
    toml
        dataset.toml text (``None`` leaves the file out).
    formats
        Layer -> suffix without dot ("csv", "xlsx", "geojson", "gpkg", "shp.zip").
    omit
        Layers whose file is not written.
    encoding
        Encoding of CSV layers ("utf-8", "utf-8-sig", "gb18030").
    **layers
        ``townships``, ``sites``, ``demand``, ``projects``: a frame (written in the layer's
        format) or raw ``str``/``bytes`` file content.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        data = toml.encode("utf-8") if isinstance(toml, str) else toml
        (folder / "dataset.toml").write_bytes(data)
    unknown = set(layers) - set(_DEFAULTS)
    assert not unknown, f"no layer {unknown}"
    suffixes = {**DEFAULT_FORMATS, **(formats or {})}
    for layer, default in _DEFAULTS.items():
        if layer in omit:
            continue
        path = folder / f"{layer}.{suffixes[layer]}"
        content = layers.get(layer)
        write_layer(path, default() if content is None else content, encoding=encoding)
    return folder


def write_layer(path: Path, content: Content, *, encoding: str = "utf-8") -> Path:
    """Write one layer file: raw content as is, a frame in the format of ``path``'s suffix."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding=encoding)
    elif path.name.endswith(".csv"):
        path.write_bytes(_table_frame(content).to_csv(index=False).encode(encoding))
    elif path.name.endswith(".xlsx"):
        _table_frame(content).to_excel(path, index=False, sheet_name=path.name.split(".")[0])
    elif path.name.endswith(".shp.zip"):
        _write_zipped_shapefile(path, _spatial_frame(content))
    else:
        driver = "GPKG" if path.suffix == ".gpkg" else "GeoJSON"
        _spatial_frame(content).to_file(path, driver=driver, layer=path.name.split(".")[0])
    return path


def _table_frame(content: pd.DataFrame) -> pd.DataFrame:
    if isinstance(content, gpd.GeoDataFrame):
        return pd.DataFrame(content.drop(columns=content.geometry.name))
    return content


def _spatial_frame(content: pd.DataFrame) -> gpd.GeoDataFrame:
    """A point layer from a lon/lat table, or the GeoDataFrame as given."""
    if isinstance(content, gpd.GeoDataFrame):
        return content
    lon = pd.to_numeric(content["lon"], errors="coerce")
    lat = pd.to_numeric(content["lat"], errors="coerce")
    points = gpd.points_from_xy(lon, lat)
    points[lon.isna().to_numpy()] = None
    frame = content.drop(columns=["lon", "lat"])
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _write_zipped_shapefile(path: Path, frame: gpd.GeoDataFrame) -> None:
    stem = path.name.split(".")[0]
    work = path.parent / f"_{stem}_shp"
    work.mkdir()
    frame.to_file(work / f"{stem}.shp", driver="ESRI Shapefile", encoding="UTF-8")
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(work.iterdir()):
            archive.write(part, part.name)
            part.unlink()
    work.rmdir()


@pytest.fixture
def make_dataset_folder(tmp_path: Path) -> Callable[..., Path]:
    """``make_dataset_folder(**overrides) -> Path``: see :func:`write_dataset_folder`."""
    counter = iter(range(1_000_000))

    def make(**overrides: object) -> Path:
        return write_dataset_folder(tmp_path / f"dataset{next(counter)}", **overrides)  # type: ignore[arg-type]

    return make


@pytest.fixture
def dataset_folder(make_dataset_folder: Callable[..., Path]) -> Path:
    """The default valid dataset folder."""
    return make_dataset_folder()
