"""The outbox: mail is stored with the event that causes it and delivered after the commit,
over a real SMTP server; a failure keeps it queued, and two senders never send it twice."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from quizapp.db import Database
from quizapp.mail import services
from quizapp.mail.compose import PasswordReset, Site
from quizapp.mail.settings import MAIL_EXTENSION, SmtpSettings
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import AuditEvent, OutboxMessage, User
from tests.conftest import NOW, PASSWORD, POSTGRES_URL, AuthActions, make_app
from tests.migration_helpers import revision_before
from tests.smtp_server import SmtpServer
from tests.staff_helpers import create_account, sign_in_as

SITE = Site("quizapp CME", "http://127.0.0.1:5000", "cme-office@example.org")
RESET = PasswordReset(name="Ann Lee", path="/password/reset/abc", minutes=60)


def queue(
    db: Database, to: str = "ann@example.org", *, send_after: dt.datetime | None = None
) -> int:
    with db.transaction() as session:
        row = services.queue_message(session, to=to, mail=RESET, now=NOW, send_after=send_after)
        session.flush()
        return row.id


def outbox(db: Database) -> list[OutboxMessage]:
    with db.read_session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def smtp_settings(app: Flask) -> SmtpSettings:
    settings: SmtpSettings = app.extensions[MAIL_EXTENSION]
    return settings


def test_a_rolled_back_transaction_leaves_nothing_to_send(
    app: Flask, db: Database, smtp: SmtpServer
) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        services.queue_message(session, to="ann@example.org", mail=RESET, now=NOW)
        raise RuntimeError("the event failed after queueing its mail")

    report = services.deliver_due(db, smtp_settings(app), SITE, now=NOW)

    assert outbox(db) == []
    assert report.sent == 0 and smtp.received() == []


def test_a_committed_message_arrives_as_plain_text_and_html_naming_the_site_and_contact(
    app: Flask, db: Database, smtp: SmtpServer
) -> None:
    queue(db)

    report = services.deliver_due(db, smtp_settings(app), SITE, now=NOW)

    assert report.sent == 1
    [received] = smtp.received()
    assert received.recipients == ["ann@example.org"]
    assert received.message["From"] == "cme@example.org"
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.subject == "Reset your password · quizapp CME"
    for body in (received.text(), received.html()):
        assert "http://127.0.0.1:5000/password/reset/abc" in body
        assert "quizapp CME" in body and "cme-office@example.org" in body
    [row] = outbox(db)
    assert row.sent_at == NOW and row.attempts == 1
    assert services.deliver_due(db, smtp_settings(app), SITE, now=NOW).sent == 0
    assert len(smtp.received()) == 1


def test_scheduled_mail_waits_until_it_is_due(app: Flask, db: Database, smtp: SmtpServer) -> None:
    queue(db, send_after=NOW + dt.timedelta(days=7))

    assert services.deliver_due(db, smtp_settings(app), SITE, now=NOW).sent == 0
    assert (
        services.deliver_due(db, smtp_settings(app), SITE, now=NOW + dt.timedelta(days=7)).sent == 1
    )
    assert len(smtp.received()) == 1


def test_with_the_server_down_mail_stays_queued_and_mail_send_delivers_it_once_it_is_back(
    app: Flask, db: Database, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    queue(db)
    smtp.stop()

    down = runner.invoke(args=["mail", "send"])

    assert down.exit_code == 1
    assert "0 message(s); 1 failed and stay queued" in down.output
    [row] = outbox(db)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert row.send_after == NOW + dt.timedelta(minutes=1)

    smtp.start()
    assert runner.invoke(args=["mail", "send"]).output.startswith("Sent 0 message(s)")
    app.config["FROZEN_NOW"] = (NOW + dt.timedelta(minutes=1)).isoformat()
    back = runner.invoke(args=["mail", "send"])

    assert back.exit_code == 0, back.output
    assert "Sent 1 message(s); 0 failed" in back.output
    assert [item.recipients for item in smtp.received()] == [["ann@example.org"]]
    assert runner.invoke(args=["mail", "send"]).output.startswith("Sent 0 message(s)")


def test_retries_back_off_from_a_minute_to_six_hours() -> None:
    assert [services.backoff(n) for n in (1, 2, 3, 10, 40)] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(hours=6),
        dt.timedelta(hours=6),
    ]


def test_without_a_mail_server_mail_send_sends_nothing_and_says_where_to_read_it(
    db: Database, runner: FlaskCliRunner
) -> None:
    queue(db)

    result = runner.invoke(args=["mail", "send"])

    assert result.exit_code == 0
    assert "No MAIL_SERVER is set" in result.output and "/admin/outbox" in result.output
    [row] = outbox(db)
    assert row.sent_at is None and row.attempts == 0


def test_a_sender_skips_the_rows_another_sender_has_claimed(app: Flask, db: Database) -> None:
    first, second = queue(db), queue(db)

    taken = services.claim_due(db, now=NOW, limit=1)
    rest = services.claim_due(db, now=NOW)

    assert [message.id for message in taken] == [first]
    assert [message.id for message in rest] == [second]
    assert services.claim_due(db, now=NOW) == []
    later = NOW + services.LEASE + dt.timedelta(seconds=1)
    assert len(services.claim_due(db, now=later)) == 2  # a dead sender's lease runs out


@pytest.mark.skipif(not POSTGRES_URL, reason="concurrent senders need PostgreSQL's row locks")
def test_two_senders_on_postgresql_deliver_each_message_exactly_once(
    app: Flask, db: Database, smtp: SmtpServer
) -> None:
    if db.is_sqlite:
        pytest.skip("concurrent senders need PostgreSQL's row locks")
    with db.transaction() as session:
        for number in range(60):
            services.queue_message(session, to=f"learner{number}@example.org", mail=RESET, now=NOW)
    start = threading.Barrier(2)
    reports: list[services.DeliveryReport] = []

    def sender() -> None:
        start.wait()
        while True:
            report = services.deliver_due(db, smtp_settings(app), SITE, now=NOW, limit=5)
            reports.append(report)
            if report.sent == 0:
                return

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    recipients = sorted(r for item in smtp.received() for r in item.recipients)
    assert recipients == sorted(f"learner{number}@example.org" for number in range(60))
    assert sum(report.sent for report in reports) == 60
    assert all(row.sent_at is not None for row in outbox(db))


def test_the_outbox_page_is_for_administrators_and_shows_messages_escaped_with_links(
    app: Flask, db: Database
) -> None:
    create_account(app, db, "learner", "lea@example.org")
    learner = sign_in_as(app, db, "author", "author@example.org")
    admin = sign_in_as(app, db, "admin", "admin@example.org")
    with db.transaction() as session:
        services.queue_message(
            session,
            to="ann@example.org",
            mail=PasswordReset(
                name="<script>alert(1)</script>", path="/password/reset/t0k", minutes=60
            ),
            now=NOW,
        )

    assert app.test_client().get("/admin/outbox").status_code == 302
    assert learner.client.get("/admin/outbox").status_code == 403
    page = admin.client.get("/admin/outbox").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<a href="/password/reset/t0k">Choose a new password</a>' in page
    assert "No mail server is set" in page
    assert "ann@example.org" in page


MAIL_OUTBOX = "0009"
"""The migration that adds the outbox and ``users.email_verified_at``."""


def test_the_outbox_migration_keeps_accounts_and_starts_them_unverified(database_url: str) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    try:
        command.upgrade(alembic_config(database), revision_before(database, MAIL_OUTBOX))
        with database.transaction() as session:
            session.execute(
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
            )
        upgrade(database)

        with database.read_session() as session:
            [user] = session.scalars(select(User))
            assert (user.email, user.email_verified_at) == ("old@example.org", None)
        assert outbox(database) == []
        assert AuthActions(app.test_client()).login("old@example.org").status_code == 302
    finally:
        database.dispose()


@pytest.mark.parametrize(("serving", "noticed"), [(True, True), (False, False)])
def test_only_a_server_says_at_start_up_that_mail_stays_in_the_outbox(
    serving: bool,
    noticed: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`quizapp run` (and gunicorn's factory) says how mail is delivered; an author's
    `quizapp content check` and the other commands do not repeat it."""
    from quizapp.cli import _script_info

    monkeypatch.setenv("QUIZAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'quizapp.sqlite'}")
    monkeypatch.delenv("QUIZAPP_MAIL_SERVER", raising=False)
    with caplog.at_level("WARNING", logger="quizapp.mail.web"):
        _script_info(serving=serving).load_app()

    assert ("No MAIL_SERVER is set" in caplog.text) is noticed


