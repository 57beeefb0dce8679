"""A certificate is replaced at most once, and its replacement is found by an index.

A reissue points at the certificate it replaces (``supersedes_id``, there from the start).
The admin learner page and the public verification page now show both directions ("replaces
…", "replaced by …"), so "which certificate replaces this one" is asked on every such page;
the unique index answers it in one lookup and makes a second reissue of the same certificate
impossible at the database too (the service already refuses it).

Existing rows: the service has always refused a second reissue, so no two certificates point
at the same one; NULLs (certificates that replace nothing) do not collide in a unique index on
SQLite or PostgreSQL. Nothing is rewritten.

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_certificates_supersedes_id"), "certificates", ["supersedes_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_certificates_supersedes_id"), table_name="certificates")
