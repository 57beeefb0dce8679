"""Alembic environment: the database comes from quizapp, never from alembic.ini."""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context

from quizapp.db import Database
from quizapp.models import Base, UTCDateTime

config = context.config
if config.config_file_name is not None and not config.attributes.get("database"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database() -> Database:
    database = config.attributes.get("database")
    if database is None:
        from quizapp import create_app

        database = create_app().extensions["quizapp.db"]
    return database


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write quizapp's column types as plain SQLAlchemy so migrations never import the models."""
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, sa.JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def run_migrations_offline() -> None:
    database = _database()
    context.configure(
        url=database.url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=database.is_sqlite,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    database = _database()
    with database.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=database.is_sqlite,
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
