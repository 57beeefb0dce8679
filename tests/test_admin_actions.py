"""Every administrator action lands in the audit log, and nothing is deleted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from quizapp import audit
from quizapp.accounts.services import Registration, register
from quizapp.authoring.services import sync_content
from quizapp.certificates.services import CertificateError, reissue, revoke
from quizapp.db import Database
from quizapp.migrate import alembic_config, upgrade
from quizapp.models import Activity, AttemptGrant, AuditEvent, Certificate, User
from tests.conftest import NOW, SAMPLE_CONTENT, AuthActions, make_app
from tests.learner_helpers import IMATINIB, METHOTREXATE, claim, evaluate, start, take
from tests.migration_helpers import revision_before
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
    rows = page.split("<tbody>")[1]
    assert "Certificate revoked" in rows and "Duplicate registration" in rows
    assert "Credit claimed" not in rows
    assert "1 event match these filters." in page
    everything = admin.client.get("/admin/audit").get_data(as_text=True).split("<tbody>")[1]
    for action in ("Certificate issued", "Certificate revoked", "Credit claimed"):
        assert action in everything
    assert "Activity version published" in everything


def only_row(page: str) -> str:
    [row] = page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    return row


def test_the_audit_log_reads_as_words_with_names_and_links(
    admin: AuthActions, certificate_id: int, learner_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="Duplicate registration")
    [code] = codes(db)
    with db.read_session() as session:
        admin_id = session.scalar(select(User.id).where(User.email == ADMIN))
    row = only_row(
        admin.client.get("/admin/audit?action=certificate.revoke").get_data(as_text=True)
    )
    # Not the internal id ("certificate 1"); the code printed after "certificate " may itself
    # start with that digit ("certificate 1R162-…"), one time in 32.
    assert "certificate.revoke" not in row
    assert not re.search(rf"certificate {certificate_id}\b", row)
    assert f'<a href="/admin/learners/{admin_id}">Staff Member</a>' in row
    assert f'<a href="/verify/{code}">Ann Lee’s certificate {code}</a>' in row
    assert "<dt>Reason</dt><dd>Duplicate registration</dd>" in row

    grant(admin, learner_id, imatinib_id(db), "Power cut", extra="2")
    row = only_row(admin.client.get("/admin/audit?action=attempt.grant").get_data(as_text=True))
    assert "Extra attempts granted" in row
    assert f'<a href="/admin/learners/{learner_id}">Ann Lee</a>' in row
    assert "<dt>Extra attempts</dt><dd>2</dd>" in row and f"<dd>{IMATINIB}</dd>" in row

    claim_row = admin.client.get("/admin/audit?action=credit.claim").get_data(as_text=True)
    assert "<dt>Credit</dt><dd>AMA PRA Category 1 Credit™</dd>" in only_row(claim_row)


def test_a_list_in_the_details_reads_as_words(
    admin: AuthActions, learner_id: int, auth: AuthActions, db: Database
) -> None:
    from tests.test_accounts import VALID_NPI, profile_form

    auth.post_form("/account", profile_form(npi=VALID_NPI, license_state="NY"))
    row = only_row(
        admin.client.get("/admin/audit?action=user.profile_update").get_data(as_text=True)
    )
    assert "<dt>Fields changed</dt><dd>License state, Npi</dd>" in row
    assert "[" not in row


def test_the_audit_log_pages_and_counts_its_events(admin: AuthActions, db: Database) -> None:
    register_many(db, 119)  # and the administrator's own registration: 120
    first = admin.client.get("/admin/audit?action=user.register").get_data(as_text=True)
    assert "120 events match these filters; page 1 of 2." in first
    assert first.split("<tbody>")[1].count("<tr>") == 100
    assert 'href="/admin/audit?page=2&amp;action=user.register"' in first
    second = admin.client.get("/admin/audit?action=user.register&page=2").get_data(as_text=True)
    assert second.split("<tbody>")[1].count("<tr>") == 20


def test_the_audit_log_downloads_as_csv_with_the_filters_and_formulas_neutralised(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason='Duplicate;=HYPERLINK("http://x")')
    [code] = codes(db)
    page = admin.client.get("/admin/audit?action=certificate.revoke").get_data(as_text=True)
    assert 'href="/admin/audit.csv?action=certificate.revoke"' in page
    response = admin.client.get("/admin/audit.csv?action=certificate.revoke")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == [
        "When (UTC)", "Actor", "Actor email", "Action", "Action code",
        "Target", "Target type", "Target id", "Details",
    ]  # fmt: skip
    assert lines[1][1:] == [
        "Staff Member", ADMIN, "Certificate revoked", "certificate.revoke",
        f"Ann Lee’s certificate {code}", "certificate", str(certificate_id),
        f"Code: {code}; Reason: Duplicate;'=HYPERLINK(\"http://x\")",
    ]  # fmt: skip
    assert len(lines) == 2


def test_the_audit_csv_holds_every_event_past_one_batch(admin: AuthActions, db: Database) -> None:
    register_many(db, 509)  # and the administrator: 510
    response = admin.client.get("/admin/audit.csv?action=user.register")
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) == 1 + 510
    assert len({line[2] for line in lines[1:]}) == 510


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


# --- reissue and revoke bookkeeping -------------------------------------------------------------


def codes(db: Database) -> list[str]:
    with db.read_session() as session:
        return list(session.scalars(select(Certificate.code).order_by(Certificate.id)))


def learner_page(admin: AuthActions, learner_id: int) -> str:
    return admin.client.get(f"/admin/learners/{learner_id}").get_data(as_text=True)


def test_reissuing_an_issued_certificate_says_it_is_superseded(
    admin: AuthActions, certificate_id: int, learner_id: int, db: Database
) -> None:
    act(admin, certificate_id, "reissue")
    old, new = codes(db)
    page = learner_page(admin, learner_id)
    assert f"Reissued as {new}. The old certificate {old} is marked superseded;" in page


def test_reissuing_a_revoked_certificate_says_it_stays_revoked_and_links_both_ways(
    admin: AuthActions, certificate_id: int, learner_id: int, db: Database
) -> None:
    act(admin, certificate_id, "revoke", reason="Revoked by mistake")
    act(admin, certificate_id, "reissue")
    old, new = codes(db)
    page = learner_page(admin, learner_id)
    assert f"Reissued as {new}. The old certificate {old} stays revoked, with its reason;" in page
    assert "marked superseded" not in page
    assert f'Replaced by <a href="/verify/{new}">{new}</a>' in page
    assert f'Replaces <a href="/verify/{old}">{old}</a>' in page
    # Only the new certificate can be reissued again: the old row has no button that would fail.
    assert page.count("/reissue") == 1
    assert f"/admin/certificates/{certificate_id}/reissue" not in page

    old_page = admin.client.get(f"/verify/{old}").get_data(as_text=True)
    assert "Revoked" in old_page and f'<a href="/verify/{new}">{new}</a>' in old_page
    new_page = admin.client.get(f"/verify/{new}").get_data(as_text=True)
    assert "Valid." in new_page
    assert f'replaces <a href="/verify/{old}">{old}</a>, which was revoked.' in new_page


def test_the_verification_page_of_a_superseded_certificate_names_its_replacement(
    admin: AuthActions, certificate_id: int, db: Database, client: FlaskClient
) -> None:
    act(admin, certificate_id, "reissue")
    old, new = codes(db)
    page = client.get(f"/verify/{old}").get_data(as_text=True)
    assert "Superseded." in page and f'replaced by <a href="/verify/{new}">{new}</a>' in page
    assert "which was superseded by it." in client.get(f"/verify/{new}").get_data(as_text=True)


def test_revoking_asks_for_confirmation_on_a_page_of_its_own(
    admin: AuthActions, certificate_id: int, learner_id: int, db: Database
) -> None:
    [code] = codes(db)
    page = learner_page(admin, learner_id)
    assert f'href="/admin/certificates/{certificate_id}/revoke"' in page
    assert 'name="reason"' not in page.split("<h2>Certificates</h2>")[1].split("<h2>")[0]

    confirm = admin.client.get(f"/admin/certificates/{certificate_id}/revoke")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Revoke this certificate?" in text and code in text and "Ann Lee" in text
    assert "Revoking cannot be undone." in text and 'name="reason"' in text
    with db.read_session() as session:
        certificate = session.get(Certificate, certificate_id)
        assert certificate is not None and certificate.status == "issued"
    assert events(db, "certificate.revoke") == []

    act(admin, certificate_id, "revoke", reason="Claimed twice")
    after = admin.client.get(f"/admin/certificates/{certificate_id}/revoke").get_data(as_text=True)
    assert "Only an issued or pending certificate can be revoked; this one is revoked." in after
    assert 'name="reason"' not in after


def test_a_revocation_without_a_reason_returns_to_the_confirmation_page(
    admin: AuthActions, certificate_id: int
) -> None:
    response = act(admin, certificate_id, "revoke", reason=" ")
    assert response.headers["Location"] == f"/admin/certificates/{certificate_id}/revoke"
    page = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Give the reason for revoking" in page


def test_the_revocation_page_of_an_unknown_certificate_is_not_found(admin: AuthActions) -> None:
    assert admin.client.get("/admin/certificates/9999/revoke").status_code == 404


def test_the_learner_sees_revoked_with_the_reason_on_the_transcript(
    admin: AuthActions, certificate_id: int, client: FlaskClient
) -> None:
    act(admin, certificate_id, "revoke", reason="Attendance could not be verified")
    page = client.get("/my/transcript").get_data(as_text=True)
    assert "<strong>Revoked</strong> on January 15, 2027: Attendance could not be verified" in page


REPLACED_ONCE = "0010"
"""The migration that makes ``certificates.supersedes_id`` unique."""


def test_certificates_reissued_before_the_unique_replacement_index_keep_their_links(
    database_url: str,
) -> None:
    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    try:
        # The rows are made through today's pages and services (at the head), then the schema
        # goes back to just before the index, keeping them, and comes up again.
        upgrade(database)
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        learner = AuthActions(app.test_client())
        assert learner.register().status_code == 302
        take(learner.client, right=3)
        evaluate(learner)
        claim(learner, {"ama-pra-1": "1.0"})
        with database.read_session() as session:
            first = session.scalar(select(Certificate.id))
        assert first is not None
        revoke(database, first, "Issued in error", audit.CLI, NOW)
        second = reissue(database, first, audit.CLI, NOW)
        database.dispose()
        command.downgrade(alembic_config(database), revision_before(database, REPLACED_ONCE))

        upgrade(database)

        client = app.test_client()
        with database.read_session() as session:
            old = session.get(Certificate, first)
            assert old is not None and old.status == "revoked"
            assert old.revocation_reason == "Issued in error"
            old_code = old.code
        assert second.code in client.get(f"/verify/{old_code}").get_data(as_text=True)
        assert old_code in client.get(f"/verify/{second.code}").get_data(as_text=True)
        with pytest.raises(CertificateError, match="already reissued"):
            reissue(database, first, audit.CLI, NOW)
        with pytest.raises(IntegrityError), database.transaction() as session:
            copy = session.get(Certificate, second.id)
            assert copy is not None
            session.add(
                Certificate(
                    code="another-code",
                    user_id=copy.user_id,
                    activity_id=copy.activity_id,
                    snapshot=copy.snapshot,
                    status="issued",
                    created_at=NOW,
                    supersedes_id=first,
                )
            )
    finally:
        database.dispose()


# --- the context of a grant ----------------------------------------------------------------------


def methotrexate_id(db: Database) -> int:
    with db.read_session() as session:
        activity_id = session.scalar(select(Activity.id).where(Activity.slug == METHOTREXATE))
    assert activity_id is not None
    return activity_id


def grant_section(page: str) -> str:
    return page.split("<h2>Attempts and extra attempts</h2>")[1]


def test_the_grant_form_shows_attempts_allowed_granted_and_used(
    admin: AuthActions, learner_id: int, client: FlaskClient, db: Database
) -> None:
    take(client, right=0)
    grant(admin, learner_id, imatinib_id(db), "Power cut", extra="2")
    section = grant_section(learner_page(admin, learner_id))
    table = section.split("</table>")[0]
    [imatinib_row] = [row for row in table.split("</tr>") if "Reversible Bone Marrow" in row]
    assert [cell.split("<")[0] for cell in imatinib_row.split("<td>")[1:]] == [
        "3",
        "2",
        "1 of 5",
        "No",
    ]
    assert "1 of 5 attempts used (2 extra so far)" in section


def test_no_grant_is_offered_or_accepted_on_an_activity_with_unlimited_attempts(
    admin: AuthActions, learner_id: int, db: Database
) -> None:
    section = grant_section(learner_page(admin, learner_id))
    assert "unlimited" in section
    options = section.split('<select id="activity_id"')[1].split("</select>")[0]
    assert f'value="{imatinib_id(db)}"' in options
    assert f'value="{methotrexate_id(db)}"' not in options

    response = grant(admin, learner_id, methotrexate_id(db), "Asked for one")
    assert "This activity allows unlimited attempts: there is no extra attempt to grant." in (
        admin.client.get(response.headers["Location"]).get_data(as_text=True)
    )
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AttemptGrant)) == 0
    assert events(db, "attempt.grant") == []


def test_the_grant_form_says_when_the_learner_has_seen_the_answers(
    admin: AuthActions, learner_id: int, client: FlaskClient, db: Database
) -> None:
    take(client, right=0)
    assert "already seen the correct answers" not in learner_page(admin, learner_id)
    for _ in range(2):
        take(client, right=0)  # the last attempt: the default review policy shows the key
    section = grant_section(learner_page(admin, learner_id))
    assert "Ann Lee has already seen the correct answers of <em>" in section
    assert "<strong>Yes</strong>: the review showed the correct answers" in section
    assert "answers seen</option>" in section


# --- lists and logs for people -------------------------------------------------------------------


def register_many(db: Database, count: int) -> None:
    for number in range(1, count + 1):
        register(
            db,
            Registration(f"person{number:03}@example.org", "correct horse battery staple",
                         f"Person {number:03}", "MD"),
            now=NOW + dt.timedelta(minutes=number), hash_method="scrypt:1024:8:1",
        )  # fmt: skip


def test_the_learner_list_pages_through_everyone_and_says_how_many(
    admin: AuthActions, db: Database
) -> None:
    register_many(db, 55)  # and the administrator: 56 people
    first = admin.client.get("/admin/learners").get_data(as_text=True)
    assert "56 people in all, newest accounts first; showing 1–50." in first
    assert "Page 1 of 2" in first and first.count("/admin/learners/") == 50
    assert "Person 055" in first and "Person 005" not in first
    second = admin.client.get("/admin/learners?page=2").get_data(as_text=True)
    assert "showing 51–56." in second and second.count("/admin/learners/") == 6
    assert "Person 005" in second and "Person 001" in second and "Staff Member" in second

    search = admin.client.get("/admin/learners?q=person+0").get_data(as_text=True)
    assert "55 people match “person 0”; showing 1–50." in search
    last = admin.client.get("/admin/learners?q=person+0&page=2").get_data(as_text=True)
    assert "Person 051" in last and "Person 055" in last and "Person 050" not in last
    assert 'href="/admin/learners?q=person+0&amp;page=1"' in last


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("0", "The page must be a whole number from 1."),
        ("-1", "The page must be a whole number from 1."),
        ("two", "The page must be a whole number from 1."),
        ("1e3", "The page must be a whole number from 1."),
        ("99999999999999999999", "The learner list has no page with this number."),
    ],
)
def test_a_learner_page_number_that_is_not_a_page_is_refused(
    admin: AuthActions, page: str, message: str
) -> None:
    response = admin.client.get(f"/admin/learners?page={page}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
