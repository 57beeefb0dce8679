"""The commitment-to-change follow-up, on a frozen clock: mailed by ``quizapp mail send``
``follow_up_weeks`` after the evaluation and not before, through signed links that need no
login and refuse tampering and age, answered once, stopped by the opt-out, and reported
beside the intentions with the response rate."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import (
    Activity,
    AuditEvent,
    Evaluation,
    FollowUp,
    FollowUpOptOut,
    OutboxMessage,
    User,
)
from tests.conftest import NOW, PASSWORD, SAMPLE_CONTENT, AuthActions, csrf_token, make_app
from tests.learner_helpers import evaluate, take, variant
from tests.migration_helpers import revision_before
from tests.staff_helpers import sign_in_as

SLUG = "imatinib-follow-up"
COMMITMENT = "Order MRI before assuming metastasis."
FORMAT_LINE = "learning_format: journal-based"


def with_follow_up(tmp_path: Path, db: Database, weeks: int, slug: str = SLUG) -> str:
    return variant(tmp_path, db, slug, {FORMAT_LINE: f"{FORMAT_LINE}\nfollow_up_weeks: {weeks}"})


def evaluated(app: Flask, email: str, slug: str = SLUG) -> AuthActions:
    learner = AuthActions(app.test_client())
    assert learner.register(email).status_code == 302
    take(learner.client, right=3, slug=slug)
    assert evaluate(learner, slug).status_code == 302
    return learner


def at(app: Flask, moment: dt.datetime) -> None:
    app.config["FROZEN_NOW"] = moment.isoformat()


def send(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def surveys(db: Database, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "follow-up-survey")
    if to is not None:
        query = query.where(OutboxMessage.recipient == to)
    with db.read_session() as session:
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def survey_path(db: Database, to: str) -> str:
    [message] = surveys(db, to)
    return str(message.context["path"])


def answer(app: Flask, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert client.get(path).status_code == 200
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **form})


EIGHT_WEEKS = dt.timedelta(weeks=8)


def test_the_follow_up_is_mailed_n_weeks_after_the_evaluation_and_not_before(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")

    at(synced, NOW + EIGHT_WEEKS - dt.timedelta(minutes=1))
    send(runner)
    assert surveys(db) == []

    at(synced, NOW + EIGHT_WEEKS)
    assert "Queued 1 follow-up survey(s)." in send(runner)
    [message] = surveys(db)
    assert message.recipient == "ann.lee@example.org"
    assert message.context["commitment"] == COMMITMENT
    assert message.send_after == NOW + EIGHT_WEEKS

    at(synced, NOW + EIGHT_WEEKS + dt.timedelta(days=1))
    send(runner)
    assert len(surveys(db)) == 1, "a follow-up is mailed once"


def test_a_learner_who_wrote_no_commitment_is_not_asked(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    learner = AuthActions(synced.test_client())
    assert learner.register("no.plan@example.org").status_code == 302
    take(learner.client, right=3, slug=SLUG)
    response = learner.post_form(
        f"/activities/{SLUG}/evaluation",
        {
            "objectives-met": "Agree",
            "relevance": "Agree",
            "intent-to-change": "No, my practice already reflects this content",
            "commercial-bias": "No",
        },
    )
    assert response.status_code == 302
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    assert surveys(db) == []


def test_a_changed_follow_up_weeks_moves_every_follow_up_not_yet_mailed(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    with_follow_up(tmp_path / "again", db, 12)

    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    assert surveys(db) == []
    at(synced, NOW + dt.timedelta(weeks=12))
    send(runner)
    assert len(surveys(db)) == 1


def test_a_follow_up_more_than_four_weeks_late_is_never_sent(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """An activity that adds follow_up_weeks does not mail everyone who evaluated it long ago."""
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS + dt.timedelta(weeks=4, minutes=1))
    send(runner)
    assert surveys(db) == []


def test_the_signed_link_opens_the_survey_quoting_the_commitment_and_is_answered_once(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    path = survey_path(db, "ann.lee@example.org")

    page = synced.test_client().get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert COMMITMENT in text
    assert "Did you make the change you planned?" in text
    assert "What got in the way, if anything?" in text

    missing = answer(synced, path, {"barriers": "No MRI slots."})
    assert missing.status_code == 400
    assert "Please answer this question." in missing.get_data(as_text=True)

    done = answer(synced, path, {"made-change": "Partly", "barriers": "No MRI slots."})
    assert done.status_code == 302
    with db.read_session() as session:
        [row] = session.scalars(select(FollowUp)).all()
    assert row.answers == {"made-change": "Partly", "barriers": "No MRI slots."}
    assert row.answered_at == NOW + EIGHT_WEEKS

    again = answer(synced, path, {"made-change": "Yes"})
    assert again.status_code == 409
    assert "Your answers were recorded" in again.get_data(as_text=True)
    with db.read_session() as session:
        assert session.scalars(select(FollowUp.answers)).one() == row.answers


def test_an_invented_answer_is_refused(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    response = answer(synced, survey_path(db, "ann.lee@example.org"), {"made-change": "Maybe"})
    assert response.status_code == 400
    assert "Choose one of the offered answers." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["signature changed", "payload changed", "made up"],
)
def test_a_tampered_survey_link_is_refused(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path, alter
) -> None:  # type: ignore[no-untyped-def]
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    token = survey_path(db, "ann.lee@example.org").rsplit("/", 1)[1]
    client = synced.test_client()
    assert client.get(f"/follow-up/{alter(token)}").status_code == 404
    assert client.post(f"/follow-up/{alter(token)}", data={}).status_code in (400, 404)
    assert client.get(f"/follow-up/stop/{alter(token)}").status_code == 404


def test_a_survey_link_works_for_sixty_days_and_then_is_refused(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    path = survey_path(db, "ann.lee@example.org")
    at(synced, NOW + EIGHT_WEEKS + dt.timedelta(days=60))
    assert synced.test_client().get(path).status_code == 200
    at(synced, NOW + EIGHT_WEEKS + dt.timedelta(days=60, seconds=1))
    response = synced.test_client().get(path)
    assert response.status_code == 404
    assert "not valid, or has expired" in response.get_data(as_text=True)


def test_opening_the_opt_out_link_asks_and_only_the_button_opts_out_stopping_later_mail(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 4, slug="first-follow-up")
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org", slug="first-follow-up")
    learner = evaluated(synced, "bo.chen@example.org", slug="first-follow-up")
    take(learner.client, right=3, slug=SLUG)
    assert evaluate(learner, SLUG).status_code == 302

    at(synced, NOW + dt.timedelta(weeks=4))
    send(runner)
    [mailed] = surveys(db, "bo.chen@example.org")
    stop = str(mailed.context["opt_out_path"])
    client = synced.test_client()
    page = client.get(stop)
    assert page.status_code == 200
    assert "Stop follow-up emails" in page.get_data(as_text=True)
    with db.read_session() as session:
        assert session.scalars(select(FollowUpOptOut)).all() == []

    response = client.post(stop, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert "you will get no more follow-up emails" in client.get(stop).get_data(as_text=True)
    with db.read_session() as session:
        assert [e.action for e in session.scalars(select(AuditEvent))][-1] == "follow_up.opt_out"

    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    assert surveys(db, "bo.chen@example.org") == [], "nothing after the opt-out"
    with db.read_session() as session:
        assert session.scalar(select(func.count(FollowUp.id))) == 2, "bo's first and ann's"
    assert len(surveys(db, "ann.lee@example.org")) == 1, "others are still asked"


def test_opting_out_withdraws_a_follow_up_still_waiting_in_the_outbox(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 4, slug="first-follow-up")
    evaluated(synced, "ann.lee@example.org", slug="first-follow-up")
    at(synced, NOW + dt.timedelta(weeks=4))
    send(runner)
    stop = str(surveys(db)[0].context["opt_out_path"])
    client = synced.test_client()
    token = csrf_token(client.get(stop).get_data(as_text=True))
    assert client.post(stop, data={"csrf_token": token}).status_code == 302
    assert surveys(db) == [], "no mail server ran, so it was still waiting"


def test_the_evaluation_report_shows_each_commitment_beside_its_follow_up_and_the_rate(
    synced: Flask, db: Database, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with_follow_up(tmp_path, db, 8)
    evaluated(synced, "ann.lee@example.org")
    evaluated(synced, "bo.chen@example.org")
    at(synced, NOW + EIGHT_WEEKS)
    send(runner)
    response = answer(
        synced,
        survey_path(db, "ann.lee@example.org"),
        {"made-change": "Yes", "barriers": "Radiology pushed back at first."},
    )
    assert response.status_code == 302

    admin = sign_in_as(synced, db, "admin", "admin@example.org")
    page = admin.client.get(f"/admin/reports/evaluations/{SLUG}").get_data(as_text=True)
    report = re.sub(r">\s+<", "><", page[page.index("Commitment to change: follow-up") :])
    assert "8 weeks after their evaluation" in report
    assert "<dt>Follow-ups mailed</dt><dd>2</dd>" in report
    assert "<dt>Answered</dt><dd>1 (50% response rate)</dd>" in report
    assert (
        f"<td>{COMMITMENT}</td><td>Yes</td><td>Radiology pushed back at first.</td><td></td>"
        in report
    )
    assert f'<td>{COMMITMENT}</td><td colspan="3" class="hint">Not answered</td>' in report
    assert "<tr><td>Yes</td><td>1</td></tr>" in report


def test_an_activity_without_follow_up_weeks_mails_no_follow_up(
    synced: Flask, db: Database, runner: FlaskCliRunner
) -> None:
    evaluated(synced, "ann.lee@example.org", slug="imatinib-bone-edema")
    for weeks in (1, 8, 52):
        at(synced, NOW + dt.timedelta(weeks=weeks))
        send(runner)
    assert surveys(db) == []


FOLLOW_UPS_AND_LOCKS = "0016"
"""The migration that adds ``follow_ups``, ``follow_up_opt_outs`` and ``users.locked_at``."""


def test_the_follow_up_migration_keeps_accounts_and_evaluations_and_locks_nobody(
    database_url: str,
) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    try:
        command.upgrade(alembic_config(database), revision_before(database, FOLLOW_UPS_AND_LOCKS))
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        with database.transaction() as session:
            user_id = session.execute(
                insert(User.__table__).values(
                    email="old@example.org",
                    email_skeleton="old@example.org",
                    password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"),
                    full_name="Old Account",
                    degree="MD",
                    role="learner",
                    session_version=0,
                    created_at=NOW,
                )
            ).inserted_primary_key[0]
            activity_id, version_id = session.execute(
                select(Activity.id, Activity.current_version_id).where(
                    Activity.slug == "imatinib-bone-edema"
                )
            ).one()
            session.execute(
                insert(Evaluation.__table__).values(
                    user_id=user_id,
                    activity_id=activity_id,
                    activity_version_id=version_id,
                    answers={"planned-change": COMMITMENT},
                    submitted_at=NOW,
                )
            )
        upgrade(database)

        with database.read_session() as session:
            [user] = session.scalars(select(User))
            assert user.locked_at is None
            [evaluation] = session.scalars(select(Evaluation))
            assert evaluation.answers == {"planned-change": COMMITMENT}
            assert session.scalars(select(FollowUp)).all() == []
        assert AuthActions(app.test_client()).login("old@example.org").status_code == 302
    finally:
        database.dispose()
