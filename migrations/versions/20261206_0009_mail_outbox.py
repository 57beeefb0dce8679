"""The mail outbox, and when each account's email address was verified.

``outbox_messages`` holds every email quizapp owes someone, written in the transaction of the
event that causes it; ``users.email_verified_at`` records when the owner followed the link
mailed to the address. Existing accounts start unverified: nothing was ever mailed to them,
and only a site that turns on ``REQUIRE_VERIFIED_EMAIL`` asks them to confirm before claiming.
Attempts, claims and certificates are untouched.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("context", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(
        op.f("ix_outbox_messages_sent_at"),
        "outbox_messages",
        ["sent_at", "send_after"],
        unique=False,
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # SQLite (3.35 and later) drops the column in place: a batch copy of the table would have
    # to drop ``users`` itself, which every foreign key to it forbids.
    op.drop_column("users", "email_verified_at")
    op.drop_index(op.f("ix_outbox_messages_sent_at"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
