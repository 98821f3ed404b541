"""The store itself: opening, migrating, and every read and change of versions.

See :mod:`geo.io.store` for the API and what a version is.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import EllipsisType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from geo.dataset import Dataset
from geo.errors import Problem
from geo.io.config import FILE as CONFIG_FILE
from geo.io.load import load_dataset
from geo.io.readers import find_layer_file
from geo.io.source import STORE_PREFIX
from geo.io.store import codec, gis, schema
from geo.io.store.errors import PublishConflictError, StoreError
from geo.io.validate import LAYERS

__all__ = [
    "AddResult",
    "AuditEntry",
    "PublishConflictError",
    "Store",
    "StoreError",
    "VersionInfo",
    "default_actor",
    "open_store",
    "store_url",
]

STORE_FILE = "atlas.sqlite"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Tables an empty store database may already hold: Alembic's, and PostGIS's own.
_NOT_OURS = {"alembic_version", "spatial_ref_sys"}


@dataclass(frozen=True)
class VersionInfo:
    """What the store knows about one version (its data is read by :meth:`Store.load`).

    ``status`` is ``"published"``, ``"draft"`` (not published now) or ``"archived"``.
    """

    id: int
    dataset: str
    label: str
    note: str
    added_by: str
    added_at: datetime
    content_hash: str
    status: str
    counts: dict[str, int]
    report: tuple[Problem, ...]

    def to_json(self) -> dict[str, object]:
        """The version as plain JSON values (``geo store list --json``)."""
        return {
            "id": self.id,
            "dataset": self.dataset,
            "label": self.label,
            "note": self.note,
            "status": self.status,
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(),
            "content_hash": self.content_hash,
            "counts": self.counts,
            "warnings": len(self.report),
        }


@dataclass(frozen=True)
class AddResult:
    """The version that holds the added content; ``duplicate`` when it was already there."""

    version: VersionInfo
    duplicate: bool


@dataclass(frozen=True)
class AuditEntry:
    """One change: who, when, what, and from which version to which."""

    at: datetime
    actor: str
    action: str
    dataset: str | None
    from_version: int | None
    to_version: int | None
    detail: dict[str, object]

    def to_json(self) -> dict[str, object]:
        """The entry as plain JSON values (``geo store log --json``)."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "dataset": self.dataset,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "detail": self.detail,
        }

    def subject(self, lang: str) -> str:
        """Whom a user change or login concerns, and how: ``li → planner``, ``密码错误``."""
        from geo.text.i18n import t

        parts = [str(self.detail.get("user", ""))]
        if "role" in self.detail:
            parts.append(f"→ {self.detail['role']}")
        reason = self.detail.get("reason")
        if reason is not None:
            parts.append(t(f"store.login_reason.{reason}", lang))
        return " ".join(p for p in parts if p)


