"""Thin cached wrappers over geo/: load a dataset, summarise it, serve Leaflet's files.

Every dataset has a token (``"demo"``, ``"version:<id>:<hash>"`` for a stored version, a
signature of a folder's files, or a hash of the uploaded bytes); the cached functions are
keyed by that token and the parameters, never by the frames themselves. A stored version
never changes, so what is cached for its token never goes stale.

Only data every visitor sees (the demo, the configured folder, the published or configured
version) is cached for the whole server. Data one session alone shows (a draft it previews,
an older version a link names, an uploaded candidate list) has a *private* token
(:func:`private_token`): it and everything computed from it are kept in that session's state,
so they are released with the session, instead of staying in a server-wide cache (up to 64
summaries of drafts nobody looks at any more) after the tab is closed.

The configuration read here: ``ATLAS_DATA`` (or ``--data`` after ``--`` on the
``streamlit run`` command line), a dataset folder or a store reference such as ``store:12``,
and ``ATLAS_STORE``, the store's address. Which data a session shows is decided in
:mod:`dashboard.source`.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import hashlib
import inspect
import io
import os
import shutil
import sys
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import geopandas as gpd
import streamlit as st
import streamlit.components.v1 as components

from geo.access import AccessResult, compute_access
from geo.compare import Comparison, compare
from geo.dataset import Dataset, with_parameters
from geo.io.load import load_dataset
from geo.io.store import Store, StoreError, VersionInfo, open_store
from geo.maps.webmap import leaflet_asset_dir
from geo.planning import WhatIf, compare_stations
from geo.privacy import public_comparison, public_summary
from geo.siting import SitingResult, suggest_sites
from geo.summary import Summary, summarize

# ATLAS_DEMO_DIR: where an installed release keeps the demo (python -m dashboard.serve --demo)
DEMO_DIR: Final = Path(
    os.environ.get("ATLAS_DEMO_DIR") or Path(__file__).resolve().parent.parent / "data" / "suyu"
)
DEMO_PREVIOUS_DIR: Final = DEMO_DIR.parent / "suyu-2020"  # the demo's earlier year
DEMO_TOKEN: Final = "demo"
DATA_ENV: Final = "ATLAS_DATA"
STORE_ENV: Final = "ATLAS_STORE"

Pairs = tuple[tuple[str, float], ...]
R = TypeVar("R")
PRIVATE: Final = "session:"  # the prefix of a token whose data only one session shows
MEMO_KEY: Final = "loader.private"  # session state: (private token, its computed results)
MEMO_ENTRIES: Final = 16  # results kept per session for its private data (least recent go)


@dataclass(frozen=True)
class ViewParameters:
    """What a page computes with: the chosen groups and its what-if radii, weights and budget.

    One hashable value, so every cached computation is keyed by the same thing (Streamlit
    hashes a frozen dataclass by its fields).
    """

    groups: tuple[str, ...]
    radii: Pairs = ()
    weights: Pairs = ()
    budget: int | None = None

    @classmethod
    def of(
        cls,
        groups: Iterable[str],
        *,
        radii: Mapping[str, float] | None = None,
        weights: Mapping[str, float] | None = None,
        budget: int | None = None,
    ) -> ViewParameters:
        """The value for these choices (mappings in any order give the same value)."""
        return cls(
            groups=tuple(groups),
            radii=tuple(sorted((radii or {}).items())),
            weights=tuple(sorted((weights or {}).items())),
            budget=budget,
        )

    def for_group(self, code: str) -> ViewParameters:
        """The same what-if values for one group (a one-group cache key)."""
        return ViewParameters((code,), self.radii, self.weights, self.budget)

    def apply(self, dataset: Dataset) -> Dataset:
        """``dataset`` with these radii, weights and budget."""
        return with_parameters(
            dataset,
            radii_m=dict(self.radii),
            weights=dict(self.weights),
            budget_yuan=self.budget,
        )


@st.cache_resource(show_spinner=False)
def demo_dataset() -> Dataset:
    """The embedded Suyu demo dataset, loaded once per server process."""
    return load_dataset(DEMO_DIR)


def configured_source() -> str | None:
    """The configured dataset: ``--data`` after ``--`` on the command line, else ATLAS_DATA."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--data")
    given = parser.parse_known_args(sys.argv[1:])[0].data
    return given or os.environ.get(DATA_ENV) or None


def configured_store() -> str | None:
    """The store's address from ``ATLAS_STORE`` (None: the SQLite file in the data folder)."""
    return os.environ.get(STORE_ENV) or None


def folder_source(folder: str) -> tuple[Dataset, str]:
    """The dataset in a configured folder and its token (a signature of its files).

    Raises
    ------
    DatasetError
        When the folder has errors (every problem, to show as the validation report).
    """
    path = Path(folder).expanduser().resolve()
    signature = _folder_signature(path)
    return folder_dataset(str(path), signature), f"folder:{signature}"


