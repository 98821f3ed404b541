"""The office's store of dataset versions: one SQLite file, or a shared PostgreSQL/PostGIS.

A **version** is an immutable, validated snapshot of a dataset folder: its files as added
(dataset.toml and every layer file, so that it can be exported back as it was), its parsed
layers (GeoParquet, loaded without re-validation), the validation report, a label, a note,
who added it and when, and a content hash. Exactly one version per dataset name is
*published*. Nothing is deleted except by :meth:`Store.archive`. Every change is written to
the audit log.

Where the store lives (:func:`store_url`): ``--store URL`` / ``ATLAS_STORE``; by default the
SQLite file ``atlas.sqlite`` in the data directory (``ATLAS_DATA_DIR``, else the user's data
directory). A ``postgresql+psycopg://user:pass@host/db`` URL keeps it in PostgreSQL, where
each version's layers are also real PostGIS tables (``v<ID>_townships``, ``v<ID>_sites``,
``v<ID>_demand``, ``v<ID>_projects``) that QGIS opens directly. The schema is migrated with
Alembic when a store is opened; a store made by a newer release is refused.

The API (stable; the dashboard and the CLI use only this)::

    store = open_store(url=None)                  # StoreError: not a store, newer, unreachable
    result = store.add(folder, label="2022年度", note="", by=None)   # DatasetError if invalid
    result.version, result.duplicate              # duplicate: identical content was there
    store.versions(dataset=None)                  # list[VersionInfo], newest first
    store.version(id)                             # VersionInfo
    store.published(dataset=None)                 # VersionInfo | None
    store.publish(id, by=None, expected=...)      # PublishConflictError if someone was faster
    store.load(id)                                # Dataset (WGS-84, as load_dataset gives)
    store.export(id, out)                         # the version's files into folder ``out``
    store.files(id)                               # {name: bytes} of those files (for a zip)
    store.archive(id, by=None)                    # drops the data, keeps the record
    store.log(limit=None)                         # list[AuditEntry], newest first
    store.resolve("published" | "published:NAME" | "12")  # -> version id
    load_source("path/to/folder" | "store:published" | "store:12", store=None)  # -> Dataset

``by`` is who acts (default: ``ATLAS_USER``, else the login name). Loading a version id always
gives the same data, so caches keyed by the version id never go stale; a process sees a newly
published version at its next :meth:`Store.published` or :meth:`Store.resolve` call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.io.source import STORE_PREFIX, is_store_reference, load_source
    from geo.io.store.core import (
        AddResult,
        AuditEntry,
        Store,
        VersionInfo,
        content_hash,
        dataset_files,
        default_actor,
        open_store,
        store_url,
    )
    from geo.io.store.errors import PublishConflictError, StoreError

# Imported on first use: a command that reads a folder does not load SQLAlchemy.
_PUBLIC: dict[str, str] = {
    "STORE_PREFIX": "geo.io.source",
    "is_store_reference": "geo.io.source",
    "load_source": "geo.io.source",
    "AddResult": "geo.io.store.core",
    "AuditEntry": "geo.io.store.core",
    "Store": "geo.io.store.core",
    "VersionInfo": "geo.io.store.core",
    "content_hash": "geo.io.store.core",
    "dataset_files": "geo.io.store.core",
    "default_actor": "geo.io.store.core",
    "open_store": "geo.io.store.core",
    "store_url": "geo.io.store.core",
    "PublishConflictError": "geo.io.store.errors",
    "StoreError": "geo.io.store.errors",
}
__all__ = [
    "STORE_PREFIX",
    "AddResult",
    "AuditEntry",
    "PublishConflictError",
    "Store",
    "StoreError",
    "VersionInfo",
    "content_hash",
    "dataset_files",
    "default_actor",
    "is_store_reference",
    "load_source",
    "open_store",
    "store_url",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        msg = f"module 'geo.io.store' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(_PUBLIC[name]), name)
