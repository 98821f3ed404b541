"""Stores to test against: a SQLite file, and a database in a throwaway PostgreSQL cluster.

The cluster (initdb + pg_ctl from Debian's postgresql and postgis packages) is started once
per session in a temporary folder, on a free port, and stopped at the end. initdb refuses to
run as root, so as root the cluster runs as the user ``nobody``. Without PostgreSQL the
PostgreSQL cases skip; with ``REQUIRE_POSTGRES=1`` (set in CI) that skip is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .pg_cluster import Cluster, ClusterUnavailableError, throwaway_cluster


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster with PostGIS for this test session."""
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except ClusterUnavailableError as error:
        message = str(error)
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (REQUIRE_POSTGRES=1 turns this skip into a failure)")
        pytest.skip(message)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The address of a new, empty store in each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'atlas.sqlite'}"
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


@pytest.fixture
def open_test_store(store_url: str) -> Iterator[Callable[[], object]]:
    """``open_test_store()`` opens the test's store; every store opened is closed after."""
    from geo.io.store import open_store

    opened = []

    def make() -> object:
        store = open_store(store_url)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
