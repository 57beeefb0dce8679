"""Fixtures shared by the suite.

Every test that touches the database runs once on SQLite and, when
``QUIZAPP_TEST_DATABASE_URL`` points at a PostgreSQL database, once more there, each run in a
fresh SQLite file or a fresh PostgreSQL schema that is dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import Base

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"
POSTGRES_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
FROZEN_NOW = "2027-01-15T12:00:00+00:00"
NOW = dt.datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A connection leaked by the code under test would make this wait forever.
            connection.execute(text("SET lock_timeout = '20s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_app(database_url: str, **overrides: object) -> Flask:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(SAMPLE_CONTENT),
        "FROZEN_NOW": FROZEN_NOW,
        # Still scrypt, at a cost that keeps the suite fast; production uses Werkzeug's default.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
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
def synced(app: Flask, db: Database) -> Flask:
    """The app with the sample activities in ``content/`` synced."""
    sync_content(db, SAMPLE_CONTENT, now=NOW)
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
        token = csrf_token(self.client.get("/register").get_data(as_text=True))
        return self.client.post(
            "/register",
            data={
                "csrf_token": token,
                "email": email,
                "password": password,
                "full_name": full_name,
                "degree": degree,
            },
        )

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
