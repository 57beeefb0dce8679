"""When the database is away, every page that needs it answers a calm 503 with ``Retry-After``,
rendered without the database; ``/healthz`` also fails when the schema is not at the head.

The database goes away in the ways it does in production: a server that stops answering (a
closed port), a PostgreSQL schema emptied under the running app, an SQLite file replaced by
something that cannot be opened. A learner signed in before is part of every case, since
the error page must not try to load them from the database.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import Base
from tests.conftest import NOW, POSTGRES_URL, SAMPLE_CONTENT, AuthActions, csrf_token, make_app
from tests.learner_helpers import IMATINIB, start_id

CALM = "Your answers were not lost."


@dataclass
class SignedIn:
    app: Flask
    client: FlaskClient
    token: str
    attempt_id: int


@pytest.fixture
def migrated(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    upgrade(database)
    sync_content(database, SAMPLE_CONTENT, now=NOW)
    yield app
    database.dispose()


@pytest.fixture
def signed_in(migrated: Flask) -> SignedIn:
    """A learner with an open attempt, and a CSRF token of their session."""
    auth = AuthActions(migrated.test_client())
    assert auth.register().status_code == 302
    attempt_id = start_id(auth.client)
    token = csrf_token(auth.client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    return SignedIn(migrated, auth.client, token, attempt_id)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def the_same_session_on(app: Flask, learner: SignedIn) -> FlaskClient:
    """A client of ``app`` carrying the learner's session cookie, as the next request of the
    same browser to a restarted node would."""
    client = app.test_client()
    cookie = learner.client.get_cookie("session")
    assert cookie is not None
    client.set_cookie("session", cookie.value)
    return client


def database_gone(learner: SignedIn, how: str) -> FlaskClient:
    """Take the database away from the learner's app; return a client for the next requests."""
    database: Database = learner.app.extensions["quizapp.db"]
    if how == "closed port":
        url = f"postgresql+psycopg://quizapp@127.0.0.1:{closed_port()}/gone?connect_timeout=2"
        return the_same_session_on(make_app(url), learner)
    if how == "schema emptied":
        options = str(make_url(str(database.url)).query["options"])
        found = re.search(r"-csearch_path=(\S+)", options)
        assert found, options
        schema = found.group(1)
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        return learner.client
    assert how == "file unreadable"
    path = Path(str(database.url.database))
    for suffix in ("", "-wal", "-shm"):
        moved = path.with_name(path.name + suffix)
        if moved.exists():
            shutil.move(moved, moved.with_name(moved.name + ".moved"))
    path.mkdir()  # what stands there now cannot be opened as a database, even by root
    database.dispose()  # the pool's open connections would still read the moved file
    return learner.client


def ways_to_go(database_url: str) -> list[str]:
    own = "file unreadable" if database_url.startswith("sqlite") else "schema emptied"
    return ["closed port", own]


PAGES = [
    ("GET", "/"),
    ("GET", f"/activities/{IMATINIB}/"),
    ("GET", "/my/activities"),
    ("GET", "/my/transcript"),
    ("GET", f"/activities/{IMATINIB}/posttest"),
    ("GET", "/account"),
    ("GET", "/admin/"),
    ("GET", "/verify/a1b2c3d4e5f60718293a4b5c6d7e8f90"),
    ("POST", f"/activities/{IMATINIB}/posttest"),
    ("POST", "/attempts/{attempt_id}"),
    ("POST", f"/activities/{IMATINIB}/evaluation"),
]


