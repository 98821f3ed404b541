"""Logins: failed attempts in a row, until when an account waits, the last good login.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the login columns to ``users`` (batch mode: SQLite rebuilds the table)."""
    when = sa.DateTime(timezone=True)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", when))
        batch.add_column(sa.Column("last_login", when))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("users") as batch:
        for column in ("last_login", "locked_until", "failed_logins"):
            batch.drop_column(column)
