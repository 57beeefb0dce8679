"""Posttest attempts: pinned versions, server-side scoring, limits, review policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.learning import services
from quizapp.models import Attempt, Response, User
from tests.conftest import FROZEN_NOW, NOW, AuthActions, csrf_token, make_app
from tests.learner_helpers import (
    IMATINIB,
    METHOTREXATE,
    RIGHT,
    WRONG,
    answers,
    posted,
    start,
    start_id,
    submit,
    take,
    variant,
)


@pytest.fixture
def learner(synced: Flask, auth: AuthActions) -> AuthActions:
    auth.register()
    return auth


def attempts_of(db: Database) -> list[Attempt]:
    with db.read_session() as session:
        return list(session.scalars(select(Attempt).order_by(Attempt.id)))


def response_count(db: Database) -> int:
    with db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Response)) or 0


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_posttest_requires_signing_in(synced: Flask, client: FlaskClient) -> None:
    response = client.get(f"/activities/{IMATINIB}/posttest")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        f"/activities/{IMATINIB}/posttest",
        "/attempts/{attempt_id}",
        f"/activities/{IMATINIB}/evaluation",
        f"/activities/{IMATINIB}/claim",
    ],
    ids=["start", "submit", "evaluation", "claim"],
)
def test_a_learners_post_without_the_csrf_token_gets_form_expired_and_changes_nothing(
    learner: AuthActions, client: FlaskClient, db: Database, path: str
) -> None:
    attempt_id = start_id(client)
    before = [(a.id, a.submitted_at) for a in attempts_of(db)]

    response = client.post(path.format(attempt_id=attempt_id), data=answers(right=3))

    assert response.status_code == 400
    assert "<h1>Form expired</h1>" in response.get_data(as_text=True)
    assert [(a.id, a.submitted_at) for a in attempts_of(db)] == before


def test_starting_pins_the_current_version_and_the_option_order_shown(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client)
    [attempt] = attempts_of(db)
    assert attempt.id == attempt_id and attempt.number == 1
    assert set(attempt.option_order) == set(RIGHT)
    assert attempt.option_order["most-common-adverse-events"] == ["a", "b", "c", "d", "e"]
    assert attempt.option_order["bone-events-cml-gist"] == ["a", "b"]


def test_the_attempt_form_uses_fieldsets_radios_and_carries_no_answer_key(
    learner: AuthActions, client: FlaskClient
) -> None:
    html = client.get(f"/attempts/{start_id(client)}").get_data(as_text=True)
    assert html.count("<fieldset") == 3
    assert html.count("<legend>") == 3
    assert 'type="radio" name="q-most-common-adverse-events"' in html
    assert "checkbox" not in html
    assert "correct" not in html.lower()
    assert "rationale" not in html.lower()


def test_multiple_answer_items_are_checkboxes(
    synced: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    auth.register()
    html = client.get(f"/attempts/{start_id(client, 'weekly-methotrexate-safety')}").get_data(
        as_text=True
    )
    assert 'type="checkbox"' in html
    assert "select all that apply" in html


def test_starting_twice_returns_the_open_attempt_instead_of_using_another(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    assert start_id(client) == start_id(client)
    assert len(attempts_of(db)) == 1


def test_the_server_scores_from_the_key_two_of_three_passes_at_66(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    take(client, right=2)
    [attempt] = attempts_of(db)
    assert attempt.passed is True
    assert str(attempt.score_percent) == "66.67"
    assert response_count(db) == 3


def test_one_of_three_fails(learner: AuthActions, client: FlaskClient, db: Database) -> None:
    attempt_id = take(client, right=1)
    [attempt] = attempts_of(db)
    assert attempt.passed is False
    text = visible_text(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    assert "Attempt 1: not passed" in text
    assert "Not passed" in text
    assert "You scored 1 of 3 (33%); 66% passes." in text
    assert "You have 2 attempts left." in text


def test_two_of_three_fails_when_the_passing_score_is_67(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(tmp_path, db, "strict-pass", {"passing_score: 66": "passing_score: 67"})
    auth.register()
    take(client, right=2, slug=slug)
    [attempt] = attempts_of(db)
    assert attempt.passed is False


def test_a_double_submit_records_one_result(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client)
    first = submit(client, attempt_id, answers(3))
    second = client.post(
        f"/attempts/{attempt_id}",
        data={
            "csrf_token": re.search(
                r'value="([^"]+)"', client.get("/").get_data(as_text=True)
            ).group(1)
        }  # type: ignore[union-attr]
        | {f"q-{k}": v for k, v in WRONG.items()},
    )
    assert first.status_code == second.status_code == 302
    [attempt] = attempts_of(db)
    assert attempt.passed is True
    assert response_count(db) == 3
    followed = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already submitted" in followed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bone-events-cml-gist": None}, "Question 1 is unanswered."),
        ({"most-common-adverse-events": "z"}, "is not an option of its question"),
        ({"most-common-adverse-events": ["a", "e"]}, "Choose exactly one answer"),
        ({"question-from-another-version": "a"}, "This form does not match your attempt"),
    ],
)
def test_a_malformed_submission_gets_a_clear_message_and_changes_nothing(
    learner: AuthActions,
    client: FlaskClient,
    db: Database,
    change: dict[str, object],
    message: str,
) -> None:
    attempt_id = start_id(client)
    chosen: dict[str, object] = dict(RIGHT)
    for key, value in change.items():
        if value is None:
            chosen.pop(key)
        else:
            chosen[key] = value
    response = submit(client, attempt_id, chosen)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    [attempt] = attempts_of(db)
    assert attempt.submitted_at is None and attempt.passed is None
    assert response_count(db) == 0


def test_a_form_from_another_version_is_refused(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": token, "version_id": "999"} | {f"q-{k}": v for k, v in RIGHT.items()}
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 400
    assert "another version" in response.get_data(as_text=True)
    assert response_count(db) == 0


def test_an_open_attempt_keeps_its_version_when_the_content_changes(
    learner: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import SAMPLE_CONTENT

    attempt_id = start_id(client)
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    posttest = root / IMATINIB / "posttest.md"
    posttest.write_text(
        posttest.read_text(encoding="utf-8").replace("most common", "most often seen", 1),
        encoding="utf-8",
    )
    sync_content(db, root, now=NOW)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "most often seen" not in html
    assert submit(client, attempt_id, answers(3)).status_code == 302
    next_attempt_form = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "most often seen" not in next_attempt_form


def test_the_attempt_limit_refuses_a_fourth_attempt(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    for _ in range(3):
        take(client, right=0)
    response = start(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have used all 3 attempts allowed for this posttest." in page
    assert len(attempts_of(db)) == 3


def test_unlimited_attempts_keep_going(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path, db, "unlimited", {"attempts_allowed: 3": "attempts_allowed: unlimited"}
    )
    auth.register()
    for _ in range(5):
        take(client, right=0, slug=slug)
    assert len(attempts_of(db)) == 5


def test_a_passed_posttest_takes_no_further_attempts(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    take(client, right=3)
    page = client.get(start(client).headers["Location"]).get_data(as_text=True)
    assert "Complete the evaluation" in page
    assert len(attempts_of(db)) == 1


def test_the_wait_between_attempts_is_enforced(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "with-wait",
        {"attempts_allowed: 3": "attempts_allowed: 3\nattempt_wait_hours: 24"},
    )
    auth.register()
    take(client, right=0, slug=slug)
    page = client.get(start(client, slug).headers["Location"]).get_data(as_text=True)
    assert "You can start your next attempt after January 16, 2027 at 12:00 UTC." in page
    assert len(attempts_of(db)) == 1


def test_times_show_in_the_site_time_zone_with_the_zone_named(
    synced: Flask, db: Database, tmp_path: Path
) -> None:
    """The same attempt at 12:00 UTC, on a site whose TIME_ZONE is New York's."""
    slug = variant(
        tmp_path,
        db,
        "with-wait",
        {"attempts_allowed: 3": "attempts_allowed: 3\nattempt_wait_hours: 24"},
    )
    new_york = make_app(synced.config["DATABASE_URL"], TIME_ZONE="America/New_York")
    try:
        client = new_york.test_client()
        AuthActions(client).register()
        take(client, right=0, slug=slug)
        refused = client.get(start(client, slug).headers["Location"]).get_data(as_text=True)
        assert "You can start your next attempt after January 16, 2027 at 07:00 EST." in refused
        assert "January 15, 2027 07:00 EST" in refused
        assert "UTC" not in refused
    finally:
        new_york.extensions["quizapp.db"].dispose()


