"""``quizapp db``: apply the Alembic migrations in ``migrations/`` to the database, show its
revision, and back it up or restore it (:mod:`quizapp.backup`).

Alembic, Flask and the backup module are imported when used, so that ``quizapp db --help``
starts in a fraction of a second."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli import with_appcontext
from quizapp.schema import MIGRATIONS_DIR, alembic_config, script_heads, upgrade

if TYPE_CHECKING:
    from quizapp.db import Database

__all__ = ["MIGRATIONS_DIR", "alembic_config", "db_cli", "script_heads", "upgrade"]


@click.group("db", help="Database schema migrations, backups and restores.")
def db_cli() -> None:
    pass


@db_cli.command("upgrade", help="Migrate the database to the newest schema (safe to repeat).")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    from flask import current_app

    database: Database = current_app.extensions["quizapp.db"]
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    before = database.schema_revisions()
    upgrade(database, revision)
    click.echo(upgrade_summary(database, before, database.schema_revisions()))


def upgrade_summary(
    database: Database, before: frozenset[str] | None, after: frozenset[str] | None
) -> str:
    """What ``db upgrade`` did, in the words a newcomer running ``make run`` needs: whether the
    database was created just now, was already current, or was moved between revisions."""
    url = database.url.render_as_string(hide_password=True)
    engine = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        database.url.get_backend_name(), database.url.get_backend_name()
    )
    now = ",".join(sorted(after or ())) or "none"
    if not before:
        return f"Database created at {url} ({engine}, schema revision {now})."
    if before == after:
        return f"Database at {url} is up to date (schema revision {now})."
    return f"Database at {url} upgraded from revision {','.join(sorted(before))} to {now}."


@db_cli.command("current", help="Show the database's migration revision.")
@with_appcontext
def current_command() -> None:
    from alembic import command
    from flask import current_app

    database: Database = current_app.extensions["quizapp.db"]
    command.current(alembic_config(database))


@db_cli.command(
    "backup",
    help="Write a backup of the database to PATH while quizapp runs: SQLite's online backup, "
    "or pg_dump's custom format on PostgreSQL. PATH must not exist yet.",
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    from flask import current_app

    from quizapp import backup

    database: Database = current_app.extensions["quizapp.db"]
    try:
        done = backup.backup(database, path)
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Backed up {database.url.render_as_string(hide_password=True)} to {done.path} "
        f"({done.size:,} bytes, schema revision {done.revision})."
    )


@db_cli.command(
    "restore",
    help="Restore a backup made by 'quizapp db backup' into the configured database, which "
    "must be empty. Stop quizapp first.",
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    from flask import current_app

    from quizapp import backup

    database: Database = current_app.extensions["quizapp.db"]
    try:
        done = backup.restore(database, path)
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    at_head = set(done.revision.split(",")) == script_heads()
    behind = "" if at_head else " Run 'quizapp db upgrade' next."
    click.echo(
        f"Restored {done.path} into {database.url.render_as_string(hide_password=True)} "
        f"(schema revision {done.revision}).{behind}"
    )
