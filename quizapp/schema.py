"""The schema's migration scripts (``migrations/``): where they are, their heads, and
upgrading a database to them. Alembic is imported when used, so that ``/healthz`` and the
``quizapp db`` command can depend on this module without loading it at start."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from quizapp.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database: Database) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database"] = database
    return config


@functools.cache
def script_heads() -> frozenset[str]:
    """The head revisions of ``migrations/``, read from disk once: the scripts a process runs
    with do not change under it."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def upgrade(database: Database, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database), revision)
