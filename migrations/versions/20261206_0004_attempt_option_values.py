"""Opaque option values: each attempt stores the form value of every option it shows.

Attempts started before this column have none; their forms keep posting the option ids and
are scored as before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "option_values",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    # SQLite (3.35 and later) drops the column in place: a batch copy of the table would have
    # to drop ``attempts`` itself, which the responses' foreign keys forbid.
    op.drop_column("attempts", "option_values")
