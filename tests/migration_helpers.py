"""Reading the migration chain, so that upgrade tests name the migration they test and find
the revision before it, whatever is merged ahead of it."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from quizapp.db import Database
from quizapp.migrate import alembic_config


def revision_before(database: Database, revision: str) -> str:
    """The revision ``revision`` follows, read from the migrations themselves."""
    script = ScriptDirectory.from_config(alembic_config(database)).get_revision(revision)
    assert script is not None and isinstance(script.down_revision, str)
    return script.down_revision