def _folder_signature(folder: Path) -> str:
    """Names, sizes and modification times of the folder's files: a changed file reloads."""
    if not folder.is_dir():
        return "missing"
    stats = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
    return hashlib.sha256(repr((str(folder), stats)).encode()).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=4)
def folder_dataset(folder: str, signature: str) -> Dataset:  # noqa: ARG001 - part of the key
    """The dataset in ``folder`` (reloaded when its files change); errors are not cached."""
    return load_dataset(folder)


@st.cache_resource(show_spinner=False)
def office_store(url: str | None) -> Store:
    """The store, opened once per server process (a failure is not cached: the next rerun
    tries again)."""
    return open_store(url)


def private_token(token: str) -> str:
    """The token of data that only this session shows (see the module docstring)."""
    return token if token.startswith(PRIVATE) else PRIVATE + token


def forget_private(keep: str | None = None) -> None:
    """Release this session's private data and results, except those of token ``keep``."""
    memo = st.session_state.get(MEMO_KEY)
    if memo is not None and (keep is None or memo[0] != private_token(keep)):
        del st.session_state[MEMO_KEY]


def _private_memo(token: str) -> OrderedDict[tuple[object, ...], Any]:
    """This session's results for its private ``token`` (those of another token are dropped:
    a session shows one dataset at a time)."""
    memo = st.session_state.get(MEMO_KEY)
    if memo is None or memo[0] != token:
        memo = (token, OrderedDict())
        st.session_state[MEMO_KEY] = memo
    return memo[1]


def _shared_cache(max_entries: int) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Cache ``compute`` with ``st.cache_data`` for every visitor's data; for a private token
    (or an uploaded candidate list), keep its result in the session's state instead, under
    the key Streamlit's cache would use (the arguments whose names do not start with ``_``)."""

    def decorate(compute: Callable[..., R]) -> Callable[..., R]:
        shared = st.cache_data(show_spinner=False, max_entries=max_entries)(compute)
        return _per_session(compute, shared)

    return decorate


def _per_session(compute: Callable[..., R], shared: Callable[..., R]) -> Callable[..., R]:
    signature = inspect.signature(compute)

    @functools.wraps(compute)
    def call(*args: object, **kwargs: object) -> R:
        bound = signature.bind(*args, **kwargs)
        token = str(bound.arguments["token"])
        if not token.startswith(PRIVATE) and bound.arguments.get("candidates_token") is None:
            return shared(*args, **kwargs)
        memo = _private_memo(private_token(token))
        key = (compute.__name__, *(v for k, v in bound.arguments.items() if k[0] != "_"))
        if key in memo:
            memo.move_to_end(key)
        else:
            memo[key] = compute(*args, **kwargs)
            while len(memo) > MEMO_ENTRIES:
                memo.popitem(last=False)
        return memo[key]

    return call


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_version(_store: Store, version_id: int, content_hash: str) -> Dataset:  # noqa: ARG001
    return _store.load(version_id)


def version_dataset(
    store: Store, version_id: int, content_hash: str, *, private: bool = False
) -> Dataset:
    """Stored version ``version_id`` (``content_hash`` keys the cache across stores): from
    the server's cache, or when ``private`` (a draft this session previews) kept in the
    session alone."""
    if not private:
        return _shared_version(store, version_id, content_hash)
    token = private_token(f"version:{version_id}:{content_hash[:16]}")
    memo = _private_memo(token)
    key = ("dataset",)
    if key not in memo:
        memo[key] = store.load(version_id)
    memo.move_to_end(key)  # the least recently used entry goes first: never the dataset
    return memo[key]  # type: ignore[no-any-return]


def version_token(info: VersionInfo, *, private: bool = False) -> str:
    """The cache token of a stored version: it never changes, so neither does its data."""
    token = f"version:{info.id}:{info.content_hash[:16]}"
    return private_token(token) if private else token


def published_version(store: Store) -> VersionInfo | None:
    """The published version, asked of the store at every call (another process may have
    published since). When several datasets share the store, the newest published one."""
    try:
        return store.published()
    except StoreError as error:
        if error.reason != "which_dataset":
            raise
    published = [v for v in store.versions() if v.status == "published"]
    return max(published, key=lambda v: v.id)


@st.cache_data(show_spinner=False, max_entries=4)
def version_zip(_store: Store, version_id: int, content_hash: str) -> bytes:  # noqa: ARG001
    """The files of stored version ``version_id``, as they were added, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(_store.files(version_id).items()):
            archive.writestr(name, data)
    return buffer.getvalue()


@st.cache_resource(show_spinner=False)
def demo_previous_dataset() -> Dataset:
    """The demo's earlier year (simulated as well), loaded once per server process."""
    return load_dataset(DEMO_PREVIOUS_DIR)


