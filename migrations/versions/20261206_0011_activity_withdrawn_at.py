"""When an activity was withdrawn: closed to new learners and off the catalog.

``quizapp content withdraw`` sets ``activities.withdrawn_at``; ``content reinstate`` clears it.
The column is nullable and starts empty, so every activity stored before stays as it was:
listed, open, with its attempts, claims and certificates untouched.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "activities", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # SQLite (3.35 and later) drops the column in place; a batch copy of ``activities`` would
    # have to drop a table that versions, attempts and claims refer to.
    op.drop_column("activities", "withdrawn_at")
