"""The store's tables (SQLAlchemy Core). Changes here need an Alembic migration beside them.

``users`` and the generic ``audit`` actions are there for login and roles: an audit row names
who did what, when, and which version it moved from and to.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # viewer | planner | admin
    Column("password_hash", Text),  # Argon2id; NULL for single-sign-on accounts
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # failed logins in a row; no login before locked_until (see geo.io.store.users)
    Column("failed_logins", Integer, nullable=False, default=0, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_login", DateTime(timezone=True)),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(200), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("layer_format", Integer, nullable=False),  # how the layers are encoded
    Column("header", Text, nullable=False),  # JSON: name, datum, budget, groups, counts
    Column("report", Text, nullable=False),  # JSON: the validation report (warnings)
    Column("archived_at", DateTime(timezone=True)),
    Column("archived_by", String(100)),
)

# The parsed layers (kind "layer", GeoParquet) and the files as added (kind "file").
version_files = Table(
    "version_files",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# One row per dataset name: its published version. The primary key makes it exactly one.
published = Table(
    "published",
    metadata,
    Column("dataset", String(200), primary_key=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),  # add, publish, rollback, archive, ...
    Column("dataset", String(200)),
    Column("from_version", Integer),
    Column("to_version", Integer),
    Column("detail", Text, nullable=False),  # JSON
)