def test_an_expired_activity_takes_no_new_attempts(database_url: str, tmp_path: Path) -> None:
    from quizapp.models import Base
    from tests.conftest import SAMPLE_CONTENT

    app = make_app(database_url, FROZEN_NOW="2028-09-01T08:00:00+00:00")
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        client = app.test_client()
        AuthActions(client).register()
        page = client.get(start(client).headers["Location"]).get_data(as_text=True)
        assert "expired on August 31, 2028 and no longer takes attempts" in page
        assert attempts_of(database) == []
    finally:
        database.dispose()


def test_an_attempt_left_open_past_expiry_takes_no_answers(
    learner: AuthActions, app: Flask, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client)
    app.config["FROZEN_NOW"] = "2028-09-01T08:00:00+00:00"
    response = submit(client, attempt_id, answers(3))
    assert response.status_code == 400
    assert "expired on August 31, 2028; it no longer takes answers" in response.get_data(
        as_text=True
    )
    assert response_count(db) == 0
    assert "Expired before completion" in client.get("/my/activities").get_data(as_text=True)


def test_another_learners_attempt_is_404(
    learner: AuthActions, app: Flask, client: FlaskClient
) -> None:
    attempt_id = take(client, right=1)
    other = app.test_client()
    AuthActions(other).register("bob@example.org", full_name="Bob Roe")
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    token_page = other.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)  # type: ignore[union-attr]
    assert other.post(f"/attempts/{attempt_id}", data={"csrf_token": token}).status_code == 404
    assert other.get("/attempts/999999").status_code == 404


