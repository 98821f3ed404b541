"""PostgreSQL only: each version's layers as PostGIS tables that a GIS user opens in QGIS.

The tables (``v<ID>_townships``, ``v<ID>_sites``, ``v<ID>_demand``, ``v<ID>_projects``) are
written in the same transaction as the version, and dropped when it is archived. They are
for people and other tools; the atlas itself loads the GeoParquet copy of the layers.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from geo.dataset import Dataset
from geo.io.store.errors import StoreError

LAYERS = ("townships", "sites", "demand", "projects")


def table_name(version_id: int, layer: str) -> str:
    """The PostGIS table of ``layer`` of version ``version_id``."""
    return f"v{version_id}_{layer}"


def ensure_postgis(connection: Connection, where: str) -> None:
    """Install PostGIS in the database when it is missing (needs the right to do so)."""
    found = connection.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
    ).first()
    if found:
        return
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    except DBAPIError:
        raise StoreError("no_postgis", where=where) from None


def write_tables(connection: Connection, version_id: int, dataset: Dataset) -> None:
    """Write the four layers of ``dataset`` as tables of version ``version_id``."""
    for layer in LAYERS:
        frame = getattr(dataset, layer).copy()
        for column in ("groups", "townships"):
            if column in frame and frame[column].dtype == object:
                frame[column] = frame[column].map(_joined)
        name = table_name(version_id, layer)
        if layer == "projects":
            pd.DataFrame(frame).to_sql(name, connection, index=False)
        else:
            frame.rename_geometry("geom").to_postgis(name, connection, index=False)


def drop_tables(connection: Connection, version_id: int) -> None:
    """Drop the tables of version ``version_id`` (those that exist)."""
    for layer in LAYERS:
        connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table_name(version_id, layer)}"')


def _joined(value: object) -> object:
    """Group and township lists as one text cell ("elders;children")."""
    return ";".join(value) if isinstance(value, tuple | list) else value
