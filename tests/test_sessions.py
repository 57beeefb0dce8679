"""Sessions the server can end, and what a signed-in page tells caches and other servers.

The session cookie is signed, not stored: before session versions a copy of it kept working
for 31 days, after logout too. Now logging out, changing the password and a reset from the
server each end every session of the account, and a CSRF token handed out before login is
refused after it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from quizapp import audit
from quizapp.admin.services import lock_account
from quizapp.authoring.services import sync_content
from quizapp.config import ConfigurationError
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import Attempt, User
from tests.conftest import (
    NOW,
    PASSWORD,
    SAMPLE_CONTENT,
    AuthActions,
    csrf_token,
    make_app,
)
from tests.learner_helpers import IMATINIB, RIGHT, posted, start_id, take
from tests.migration_helpers import revision_before
from tests.staff_helpers import sign_in_as

EMAIL = "ann.lee@example.org"
NEW_PASSWORD = "a brand new passphrase 42"
SESSION_VERSIONS = "0007"
"""The migration that adds ``users.session_version``."""


def signed_in(client: FlaskClient, page: str = "/account") -> bool:
    response = client.get(page)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    return False


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


# --- ending sessions ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["learner", "admin"])
def test_a_copied_session_cookie_stops_working_at_logout(
    app: Flask, db: Database, role: str
) -> None:
    auth = sign_in_as(app, db, role, EMAIL)
    page = "/admin/" if role == "admin" else "/account"
    copied = copy_of(app, auth.client)
    assert signed_in(copied, page)

    assert auth.logout().status_code == 302

    assert not signed_in(copied, page)
    assert not signed_in(auth.client, page)


def test_a_copied_cookie_can_neither_start_nor_submit_a_posttest_after_logout(
    synced: Flask, db: Database, client: FlaskClient, auth: AuthActions
) -> None:
    """A posttest's start and submit check the session in their own transaction instead of
    reading the user first: an ended session is still sent to log in, and writes nothing."""
    auth.register()
    open_attempt = start_id(client)
    copied = copy_of(synced, client)
    page = copied.get(f"/attempts/{open_attempt}").get_data(as_text=True)
    token = csrf_token(page)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    assert version is not None
    form = {"csrf_token": token, "version_id": version.group(1)}
    form |= {f"q-{q}": sorted(v) for q, v in posted(db, open_attempt, RIGHT).items()}

    auth.logout()
    submitted = copied.post(f"/attempts/{open_attempt}", data=form)
    started = copied.post(f"/activities/{IMATINIB}/posttest", data={"csrf_token": token})

    for response in (submitted, started):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    with db.read_session() as session:
        attempts = session.execute(select(Attempt.id, Attempt.submitted_at)).all()
    assert attempts == [(open_attempt, None)]


def test_a_locked_account_can_neither_start_nor_submit_and_unknown_ids_tell_it_nothing(
    synced: Flask, db: Database, client: FlaskClient, auth: AuthActions
) -> None:
    """Locking ends the sessions the same way; and an ended session is sent to log in before
    anything is looked up, so it cannot learn which activities or attempts exist."""
    auth.register()
    open_attempt = start_id(client)
    token = csrf_token(client.get(f"/attempts/{open_attempt}").get_data(as_text=True))
    with db.read_session() as session:
        user_id = session.scalar(select(User.id))
    assert user_id is not None
    lock_account(db, user_id, "Shared account", audit.CLI, NOW)

    for path in (
        f"/attempts/{open_attempt}",
        f"/activities/{IMATINIB}/posttest",
        "/attempts/999999",
        "/activities/no-such-activity/posttest",
    ):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    with db.read_session() as session:
        attempts = session.execute(select(Attempt.id, Attempt.submitted_at)).all()
    assert attempts == [(open_attempt, None)]


def test_strong_session_protection_holds_for_a_posttest_start(
    synced: Flask, db: Database, client: FlaskClient, auth: AuthActions
) -> None:
    """The start reads no user, yet Flask-Login's ``strong`` protection (which an operator may
    set) still ends a session that comes back from another browser."""
    synced.config["SESSION_PROTECTION"] = "strong"
    auth.register()
    token = csrf_token(client.get(f"/activities/{IMATINIB}/posttest").get_data(as_text=True))

    elsewhere = client.post(
        f"/activities/{IMATINIB}/posttest",
        data={"csrf_token": token},
        headers={"User-Agent": "Another browser/1.0"},
    )

    assert elsewhere.headers["Location"].startswith("/login")
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_logging_out_ends_the_sessions_of_the_account_in_every_browser(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    elsewhere = AuthActions(app.test_client())
    assert elsewhere.login().status_code == 302

    auth.logout()

    assert not signed_in(elsewhere.client)
    assert elsewhere.login().status_code == 302
    assert signed_in(elsewhere.client)


def test_a_password_change_ends_copied_sessions_and_keeps_the_browser_that_made_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    copied = copy_of(app, client)

    response = auth.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(copied)


def test_a_reset_from_the_server_ends_every_session(
    app: Flask, client: FlaskClient, auth: AuthActions, runner: FlaskCliRunner
) -> None:
    auth.register()

    result = runner.invoke(args=["user", "password", EMAIL])

    assert result.exit_code == 0, result.output
    assert not signed_in(client)


def test_a_session_from_before_session_versions_is_signed_out(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    """Sessions used to carry a digest of the password hash after the user id."""
    auth.register()
    with db.read_session() as session:
        user_id = session.scalar(select(User.id))
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user_id}:0123456789abcdef"

    assert not signed_in(client)


# --- CSRF token rotation ------------------------------------------------------------------------


def test_a_csrf_token_from_before_login_is_refused_after_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    auth.logout()
    before = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": before, "email": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 302

    stale = client.post("/logout", data={"csrf_token": before})

    assert stale.status_code == 400
    assert "Form expired" in stale.get_data(as_text=True)
    assert signed_in(client)
    after = csrf_token(client.get("/").get_data(as_text=True))
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_registering_replaces_the_csrf_token_too(client: FlaskClient, auth: AuthActions) -> None:
    before = csrf_token(client.get("/register").get_data(as_text=True))
    assert auth.register().status_code == 302

    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert signed_in(client)


# --- caching and headers ------------------------------------------------------------------------


def test_every_page_served_to_a_signed_in_user_says_no_store(
    synced: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    attempt_id = take(client, right=3)
    pages = [
        "/",
        f"/activities/{IMATINIB}/",
        f"/activities/{IMATINIB}/posttest",
        f"/attempts/{attempt_id}",
        "/my/activities",
        "/my/transcript",
        "/my/transcript.csv",
        "/account",
        "/account/password",
        "/no-such-page",
    ]
    for page in pages:
        response = client.get(page)
        assert "no-store" in response.headers["Cache-Control"].split(", "), page


def test_pages_for_visitors_and_the_figures_may_still_be_cached(
    synced: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    article = client.get(f"/activities/{IMATINIB}/")
    assert "no-store" not in article.headers.get("Cache-Control", "")
    figure = next(
        line.split('src="', 1)[1].split('"', 1)[0]
        for line in article.get_data(as_text=True).splitlines()
        if 'src="/figures/' in line
    )
    auth.register()

    response = client.get(figure)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_application_sends_no_server_header_of_its_own(client: FlaskClient) -> None:
    """The server software adds it (see ``Server`` in the README); nothing of quizapp's
    versions goes out with a response."""
    for page in ("/", "/login", "/healthz", "/no-such-page"):
        assert "Server" not in client.get(page).headers


@pytest.fixture
def gunicorn_site(tmp_path: Path) -> Iterator[int]:
    """quizapp as production serves it: one gunicorn worker on a free loopback port."""
    database_url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    database = Database(database_url)
    upgrade(database)
    database.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    environment = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": database_url,
        "QUIZAPP_SECRET_KEY": "test-secret-key",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
         "quizapp:create_app()"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )  # fmt: skip
    try:
        # Generous: on a loaded machine gunicorn's start waits for a core; it stops early if
        # gunicorn exits.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_behind_gunicorn_the_one_server_header_names_no_version(gunicorn_site: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn_site, timeout=10)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()

    assert response.status == 200
    assert response.headers.get_all("Server") == ["gunicorn"]


# --- SESSION_COOKIE_SECURE ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "setting", "secure"),
    [
        ("http://127.0.0.1:5000", None, False),
        ("https://cme.example.org", None, True),
        ("https://cme.example.org", "false", False),
        ("http://127.0.0.1:5000", True, True),
        ("http://127.0.0.1:5000", "on", True),
    ],
)
def test_the_session_cookie_is_secure_on_an_https_site_unless_set_otherwise(
    database_url: str, site: str, setting: object, secure: bool
) -> None:
    overrides: dict[str, object] = {"SITE_URL": site}
    if setting is not None:
        overrides["SESSION_COOKIE_SECURE"] = setting
    app = make_app(database_url, **overrides)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        cookie = app.test_client().get("/login").headers["Set-Cookie"]
        assert cookie.startswith("session=")
        assert ("; Secure" in cookie) is secure
    finally:
        app.extensions["quizapp.db"].dispose()


def test_an_unusable_secure_cookie_setting_stops_start_up(database_url: str) -> None:
    with pytest.raises(ConfigurationError, match="SESSION_COOKIE_SECURE is 'sometimes'"):
        make_app(database_url, SESSION_COOKIE_SECURE="sometimes")


def test_the_environment_turns_the_secure_cookie_on(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_SESSION_COOKIE_SECURE", "true")
    app = make_app(database_url)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["quizapp.db"].dispose()


# --- the upgrade --------------------------------------------------------------------------------


def test_an_account_created_before_session_versions_logs_in_and_out_after_the_upgrade(
    database_url: str,
) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    try:
        command.upgrade(alembic_config(database), revision_before(database, SESSION_VERSIONS))
        with database.transaction() as session:
            session.execute(
                insert(User.__table__).values(
                    email=EMAIL,
                    password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
                    full_name="Ann Lee",
                    degree="MD",
                    role="learner",
                    created_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
                )
            )
        upgrade(database)
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        with database.read_session() as session:
            assert session.scalar(select(User.session_version)) == 0

        auth = AuthActions(app.test_client())
        assert auth.login(EMAIL).status_code == 302
        assert signed_in(auth.client)
        copied = copy_of(app, auth.client)
        assert auth.logout().status_code == 302
        assert not signed_in(copied)
        with database.read_session() as session:
            assert session.scalar(select(User.session_version)) == 1
    finally:
        database.dispose()


def test_downgrading_drops_the_session_version_and_upgrading_again_restores_it(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        upgrade(database)
        command.downgrade(alembic_config(database), revision_before(database, SESSION_VERSIONS))
        upgrade(database)
        command.check(alembic_config(database))
    finally:
        database.dispose()
