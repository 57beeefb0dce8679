"""Every administrator action lands in the audit log, and nothing is deleted."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.accounts.services import Registration, register
from quizapp.db import Database
from quizapp.models import Activity, AttemptGrant, AuditEvent, Certificate, User
from tests.conftest import NOW, AuthActions
from tests.learner_helpers import IMATINIB, claim, evaluate, start, take
from tests.staff_helpers import sign_in_as

ADMIN = "boss@example.org"


@pytest.fixture
def admin(app: Flask, db: Database, synced: Flask) -> AuthActions:
    return sign_in_as(app, db, "admin", ADMIN)


@pytest.fixture
def learner_id(auth: AuthActions, client: FlaskClient, db: Database) -> int:
    auth.register()
    with db.read_session() as session:
        user_id = session.scalar(select(User.id).where(User.email == "ann.lee@example.org"))
    assert user_id is not None
    return user_id


def events(db: Database, action: str) -> list[AuditEvent]:
    with db.read_session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def imatinib_id(db: Database) -> int:
    with db.read_session() as session:
        activity_id = session.scalar(select(Activity.id).where(Activity.slug == IMATINIB))
    assert activity_id is not None
    return activity_id


def grant(admin: AuthActions, learner_id: int, activity_id: int, reason: str, extra: str = "1"):  # type: ignore[no-untyped-def]
    return admin.post_form(
        f"/admin/learners/{learner_id}/grants",
        {"activity_id": str(activity_id), "extra": extra, "reason": reason},
        form_page=f"/admin/learners/{learner_id}",
    )


def test_an_extra_attempt_lets_a_learner_past_the_limit_and_is_audited(
    admin: AuthActions, learner_id: int, client: FlaskClient, db: Database
) -> None:
    for _ in range(3):
        take(client, right=0)
    assert "used all 3 attempts" in client.get(start(client).headers["Location"]).get_data(
        as_text=True
    )
    response = grant(admin, learner_id, imatinib_id(db), "Technical failure during attempt 2")
    assert response.status_code == 302
    take(client, right=3)
    [event] = events(db, "attempt.grant")
    assert event.actor_label == ADMIN
    assert event.target_id == str(learner_id)
    assert event.details["reason"] == "Technical failure during attempt 2"
    assert event.details["extra"] == 1


@pytest.mark.parametrize(
    ("reason", "extra"), [("", "1"), ("Because", "0"), ("Because", "11"), ("x" * 501, "1")]
)
def test_a_grant_needs_a_reason_and_a_sensible_number(
    admin: AuthActions, learner_id: int, db: Database, reason: str, extra: str
) -> None:
    grant(admin, learner_id, imatinib_id(db), reason, extra)
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AttemptGrant)) == 0
    assert events(db, "attempt.grant") == []


@pytest.fixture
def certificate_id(learner_id: int, auth: AuthActions, client: FlaskClient, db: Database) -> int:
    take(client, right=3)
    evaluate(auth)
    claim(auth, {"ama-pra-1": "1.0"})
    with db.read_session() as session:
        cert_id = session.scalar(select(Certificate.id))
    assert cert_id is not None
    return cert_id


def act(admin: AuthActions, certificate_id: int, action: str, **data: str):  # type: ignore[no-untyped-def]
    return admin.post_form(
        f"/admin/certificates/{certificate_id}/{action}", data, form_page="/admin/certificates"
    )


def test_revoking_needs_a_reason(admin: AuthActions, certificate_id: int, db: Database) -> None:
    act(admin, certificate_id, "revoke", reason="   ")
    with db.read_session() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None and certificate.status == "issued"
    assert events(db, "certificate.revoke") == []
    page = admin.client.get("/admin/certificates").get_data(as_text=True)
    assert "Give the reason for revoking" in page


def test_a_revocation_reason_longer_than_500_characters_is_refused(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="x" * 501)
    with db.read_session() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None and certificate.status == "issued"
    assert events(db, "certificate.revoke") == []
    page = admin.client.get("/admin/certificates").get_data(as_text=True)
    assert "Keep the reason to 500 characters or fewer (it has 501)." in page
    act(admin, certificate_id, "revoke", reason="x" * 500)
    assert len(events(db, "certificate.revoke")) == 1


def test_revoke_is_audited_and_keeps_the_certificate_row(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="Duplicate registration")
    [event] = events(db, "certificate.revoke")
    assert event.actor_label == ADMIN and event.details["reason"] == "Duplicate registration"
    with db.read_session() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None
        assert certificate.status == "revoked" and certificate.revoked_by_id is not None
    act(admin, certificate_id, "revoke", reason="Again")
    assert len(events(db, "certificate.revoke")) == 1


def test_reissue_is_audited_and_keeps_the_old_certificate(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "reissue")
    [event] = events(db, "certificate.reissue")
    assert event.actor_label == ADMIN
    with db.read_session() as session:
        rows = list(session.scalars(select(Certificate).order_by(Certificate.id)))
    assert [r.status for r in rows] == ["superseded", "issued"]
    assert event.details["supersedes"] == rows[0].code
    act(admin, certificate_id, "reissue")
    assert len(events(db, "certificate.reissue")) == 1


def test_approval_is_audited(admin: AuthActions, certificate_id: int, db: Database) -> None:
    with db.transaction() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None
        certificate.status = "pending"
    act(admin, certificate_id, "approve")
    [event] = events(db, "certificate.approve")
    assert event.actor_label == ADMIN
    act(admin, certificate_id, "approve")
    assert len(events(db, "certificate.approve")) == 1


def test_the_audit_log_page_lists_and_filters_the_events(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="Duplicate registration")
    page = admin.client.get("/admin/audit?action=certificate.revoke").get_data(as_text=True)
    assert "certificate.revoke" in page and "Duplicate registration" in page
    assert "credit.claim" not in page.split("<tbody>")[1]
    everything = admin.client.get("/admin/audit").get_data(as_text=True)
    for action in ("certificate.issue", "certificate.revoke", "credit.claim", "content.sync"):
        assert action in everything


def test_learner_search_matches_accented_capitals(admin: AuthActions, db: Database) -> None:
    register(db, Registration("zoe@example.org", "correct horse battery staple",
                              "Zoë Ñúñez-Øster", "MD"),
             now=NOW, hash_method="scrypt:1024:8:1")  # fmt: skip
    for query in ("Ñúñez", "ñúñez", "ØSTER", "zoë"):
        page = admin.client.get(f"/admin/learners?q={query}").get_data(as_text=True)
        assert "Zoë Ñúñez-Øster" in page, query


def test_learner_search_takes_percent_and_underscore_literally(
    admin: AuthActions, db: Database
) -> None:
    register(db, Registration("ann_lee@example.org", "correct horse battery staple",
                              "Ann Lee", "MD"), now=NOW, hash_method="scrypt:1024:8:1")  # fmt: skip
    register(db, Registration("annalee@example.org", "correct horse battery staple",
                              "Anna Lee", "MD"),
             now=NOW, hash_method="scrypt:1024:8:1")  # fmt: skip
    underscore = admin.client.get("/admin/learners?q=ann_").get_data(as_text=True)
    assert "ann_lee@example.org" in underscore
    assert "annalee@example.org" not in underscore
    percent = admin.client.get("/admin/learners?q=%25").get_data(as_text=True)
    assert "ann_lee@example.org" not in percent and "annalee@example.org" not in percent


def test_the_audit_log_refuses_a_range_that_ends_before_it_starts(admin: AuthActions) -> None:
    response = admin.client.get("/admin/audit?start=2027-01-15&end=2027-01-14")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_a_revoked_certificate_can_be_reissued_and_stays_revoked_itself(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="Revoked by mistake")
    act(admin, certificate_id, "reissue")
    with db.read_session() as session:
        rows = list(session.scalars(select(Certificate).order_by(Certificate.id)))
    assert [r.status for r in rows] == ["revoked", "issued"]
    assert rows[0].revocation_reason == "Revoked by mistake"
    assert rows[1].supersedes_id == rows[0].id
