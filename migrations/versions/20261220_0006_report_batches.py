"""Report batches: every PARS and CPE Monitor upload file an administrator asked for, row by
row, so that the next file holds only what changed and nothing is reported twice.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-20 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "report_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sa.String(length=254), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pars', 'cpe-monitor')", name=op.f("ck_report_batches_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_report_batches_activity_id_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_report_batches_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batches")),
    )
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_batches_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "report_batch_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("completion_key", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("claim_ids", JSON_DOCUMENT, nullable=False),
        sa.Column("cells", JSON_DOCUMENT, nullable=False),
        sa.CheckConstraint(
            "action IN ('Add', 'Delete')", name=op.f("ck_report_batch_rows_action_known")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["report_batches.id"],
            name=op.f("fk_report_batch_rows_batch_id_report_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_report_batch_rows_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_report_batch_rows_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_batch_rows")),
        sa.UniqueConstraint(
            "batch_id", "position", name=op.f("uq_report_batch_rows_batch_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_batch_rows")
    with op.batch_alter_table("report_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_batches_activity_id"))
    op.drop_table("report_batches")
