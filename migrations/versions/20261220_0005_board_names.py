"""Names as boards hold them, and the certifying board as a code from quizapp's list.

Learners get a given and a family name beside the full name printed on certificates; both
stay empty until a learner saves them, and reports split the full name meanwhile. The
certifying board was free text: a value that names one of the boards PARS reports to, by
its code or its full name in any capitals, becomes that board's code. Any other value is
kept as typed, and the profile asks the learner to choose from the list. The board list is
written out here, not imported, so this migration keeps doing the same whatever later code
does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BOARDS = {
    "ABA": "American Board of Anesthesiology",
    "ABIM": "American Board of Internal Medicine",
    "ABOHNS": "American Board of Otolaryngology – Head and Neck Surgery",
    "ABOS": "American Board of Orthopaedic Surgery",
    "ABP": "American Board of Pediatrics",
    "ABPath": "American Board of Pathology",
    "ABS": "American Board of Surgery",
    "ABTS": "American Board of Thoracic Surgery",
}
USERS = sa.table("users", sa.column("certifying_board", sa.String))


def _known(value: str) -> str | None:
    wanted = " ".join(value.replace("-", " ").replace("–", " ").split()).casefold()
    for code, name in BOARDS.items():
        spelled = " ".join(name.replace("–", " ").split()).casefold()
        if wanted in (code.casefold(), spelled):
            return code
    return None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("given_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("family_name", sa.String(length=100), nullable=True))
    connection = op.get_bind()
    stored = connection.execute(
        sa.select(USERS.c.certifying_board)
        .where(USERS.c.certifying_board.is_not(None))
        .distinct()
    ).scalars()
    for value in list(stored):
        code = _known(value)
        if code is not None and code != value:
            connection.execute(
                USERS.update()
                .where(USERS.c.certifying_board == value)
                .values(certifying_board=code)
            )


def downgrade() -> None:
    # SQLite (3.35 and later) drops the columns in place: a batch copy of the table would
    # have to drop ``users`` itself, which the other tables' foreign keys forbid. The board
    # codes stay: they were valid free text before.
    op.drop_column("users", "family_name")
    op.drop_column("users", "given_name")