def test_submitting_without_a_csrf_token_is_refused(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client)
    response = client.post(f"/attempts/{attempt_id}", data={f"q-{k}": v for k, v in RIGHT.items()})
    assert response.status_code == 400
    assert response_count(db) == 0


# Review policy: what each page shows, and never the key before the policy allows it.


def review_page(client: FlaskClient, attempt_id: int) -> str:
    return client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_by_default_a_failed_attempt_shows_the_score_but_neither_wrong_items_nor_key(
    learner: AuthActions, client: FlaskClient
) -> None:
    """Marking the missed items would give away every true/false answer for the next try."""
    html = review_page(client, take(client, right=1))
    assert "You scored" in html
    assert "Incorrect" not in html and "Correct</span>" not in html
    assert "correct answer" not in html
    assert "Rationale." not in html


def test_by_default_passing_shows_the_answers_and_rationale(
    learner: AuthActions, client: FlaskClient
) -> None:
    failed = take(client, right=1)
    passed = take(client, right=2)
    for attempt_id in (failed, passed):
        html = review_page(client, attempt_id)
        assert "correct answer" in html
        assert html.count("Rationale.") == 3


def test_by_default_the_last_allowed_attempt_shows_the_answers(
    learner: AuthActions, client: FlaskClient
) -> None:
    take(client, right=0)
    second = take(client, right=0)
    assert "Rationale." not in review_page(client, second)
    last = take(client, right=1)
    assert review_page(client, last).count("Rationale.") == 3
    assert review_page(client, second).count("Rationale.") == 3


def test_a_policy_of_never_keeps_the_key_and_the_wrong_items_hidden_even_after_passing(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "never-review",
        {
            "attempts_allowed: 3": "attempts_allowed: 3\n"
            "review:\n  wrong_items: never\n  answers: never"
        },
    )
    auth.register()
    html = review_page(client, take(client, right=2, slug=slug))
    assert "You scored 2 of 3 (67%)" in visible_text(html)
    assert "Incorrect" not in html
    assert "correct answer" not in html and "Rationale." not in html


def test_a_policy_showing_answers_after_each_attempt_shows_them_after_a_failure(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "open-review",
        {"attempts_allowed: 3": "attempts_allowed: 3\nreview:\n  answers: after-each-attempt"},
    )
    auth.register()
    html = review_page(client, take(client, right=0, slug=slug))
    assert html.count("Rationale.") == 3


def test_a_policy_hiding_the_score_shows_only_pass_or_fail(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "no-score",
        {
            "attempts_allowed: 3": "attempts_allowed: 3\n"
            "review:\n  score: never\n  wrong_items: never"
        },
    )
    auth.register()
    html = review_page(client, take(client, right=1, slug=slug))
    assert "Attempt 1: not passed" in html
    assert "You scored" not in html
    assert "33.33" not in client.get(f"/activities/{slug}/posttest").get_data(as_text=True)


