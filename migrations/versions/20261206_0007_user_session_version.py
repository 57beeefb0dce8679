"""Sessions that the server can end: each user's session version.

A signed-in session carries the version its user had when they logged in; logging out,
changing the password and a reset from the server add one, and every session carrying an
older version is signed out at its next request. Existing accounts start at 0. Sessions from
before this revision carried a digest of the password hash instead, so everyone logs in once
more after the upgrade.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    # SQLite (3.35 and later) drops the column in place: a batch copy of the table would have
    # to drop ``users`` itself, which every foreign key to it forbids.
    op.drop_column("users", "session_version")
