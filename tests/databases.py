"""Test databases that start from saved states instead of being rebuilt by every test.

Creating the tables, syncing ``content/`` and walking learners through the pages took most of
the suite's time when every test did them again. A :class:`SavedState` says what to do, on top
of which other state; the first test that needs a state has it built by the real code (the
models' ``create_all``, ``sync_content``, the pages) on a scratch database, and the rows are
saved. Every test then gets a database of its own whose rows are replaced by a copy of the saved
ones, so each starts from the same rows and none sees another's writes. Nothing is checked in:
each session builds its states again, from the models, the content and what sync writes today.

On SQLite each test has a file of its own, written with SQLite's backup API (a consistent copy
whatever the WAL holds). On PostgreSQL a test takes a schema with the tables from a pool, and
one transaction replaces its rows and sequences with ``DELETE`` and ``INSERT ... SELECT`` from a
saved copy. A schema goes back to the pool only if its tables, columns and constraints are still
those ``create_all`` made, so a test's own DDL never reaches another test.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import Flask
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from quizapp.db import Database
from quizapp.models import Base

AppFactory = Callable[[str], Flask]
Saved = TypeVar("Saved")
Result = TypeVar("Result")


@dataclass(frozen=True, eq=False)
class SavedState(Generic[Result]):
    """Rows a test can start from: ``build`` run by a fresh app over the state ``after`` (over
    empty tables if none). ``build`` is given nothing but that app and its database, so the rows
    are the same whichever test happens to need them first. What it returns is kept with them
    (the session cookies of people it signed in, say)."""

    name: str
    build: Callable[[Flask, Database], Result]
    after: SavedState[Any] | None = None


class TestDatabases(ABC, Generic[Saved]):
    """The test databases of one engine for one session (one per xdist worker)."""

    __test__ = False

    def __init__(self, make_app: AppFactory, folder: Path) -> None:
        self._make_app = make_app
        self._folder = folder
        self._numbers = itertools.count(1)
        self._saved: dict[SavedState[Any], tuple[Saved, Any]] = {}

    @abstractmethod
    @contextmanager
    def empty_database(self, folder: Path) -> Iterator[str]:
        """A database of the test's own with no tables, for tests that create or migrate them."""

    @abstractmethod
    @contextmanager
    def database(self, folder: Path) -> Iterator[str]:
        """A database of the test's own with every table of the models and no rows."""

    def restore(self, state: SavedState[Result], db: Database) -> Result:
        """Replace every row of ``db`` with those of ``state``, built first if no test needed it
        yet, and return what its build returned. Call it before the app serves a request, since
        caches filled from the old rows would stay.
        """
        if state not in self._saved:
            self._saved[state] = self._build(state)
        saved, result = self._saved[state]
        db.dispose()
        self._copy(saved, db)
        return result  # type: ignore[no-any-return]

    @abstractmethod
    def close(self) -> None:
        """Remove what the session made outside the tests' own folders."""

    def _build(self, state: SavedState[Any]) -> tuple[Saved, Any]:
        scratch = self._folder / f"scratch-{next(self._numbers)}"
        scratch.mkdir()
        with self.database(scratch) as url:
            app = self._make_app(url)
            db: Database = app.extensions["quizapp.db"]
            try:
                if state.after is not None:
                    self.restore(state.after, db)
                result = state.build(app, db)
            finally:
                db.dispose()
            return self._save(db, state), result

    @abstractmethod
    def _save(self, db: Database, state: SavedState[Any]) -> Saved: ...

    @abstractmethod
    def _copy(self, saved: Saved, db: Database) -> None: ...


class SqliteDatabases(TestDatabases[Path]):
    """A file per test, in its ``tmp_path``; saved states are files in ``folder``."""

    def __init__(self, make_app: AppFactory, folder: Path) -> None:
        super().__init__(make_app, folder)
        self._tables: Path | None = None

    @contextmanager
    def empty_database(self, folder: Path) -> Iterator[str]:
        yield _sqlite_url(folder / "test.sqlite")

    @contextmanager
    def database(self, folder: Path) -> Iterator[str]:
        if self._tables is None:
            self._tables = self._folder / "tables.sqlite"
            made = Database(_sqlite_url(self._tables))
            Base.metadata.create_all(made.engine)
            made.dispose()
        path = folder / "app.sqlite"
        _backup(self._tables, path)
        yield _sqlite_url(path)

    def close(self) -> None:
        """Nothing to remove: every file is in pytest's temporary folders."""

    def _save(self, db: Database, state: SavedState[Any]) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", state.name.lower())
        saved = self._folder / f"{next(self._numbers)}-{slug}.sqlite"
        _backup(_sqlite_path(db), saved)
        return saved

    def _copy(self, saved: Path, db: Database) -> None:
        _backup(saved, _sqlite_path(db))


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _sqlite_path(db: Database) -> Path:
    assert db.is_sqlite and db.url.database
    return Path(db.url.database)


