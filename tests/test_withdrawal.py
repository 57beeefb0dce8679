"""Withdrawing an activity: off the catalog and closed to new learners, every record kept.

``quizapp content withdraw SLUG --reason …`` and ``content reinstate SLUG`` are the commands;
both are audited, and a sync neither withdraws nor reinstates.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import Activity, AuditEvent
from tests.conftest import NOW, SAMPLE_CONTENT, AuthActions
from tests.learner_helpers import IMATINIB, answers, claim, evaluate, start, start_id, submit, take

CALM = "The provider has withdrawn this activity"


def withdraw(runner: FlaskCliRunner, slug: str = IMATINIB) -> str:
    result = runner.invoke(
        args=["content", "withdraw", slug, "--reason", "Dosing guidance under revision"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_withdrawn_activity_leaves_the_catalog_and_comes_back_when_reinstated(
    synced: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    assert f"/activities/{IMATINIB}/" in client.get("/").get_data(as_text=True)

    assert withdraw(runner) == (
        f"{IMATINIB}: withdrawn. It is off the catalog and takes no new attempts; its records "
        "and certificates are kept.\n"
    )
    assert f"/activities/{IMATINIB}/" not in client.get("/").get_data(as_text=True)
    page = client.get(f"/activities/{IMATINIB}/")
    assert page.status_code == 200
    assert CALM in page.get_data(as_text=True)
    assert "Go to the posttest" not in page.get_data(as_text=True)

    reinstated = runner.invoke(args=["content", "reinstate", IMATINIB])
    assert reinstated.output == f"{IMATINIB}: reinstated. It is in the catalog again.\n"
    assert f"/activities/{IMATINIB}/" in client.get("/").get_data(as_text=True)
    assert CALM not in client.get(f"/activities/{IMATINIB}/").get_data(as_text=True)


def test_a_new_learner_cannot_start_a_withdrawn_activity_and_is_told_calmly(
    synced: Flask, auth: AuthActions, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    withdraw(runner)
    auth.register()

    posttest = client.get(f"/activities/{IMATINIB}/posttest").get_data(as_text=True)
    assert CALM in posttest and "Start the posttest" not in posttest
    response = start(client)
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "no new attempts" in followed
    assert IMATINIB not in client.get("/my/activities").get_data(as_text=True)


def test_a_learner_mid_way_finishes_the_open_attempt_and_keeps_credit_and_certificate(
    synced: Flask, auth: AuthActions, client: FlaskClient, runner: FlaskCliRunner, app: Flask
) -> None:
    auth.register()
    attempt_id = start_id(client)
    withdraw(runner)

    mine = client.get("/my/activities").get_data(as_text=True)
    assert "Withdrawn by the provider" in mine
    assert submit(client, attempt_id, answers(3)).status_code == 302
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    transcript = client.get("/my/transcript").get_data(as_text=True)
    code = re.search(r"/certificates/([A-Za-z0-9_-]+)\.pdf", transcript)
    assert code, transcript
    verified = app.test_client().get(f"/verify/{code.group(1)}")
    assert verified.status_code == 200 and "Valid." in verified.get_data(as_text=True)


def test_a_learner_who_passed_before_the_withdrawal_still_verifies_their_certificate(
    synced: Flask, auth: AuthActions, client: FlaskClient, runner: FlaskCliRunner, app: Flask
) -> None:
    auth.register()
    take(client, right=3)
    evaluate(auth)
    claim(auth, {"ama-pra-1": "1.0"})
    code = re.search(
        r"/certificates/([A-Za-z0-9_-]+)\.pdf", client.get("/my/transcript").get_data(as_text=True)
    )
    assert code
    withdraw(runner)

    verified = app.test_client().get(f"/verify/{code.group(1)}")
    assert verified.status_code == 200 and "Valid." in verified.get_data(as_text=True)


def test_withdraw_and_reinstate_are_audited_with_the_reason_and_a_sync_changes_neither(
    synced: Flask, db: Database, runner: FlaskCliRunner
) -> None:
    withdraw(runner)
    sync_content(db, SAMPLE_CONTENT, now=NOW)
    with db.read_session() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == IMATINIB))
        assert activity is not None and activity.withdrawn_at is not None
    runner.invoke(args=["content", "reinstate", IMATINIB])

    with db.read_session() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.details)
            .where(AuditEvent.action.like("activity.%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [(action, actor) for action, actor, _ in events] == [
        ("activity.withdraw", "cli"),
        ("activity.reinstate", "cli"),
    ]
    assert events[0][2]["reason"] == "Dosing guidance under revision"


def test_withdraw_refuses_an_unknown_slug_a_second_withdrawal_and_an_empty_reason(
    synced: Flask, runner: FlaskCliRunner
) -> None:
    unknown = runner.invoke(args=["content", "withdraw", "no-such", "--reason", "x"])
    assert unknown.exit_code == 1
    assert "No activity has been published at 'no-such'." in unknown.output
    empty = runner.invoke(args=["content", "withdraw", IMATINIB, "--reason", "  "])
    assert empty.exit_code == 1 and "Give the reason for withdrawing it." in empty.output
    withdraw(runner)
    again = runner.invoke(args=["content", "withdraw", IMATINIB, "--reason", "x"])
    assert again.exit_code == 1 and f"'{IMATINIB}' is already withdrawn." in again.output
    runner.invoke(args=["content", "reinstate", IMATINIB])
    twice = runner.invoke(args=["content", "reinstate", IMATINIB])
    assert twice.exit_code == 1 and f"'{IMATINIB}' is not withdrawn." in twice.output
    for result in (unknown, empty, again, twice):
        assert "Traceback" not in result.output