@_shared_cache(max_entries=32)
def comparison_for(
    _old: Dataset,
    _new: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the two unhashed datasets
    groups: tuple[str, ...],
    *,
    public: bool = False,
) -> Comparison:
    """``geo.compare.compare`` of the pair ``token`` over ``groups``; as the public may read
    it (``geo.privacy.public_comparison``) when ``public``."""
    found = compare(_old, _new, groups=list(groups))
    return public_comparison(found) if public else found


def token_for(data: bytes) -> str:
    """A short, stable token for uploaded bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@_shared_cache(max_entries=64)
def summary_for(
    _dataset: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the unhashed dataset
    parameters: ViewParameters,
    *,
    public: bool = False,
) -> Summary:
    """``geo.summary.summarize`` for the dataset ``token`` under these parameters; its public
    edition (``geo.privacy.public_summary``) when ``public``."""
    summary = summarize(parameters.apply(_dataset), groups=list(parameters.groups))
    return public_summary(summary) if public else summary


# --- siting and accessibility (the siting page and the coverage page's accessibility layer) ---


@_shared_cache(max_entries=64)
def siting_for(
    _dataset: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the unhashed dataset
    group: str,
    count: int,
    radius_m: float,
    *,
    _candidates: gpd.GeoDataFrame | None = None,
    candidates_token: str | None = None,  # noqa: ARG001 - the key of the unhashed candidates
) -> SitingResult:
    """``geo.siting.suggest_sites`` for dataset ``token`` (candidates: the villages, or the
    uploaded list ``candidates_token``)."""
    return suggest_sites(_dataset, group, count, radius_m=radius_m, candidates=_candidates)


@_shared_cache(max_entries=64)
def what_if_for(
    _dataset: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the unhashed dataset
    group: str,
    stations: tuple[tuple[float, float], ...],
    radius_m: float,
    capacity: float | None,
) -> WhatIf:
    """``geo.planning.compare_stations`` (2SFCA) with hypothetical stations at ``stations``
    (WGS-84 lon, lat pairs)."""
    lon = [s[0] for s in stations]
    lat = [s[1] for s in stations]
    return compare_stations(_dataset, group, lon, lat, radius_m=radius_m, capacity=capacity)


@_shared_cache(max_entries=64)
def access_for(
    _dataset: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the unhashed dataset
    method: str,
    parameters: ViewParameters,
) -> AccessResult:
    """``geo.access.compute_access`` of dataset ``token`` for the one group of ``parameters``
    (see :meth:`ViewParameters.for_group`), with its catchment radii."""
    (group,) = parameters.groups
    return compute_access(parameters.apply(_dataset), group, method=method)


MAP_DATA_FILES: Final = 256  # a server keeps the map data of this many looks at most


@functools.cache
def _map_data_folder() -> tuple[str, Path]:
    """This server's folder of map data, served as a (never rendered) component's files."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-map-data-"))
    atexit.register(shutil.rmtree, folder, True)
    component = components.declare_component("map_data", path=str(folder))
    return component.name, folder


def map_data_url(text: str) -> str:
    """The URL, relative to the map's frame, at which the browser fetches map data ``text``.

    For the parts of a map that no filter changes (``geo.maps.views.MapView.data_url``): a
    province's outlines and sites then travel once, not at every click. The file is named
    by the SHA-256 of its content, so that a URL never changes its meaning (the browser may
    keep what it fetched) and cannot be guessed without knowing what it holds.
    """
    name, folder = _map_data_folder()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = folder / f"{digest}.json"
    if not path.exists():
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".part", delete=False
        ) as out:
            out.write(text)
        Path(out.name).replace(path)  # whole or not at all, for a browser fetching it now
        _prune(folder, keep=path)
    return f"../{name}/{digest}.json"


def _prune(folder: Path, *, keep: Path) -> None:
    """Delete the oldest files but ``keep`` beyond ``MAP_DATA_FILES`` (a page still showing
    one of them writes it again at its next run)."""
    dated = []
    for file in folder.glob("*.json"):
        with contextlib.suppress(FileNotFoundError):  # another session pruned it just now
            if file != keep:
                dated.append((file.stat().st_mtime, file))
    for _, old in sorted(dated)[: max(0, len(dated) + 1 - MAP_DATA_FILES)]:
        old.unlink(missing_ok=True)


def leaflet_asset_base() -> str:
    """The URL prefix of Leaflet's files, relative to the map component's frame.

    Streamlit serves a declared component's folder at ``component/<name>/``. Declaring the
    installed Leaflet folder as such a (never rendered) component serves ``leaflet.js`` and
    ``leaflet.css`` from the same server, with no copy and no CDN; the map component's frame
    lives at ``component/streamlit_folium.st_folium/``, hence the ``../``.
    """
    assets = components.declare_component("leaflet_assets", path=str(leaflet_asset_dir()))
    return f"../{assets.name}/"
