"""A planner's list of candidate station locations, read and checked like a layer."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.dataset import Dataset, assign_townships
from geo.errors import DatasetError, Problem
from geo.io.columns import Column, missing_columns, required_text, resolve_columns, unique_values
from geo.io.readers import read_layer
from geo.io.validate import lonlat_points

__all__ = ["CANDIDATE_COLUMNS", "read_candidates"]

CANDIDATE_COLUMNS = (
    Column("id", ("编号", "候选点编号")),
    Column("name", ("名称", "候选点名称"), required=False),
    Column("lon", ("经度", "longitude", "lng")),
    Column("lat", ("纬度", "latitude")),
)


def read_candidates(path: Path | str, dataset: Dataset) -> gpd.GeoDataFrame:
    """Read a planner's list of candidate locations (CSV, XLSX, GeoJSON or GeoPackage).

    Columns ``id``/编号, ``lon``/经度, ``lat``/纬度 (not needed in a point layer) and optional
    ``name``/名称; lon/lat in the dataset's datum (``coordinates`` in dataset.toml).

    Parameters
    ----------
    path
        The file.
    dataset
        The dataset the candidates belong to: its datum and townships.

    Returns
    -------
    GeoDataFrame
        ``id``, ``name``, ``township`` (code or None) and WGS-84 points.

    Raises
    ------
    DatasetError
        Every problem found in the file (missing columns, blank or repeated ids, coordinates
        that are not numbers, out of range or swapped).
    """
    file = Path(path).name
    frame = read_layer(path)
    problems: list[Problem] = [] if len(frame) else [Problem("no_rows", file)]
    columns: tuple[Column, ...] = CANDIDATE_COLUMNS
    if isinstance(frame, gpd.GeoDataFrame):
        optional = (Column(c.name, c.aliases, required=False) for c in columns[2:])
        columns = (*CANDIDATE_COLUMNS[:2], *optional)
    mapping, found = resolve_columns(frame, columns, file)
    problems += found + missing_columns(mapping, columns, file)
    if problems:
        raise DatasetError(problems)
    ids = frame[mapping["id"]]
    problems += required_text(ids, file, mapping["id"]) + unique_values(ids, file, mapping["id"])
    points, found = lonlat_points(frame, mapping, file, dataset.coordinates, required=True)
    if problems + found:
        raise DatasetError(problems + found)
    names = frame[mapping["name"]].replace("", None) if "name" in mapping else ids
    return gpd.GeoDataFrame(
        {
            "id": ids.to_numpy(),
            "name": names.to_numpy(),
            "township": pd.Series(assign_townships(points, dataset.townships), dtype=object),
        },
        geometry=points.to_numpy(),
        crs="EPSG:4326",
    )
