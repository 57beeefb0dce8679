"""Backups of the whole database, taken while quizapp runs, and restores into an empty one.

SQLite uses its online backup API, which copies a consistent snapshot page by page while
learners keep writing (a plain file copy of a database in WAL mode can miss the pages still in
the WAL, or catch a write half done). PostgreSQL uses ``pg_dump`` in its custom format, which
``pg_restore`` reads. A backup is written beside its final name and renamed when complete, so
a failed run never leaves a file that looks like a backup.

A restore only goes into an empty database: restoring over records would mix two histories of
attempts, claims and certificates, which nobody could untangle afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from quizapp.db import Database

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Done:
    path: Path
    size: int
    revision: str
    """The schema's migration revision, as recorded in the database backed up or restored."""


def backup(database: Database, path: Path) -> Done:
    """Write a backup of ``database`` to ``path``, which must not exist yet."""
    if path.exists():
        raise BackupError(f"{path} already exists; a backup never overwrites a file.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder; create it first.")
    if database.is_sqlite:
        _write_atomically(path, lambda partial: _sqlite_backup(_sqlite_path(database), partial))
    else:
        pg_dump = _client_program("pg_dump")
        command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges"]
        schema = _search_path_schema(database.url)
        if schema:
            command.append(f"--schema={schema}")
        _write_atomically(
            path, lambda partial: _run([*command, f"--file={partial}"], database.url, dbname=True)
        )
    return Done(path, path.stat().st_size, _revision(database))


def restore(database: Database, path: Path) -> Done:
    """Restore the backup at ``path`` into ``database``, which must be empty."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        header = handle.read(16)
    tables = _tables(database)
    if tables:
        raise BackupError(
            f"The database at {_shown(database.url)} is not empty (it has {len(tables)} tables, "
            f"such as {sorted(tables)[0]}); restore only into an empty database."
        )
    if database.is_sqlite:
        if not header.startswith(SQLITE_HEADER):
            other = " (it is a PostgreSQL one)" if header.startswith(PG_DUMP_HEADER) else ""
            raise BackupError(f"{path} is not an SQLite backup made by quizapp db backup{other}.")
        database.dispose()
        _sqlite_restore(path, _sqlite_path(database))
    else:
        if not header.startswith(PG_DUMP_HEADER):
            other = " (it is an SQLite one)" if header.startswith(SQLITE_HEADER) else ""
            raise BackupError(
                f"{path} is not a PostgreSQL backup made by quizapp db backup (pg_dump's "
                f"custom format){other}."
            )
        _pg_restore(database, path)
    database.dispose()
    return Done(path, path.stat().st_size, _revision(database))


def _sqlite_path(database: Database) -> Path:
    return Path(str(database.url.database))


def _sqlite_backup(source: Path, target: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader,
            closing(sqlite3.connect(target)) as writer,
        ):
            reader.backup(writer)
    except sqlite3.Error as error:
        raise BackupError(f"Could not back up {source}: {error}.") from error


def _sqlite_restore(source: Path, target: Path) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder; create it first.")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as reader:
            problem = reader.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"{source} is damaged ({problem}); use another backup.")
            with closing(sqlite3.connect(target)) as writer:
                reader.backup(writer)
    except sqlite3.Error as error:
        raise BackupError(f"Could not restore {source}: {error}.") from error


def _pg_restore(database: Database, path: Path) -> None:
    """``pg_restore`` in one transaction that stops at the first error, skipping the creation
    of a schema that the target already has (an empty schema made for quizapp, or public)."""
    pg_restore = _client_program("pg_restore")
    listing = _run([pg_restore, "--list", str(path)], database.url)
    existing = _schemas(database)
    kept = [
        line
        for line in listing.splitlines()
        if not ((match := re.match(r"\d+; \d+ \d+ SCHEMA - (\S+) ", line)) and match[1] in existing)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(kept) + "\n")
    try:
        _run(
            [
                pg_restore,
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                f"--use-list={handle.name}",
                str(path),
            ],
            database.url,
            dbname=True,
        )
    finally:
        os.unlink(handle.name)


def _client_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} was not found on PATH; install PostgreSQL's client programs, of the "
            "server's major version or newer (on Debian: apt-get install postgresql-client)."
        )
    return program


def _run(command: list[str], url: URL, *, dbname: bool = False) -> str:
    """Run a PostgreSQL client program on the database at ``url``; the password travels in the
    environment, not on the command line where ``ps`` shows it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    if dbname:
        address = url.set(drivername="postgresql", password=None)
        command = [*command, f"--dbname={address.render_as_string(hide_password=False)}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {detail}")
    return result.stdout


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _search_path_schema(url: URL) -> str | None:
    """The schema a URL pins with ``options=-csearch_path=…``, so that a database shared with
    other schemas is backed up and checked for emptiness only in quizapp's."""
    options = url.query.get("options", "")
    match = re.search(r"search_path\s*=\s*([^\s,]+)", str(options))
    return match[1].strip("\"'") if match else None


def _tables(database: Database) -> set[str]:
    try:
        inspector = inspect(database.engine)
        schema = None if database.is_sqlite else _search_path_schema(database.url)
        if schema is None and not database.is_sqlite:
            schema = inspector.default_schema_name
        return set(inspector.get_table_names(schema=schema))
    except SQLAlchemyError as error:
        raise BackupError(
            f"Could not open the database at {_shown(database.url)}: {error}"
        ) from error
    finally:
        database.dispose()


def _schemas(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        names = connection.execute(text("SELECT nspname FROM pg_namespace")).scalars()
        found = set(names)
    database.dispose()
    return found


def _revision(database: Database) -> str:
    revisions = database.schema_revisions()
    database.dispose()
    return ",".join(sorted(revisions)) if revisions else "none"


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)
