"""In Chromium: a learner answers the commitment-to-change follow-up from its mailed link and
opts out of more; an administrator reads the answers beside the intentions and locks the
learner's account from the learner page. axe-core checks each page on the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.db import Database
from quizapp.followup.services import queue_due_follow_ups
from quizapp.models import OutboxMessage
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import NOW, PASSWORD, AuthActions
from tests.learner_helpers import evaluate, take, variant
from tests.staff_helpers import create_account

pytestmark = pytest.mark.browser

SLUG = "imatinib-follow-up"
LEARNER = "ann.lee@example.org"
ADMIN = "grace.admin@example.org"
DUE = NOW + dt.timedelta(weeks=8)


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, f"follow-up-{name}")
    assert axe_violations(page) == [], name


def mailed_follow_up(app: Flask, db: Database, tmp_path: Path) -> dict[str, object]:
    """Ann evaluates an activity with an 8-week follow-up; 8 weeks on, it is queued."""
    variant(
        tmp_path,
        db,
        SLUG,
        {"learning_format: journal-based": "learning_format: journal-based\nfollow_up_weeks: 8"},
    )
    learner = AuthActions(app.test_client())
    assert learner.register(LEARNER).status_code == 302
    take(learner.client, right=3, slug=SLUG)
    assert evaluate(learner, SLUG).status_code == 302
    app.config["FROZEN_NOW"] = DUE.isoformat()
    assert queue_due_follow_ups(db, str(app.config["SECRET_KEY"]), now=DUE) == 1
    with db.read_session() as session:
        message = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "follow-up-survey")
        ).one()
    return dict(message.context)


def test_a_learner_answers_the_follow_up_and_opts_out_without_logging_in(  # type: ignore[no-untyped-def]
    page, live_app: Flask, db: Database, tmp_path: Path
) -> None:
    mail = mailed_follow_up(live_app, db, tmp_path)
    page.goto(str(mail["path"]))
    expect(page.get_by_text("Order MRI before assuming metastasis.")).to_be_visible()
    check(page, "survey")
    page.get_by_label("Partly").check()
    page.get_by_label("What got in the way, if anything?").fill("No MRI slots that month.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()
    check(page, "answered")

    page.goto(str(mail["opt_out_path"]))
    check(page, "opt-out")
    page.get_by_role("button", name="Stop follow-up emails").click()
    expect(page.get_by_text("you will get no more follow-up emails").first).to_be_visible()
    check(page, "opted-out")


def test_an_administrator_reads_the_follow_up_and_locks_the_account(  # type: ignore[no-untyped-def]
    page, live_app: Flask, db: Database, tmp_path: Path
) -> None:
    mail = mailed_follow_up(live_app, db, tmp_path)
    answer = AuthActions(live_app.test_client())
    assert answer.post_form(str(mail["path"]), {"made-change": "Yes"}).status_code == 302
    create_account(live_app, db, "admin", ADMIN)

    page.goto("/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/reports/evaluations/{SLUG}")
    expect(page.get_by_text("1 (100% response rate)")).to_be_visible()
    check(page, "report")

    page.goto("/admin/learners")
    page.get_by_role("link", name="Ann Lee").click()
    page.get_by_text("Administer the account").click()
    check(page, "account-actions")
    page.get_by_label("Reason for locking").fill("The account is shared by a whole practice.")
    page.get_by_role("button", name="Lock the account").click()
    expect(page.get_by_text("The account is locked").first).to_be_visible()
    check(page, "locked")