# The hot path.


def test_a_submit_issues_three_statements_once_the_version_is_cached(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    with db.read_session() as session:
        user_id = session.scalar(select(User.id))
    warm = start_id(client)
    services.submit_attempt(db, user_id, warm, posted(db, warm, WRONG), _now())
    attempt_id = start_id(client)
    answers = posted(db, attempt_id, RIGHT)
    statements: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0].upper())

    services.submit_attempt(db, user_id, attempt_id, answers, _now())
    event.remove(db.engine, "before_cursor_execute", count)
    work = [s for s in statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert work == ["SELECT", "UPDATE", "INSERT"], statements


def test_a_start_issues_two_statements_whatever_the_number_of_past_attempts(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    """The activity with the learner's granted attempts and the few columns of their attempts
    the rules read (never the option orders of past attempts), then the insert."""
    with db.read_session() as session:
        user_id = session.scalar(select(User.id))
    first = services.start_attempt(db, user_id, IMATINIB, _now())
    services.submit_attempt(db, user_id, first, posted(db, first, WRONG), _now())
    statements: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    second = services.start_attempt(db, user_id, IMATINIB, _now())
    event.remove(db.engine, "before_cursor_execute", count)
    work = [s for s in statements if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert [s.split()[0].upper() for s in work] == ["SELECT", "INSERT"], statements
    assert "option_order" not in work[0]
    assert second != first
    with db.read_session() as session:
        assert session.get(Attempt, second).number == 2  # type: ignore[union-attr]


def test_a_posttest_start_and_submit_request_read_no_user_before_their_own_statements(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    """The whole request, not only the service: the session is checked in the first statement
    of the write, so a start at a deadline costs two statements and a submit three."""
    warm = start_id(client)
    services.submit_attempt(db, attempts_of(db)[0].user_id, warm, posted(db, warm, WRONG), _now())
    page = client.get(f"/activities/{IMATINIB}/posttest").get_data(as_text=True)
    token = csrf_token(page)
    statements: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0].upper())

    started = client.post(f"/activities/{IMATINIB}/posttest", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    start_statements, statements[:] = list(statements), []
    event.remove(db.engine, "before_cursor_execute", count)
    version = str(attempts_of(db)[-1].activity_version_id)
    form = {"csrf_token": token, "version_id": version}
    form |= {f"q-{q}": sorted(v) for q, v in posted(db, attempt_id, RIGHT).items()}
    event.listen(db.engine, "before_cursor_execute", count)
    submitted = client.post(f"/attempts/{attempt_id}", data=form)
    event.remove(db.engine, "before_cursor_execute", count)

    assert started.status_code == submitted.status_code == 302
    transaction = ("BEGIN", "COMMIT", "ROLLBACK")
    assert [s for s in start_statements if s not in transaction] == ["SELECT", "INSERT"]
    assert [s for s in statements if s not in transaction] == ["SELECT", "UPDATE", "INSERT"]


def test_a_write_ends_the_requests_read_transaction_and_later_reads_see_it(
    learner: AuthActions, synced: Flask, db: Database
) -> None:
    """On SQLite an open read transaction pins the write-ahead log: a commit then checkpoints
    (with a disk flush) without being able to restart the log, on every posttest."""
    from quizapp.db import request_session

    with synced.test_request_context():
        session = request_session()
        user_id = session.scalar(select(User.id))
        assert session.in_transaction()
        attempt_id = services.start_attempt(db, user_id, IMATINIB, _now())
        assert not session.in_transaction()
        assert session.get(Attempt, attempt_id) is not None


def _now():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromisoformat(FROZEN_NOW)


def test_a_past_attempt_is_reviewed_under_its_own_versions_policy(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path, db, "policy-change",
        {"attempts_allowed: 3": "attempts_allowed: 3\nreview:\n  answers: never"},
    )  # fmt: skip
    auth.register()
    first = take(client, right=0, slug=slug)
    variant(
        tmp_path / "later", db, "policy-change",
        {"attempts_allowed: 3": "attempts_allowed: 3\nreview:\n  answers: after-each-attempt"},
    )  # fmt: skip
    assert "Rationale." not in review_page(client, first)
    second = take(client, right=0, slug=slug)
    assert review_page(client, second).count("Rationale.") == 3


def with_review(tmp_path: Path, db: Database, slug: str, answers_moment: str) -> str:
    return variant(
        tmp_path,
        db,
        slug,
        {"attempts_allowed: 3": f"attempts_allowed: 3\nreview:\n  answers: {answers_moment}"},
    )


def test_after_last_attempt_a_learner_who_passes_on_the_first_of_three_sees_the_answers(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = with_review(tmp_path, db, "last-attempt-review", "after-last-attempt")
    auth.register()

    html = review_page(client, take(client, right=3, slug=slug))

    assert "Attempt 1: passed" in html
    assert html.count("Rationale.") == 3
    assert "correct answer" in html
    assert "after your last attempt" not in html


def test_after_last_attempt_a_failed_learner_is_told_the_answers_come_on_passing_or_at_the_end(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = with_review(tmp_path, db, "last-attempt-review", "after-last-attempt")
    auth.register()
    failed = take(client, right=1, slug=slug)

    html = review_page(client, failed)
    assert "Rationale." not in html and "correct answer" not in html
    assert (
        "Correct answers and explanations are shown once you pass or use your last attempt."
        in visible_text(html)
    )

    take(client, right=2, slug=slug)
    assert review_page(client, failed).count("Rationale.") == 3


def test_after_last_attempt_using_every_attempt_shows_the_answers_on_each(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = with_review(tmp_path, db, "last-attempt-review", "after-last-attempt")
    auth.register()
    attempt_ids = [take(client, right=0, slug=slug) for _ in range(2)]
    assert "Rationale." not in review_page(client, attempt_ids[-1])

    attempt_ids.append(take(client, right=0, slug=slug))

    for attempt_id in attempt_ids:
        assert review_page(client, attempt_id).count("Rationale.") == 3


def test_after_passing_the_answers_wait_for_a_pass_and_then_show_on_every_attempt(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = with_review(tmp_path, db, "passing-review", "after-passing")
    auth.register()
    failed = take(client, right=0, slug=slug)
    html = review_page(client, failed)
    assert "Rationale." not in html
    assert "Correct answers and explanations are shown once you pass." in visible_text(html)

    passed = take(client, right=3, slug=slug)

    for attempt_id in (failed, passed):
        assert review_page(client, attempt_id).count("Rationale.") == 3


def test_after_passing_a_learner_who_uses_every_attempt_never_sees_the_answers(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = with_review(tmp_path, db, "passing-review", "after-passing")
    auth.register()
    attempt_ids = [take(client, right=1, slug=slug) for _ in range(3)]

    for attempt_id in attempt_ids:
        html = review_page(client, attempt_id)
        assert "Rationale." not in html and "correct answer" not in html
    text = visible_text(review_page(client, attempt_ids[-1]))
    assert "You have no attempts left." in text
    assert "Correct answers and explanations are shown only to learners who pass." in text


# Two of three correct options on two items and one of two on another: 2 + 2/3 + 2/3 + 1/2
# of 5 points is 76.67%, a pass at 75%; all-or-nothing it is 2 of 5, 40%.
PARTLY_RIGHT: dict[str, str | list[str]] = {
    "order-entry-safeguards": ["a", "b"],
    "toxicity-warning-signs": ["a", "b"],
    "toxicity-risk-factors": "d",
    "folic-acid-overdose": "b",
    "safer-prescription": ["a"],
}


# My activities: the learner's status in each activity, and the next step.


def my_activities(client: FlaskClient) -> dict[str, tuple[str, str]]:
    """Each listed activity's slug with its status and next-step link text."""
    html = client.get("/my/activities").get_data(as_text=True)
    rows: dict[str, tuple[str, str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        slug = re.search(r'href="/activities/([^/"]+)/"', row)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        if slug and len(cells) == 3:
            rows[slug.group(1)] = (visible_text(cells[1]).strip(), visible_text(cells[2]).strip())
    return rows


def catalog_progress(client: FlaskClient) -> dict[str, str]:
    """Each catalog card's slug with the learner's progress it shows."""
    html = client.get("/").get_data(as_text=True)
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    found = {}
    for card in cards:
        slug = re.search(r'href="/activities/([^/"]+)/"', card)
        progress = re.search(r'<p class="progress">(.*?)</p>', card, re.S)
        if slug and progress:
            found[slug.group(1)] = visible_text(progress.group(1)).strip()
    return found


def test_my_activities_follows_a_learner_from_not_started_to_completed(
    learner: AuthActions, client: FlaskClient
) -> None:
    """My activities lists what the learner started; the catalog shows each one's progress."""
    from tests.learner_helpers import claim, evaluate

    def status() -> tuple[str, str]:
        in_catalog = catalog_progress(client)[IMATINIB]
        mine = my_activities(client)[IMATINIB]
        assert in_catalog == f"Your progress: {mine[0]}"
        return mine

    assert my_activities(client) == {}
    assert "You have not started an activity yet." in client.get("/my/activities").get_data(
        as_text=True
    )
    assert catalog_progress(client) == {
        IMATINIB: "Your progress: Not started",
        METHOTREXATE: "Your progress: Not started",
    }
    attempt_id = start_id(client)
    assert status() == ("In progress", "Posttest")
    assert list(my_activities(client)) == [IMATINIB]
    assert submit(client, attempt_id, answers(1)).status_code == 302
    assert status() == ("Failed, 2 attempts left", "Posttest")
    take(client, right=0)
    assert status() == ("Failed, 1 attempt left", "Posttest")
    take(client, right=3)
    assert status() == ("Passed, evaluation due", "Evaluation")
    assert evaluate(learner).status_code == 302
    assert status() == ("Passed, credit not yet claimed", "Claim credit")
    assert claim(learner, {"ama-pra-1": "1.0"}).status_code == 302
    assert status() == ("Completed", "Transcript")
    assert catalog_progress(client)[METHOTREXATE] == "Your progress: Not started"


def test_a_visitor_sees_the_catalog_without_progress(synced: Flask, client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert IMATINIB in html and catalog_progress(client) == {}
    assert "My activities</a> lists" not in html


def test_my_activities_says_when_no_attempts_are_left_and_when_they_are_unlimited(
    learner: AuthActions, client: FlaskClient
) -> None:
    for _ in range(3):
        take(client, right=0)
    attempt_id = start_id(client, METHOTREXATE)
    assert my_activities(client)[METHOTREXATE] == ("In progress", "Posttest")
    assert submit(client, attempt_id, PARTLY_RIGHT).status_code == 302

    rows = my_activities(client)

    assert rows[IMATINIB] == ("Failed, no attempts left", "Posttest")
    assert rows[METHOTREXATE] == ("Failed, you may try again", "Posttest")


# Partial credit on multiple-answer items.


def test_with_partial_credit_partly_right_multiple_answer_items_earn_their_share_and_pass(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "partial-methotrexate",
        {"attempts_allowed: unlimited": "attempts_allowed: unlimited\npartial_credit: true"},
        source=METHOTREXATE,
    )
    auth.register()
    attempt_id = start_id(client, slug)

    assert submit(client, attempt_id, PARTLY_RIGHT).status_code == 302

    [attempt] = attempts_of(db)
    assert attempt.passed is True
    assert str(attempt.score_percent) == "76.67"
    with db.read_session() as session:
        points = {r.question_id: str(r.points) for r in session.scalars(select(Response))}
    assert points == {
        "order-entry-safeguards": "0.6667",
        "toxicity-warning-signs": "0.6667",
        "toxicity-risk-factors": "1.0000",
        "folic-acid-overdose": "1.0000",
        "safer-prescription": "0.5000",
    }
    text = visible_text(review_page(client, attempt_id))
    assert "Attempt 1: passed" in text
    assert "You scored 3.83 of 5 (77%); 75% passes." in text


def test_without_partial_credit_the_same_answers_score_all_or_nothing_and_fail(
    learner: AuthActions, client: FlaskClient, db: Database
) -> None:
    attempt_id = start_id(client, METHOTREXATE)

    assert submit(client, attempt_id, PARTLY_RIGHT).status_code == 302

    [attempt] = attempts_of(db)
    assert attempt.passed is False
    assert str(attempt.score_percent) == "40.00"
    assert "You scored 2 of 5 (40%); 75% passes." in visible_text(review_page(client, attempt_id))
