"""The suite's own databases: every test starts from the same rows, whatever others wrote.

States are saved once per session and engine; these tests check the copies, not the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, func, select, text

from quizapp.db import Database
from quizapp.models import Activity, User
from tests.conftest import POSTGRES_URL, SYNCED, make_app
from tests.databases import SavedState, SqliteDatabases, TestDatabases


def add_user(db: Database, email: str) -> int:
    with db.transaction() as session:
        user = User(email=email, password_hash="x", full_name="Ann Lee", degree="MD")
        session.add(user)
        session.flush()
        return user.id


def emails(db: Database) -> list[str]:
    with db.read_session() as session:
        return list(session.scalars(select(User.email).order_by(User.id)))


@contextmanager
def own_database(databases: TestDatabases, folder: Path) -> Iterator[Database]:
    """A database as the ``app`` fixture gives one to a test, on a fresh app."""
    folder.mkdir()
    with databases.database(folder) as url:
        db: Database = make_app(url).extensions["quizapp.db"]
        try:
            yield db
        finally:
            db.dispose()


def test_each_database_starts_from_the_saved_rows_whatever_another_wrote(
    databases: TestDatabases, tmp_path: Path
) -> None:
    builds: list[str] = []

    def build(app: Flask, db: Database) -> None:
        builds.append(app.config["DATABASE_URL"])
        add_user(db, "ann.lee@example.org")

    state = SavedState("one learner", build)
    with own_database(databases, tmp_path / "first") as first:
        databases.restore(state, first)
        add_user(first, "bob.stone@example.org")
        assert emails(first) == ["ann.lee@example.org", "bob.stone@example.org"]
    with own_database(databases, tmp_path / "second") as second:
        databases.restore(state, second)
        assert emails(second) == ["ann.lee@example.org"]
        assert add_user(second, "cara.diaz@example.org") == 2, "ids go on from the saved ones"
    assert len(builds) == 1


def test_a_state_is_built_by_a_fresh_app_over_the_state_it_follows(
    databases: TestDatabases, tmp_path: Path
) -> None:
    seen: list[int] = []

    def count_activities(app: Flask, db: Database) -> None:
        with db.read_session() as session:
            seen.append(session.scalar(select(func.count()).select_from(Activity)) or 0)

    with own_database(databases, tmp_path / "db") as db:
        databases.restore(SavedState("after sync", count_activities, after=SYNCED), db)
        with db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(Activity)) == seen[0] > 0


def test_an_app_database_has_every_table_and_no_rows(app: Flask, db: Database) -> None:
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_rows_still_in_sqlites_write_ahead_log_are_saved(tmp_path: Path) -> None:
    """The app's connections use WAL: a copy of the file alone could miss the last writes."""
    databases = SqliteDatabases(make_app, tmp_path)
    held: list[Connection] = []

    def build(app: Flask, db: Database) -> None:
        held.append(db.engine.connect())
        add_user(db, "ann.lee@example.org")
        wal = Path(str(db.url.database) + "-wal")
        assert wal.exists() and wal.stat().st_size > 0

    try:
        with own_database(databases, tmp_path / "db") as db:
            databases.restore(SavedState("in the WAL", build), db)
            assert emails(db) == ["ann.lee@example.org"]
    finally:
        for connection in held:
            connection.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="on SQLite every test has a file of its own")
def test_a_postgresql_schema_whose_tables_a_test_changed_is_not_used_again(
    databases_by_engine: dict[str, TestDatabases], tmp_path: Path
) -> None:
    databases = databases_by_engine["postgresql"]
    with own_database(databases, tmp_path / "changed") as db:
        changed = db.url.query["options"]
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE users ADD COLUMN nickname TEXT"))
    with own_database(databases, tmp_path / "next") as db:
        assert db.url.query["options"] != changed
        with db.engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM users")).keys()
        assert "nickname" not in columns
