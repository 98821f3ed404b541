"""Thin cached wrappers over geo/: load a dataset, summarise it, serve Leaflet's files.

Every dataset has a token (``"demo"`` or a hash of the uploaded bytes); the cached functions
are keyed by that token and the parameters, never by the frames themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

import streamlit as st
import streamlit.components.v1 as components

from geo.dataset import Dataset, with_parameters
from geo.load import load_dataset
from geo.summary import Summary, summarize
from geo.webmap import leaflet_asset_dir

DEMO_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "suyu"
DEMO_TOKEN: Final = "demo"

Pairs = tuple[tuple[str, float], ...]


@st.cache_resource(show_spinner=False)
def demo_dataset() -> Dataset:
    """The embedded Suyu demo dataset, loaded once per server process."""
    return load_dataset(DEMO_DIR)


def token_for(data: bytes) -> str:
    """A short, stable token for uploaded bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=64)
def summary_for(
    _dataset: Dataset,
    token: str,  # noqa: ARG001 - the cache key that stands for the unhashed dataset
    groups: tuple[str, ...],
    *,
    radii: Pairs = (),
    weights: Pairs = (),
    budget: int | None = None,
) -> Summary:
    """``geo.summary.summarize`` for the dataset ``token`` under these parameters."""
    dataset = with_parameters(_dataset, radii_m=dict(radii), weights=dict(weights))
    return summarize(dataset, groups=list(groups), budget_yuan=budget)


def leaflet_asset_base() -> str:
    """The URL prefix of Leaflet's files, relative to the map component's frame.

    Streamlit serves a declared component's folder at ``component/<name>/``. Declaring the
    installed Leaflet folder as such a (never rendered) component serves ``leaflet.js`` and
    ``leaflet.css`` from the same server, with no copy and no CDN; the map component's frame
    lives at ``component/streamlit_folium.st_folium/``, hence the ``../``.
    """
    assets = components.declare_component("leaflet_assets", path=str(leaflet_asset_dir()))
    return f"../{assets.name}/"
