"""A loaded :class:`~geo.dataset.Dataset` to bytes and back: GeoParquet layers, a JSON header.

The layers are stored as they come out of validation (WGS-84, codes resolved, townships
assigned), so that loading a version is reading, not re-checking.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import asdict

import geopandas as gpd
import numpy as np
import pandas as pd
from pandas.api.types import is_object_dtype

from geo.dataset import DEFAULT_MIN_COUNT, Dataset, Group
from geo.errors import Problem
from geo.io.config import config_from_bytes

__all__ = ["LAYER_FORMAT", "decode_dataset", "encode_header", "encode_layers", "problems_json"]

LAYER_FORMAT = 1  # bump when the encoding below changes; decode by the stored number
SPATIAL = ("townships", "sites", "demand")
TUPLE_COLUMNS = {"sites": ("groups",), "projects": ("groups", "townships")}


def encode_layers(dataset: Dataset) -> dict[str, bytes]:
    """Each layer of ``dataset`` as GeoParquet (Parquet for the projects table)."""
    out = {}
    for name in (*SPATIAL, "projects"):
        frame = getattr(dataset, name).copy()
        for column in TUPLE_COLUMNS.get(name, ()):
            frame[column] = frame[column].map(list)
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        out[name] = buffer.getvalue()
    return out


def encode_header(dataset: Dataset) -> str:
    """The dataset's scalar fields, groups and layer sizes as JSON."""
    header = {
        "name": dataset.name,
        "demo": dataset.demo,
        "coordinates": dataset.coordinates,
        "budget_yuan": dataset.budget_yuan,
        "groups": [asdict(g) for g in dataset.groups],
        "counts": {n: len(getattr(dataset, n)) for n in (*SPATIAL, "projects")},
        # Parquet reads text back as pandas' string dtype: these columns become object again.
        "object_columns": {
            n: [str(c) for c, t in getattr(dataset, n).dtypes.items() if is_object_dtype(t)]
            for n in (*SPATIAL, "projects")
        },
    }
    return json.dumps(header, ensure_ascii=False)


def problems_json(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """A validation report as JSON (one object per problem)."""
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, default=_plain)


def decode_problems(text: str) -> tuple[Problem, ...]:
    """The problems of :func:`problems_json`."""
    return tuple(Problem(**item) for item in json.loads(text))


def decode_dataset(
    header: str, report: str, layers: dict[str, bytes], config_toml: bytes
) -> Dataset:
    """The Dataset stored by :func:`encode_header` and :func:`encode_layers`.

    ``config_toml`` is the version's dataset.toml: its free keys are the dataset's metadata.
    """
    values = json.loads(header)
    # geopandas reads any file-like object; its type stubs only name paths.
    spatial = {
        name: gpd.read_parquet(io.BytesIO(layers[name]))  # type: ignore[arg-type]
        for name in SPATIAL
    }
    projects = pd.read_parquet(io.BytesIO(layers["projects"]))
    frames: dict[str, pd.DataFrame] = {**spatial, "projects": projects}
    for name, columns in values["object_columns"].items():
        _restore_objects(frames[name], columns, TUPLE_COLUMNS.get(name, ()))
    config, _ = config_from_bytes(config_toml)
    return Dataset(
        name=values["name"],
        demo=values["demo"],
        coordinates=values["coordinates"],
        budget_yuan=values["budget_yuan"],
        groups=tuple(Group(**g) for g in values["groups"]),
        townships=spatial["townships"],
        sites=spatial["sites"],
        demand=spatial["demand"],
        projects=projects,
        warnings=decode_problems(report),
        metadata=dict(config.metadata) if config else {},
        min_count=config.min_count if config else DEFAULT_MIN_COUNT,
    )


def _restore_objects(frame: pd.DataFrame, columns: list[str], tuples: tuple[str, ...]) -> None:
    """Give ``columns`` back the object dtype they had: tuples of codes, or text and None."""
    for column in columns:
        if column in tuples:
            frame[column] = frame[column].map(_as_tuple).astype(object)
        elif not is_object_dtype(frame[column]):
            text = frame[column].astype(object)
            frame[column] = text.where(frame[column].notna(), None)


def _as_tuple(value: Iterable[object] | None) -> tuple[str, ...]:
    return () if value is None else tuple(str(v) for v in value)


def _plain(value: object) -> object:
    """JSON for the numpy scalars, tuples and paths that problem parameters may hold."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)