def default_data_dir() -> Path:
    """``ATLAS_DATA_DIR``, else the user's data directory for the atlas."""
    configured = os.environ.get("ATLAS_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("service-atlas", appauthor=False))


def store_url(url: str | None = None) -> str:
    """The store's address: ``url``, else ``ATLAS_STORE``, else the data directory's file.

    A plain path means a SQLite file; ``postgresql://`` uses the psycopg driver.
    """
    chosen = url or os.environ.get("ATLAS_STORE") or str(default_data_dir() / STORE_FILE)
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    if chosen.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def default_actor() -> str:
    """Who acts when nobody is named: ``ATLAS_USER``, else the login name."""
    with contextlib.suppress(Exception):
        return os.environ.get("ATLAS_USER") or getpass.getuser()
    return "unknown"


def open_store(url: str | None = None) -> Store:
    """Open (and on first use create) the store at ``url`` (see :func:`store_url`).

    Raises
    ------
    StoreError
        ``bad_url``, ``not_store`` (a file or database that is not a store), ``newer`` (made
        by a newer release), ``unreachable`` (PostgreSQL down or refusing), ``no_postgis``.
    """
    address = store_url(url)
    try:
        parsed = make_url(address)
    except ArgumentError:
        raise StoreError("bad_url", where=address) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError("bad_url", where=address)
    engine = _engine(parsed)
    store = Store(engine)
    try:
        store.migrate()
    except BaseException:
        engine.dispose()
        raise
    return store


def _engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return sa.create_engine(url, connect_args={"connect_timeout": 5}, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy's BEGIN, not the driver, open transactions (see _begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer takes the write lock at once, so that two writers queue instead of one
        # failing half-way with "database is locked".
        write = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def dataset_files(folder: Path) -> dict[str, bytes]:
    """The files that make up the dataset in ``folder``: dataset.toml and each layer's file."""
    paths = [folder / CONFIG_FILE]
    paths += [p for p in (find_layer_file(folder, layer) for layer in LAYERS) if p is not None]
    return {p.name: p.read_bytes() for p in paths if p.is_file()}


def content_hash(files: dict[str, bytes]) -> str:
    """SHA-256 over the files' names and contents, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


class Store:
    """An open store; see the module documentation for the API. Close it with :meth:`close`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_postgres = engine.dialect.name == "postgresql"

    @property
    def where(self) -> str:
        """The store's address without password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- connections ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._translated(), self.engine.connect() as connection, connection.begin():
            yield connection

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with (
            self._translated(),
            self.engine.connect().execution_options(write=True) as connection,
            connection.begin(),
        ):
            yield connection

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """Database failures as :class:`StoreError` with the driver's own reason."""
        try:
            yield
        except StoreError:
            raise
        except OperationalError as error:
            reason = _first_line(error)
            if "locked" in reason or "busy" in reason:
                raise StoreError("busy", reason=reason) from error
            if "not a database" in reason or "malformed" in reason:
                raise StoreError("not_store", where=self.where, reason=reason) from error
            if self.is_postgres and _is_connect(error):
                raise StoreError("unreachable", where=self.where, reason=reason) from error
            raise StoreError("write_failed", reason=reason) from error
        except DBAPIError as error:  # SQLite: "file is not a database"
            reason = _first_line(error)
            if "not a database" in reason:
                raise StoreError("not_store", where=self.where, reason=reason) from error
            raise

    # --- schema -----------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to this release's revision (create it in an empty database)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        script = ScriptDirectory.from_config(config)
        head = script.get_current_head()
        with self._read() as connection:  # the usual case, without taking the write lock
            if MigrationContext.configure(connection).get_current_revision() == head:
                return
        with self._write() as connection:
            if self.is_postgres:
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head:
                return
            tables = set(sa.inspect(connection).get_table_names()) - _NOT_OURS
            if current is None and tables:
                reason = "tables: " + ", ".join(sorted(tables)[:5])
                raise StoreError("not_store", where=self.where, reason=reason)
            if current is not None and current not in {r.revision for r in script.walk_revisions()}:
                raise StoreError("newer", where=self.where, revision=current)
            if self.is_postgres:
                gis.ensure_postgis(connection, self.where)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # --- reading ----------------------------------------------------------------------------

    def versions(self, dataset: str | None = None) -> list[VersionInfo]:
        """Every version (archived ones too), newest first; only ``dataset``'s when given."""
        query = self._version_query().order_by(schema.versions.c.id.desc())
        if dataset is not None:
            query = query.where(schema.versions.c.dataset == dataset)
        with self._read() as connection:
            return [self._info(row) for row in connection.execute(query)]

    def version(self, version_id: int) -> VersionInfo:
        """The version ``version_id``; :class:`StoreError` ``no_version`` if there is none."""
        with self._read() as connection:
            return self._version(connection, version_id)

    def published(self, dataset: str | None = None) -> VersionInfo | None:
        """The published version of ``dataset`` (of the only dataset when None), or None."""
        query = self._version_query().where(schema.published.c.version_id.is_not(None))
        with self._read() as connection:
            rows = [self._info(r) for r in connection.execute(query)]
        if dataset is not None:
            rows = [r for r in rows if r.dataset == dataset]
        if len(rows) > 1:
            names = "、".join(sorted(r.dataset for r in rows))
            raise StoreError("which_dataset", names=names)
        return rows[0] if rows else None

    def published_before(self, version: VersionInfo) -> VersionInfo | None:
        """The version that was published before ``version`` replaced it (from the audit log).

        None when ``version`` was its dataset's first published version, or when the one
        before has been archived since.
        """
        for entry in self.log():
            if (
                entry.action in {"publish", "rollback"}
                and entry.dataset == version.dataset
                and entry.to_version == version.id
            ):
                if entry.from_version is None:
                    return None
                before = self.version(entry.from_version)
                return None if before.status == "archived" else before
        return None

    def resolve(self, reference: str) -> int:
        """The version id that ``published``, ``published:NAME`` or ``ID`` names now."""
        text = reference.removeprefix(STORE_PREFIX).strip()
        if text.isdigit():
            return self.version(int(text)).id
        head, _, name = text.partition(":")
        if head != "published":
            raise StoreError("bad_reference", ref=STORE_PREFIX + reference)
        found = self.published(name or None)
        if found is None:
            raise StoreError("no_published", dataset=f"（{name}）" if name else "")
        return found.id

    def load(self, version_id: int) -> Dataset:
        """The dataset of version ``version_id``, as ``load_dataset`` gave it when added.

        Nothing is validated again: versions are validated when they are added.
        """
        files = schema.version_files.c
        with self._read() as connection:
            row = self._version_row(connection, version_id)
            if row.archived_at is not None:
                raise StoreError("archived", id=version_id)
            query = sa.select(files.kind, files.name, files.data).where(
                files.version_id == version_id,
                sa.or_(files.kind == "layer", files.name == CONFIG_FILE),
            )
            blobs = {(kind, name): bytes(data) for kind, name, data in connection.execute(query)}
        layers = {name: data for (kind, name), data in blobs.items() if kind == "layer"}
        return codec.decode_dataset(row.header, row.report, layers, blobs[("file", CONFIG_FILE)])

    def export(self, version_id: int, out: Path | str) -> Path:
        """Write the version's files (as they were added) into the folder ``out``.

        ``out`` must not exist or be empty; the files appear all at once (written beside it,
        then renamed), so that a failed export leaves no half folder.
        """
        out = Path(out)
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise StoreError("export_exists", path=out)
        contents = self.files(version_id)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        try:
            for name, data in contents.items():
                (staging / name).write_bytes(data)
            if out.exists():
                out.rmdir()
            staging.rename(out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return out

    def files(self, version_id: int) -> dict[str, bytes]:
        """The version's files as they were added (name -> content), e.g. for a zip."""
        files = schema.version_files.c
        with self._read() as connection:
            row = self._version_row(connection, version_id)
            if row.archived_at is not None:
                raise StoreError("archived", id=version_id)
            query = sa.select(files.name, files.data).where(
                files.version_id == version_id, files.kind == "file"
            )
            return {name: bytes(data) for name, data in connection.execute(query)}

    def log(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        c = schema.audit.c
        query = sa.select(schema.audit).order_by(c.id.desc()).limit(limit)
        with self._read() as connection:
            return [
                AuditEntry(
                    at=_utc(r.at),
                    actor=r.actor,
                    action=r.action,
                    dataset=r.dataset,
                    from_version=r.from_version,
                    to_version=r.to_version,
                    detail=json.loads(r.detail),
                )
                for r in connection.execute(query)
            ]

    # --- changing ---------------------------------------------------------------------------

    def add(
        self, folder: Path | str, *, label: str, note: str = "", by: str | None = None
    ) -> AddResult:
        """Validate the dataset in ``folder`` and keep it as a new (unpublished) version.

        Returns the existing version, with ``duplicate=True``, when the same files are
        already in the store (archived versions aside). Everything is written in one
        transaction: a failure or a killed process leaves no half version.

        Raises
        ------
        DatasetError
            When the folder has errors (nothing is stored).
        """
        folder = Path(folder)
        files = dataset_files(folder) if folder.is_dir() else {}
        digest = content_hash(files)
        existing = self._by_hash(digest)
        if existing is not None:
            return AddResult(existing, duplicate=True)
        dataset = load_dataset(folder)
        layers = codec.encode_layers(dataset)
        actor = by or default_actor()
        try:
            return self._insert(dataset, files, layers, digest, label, note, actor)
        except IntegrityError:  # the same content was added by someone else meanwhile
            existing = self._by_hash(digest)
            if existing is None:
                raise
            return AddResult(existing, duplicate=True)

    def _insert(
        self,
        dataset: Dataset,
        files: dict[str, bytes],
        layers: dict[str, bytes],
        digest: str,
        label: str,
        note: str,
        actor: str,
    ) -> AddResult:
        v = schema.versions.c
        with self._write() as connection:
            existing = self._by_hash(digest, connection)
            if existing is not None:
                return AddResult(existing, duplicate=True)
            version_id = connection.execute(
                sa.insert(schema.versions).returning(v.id),
                {
                    "dataset": dataset.name,
                    "label": label.strip() or dataset.name,
                    "note": note,
                    "added_by": actor,
                    "added_at": _now(),
                    "content_hash": digest,
                    "layer_format": codec.LAYER_FORMAT,
                    "header": codec.encode_header(dataset),
                    "report": codec.problems_json(dataset.warnings),
                },
            ).scalar_one()
            rows = [
                {"version_id": version_id, "kind": kind, "name": name, "data": data}
                for kind, blobs in (("file", files), ("layer", layers))
                for name, data in blobs.items()
            ]
            connection.execute(sa.insert(schema.version_files), rows)
            if self.is_postgres:
                gis.write_tables(connection, version_id, dataset)
            self._audit(connection, actor, "add", dataset.name, None, version_id, label=label)
            info = self._version(connection, version_id)
        return AddResult(info, duplicate=False)

    def publish(
        self,
        version_id: int,
        *,
        by: str | None = None,
        expected: int | EllipsisType | None = ...,
    ) -> VersionInfo:
        """Make ``version_id`` the published version of its dataset (publish or roll back).

        Parameters
        ----------
        expected
            The version the caller saw published (None: none). When another one is published
            by the time this runs, :class:`PublishConflictError` is raised and nothing changes.
            Left out, it is the version published when this call starts.
        """
        actor = by or default_actor()
        target = self.version(version_id)
        if target.status == "archived":
            raise StoreError("archived", id=version_id)
        if expected is ...:
            now = self.published(target.dataset)
            expected = now.id if now else None
        p = schema.published.c
        with self._write() as connection:
            current = connection.execute(
                sa.select(schema.published).where(p.dataset == target.dataset)
            ).one_or_none()
            if (current.version_id if current else None) != expected:
                raise self._conflict(connection, target.dataset)
            if current is not None and current.version_id == version_id:
                return self._version(connection, version_id)
            values = {"version_id": version_id, "published_by": actor, "published_at": _now()}
            if current is None:
                try:
                    with connection.begin_nested():
                        connection.execute(
                            sa.insert(schema.published), {"dataset": target.dataset, **values}
                        )
                except IntegrityError:
                    raise self._conflict(connection, target.dataset) from None
            else:
                changed = connection.execute(
                    sa.update(schema.published)
                    .where(p.dataset == target.dataset, p.version_id == expected)
                    .values(**values)
                ).rowcount
                if changed != 1:
                    raise self._conflict(connection, target.dataset)
            action = "rollback" if expected is not None and version_id < expected else "publish"
            self._audit(connection, actor, action, target.dataset, expected, version_id)
            return self._version(connection, version_id)

    def archive(self, version_id: int, *, by: str | None = None) -> VersionInfo:
        """Drop the data of a version that is not published; its record and log stay."""
        actor = by or default_actor()
        with self._write() as connection:
            info = self._version(connection, version_id)
            if info.status == "published":
                raise StoreError("archive_published", id=version_id)
            if info.status == "archived":
                return info
            connection.execute(
                sa.delete(schema.version_files).where(
                    schema.version_files.c.version_id == version_id
                )
            )
            if self.is_postgres:
                gis.drop_tables(connection, version_id)
            connection.execute(
                sa.update(schema.versions)
                .where(schema.versions.c.id == version_id)
                .values(archived_at=_now(), archived_by=actor)
            )
            self._audit(connection, actor, "archive", info.dataset, version_id, None)
            return self._version(connection, version_id)

    # --- helpers ----------------------------------------------------------------------------

    def _audit(
        self,
        connection: Connection,
        actor: str,
        action: str,
        dataset: str | None,
        from_version: int | None,
        to_version: int | None,
        **detail: object,
    ) -> None:
        connection.execute(
            sa.insert(schema.audit),
            {
                "at": _now(),
                "actor": actor,
                "action": action,
                "dataset": dataset,
                "from_version": from_version,
                "to_version": to_version,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )

    @staticmethod
    def _conflict(connection: Connection, dataset: str) -> PublishConflictError:
        """The error that names the version someone else published meanwhile."""
        p = schema.published.c
        now = connection.execute(
            sa.select(schema.published).where(p.dataset == dataset)
        ).one_or_none()
        if now is None:  # published and then rolled away within the moment: say so plainly
            return PublishConflictError(dataset=dataset, current=0, by="?", at="?")
        at = _utc(now.published_at).strftime("%Y-%m-%d %H:%M:%S UTC")
        return PublishConflictError(
            dataset=dataset, current=now.version_id, by=now.published_by, at=at
        )

    @staticmethod
    def _version_query() -> sa.Select[Any]:
        v, p = schema.versions, schema.published
        return sa.select(v, p.c.version_id.label("published_id")).outerjoin(
            p, sa.and_(p.c.version_id == v.c.id)
        )

    def _by_hash(self, digest: str, connection: Connection | None = None) -> VersionInfo | None:
        v = schema.versions.c
        query = self._version_query().where(v.content_hash == digest, v.archived_at.is_(None))
        if connection is None:
            with self._read() as fresh:
                row = fresh.execute(query).first()
        else:
            row = connection.execute(query).first()
        return self._info(row) if row else None

    def _version_row(self, connection: Connection, version_id: int) -> sa.Row[Any]:
        query = self._version_query().where(schema.versions.c.id == version_id)
        row = connection.execute(query).one_or_none()
        if row is None:
            raise StoreError("no_version", id=version_id)
        return row

    def _version(self, connection: Connection, version_id: int) -> VersionInfo:
        return self._info(self._version_row(connection, version_id))

    @staticmethod
    def _info(row: sa.Row[Any]) -> VersionInfo:
        if row.archived_at is not None:
            status = "archived"
        elif row.published_id is not None:
            status = "published"
        else:
            status = "draft"
        return VersionInfo(
            id=row.id,
            dataset=row.dataset,
            label=row.label,
            note=row.note,
            added_by=row.added_by,
            added_at=_utc(row.added_at),
            content_hash=row.content_hash,
            status=status,
            counts=json.loads(row.header)["counts"],
            report=codec.decode_problems(row.report),
        )


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__


def _is_connect(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return any(k in text for k in ("connection", "connect", "server", "timeout", "refused"))