# --- purging old sent mail ----------------------------------------------------------------------


def test_mail_purge_deletes_only_what_was_sent_before_the_retention_and_records_it(
    app: Flask, db: Database, runner: FlaskCliRunner
) -> None:
    old_sent, recent_sent, old_queued = queue(db), queue(db), queue(db)
    with db.transaction() as session:
        for message_id, sent_at in (
            (old_sent, NOW - dt.timedelta(days=91)),
            (recent_sent, NOW - dt.timedelta(days=89)),
        ):
            session.get(OutboxMessage, message_id).sent_at = sent_at  # type: ignore[union-attr]
        session.get(OutboxMessage, old_queued).created_at = NOW - dt.timedelta(days=400)  # type: ignore[union-attr]

    result = runner.invoke(args=["mail", "purge", "--days", "90"])

    assert result.exit_code == 0, result.output
    assert result.output == "Deleted 1 message(s) sent more than 90 day(s) ago.\n"
    assert [row.id for row in outbox(db)] == [recent_sent, old_queued]
    with db.read_session() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.purge"))
    assert (event.actor_label, event.details) == ("cli", {"count": 1, "days": 90})
    again = runner.invoke(args=["mail", "purge", "--days", "90"])
    assert again.output.startswith("Deleted 0 message(s)")


@pytest.mark.parametrize("days", ["0", "-3", "ninety", ""])
def test_mail_purge_refuses_a_retention_under_a_day_and_deletes_nothing(
    db: Database, runner: FlaskCliRunner, days: str
) -> None:
    queue(db)
    with db.transaction() as session:
        session.scalars(select(OutboxMessage)).one().sent_at = NOW - dt.timedelta(days=30)

    result = runner.invoke(args=["mail", "purge", "--days", days])

    assert result.exit_code == 2
    assert "Invalid value for '--days'" in result.output
    assert "Traceback" not in result.output
    assert len(outbox(db)) == 1
