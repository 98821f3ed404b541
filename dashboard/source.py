"""Which data this session shows, decided once per rerun.

Every visitor sees the *base* data: the dataset ``ATLAS_DATA`` names (a folder, or a store
reference such as ``store:12``), else the store's published version, else the embedded
demo. A session may instead show one stored version that it *pins*: a draft it previews
after an upload (that session only), or the version a shared link names (``?v=12``). The URL
always carries the version shown, so a copied link opens exactly that data; when the pinned
version is not the base one, every page says so (see :func:`dashboard.banner.show`).

The published version is looked up at every rerun, so a version published by another
session or process is shown at the next rerun, without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import auth, loader
from geo.dataset import Dataset
from geo.io.store import Store, StoreError, VersionInfo, is_store_reference, store_url

CURRENT_KEY = "current_data"
PIN_KEY = "pinned_version"
LINK_READ_KEY = "version_link_read"
MISSING_LINK_KEY = "version_link_missing"
VERSION_PARAM = "v"


@dataclass(frozen=True)
class Current:
    """The data this session shows.

    Attributes
    ----------
    dataset, token
        The dataset and its cache token (see :mod:`dashboard.loader`).
    version
        The stored version shown; None for the demo or a configured folder.
    base
        The stored version every visitor sees by default (the published one, unless
        ``ATLAS_DATA`` names another); None when that is the demo or a folder.
    folder
        The configured folder shown, if that is what is shown.
    store
        The open store (None when it cannot be opened and nothing shown needs it).
    store_error
        Why the store cannot be opened, when the data shown does not need it.
    """

    dataset: Dataset
    token: str
    version: VersionInfo | None = None
    base: VersionInfo | None = None
    folder: str | None = None
    store: Store | None = None
    store_error: StoreError | None = None

    @property
    def pinned(self) -> bool:
        """Whether this session shows a stored version other than the base one."""
        if self.version is None:
            return False
        return self.base is None or self.version.id != self.base.id

    @property
    def draft(self) -> bool:
        """Whether the version shown was never the published one as far as one can tell: it
        is not published and newer than the published one."""
        if self.version is None or self.version.status != "draft":
            return False
        return self.base is None or self.version.id > self.base.id


def current() -> Current:
    """The data of this rerun (resolved by :func:`resolve` at the top of the app)."""
    found = st.session_state.get(CURRENT_KEY)
    return found if found is not None else resolve()


def pin(version_id: int) -> None:
    """Show stored version ``version_id`` in this session (a preview) from the next rerun."""
    st.session_state[PIN_KEY] = version_id


def unpin() -> None:
    """Back to the data every visitor sees, from the next rerun."""
    st.session_state.pop(PIN_KEY, None)


def resolve() -> Current:
    """Decide what this rerun shows, keep it for :func:`current` and put it in the URL.

    Raises
    ------
    DatasetError
        A configured folder with errors.
    StoreError
        A store that cannot be opened when what is shown depends on it.
    """
    configured = loader.configured_source()
    store, store_error = open_office_store()
    folder_mode = configured is not None and not is_store_reference(configured)
    if store is None and not folder_mode:
        raise store_error  # type: ignore[misc]  # one of the two is set
    base = _base_version(store, configured) if store is not None else None
    if store is not None:
        _read_link_once(store, base)
    pinned = _pinned_version(store, base) if store is not None else None
    if pinned is not None:  # this session's alone: kept in the session, not server-wide
        dataset = loader.version_dataset(store, pinned.id, pinned.content_hash, private=True)
        token = loader.version_token(pinned, private=True)
        cur = Current(dataset, token, pinned, base, store=store)
    elif base is not None:
        dataset = loader.version_dataset(store, base.id, base.content_hash)
        cur = Current(dataset, loader.version_token(base), base, base, store=store)
    elif folder_mode:
        folder = str(configured)
        dataset, token = loader.folder_source(folder)
        cur = Current(dataset, token, folder=folder, store=store, store_error=store_error)
    else:
        cur = Current(loader.demo_dataset(), loader.DEMO_TOKEN, store=store)
    loader.forget_private(keep=cur.token)
    st.session_state[CURRENT_KEY] = cur
    _sync_version_param(cur.version.id if cur.version is not None else None)
    return cur


def open_office_store() -> tuple[Store | None, StoreError | None]:
    """The office's store, or why it cannot be opened."""
    try:
        return loader.office_store(store_url(loader.configured_store())), None
    except StoreError as error:
        return None, error


def _base_version(store: Store, configured: str | None) -> VersionInfo | None:
    """The version everyone sees: the one ``ATLAS_DATA`` names, else the published one."""
    if configured is not None and is_store_reference(configured):
        return store.version(store.resolve(configured))
    if configured is not None:
        return None
    return loader.published_version(store)


def _read_link_once(store: Store, base: VersionInfo | None) -> None:
    """On a session's first run, pin the version ``?v=`` names when it is not the base one.

    Viewers see the base version only: a link to another is ignored for them."""
    if LINK_READ_KEY in st.session_state or not auth.can("planner"):
        return
    st.session_state[LINK_READ_KEY] = True
    wanted = st.query_params.get(VERSION_PARAM, "")
    if not wanted:
        return
    if not wanted.isdigit():
        st.session_state[MISSING_LINK_KEY] = wanted
        return
    if base is not None and int(wanted) == base.id:
        return
    try:
        info = store.version(int(wanted))
    except StoreError:
        info = None
    if info is None or info.status == "archived":
        st.session_state[MISSING_LINK_KEY] = wanted
        return
    pin(info.id)


def _pinned_version(store: Store, base: VersionInfo | None) -> VersionInfo | None:
    """The version this session pinned, while it still differs from the base one."""
    wanted = st.session_state.get(PIN_KEY)
    if wanted is None or not auth.can("planner"):
        return None
    if base is not None and wanted == base.id:
        unpin()  # the preview was published: follow the published version from now on
        return None
    try:
        info = store.version(wanted)
    except StoreError:
        info = None
    if info is None or info.status == "archived":
        unpin()
        st.session_state[MISSING_LINK_KEY] = str(wanted)
        return None
    return info


def _sync_version_param(version_id: int | None) -> None:
    value = str(version_id) if version_id is not None else None
    if value:
        if st.query_params.get(VERSION_PARAM) != value:
            st.query_params[VERSION_PARAM] = value
    elif VERSION_PARAM in st.query_params:
        del st.query_params[VERSION_PARAM]