def test_every_kind_of_page_answers_a_calm_503_with_retry_after(
    signed_in: SignedIn, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    for how in ways_to_go(database_url):
        client = database_gone(signed_in, how)
        for method, path in PAGES:
            url = path.format(attempt_id=signed_in.attempt_id)
            data = {"csrf_token": signed_in.token, "q-x": "1"} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            page = response.get_data(as_text=True)
            assert response.status_code == 503, (how, method, url, page[:300])
            assert int(response.headers["Retry-After"]) >= 30, (how, url)
            assert "Temporarily unavailable" in page and CALM in page, (how, url)
            assert "overloaded" not in page and "Log out" not in page and "Log in" not in page
        health = client.get("/healthz")
        assert health.status_code == 503, how
        assert health.headers["Retry-After"] == "30"
    assert "Database unavailable, answered 503 to POST /attempts/" in caplog.text


def test_a_missing_page_still_answers_404_when_the_database_is_away(
    signed_in: SignedIn,
) -> None:
    """The 404 page normally shows the signed-in user's menu; it falls back to a visitor's."""
    client = database_gone(signed_in, "closed port")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Log in" in response.get_data(as_text=True)


def test_an_expired_form_still_answers_400_when_the_database_is_away(
    signed_in: SignedIn,
) -> None:
    client = database_gone(signed_in, "closed port")
    response = client.post(f"/attempts/{signed_in.attempt_id}", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)


def test_a_request_that_saved_before_the_database_went_away_says_so(migrated: Flask) -> None:
    database: Database = migrated.extensions["quizapp.db"]

    @migrated.get("/test-saved-then-lost")
    def saved_then_lost() -> str:
        with database.transaction() as session:
            session.execute(text("UPDATE activities SET slug = slug"))
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    response = migrated.test_client().get("/test-saved-then-lost")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "What you just sent was saved." in page
    assert CALM not in page


def test_any_other_database_error_is_a_logged_500_not_a_503(
    migrated: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @migrated.get("/test-bug")
    def bug() -> str:
        raise IntegrityError("INSERT …", {}, Exception("duplicate key"))

    response = migrated.test_client().get("/test-bug")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Exception on /test-bug [GET]" in caplog.text


def test_a_connection_lost_while_closing_the_read_session_does_not_fail_the_response(
    signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The read session closes after the response is built, perhaps after a committed write;
    an error there would otherwise turn the answer into a bare 500 from the WSGI server."""
    database: Database = signed_in.app.extensions["quizapp.db"]
    opened = database.read_session

    def read_session_that_fails_to_close():  # type: ignore[no-untyped-def]
        session = opened()
        really_close = session.close

        def close() -> None:
            really_close()
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

        session.close = close  # type: ignore[method-assign]
        return session

    monkeypatch.setattr(database, "read_session", read_session_that_fails_to_close)
    response = signed_in.client.get("/my/activities")
    assert response.status_code == 200
    assert "Closing the request's read session failed" in caplog.text


def test_healthz_answers_200_at_the_migration_head(migrated: Flask) -> None:
    response = migrated.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "ok"}


def test_healthz_answers_503_when_the_schema_is_behind_the_migrations(database_url: str) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    upgrade(database, "0003")
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {
            "status": "unavailable",
            "database": "ok",
            "schema": "not at the migration head",
            "revision": "0003",
            "head": migration_head(database),
        }
        upgrade(database)
        assert app.test_client().get("/healthz").status_code == 200
    finally:
        database.dispose()


def test_healthz_answers_503_for_a_database_that_was_never_migrated(database_url: str) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)  # tables, but no record of any migration
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json is not None
        assert response.json["schema"] == "not migrated"
    finally:
        database.dispose()


def test_a_pooled_connection_the_server_killed_while_idle_costs_no_request(
    migrated: Flask, database_url: str
) -> None:
    """PostgreSQL restarts, failovers and idle timeouts close connections that sit in the
    pool; each is tested when taken out and replaced, instead of failing a learner."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's server-side connections only")
    database: Database = migrated.extensions["quizapp.db"]
    client = migrated.test_client()
    assert client.get("/").status_code == 200
    with database.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()
    assert client.get("/").status_code == 200


def migration_head(database: Database) -> str:
    head = ScriptDirectory.from_config(alembic_config(database)).get_current_head()
    assert head is not None
    return head
