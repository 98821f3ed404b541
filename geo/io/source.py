"""Where a dataset comes from: a folder, or a version in the store (``store:...``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.dataset import Dataset
from geo.io.load import load_dataset

if TYPE_CHECKING:
    from geo.io.store.core import Store

__all__ = ["STORE_PREFIX", "is_store_reference", "load_source"]

STORE_PREFIX = "store:"


def is_store_reference(source: str | Path) -> bool:
    """Whether ``source`` names a stored version (``store:...``) rather than a folder."""
    return isinstance(source, str) and source.startswith(STORE_PREFIX)


def load_source(source: str | Path, store: Store | str | None = None) -> Dataset:
    """The dataset of a folder, or of a stored version.

    A stored version is named ``store:published``, ``store:published:NAME`` or ``store:ID``.

    Parameters
    ----------
    source
        A folder path, or a store reference.
    store
        An open store, or the address of one (default: see :func:`geo.io.store.store_url`);
        only used for a store reference.

    Raises
    ------
    DatasetError
        For a folder with errors.
    StoreError
        For a store that cannot be opened or a reference that names no version.
    """
    if not is_store_reference(source):
        return load_dataset(source)
    from geo.io.store.core import Store, open_store

    reference = str(source)[len(STORE_PREFIX) :]
    if isinstance(store, Store):
        return store.load(store.resolve(reference))
    with open_store(store) as opened:
        return opened.load(opened.resolve(reference))
