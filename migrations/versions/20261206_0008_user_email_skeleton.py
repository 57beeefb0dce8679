"""Emails in NFKC, and each account's email skeleton, to refuse look-alike addresses.

Registration now stores an email NFKC-normalised (fullwidth and mathematical letters become
the plain ones) before lower-casing it, and refuses an address whose letters from another
script print like the Latin letters of an existing account's address. The skeleton (the
address with those letters made Latin) is stored, indexed, so that the check is one lookup.

Existing rows: an email that NFKC changes is rewritten, so that its owner, whose typed address
is now normalised the same way, can still log in, unless another account already has the
rewritten address (both are then kept as they are). Every row then gets its skeleton. The
look-alike table is written out here, not imported, so this migration keeps doing the same
whatever later code does.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USERS = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("email_skeleton", sa.String),
)
LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l",
        "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y",
        "ү": "y",
        "α": "a", "ϲ": "c", "ι": "i", "ϳ": "j", "κ": "k", "ο": "o", "ρ": "p", "υ": "u",
        "ν": "v", "χ": "x", "γ": "y",
        "հ": "h", "ո": "n", "օ": "o", "ս": "u", "զ": "q", "ց": "g",
        "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    }
)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_skeleton", sa.String(length=254), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_users_email_skeleton"), ["email_skeleton"], unique=False)

    connection = op.get_bind()
    rows = connection.execute(sa.select(USERS.c.id, USERS.c.email)).all()
    taken = {email for _, email in rows}
    for user_id, email in rows:
        normal = unicodedata.normalize("NFKC", email).strip().lower()
        if normal != email and normal not in taken:
            taken.discard(email)
            taken.add(normal)
            email = normal
        connection.execute(
            sa.update(USERS)
            .where(USERS.c.id == user_id)
            .values(email=email, email_skeleton=email.translate(LOOK_ALIKES))
        )


def downgrade() -> None:
    # Normalised emails stay as they are: they were what their owners typed, in another form.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email_skeleton"))
    # SQLite (3.35 and later) drops the column in place: a batch copy of the table would have
    # to drop ``users`` itself, which every foreign key to it forbids.
    op.drop_column("users", "email_skeleton")
