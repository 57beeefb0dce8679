"""Fixtures shared by the suite.

Every test that touches the database runs once on SQLite and, when
``QUIZAPP_TEST_DATABASE_URL`` points at a PostgreSQL database, once more there, each run in a
database of its own: a SQLite file, or a PostgreSQL schema. ``app`` starts with every table and
no rows, ``synced`` with the sample content synced, ``database_url`` with no tables at all; the
rows are copies of states built once per session by the real code (see ``tests/databases.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from quizapp import create_app
from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.mail.settings import MAIL_EXTENSION, SmtpSettings
from tests.databases import PostgresDatabases, SavedState, SqliteDatabases, TestDatabases
from tests.smtp_server import SmtpServer

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"
POSTGRES_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
FROZEN_NOW = "2027-01-15T12:00:00+00:00"
NOW = dt.datetime.fromisoformat(FROZEN_NOW)


def make_app(database_url: str, **overrides: object) -> Flask:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(SAMPLE_CONTENT),
        "FROZEN_NOW": FROZEN_NOW,
        # Still scrypt, at a cost that keeps the suite fast; production uses Werkzeug's default.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Registering is followed by a login (it signs no one in), so a test that signs up
        # six learners makes twelve such POSTs from one address; the limit tests set theirs.
        "LOGIN_RATE_LIMIT": "60 per minute",
    }
    config.update(overrides)
    return create_app(config)


SYNCED = SavedState("synced", lambda app, db: sync_content(db, SAMPLE_CONTENT, now=NOW))


@pytest.fixture(scope="session")
def databases_by_engine(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, TestDatabases]]:
    """Each engine's test databases and saved states, kept for the whole session."""
    made: dict[str, TestDatabases] = {
        "sqlite": SqliteDatabases(make_app, tmp_path_factory.mktemp("sqlite-states"))
    }
    if POSTGRES_URL:
        made["postgresql"] = PostgresDatabases(
            make_app, tmp_path_factory.mktemp("postgresql-states"), POSTGRES_URL
        )
    yield made
    for databases in made.values():
        databases.close()


@pytest.fixture(params=ENGINES)
def databases(
    request: pytest.FixtureRequest, databases_by_engine: dict[str, TestDatabases]
) -> TestDatabases:
    """The test databases of the engine this run of the test is on."""
    return databases_by_engine[request.param]


@pytest.fixture
def database_url(databases: TestDatabases, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own with no tables, for tests that create or migrate them."""
    with databases.empty_database(tmp_path) as url:
        yield url


@pytest.fixture
def app(databases: TestDatabases, tmp_path: Path) -> Iterator[Flask]:
    """The app on a database of the test's own, with every table and no rows."""
    with databases.database(tmp_path) as url:
        app = make_app(url)
        database: Database = app.extensions["quizapp.db"]
        yield app
        database.dispose()


@pytest.fixture
def db(app: Flask) -> Database:
    database: Database = app.extensions["quizapp.db"]
    return database


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def synced(app: Flask, db: Database, databases: TestDatabases) -> Flask:
    """The app with the sample activities in ``content/`` synced."""
    databases.restore(SYNCED, db)
    return app


PASSWORD = "correct horse battery staple"


class AuthActions:
    """Register, log in and log out through the real forms, CSRF tokens included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(
        self,
        email: str = "ann.lee@example.org",
        *,
        password: str = PASSWORD,
        full_name: str = "Ann Lee",
        degree: str = "MD",
    ):  # type: ignore[no-untyped-def]
        """Registration, then the login that follows it (registering signs no one in)."""
        token = csrf_token(self.client.get("/register").get_data(as_text=True))
        response = self.client.post(
            "/register",
            data={
                "csrf_token": token,
                "email": email,
                "password": password,
                "full_name": full_name,
                "degree": degree,
            },
        )
        if response.status_code == 302:
            self.login(email, password)
        return response

    def login(self, email: str = "ann.lee@example.org", password: str = PASSWORD, next_: str = ""):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        url = f"/login?next={url_quote(next_)}" if next_ else "/login"
        return self.client.post(
            url, data={"csrf_token": token, "email": email, "password": password}
        )

    def logout(self):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client.get("/").get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})

    def post_form(self, url: str, data: dict[str, object], *, form_page: str | None = None):  # type: ignore[no-untyped-def]
        """POST ``data`` with a CSRF token read from ``form_page`` (default: ``url``)."""
        token = csrf_token(self.client.get(form_page or url).get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def url_quote(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server on a free local port, and the app sending to it."""
    server = SmtpServer()
    server.start()
    app.extensions[MAIL_EXTENSION] = SmtpSettings(
        server="127.0.0.1", port=server.port, sender="cme@example.org", timeout=5
    )
    try:
        yield server
    finally:
        server.stop()
