"""Stores to test against: a SQLite file, and a database in a throwaway PostgreSQL cluster.

The cluster (initdb + pg_ctl from Debian's postgresql and postgis packages) is started once
per session in a temporary folder, on a free port, and stopped at the end. initdb refuses to
run as root, so as root the cluster runs as the user ``nobody``. Without PostgreSQL the
PostgreSQL cases skip; with ``REQUIRE_POSTGRES=1`` (set in CI) that skip is a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

SUPERUSER = "atlas"
TEMPLATE = "atlas_template"


def _pg_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    path = Path(found) if found else (candidates[0] if candidates else None)
    return path.parent if path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unavailable(message: str) -> None:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " (REQUIRE_POSTGRES=1 turns this skip into a failure)")
    pytest.skip(message)


class Cluster:
    """A running throwaway PostgreSQL cluster; :meth:`new_database` gives a fresh database."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._names = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, *, postgis: bool = True) -> str:
        name = f"store_test_{next(self._names)}"
        template = TEMPLATE if postgis else "template0"
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE {template}')
        engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster with PostGIS for this test session."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        _unavailable("PostgreSQL (initdb) is not installed")
    root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "nobody", "--"]
        shutil.chown(root, "nobody")
        shutil.chown(sockets, "nobody")
    port = _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, cwd=root, timeout=120)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
        "-w", "start")  # fmt: skip
    cluster = Cluster(port)
    try:
        engine = sa.create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
        engine.dispose()
        engine = sa.create_engine(cluster.url(TEMPLATE), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("CREATE EXTENSION postgis")
        except sa.exc.DBAPIError:
            _unavailable("PostGIS is not installed for this PostgreSQL")
        finally:
            engine.dispose()
        yield cluster
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=root,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


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
