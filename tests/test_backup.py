"""``quizapp db backup`` and ``quizapp db restore``: a database with learners, claims and
certificates survives the round trip, on SQLite and on PostgreSQL, and a certificate still
verifies afterwards; bad input gets a clear message and a non-zero exit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from quizapp.accounts.services import Registration, register
from quizapp.authoring.services import sync_content
from quizapp.credit.services import claim_credit
from quizapp.db import Database
from quizapp.learning import services as learning
from quizapp.migrate import MIGRATIONS_DIR, upgrade
from quizapp.models import Certificate
from tests.conftest import NOW, PASSWORD, POSTGRES_URL, SAMPLE_CONTENT, AuthActions, make_app
from tests.learner_helpers import IMATINIB, RIGHT, posted

EVALUATION = {
    "objectives-met": "Agree",
    "relevance": "Strongly agree",
    "intent-to-change": "Yes",
    "commercial-bias": "No",
}


HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def completed_learner(database: Database, email: str, name: str) -> str:
    """Register, pass, evaluate and claim; the certificate's verification code."""
    user = register(
        database, Registration(email, PASSWORD, name, "MD"), now=NOW, hash_method="scrypt:1024:8:1"
    )
    attempt_id = learning.start_attempt(database, user.id, IMATINIB, NOW)
    learning.submit_attempt(database, user.id, attempt_id, posted(database, attempt_id, RIGHT), NOW)
    learning.submit_evaluation(database, user.id, IMATINIB, EVALUATION, NOW)
    claim_credit(database, user.id, IMATINIB, {"ama-pra-1": "1.0"}, attested=True, now=NOW)
    with database.read_session() as session:
        code = session.scalar(
            select(Certificate.code).where(
                Certificate.user_id == user.id, Certificate.status == "issued"
            )
        )
    assert code
    return code


@pytest.fixture
def source(database_url: str) -> Iterator[tuple[Flask, list[str]]]:
    """A migrated database with two learners who completed the activity."""
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    upgrade(database)
    sync_content(database, SAMPLE_CONTENT, now=NOW)
    codes = [
        completed_learner(database, "ann.lee@example.org", "Ann Lee"),
        completed_learner(database, "jose.nunez@example.org", "José Núñez"),
    ]
    yield app, codes
    database.dispose()


@pytest.fixture
def empty_target(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the same kind: a new SQLite file, or a new PostgreSQL
    database whose search path names the source's schema (a schema-scoped backup restores
    into a schema of the same name)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def run(app: Flask, *args: str) -> tuple[int, str]:
    runner: FlaskCliRunner = app.test_cli_runner()
    result = runner.invoke(args=["db", *args])
    return result.exit_code, result.output


def test_a_backup_restores_into_an_empty_database_and_its_certificates_still_verify(
    source: tuple[Flask, list[str]], empty_target: str, tmp_path: Path
) -> None:
    app, codes = source
    path = tmp_path / "quizapp-2027-01-15.backup"
    status, output = run(app, "backup", str(path))
    assert status == 0, output
    assert f"to {path} (" in output and f"schema revision {HEAD}" in output

    restored = make_app(empty_target)
    try:
        status, output = run(restored, "restore", str(path))
        assert status == 0, output
        assert f"schema revision {HEAD})." in output and "upgrade" not in output

        client = restored.test_client()
        for code, name in zip(codes, ["Ann Lee", "José Núñez"], strict=True):
            page = client.get(f"/verify/{code}").get_data(as_text=True)
            assert "<strong>Valid.</strong>" in page and name in page
        assert client.get("/healthz").status_code == 200
        learner = AuthActions(client)
        assert learner.login("jose.nunez@example.org").status_code == 302
        transcript = client.get("/my/transcript").get_data(as_text=True)
        assert "AMA PRA Category 1 Credit" in transcript

        status, output = run(restored, "restore", str(path))
        assert status == 1
        assert "is not empty" in output and "restore only into an empty database" in output
    finally:
        restored.extensions["quizapp.db"].dispose()


def test_a_backup_never_overwrites_a_file(source: tuple[Flask, list[str]], tmp_path: Path) -> None:
    app, _codes = source
    path = tmp_path / "taken.backup"
    path.write_text("an earlier backup")
    status, output = run(app, "backup", str(path))
    assert status == 1
    assert "already exists; a backup never overwrites a file" in output
    assert path.read_text() == "an earlier backup"


def test_a_backup_into_a_missing_folder_is_refused(
    source: tuple[Flask, list[str]], tmp_path: Path
) -> None:
    app, _codes = source
    status, output = run(app, "backup", str(tmp_path / "no-such-folder" / "x.backup"))
    assert status == 1
    assert "is not a folder; create it first" in output


def test_restoring_something_that_is_not_a_backup_is_refused(
    empty_target: str, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    app = make_app(empty_target)
    try:
        status, output = run(app, "restore", str(path))
        assert status == 1
        assert "is not" in output and "backup made by quizapp db backup" in output
        status, output = run(app, "restore", str(tmp_path / "missing.backup"))
        assert status == 1
        assert "missing.backup is not a file" in output
    finally:
        app.extensions["quizapp.db"].dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="QUIZAPP_TEST_DATABASE_URL is not set")
def test_without_pg_dump_the_backup_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app(POSTGRES_URL)
    try:
        status, output = run(app, "backup", str(tmp_path / "x.backup"))
    finally:
        app.extensions["quizapp.db"].dispose()
    assert status == 1
    assert "pg_dump was not found on PATH; install PostgreSQL's client programs" in output
    assert not (tmp_path / "x.backup").exists()