def _backup(source: Path, target: Path) -> None:
    """Write every page of ``source`` over ``target``, as one consistent snapshot. A test's
    copy need not survive a crash, so it is not synced to disk (20 ms a copy saved)."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        writer.execute("PRAGMA synchronous = OFF")
        reader.backup(writer)


@dataclass(frozen=True)
class SavedSchema:
    """A copy of a schema's rows in a schema of its own, and its sequences' positions."""

    schema: str
    tables: list[str]
    filled: list[str]
    sequences: dict[str, tuple[int, bool]]

    def restore_script(self, target: str) -> str:
        """One transaction's statements that give ``target`` exactly these rows and sequences."""
        statements = [
            # The rows are copied whole, so the foreign keys' triggers may be skipped; they must
            # be, as activities and activity_versions refer to each other.
            "SET LOCAL session_replication_role = replica",
            "SET LOCAL synchronous_commit = off",
            # A connection leaked by the code under test would make this wait forever.
            "SET LOCAL lock_timeout = '20s'",
            *(f'DELETE FROM "{target}"."{table}"' for table in self.tables),
            *(
                f'INSERT INTO "{target}"."{table}" SELECT * FROM "{self.schema}"."{table}"'
                for table in self.filled
            ),
            *(
                f'SELECT setval(\'"{target}"."{name}"\', {value}, {called})'
                for name, (value, called) in self.sequences.items()
            ),
        ]
        return ";\n".join(statements)


# What a test's DDL could change: the relations, their columns, and the constraints.
SHAPE = """
SELECT string_agg(part, E'\\n' ORDER BY part) FROM (
    SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(a.attname, '') || ' '
           || coalesce(format_type(a.atttypid, a.atttypmod), '') || ' '
           || coalesce(a.attnotnull::text, '') AS part
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = :schema
    UNION ALL
    SELECT c.relname || ' ' || k.conname || ' ' || k.contype::text
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_namespace n ON n.oid = k.connamespace
     WHERE n.nspname = :schema
) AS parts
"""


class PostgresDatabases(TestDatabases[SavedSchema]):
    """Schemas in the database of ``url``: empty ones made and dropped per test, and ones with
    the tables kept in a pool, which each test fills with the rows it starts from.

    Replacing the rows needs ``session_replication_role``, so the role must be a superuser.
    """

    def __init__(self, make_app: AppFactory, folder: Path, url: str) -> None:
        super().__init__(make_app, folder)
        self._url = url
        self._admin: Engine = create_engine(url)
        self._pool: list[str] = []
        self._copies: list[str] = []
        self._empty: SavedSchema | None = None
        self._shape = ""

    @contextmanager
    def empty_database(self, folder: Path) -> Iterator[str]:
        schema = self._new_schema()
        try:
            yield self._schema_url(schema)
        finally:
            self._drop(schema)

    @contextmanager
    def database(self, folder: Path) -> Iterator[str]:
        schema = self._pool.pop() if self._pool else self._new_tables()
        try:
            yield self._schema_url(schema)
        finally:
            self._release(schema)

    def close(self) -> None:
        for schema in (*self._pool, *self._copies):
            self._drop(schema)
        self._admin.dispose()

    def _new_schema(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema

    def _new_tables(self) -> str:
        schema = self._new_schema()
        db = Database(self._schema_url(schema))
        try:
            Base.metadata.create_all(db.engine)
        finally:
            db.dispose()
        if self._empty is None:
            self._shape = self._shape_of(schema)
            self._empty = self._save_schema(schema)
        return schema

    def _release(self, schema: str) -> None:
        """Back to the pool with no rows, or dropped if the test changed its tables."""
        if self._empty is None or self._shape_of(schema) != self._shape:
            self._drop(schema)
            return
        self._fill(schema, self._empty)
        self._pool.append(schema)

    def _drop(self, schema: str) -> None:
        with self._admin.begin() as connection:
            # A connection leaked by the code under test would make this wait forever.
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def _schema_url(self, schema: str) -> str:
        """The URL of a schema. Its commits do not wait for the disk: visibility and locking are
        the same, and a test database need not outlive a crash."""
        options = f"-csearch_path={schema} -csynchronous_commit=off"
        url = make_url(self._url).update_query_dict({"options": options})
        return url.render_as_string(hide_password=False)

    def _shape_of(self, schema: str) -> str:
        with self._admin.connect() as connection:
            return str(connection.execute(text(SHAPE), {"schema": schema}).scalar_one())

    def _save(self, db: Database, state: SavedState[Any]) -> SavedSchema:
        return self._save_schema(_schema_of(db))

    def _save_schema(self, source: str) -> SavedSchema:
        copy = self._new_schema()
        self._copies.append(copy)
        with self._admin.begin() as connection:
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY 1"),
                {"s": source},
            ).scalars()
            names = connection.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = :s ORDER BY 1"),
                {"s": source},
            ).scalars()
            sequences: dict[str, tuple[int, bool]] = {}
            for name in list(names):
                value, called = connection.execute(
                    text(f'SELECT last_value, is_called FROM "{source}"."{name}"')
                ).one()
                sequences[name] = (int(value), bool(called))
            every, filled = [], []
            for table in list(tables):
                every.append(table)
                connection.execute(
                    text(f'CREATE TABLE "{copy}"."{table}" AS TABLE "{source}"."{table}"')
                )
                if connection.execute(text(f'SELECT EXISTS (TABLE "{copy}"."{table}")')).scalar():
                    filled.append(table)
        return SavedSchema(copy, every, filled, sequences)

    def _copy(self, saved: SavedSchema, db: Database) -> None:
        self._fill(_schema_of(db), saved)

    def _fill(self, schema: str, saved: SavedSchema) -> None:
        with self._admin.begin() as connection:
            connection.exec_driver_sql(saved.restore_script(schema))


def _schema_of(db: Database) -> str:
    match = re.search(r"search_path=(\w+)", str(db.url.query.get("options", "")))
    assert match, db.url
    return match.group(1)
