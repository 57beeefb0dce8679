"""Notifications: each certificate event and granted attempt reaches the learner, and the
administrators get one digest a day of the certificates awaiting approval; every message is
read from a real SMTP server."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp.db import Database
from quizapp.models import Activity, Certificate, OutboxMessage
from tests.conftest import NOW, AuthActions, csrf_token
from tests.learner_helpers import IMATINIB, claim, evaluate, take
from tests.smtp_server import Received, SmtpServer
from tests.staff_helpers import create_account, sign_in_as
from tests.test_accounts import the_user

LEARNER = "ann.lee@example.org"
CONTACT = "cme-office@example.org"


def deliver(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def only(smtp: SmtpServer, address: str, subject_start: str) -> Received:
    [message] = [m for m in smtp.to(address) if m.subject.startswith(subject_start)]
    assert message.recipients == [address]
    return message


def paths(message: Received) -> list[str]:
    return [urlsplit(url).path for url in message.links()]


def certificate(db: Database) -> Certificate:
    with db.read_session() as session:
        return session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()  # type: ignore[return-value]


def earn(app: Flask) -> AuthActions:
    learner = AuthActions(app.test_client())
    assert learner.register(LEARNER).status_code == 302
    take(learner.client, right=3)
    assert evaluate(learner).status_code == 302
    assert claim(learner, {"ama-pra-1": "0.5"}).status_code == 302
    return learner


TITLE = "Reversible Bone Marrow Edema During Adjuvant Imatinib for Gastrointestinal Stromal Tumor"


def test_an_issued_certificate_is_mailed_with_its_links(
    synced: Flask, db: Database, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    earn(synced)
    deliver(runner)

    code = certificate(db).code
    message = only(smtp, LEARNER, "Your certificate for")
    assert message.subject == f"Your certificate for {TITLE} · quizapp CME"
    assert paths(message)[:2] == [f"/certificates/{code}.pdf", f"/verify/{code}"]


def test_held_approved_revoked_and_reissued_certificates_are_each_mailed(
    synced: Flask, db: Database, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    synced.config["CERTIFICATE_APPROVAL"] = "manual"
    synced.config["CONTACT_EMAIL"] = CONTACT
    earn(synced)
    admin = sign_in_as(synced, db, "admin", "admin@example.org")
    pending = certificate(db)

    deliver(runner)
    held = only(smtp, LEARNER, "Your certificate for")
    assert held.subject == f"Your certificate for {TITLE} awaits approval · quizapp CME"

    admin.post_form(
        f"/admin/certificates/{pending.id}/approve", {}, form_page="/admin/certificates"
    )
    deliver(runner)
    approved = only(smtp, LEARNER, f"Your certificate for {TITLE} is approved")
    assert f"/certificates/{pending.code}.pdf" in paths(approved)

    admin.post_form(
        f"/admin/certificates/{pending.id}/revoke",
        {"reason": "Attestation could not be confirmed"},
        form_page="/admin/certificates",
    )
    deliver(runner)
    revoked = only(smtp, LEARNER, f"Your certificate for {TITLE} was revoked")
    for text in (revoked.text(), revoked.html()):
        assert "Attestation could not be confirmed" in text
        assert f"write to {CONTACT}" in text

    admin.post_form(
        f"/admin/certificates/{pending.id}/reissue", {}, form_page="/admin/certificates"
    )
    deliver(runner)
    new = certificate(db)
    assert new.code != pending.code
    reissued = only(smtp, LEARNER, f"Your certificate for {TITLE} was reissued")
    assert f"/certificates/{new.code}.pdf" in paths(reissued)
    assert pending.code in reissued.text()


def test_an_extra_attempt_is_mailed_with_a_link_to_the_posttest(
    synced: Flask, db: Database, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    learner = AuthActions(synced.test_client())
    learner.register(LEARNER)
    admin = sign_in_as(synced, db, "admin", "admin@example.org")
    with db.read_session() as session:
        activity_id = session.scalar(select(Activity.id).where(Activity.slug == IMATINIB))
    user_id = the_user(db, LEARNER).id
    response = admin.post_form(
        f"/admin/learners/{user_id}/grants",
        {"activity_id": activity_id, "extra": "2", "reason": "Power cut during the test"},
        form_page=f"/admin/learners/{user_id}",
    )
    assert response.status_code == 302
    deliver(runner)

    message = only(smtp, LEARNER, "You may take the posttest")
    assert "2 extra attempts" in message.text()
    assert paths(message)[0] == f"/activities/{IMATINIB}/posttest"


def test_a_request_that_queued_mail_delivers_it_once_its_response_is_closed(
    synced: Flask, db: Database, smtp: SmtpServer
) -> None:
    learner = AuthActions(synced.test_client())
    learner.register(LEARNER)
    take(learner.client, right=3)
    evaluate(learner)
    token_page = learner.client.get(f"/activities/{IMATINIB}/claim").get_data(as_text=True)

    learner.client.post(
        f"/activities/{IMATINIB}/claim",
        data={"csrf_token": csrf_token(token_page), "amount-ama-pra-1": "0.5", "attest": "yes"},
        buffered=True,  # the test client closes a buffered response, as a server does
    )

    received = smtp.wait_for(2)
    assert [m.subject.split(" · ")[0] for m in received] == [
        "Confirm your email address",  # queued by registration, sent along
        f"Your certificate for {TITLE}",
    ]


def test_administrators_get_one_digest_a_day_of_certificates_awaiting_approval(
    synced: Flask, db: Database, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    synced.config["CERTIFICATE_APPROVAL"] = "manual"
    create_account(synced, db, "admin", "admin1@example.org")
    create_account(synced, db, "admin", "admin2@example.org")
    deliver(runner)
    assert smtp.to("admin1@example.org") == []  # nothing waits: no digest
    earn(synced)
    second = AuthActions(synced.test_client())
    second.register("bo.kim@example.org", full_name="Bo Kim")
    take(second.client, right=3)
    evaluate(second)
    claim(second, {"ama-pra-1": "0.5"})

    deliver(runner)
    deliver(runner)

    for admin in ("admin1@example.org", "admin2@example.org"):
        digest = only(smtp, admin, "2 certificates awaiting approval")
        assert "Ann Lee (ann.lee@example.org)" in digest.text()
        assert "Bo Kim (bo.kim@example.org)" in digest.text()
        assert paths(digest)[0] == "/admin/certificates"
    synced.config["FROZEN_NOW"] = (NOW + dt.timedelta(days=1)).isoformat()
    deliver(runner)
    assert len(smtp.to("admin1@example.org")) == 2
    with db.read_session() as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert kinds.count("approval-digest") == 4
