"""SQLite has one writer at a time: a write that waited the whole busy timeout for the lock is
run again (the whole unit of work, and only if it committed nothing) instead of failing.

Another connection holds the write lock with ``BEGIN IMMEDIATE`` while quizapp writes, with a
busy timeout of a few milliseconds so that the race is lost at once.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from quizapp import db as dbmodule
from quizapp.db import Database, lost_lock_race, retry_when_locked
from quizapp.models import Attempt, Base
from tests.conftest import SAMPLE_CONTENT, AuthActions, csrf_token, make_app
from tests.learner_helpers import RIGHT, posted, start_id

BUSY_TIMEOUT_MS = 50


@contextmanager
def write_lock_held(path: Path, seconds: float | None = None) -> Iterator[threading.Event]:
    """Another connection holds the database's write lock for ``seconds`` (or until the event
    yielded is set)."""
    release = threading.Event()
    held = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    try:
        yield release
    finally:
        release.set()
        holder.join(5)


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "locked.sqlite"


@pytest.fixture
def locking_app(sqlite_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setattr(dbmodule, "LOCK_BACKOFF_SECONDS", 0.01)
    app = make_app(f"sqlite:///{sqlite_path}", SQLITE_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    from quizapp.authoring.services import sync_content
    from tests.conftest import NOW

    sync_content(database, SAMPLE_CONTENT, now=NOW)
    yield app
    database.dispose()


@pytest.fixture
def learner(locking_app: Flask) -> AuthActions:
    auth = AuthActions(locking_app.test_client())
    assert auth.register().status_code == 302
    return auth


def submission(client: FlaskClient, attempt_id: int) -> dict[str, object]:
    """The posttest form of the attempt, filled in with the right answers."""
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    assert version
    database: Database = client.application.extensions["quizapp.db"]
    data: dict[str, object] = {"csrf_token": csrf_token(page), "version_id": version.group(1)}
    for question, values in posted(database, attempt_id, RIGHT).items():
        data[f"q-{question}"] = sorted(values)
    return data


def submitted_at(database: Database, attempt_id: int) -> object:
    with database.read_session() as session:
        return session.scalar(select(Attempt.submitted_at).where(Attempt.id == attempt_id))


class ReleaseOnRetry(logging.Handler):
    """Lets the lock go as soon as quizapp logs its first retry, whatever the machine's speed."""

    def __init__(self, lock_released: threading.Event) -> None:
        super().__init__()
        self.lock_released = lock_released

    def emit(self, record: logging.LogRecord) -> None:
        if "lost the SQLite write-lock race" in record.getMessage():
            self.lock_released.set()


def test_a_submission_that_loses_the_lock_race_is_run_again_and_recorded(
    locking_app: Flask, learner: AuthActions, sqlite_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    attempt_id = start_id(learner.client)
    data = submission(learner.client, attempt_id)
    logger = logging.getLogger("quizapp.db")
    with caplog.at_level(logging.WARNING, "quizapp.db"), write_lock_held(sqlite_path) as release:
        handler = ReleaseOnRetry(release)
        logger.addHandler(handler)
        try:
            response = learner.client.post(f"/attempts/{attempt_id}", data=data)
        finally:
            logger.removeHandler(handler)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert submitted_at(locking_app.extensions["quizapp.db"], attempt_id) is not None
    assert "submit_attempt lost the SQLite write-lock race" in caplog.text


def test_a_lock_held_past_every_retry_answers_503_and_the_answers_can_be_sent_again(
    locking_app: Flask, learner: AuthActions, sqlite_path: Path
) -> None:
    attempt_id = start_id(learner.client)
    data = submission(learner.client, attempt_id)
    with write_lock_held(sqlite_path):
        response = learner.client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 503
    # 30 s, or the end of the rate-limit window: Flask-Limiter keeps the later of the two.
    assert int(response.headers["Retry-After"]) >= 30
    page = response.get_data(as_text=True)
    assert "Your answers were not lost." in page
    assert "it was not\n      recorded yet" in page
    database: Database = locking_app.extensions["quizapp.db"]
    assert submitted_at(database, attempt_id) is None

    again = learner.client.post(f"/attempts/{attempt_id}", data=data)
    assert again.status_code == 302
    assert submitted_at(database, attempt_id) is not None


def scratch_table(database: Database) -> None:
    with database.transaction() as session:
        session.execute(text("CREATE TABLE scratch (n INTEGER)"))


def scratch_rows(database: Database) -> int:
    with database.read_session() as session:
        return int(session.scalar(text("SELECT count(*) FROM scratch")) or 0)


@pytest.fixture
def database(sqlite_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setattr(dbmodule, "LOCK_BACKOFF_SECONDS", 0.001)
    database = Database(f"sqlite:///{sqlite_path}", busy_timeout_ms=BUSY_TIMEOUT_MS)
    scratch_table(database)
    yield database
    database.dispose()


def test_a_unit_that_committed_before_losing_the_race_is_not_run_again(
    database: Database, sqlite_path: Path
) -> None:
    calls = 0

    @retry_when_locked
    def two_transactions() -> None:
        nonlocal calls
        calls += 1
        with database.transaction() as session:
            session.execute(text("INSERT INTO scratch VALUES (1)"))
        with write_lock_held(sqlite_path), database.transaction() as session:
            session.execute(text("INSERT INTO scratch VALUES (2)"))

    with pytest.raises(OperationalError) as raised:
        two_transactions()
    assert lost_lock_race(raised.value)
    assert calls == 1
    assert scratch_rows(database) == 1


def test_other_database_errors_are_not_run_again(database: Database) -> None:
    calls = 0

    @retry_when_locked
    def broken() -> None:
        nonlocal calls
        calls += 1
        with database.transaction() as session:
            session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    with pytest.raises(OperationalError) as raised:
        broken()
    assert not lost_lock_race(raised.value)
    assert calls == 1


def test_retries_are_bounded_and_a_nested_service_leaves_them_to_the_outer_one(
    database: Database, sqlite_path: Path
) -> None:
    calls = {"outer": 0, "inner": 0}

    @retry_when_locked
    def inner() -> None:
        calls["inner"] += 1
        with database.transaction() as session:
            session.execute(text("INSERT INTO scratch VALUES (1)"))

    @retry_when_locked
    def outer() -> None:
        calls["outer"] += 1
        inner()

    with write_lock_held(sqlite_path), pytest.raises(OperationalError):
        outer()
    assert calls == {"outer": dbmodule.LOCK_RETRIES + 1, "inner": dbmodule.LOCK_RETRIES + 1}
    assert scratch_rows(database) == 0


def test_the_busy_timeout_is_a_setting(sqlite_path: Path) -> None:
    app = make_app(f"sqlite:///{sqlite_path}", SQLITE_BUSY_TIMEOUT_MS=1234)
    database: Database = app.extensions["quizapp.db"]
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
    database.dispose()


def test_a_request_holding_read_connections_never_waits_for_a_pooled_one(
    database: Database,
) -> None:
    """A request keeps its read session's connection while a service writes with another;
    with many threads a bounded pool made the writes wait 30 s and fail."""
    readers = [database.read_session() for _ in range(24)]
    try:
        for session in readers:
            session.execute(text("SELECT 1"))
        with database.transaction() as session:
            session.execute(text("INSERT INTO scratch VALUES (1)"))
    finally:
        for session in readers:
            session.close()
    assert scratch_rows(database) == 1
