"""Load a dataset folder into a checked :class:`~geo.dataset.Dataset`, or fail with all problems."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.dataset import Dataset
from geo.errors import DatasetError
from geo.io.validate import WGS84, CheckedLayers, check_layers

__all__ = ["PROJECT_COLUMNS", "SITE_COLUMNS", "load_dataset"]

SITE_COLUMNS = (
    "id",
    "name",
    "kind",
    "category",
    "groups",
    "radius_m",
    "capacity",
    "rating",
    "inspected",
    "township",
    "geometry",
)
PROJECT_COLUMNS = (
    "id",
    "name",
    "org",
    "year",
    "amount_yuan",
    "groups",
    "townships",
    "person_times",
)


def load_dataset(folder: Path | str) -> Dataset:
    """Read, check and assemble the dataset in ``folder``.

    Parameters
    ----------
    folder
        A dataset folder: dataset.toml, townships.*, sites.*, demand.* and optionally
        projects.* (see the dataset contract in the design document).

    Returns
    -------
    Dataset
        Every geometry in WGS-84; warnings (points outside every township, repaired
        boundaries, ...) on ``Dataset.warnings``.

    Raises
    ------
    DatasetError
        When any problem is an error; it carries every problem found, warnings included.
    """
    layers, problems = check_layers(folder)
    if layers is None:
        raise DatasetError(problems)
    return _assemble(layers)


def _assemble(layers: CheckedLayers) -> Dataset:
    config = layers.config
    codes = [g.code for g in config.groups]
    projects = _projects_frame(layers.projects)
    budget = config.budget_yuan
    if budget is None:
        budget = round(float(projects["amount_yuan"].sum())) if len(projects) else 0
    return Dataset(
        name=config.name or layers.folder.resolve().name,
        demo=config.demo,
        coordinates=config.coordinates or "wgs84",
        budget_yuan=int(budget),
        groups=config.groups,
        townships=_reset(layers.townships[["code", "name", "geometry"]]),
        sites=_reset(layers.sites[list(SITE_COLUMNS)]),
        demand=_reset(layers.demand[["id", "name", "township", *codes, "geometry"]]),
        projects=projects,
        warnings=layers.warnings,
        source=layers.folder,
        metadata=dict(config.metadata),
        min_count=config.min_count,
    )


def _reset(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.reset_index(drop=True)
    return out.set_crs(WGS84, allow_override=True)


def _projects_frame(projects: pd.DataFrame | None) -> pd.DataFrame:
    if projects is None:
        empty = {
            "id": pd.Series(dtype=str),
            "name": pd.Series(dtype=str),
            "org": pd.Series(dtype=str),
            "year": pd.Series(dtype=np.int64),
            "amount_yuan": pd.Series(dtype=float),
            "groups": pd.Series(dtype=object),
            "townships": pd.Series(dtype=object),
            "person_times": pd.Series(dtype=float),
        }
        return pd.DataFrame(empty)
    return projects[list(PROJECT_COLUMNS)].reset_index(drop=True)
