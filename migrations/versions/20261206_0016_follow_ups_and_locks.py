"""Commitment-to-change follow-ups, opt-outs from them, and locked accounts.

``follow_ups`` holds one row per evaluation whose follow-up survey was mailed (with the
commitment it quotes, and the answers once given); ``follow_up_opt_outs`` the learners who
asked for no more. ``users.locked_at`` is set while an administrator has locked the account.
Every existing account starts unlocked; attempts, evaluations, claims and certificates are
untouched, and no follow-up is owed for evaluations made before this revision until
``quizapp mail send`` finds them due.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0016"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("activity_version_id", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", JSON_DOCUMENT, nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_follow_ups_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["activity_version_id"],
            ["activity_versions.id"],
            name=op.f("fk_follow_ups_activity_version_id_activity_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_follow_ups_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_follow_ups_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_follow_ups_evaluation_id")),
    )
    op.create_index(op.f("ix_follow_ups_activity_id"), "follow_ups", ["activity_id"])
    op.create_index(op.f("ix_follow_ups_user_id"), "follow_ups", ["user_id"])
    op.create_table(
        "follow_up_opt_outs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follow_up_opt_outs_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_follow_up_opt_outs")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # As 0009: SQLite drops the column in place; a batch copy would have to drop ``users``.
    op.drop_column("users", "locked_at")
    op.drop_table("follow_up_opt_outs")
    op.drop_index(op.f("ix_follow_ups_user_id"), table_name="follow_ups")
    op.drop_index(op.f("ix_follow_ups_activity_id"), table_name="follow_ups")
    op.drop_table("follow_ups")
