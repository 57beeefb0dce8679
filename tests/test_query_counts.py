"""Pages that list a learner's rows read them in a fixed number of SQL statements, however
many activities or attempts there are (no query per row), like the submit test in
``test_attempts.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from quizapp.db import Database
from quizapp.learning.versions import VersionCache
from quizapp.models import ActivityVersion, User
from tests.conftest import AuthActions
from tests.learner_helpers import IMATINIB, evaluate, pass_methotrexate, take, variant
from tests.staff_helpers import sign_in_as

TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK")


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """The statements run inside the block, without BEGIN, COMMIT and ROLLBACK."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.split()[0].upper() not in TRANSACTION:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client: FlaskClient, db: Database, path: str) -> list[str]:
    """The statements of the second of two identical requests, once the version cache is warm."""
    assert client.get(path).status_code == 200
    with counted(db) as statements:
        assert client.get(path).status_code == 200
    return statements


def more_activities(tmp_path: Path, db: Database, client: FlaskClient) -> None:
    """Two more activities with attempts, one of them pinned to a version since replaced."""
    for slug in ("copy-one", "copy-two"):
        variant(tmp_path / slug, db, slug, {})
        take(client, right=0, slug=slug)
    variant(tmp_path / "edited", db, "copy-two", {"attempts_allowed: 3": "attempts_allowed: 4"})
    take(client, right=1, slug="copy-two")
    pass_methotrexate(client)


@pytest.fixture
def learner(synced: Flask, auth: AuthActions, client: FlaskClient) -> AuthActions:
    auth.register()
    take(client, right=1)
    return auth


def test_my_activities_reads_every_activity_in_a_fixed_number_of_statements(
    learner: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    """The signed-in user, the listing, then the attempts, evaluations, claims and grants of
    every activity at once: six, where it used to be two and five more per activity."""
    few = statements_for(client, db, "/my/activities")
    take(client, right=3)
    evaluate(learner)
    more_activities(tmp_path, db, client)

    many = statements_for(client, db, "/my/activities")

    page = client.get("/my/activities").get_data(as_text=True)
    assert page.count("<tr>") == 1 + 4, "a header and four activities"
    assert len(many) == len(few) <= 6, "\n".join(many)


def test_the_catalog_shows_a_learners_progress_in_a_fixed_number_of_statements(
    learner: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    """The signed-in user, the listing, then the learner's attempts, evaluations, claims and
    grants of every listed activity at once."""
    few = statements_for(client, db, "/")
    more_activities(tmp_path, db, client)

    many = statements_for(client, db, "/")

    assert client.get("/").get_data(as_text=True).count("Your progress:") == 4
    assert len(many) == len(few) <= 6, "\n".join(many)


def test_the_admin_learner_page_reads_every_attempt_in_a_fixed_number_of_statements(
    app: Flask, learner: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    """The signed-in admin, the learner, their attempts, the responses of all of them, claims,
    certificates, activities, and where the learner stands in every activity (attempts,
    evaluations, claims and grants, for the attempt limits beside the grant form): eleven,
    where the responses took one statement per attempt and the grants one per activity."""
    admin = sign_in_as(app, db, "admin", "boss@example.org")
    with db.read_session() as session:
        user_id = session.scalar(select(User.id).where(User.email == "ann.lee@example.org"))
    path = f"/admin/learners/{user_id}"
    few = statements_for(admin.client, db, path)
    take(client, right=3, slug=IMATINIB)
    more_activities(tmp_path, db, client)

    many = statements_for(admin.client, db, path)

    page = admin.client.get(path).get_data(as_text=True)
    assert page.count("✓") + page.count("✗") == 3 * 5 + 5, "every response of six attempts"
    assert len(many) == len(few) <= 11, "\n".join(many)


def test_versions_not_cached_yet_are_read_in_one_statement(synced: Flask, db: Database) -> None:
    cache = VersionCache()
    with db.read_session() as session:
        ids = list(session.scalars(select(ActivityVersion.id)))
        assert len(ids) >= 2
        session.expunge_all()
        with counted(db) as cold:
            pinned = cache.get_many(session, ids)
        with counted(db) as warm:
            assert cache.get_many(session, ids) == pinned
    assert sorted(pinned) == sorted(ids)
    assert len(cold) == 1 and warm == []
