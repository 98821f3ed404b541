"""A throwaway PostgreSQL cluster with PostGIS: initdb and pg_ctl in a temporary folder.

Used by the store's tests and by bench/bench_store.py. Debian's packages
(``postgresql-15 postgresql-15-postgis-3``) put the programs under /usr/lib/postgresql.
initdb refuses to run as root, so as root the cluster runs as the user ``nobody``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

SUPERUSER = "atlas"
TEMPLATE = "atlas_template"


class ClusterUnavailableError(RuntimeError):
    """PostgreSQL or PostGIS is not installed here."""


def pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A running cluster; :meth:`new_database` gives a fresh database with PostGIS."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._names = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = f"atlas_{next(self._names)}"
        self._admin("postgres", f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}')
        return self.url(name)

    def _admin(self, database: str, statement: str) -> None:
        engine = sa.create_engine(self.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(statement)
        finally:
            engine.dispose()


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a cluster on a free port; stop it and delete its files afterwards.

    Raises
    ------
    ClusterUnavailableError
        Without PostgreSQL's programs, or without PostGIS.
    """
    bin_dir = pg_bin()
    if bin_dir is None:
        raise ClusterUnavailableError("PostgreSQL (initdb) is not installed")
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

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8")  # fmt: skip
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
            str(root / "log"), "-w", "start")  # fmt: skip
        cluster = Cluster(port)
        cluster._admin("postgres", f"CREATE DATABASE {TEMPLATE}")
        try:
            cluster._admin(TEMPLATE, "CREATE EXTENSION postgis")
        except sa.exc.DBAPIError as error:
            raise ClusterUnavailableError("PostGIS is not installed for this PostgreSQL") from error
        yield cluster
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                cwd=root,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)
