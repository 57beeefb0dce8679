"""Evaluation, then the credit claim: who may claim what, how much, and only once."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select, update

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.models import AuditEvent, Certificate, CertificateClaim, CreditClaim, Evaluation
from tests.conftest import NOW, SAMPLE_CONTENT, AuthActions, make_app
from tests.learner_helpers import (
    IMATINIB,
    METHOTREXATE,
    claim,
    evaluate,
    pass_methotrexate,
    profile_form,
    take,
    variant,
)
from tests.pdf_text import pdftotext
from tests.staff_helpers import sign_in_as

CLAIM_PAGE = f"/activities/{IMATINIB}/claim"


def claims(db: Database) -> list[tuple[str, str]]:
    with db.read_session() as session:
        return [
            (c.credit_type, f"{c.amount:.2f}")
            for c in session.scalars(select(CreditClaim).order_by(CreditClaim.id))
        ]


@pytest.fixture
def passed(synced: Flask, auth: AuthActions, client: FlaskClient) -> AuthActions:
    auth.register()
    take(client, right=3)
    return auth


@pytest.fixture
def evaluated(passed: AuthActions) -> AuthActions:
    assert evaluate(passed).status_code == 302
    return passed


def test_the_evaluation_is_closed_until_the_posttest_is_passed(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    auth.register()
    take(client, right=1)
    response = client.get(f"/activities/{IMATINIB}/evaluation")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{IMATINIB}/posttest")


def test_the_default_evaluation_asks_the_accreditation_questions(
    passed: AuthActions, client: FlaskClient
) -> None:
    html = client.get(f"/activities/{IMATINIB}/evaluation").get_data(as_text=True)
    for prompt in (
        "The activity met its stated learning objectives.",
        "The content is relevant to my practice.",
        "Do you intend to change your practice as a result of this activity?",
        "What, if anything, will you change in your practice?",
        "Did you perceive commercial bias in this activity?",
    ):
        assert prompt in html


def test_an_incomplete_evaluation_is_refused_and_writes_nothing(
    passed: AuthActions, db: Database
) -> None:
    response = passed.post_form(f"/activities/{IMATINIB}/evaluation", {"objectives-met": "Agree"})
    assert response.status_code == 400
    assert "Please answer this question." in response.get_data(as_text=True)
    with db.read_session() as session:
        assert session.scalars(select(Evaluation)).all() == []


def test_the_evaluation_is_stored_once(evaluated: AuthActions, db: Database) -> None:
    again = evaluated.post_form(
        f"/activities/{IMATINIB}/evaluation",
        {
            "objectives-met": "Disagree",
            "relevance": "Agree",
            "intent-to-change": "Yes",
            "commercial-bias": "Yes",
        },
        form_page="/my/transcript",
    )
    assert again.status_code == 302
    with db.read_session() as session:
        [stored] = session.scalars(select(Evaluation)).all()
    assert stored.answers["planned-change"] == "Order MRI before assuming metastasis."


def test_an_activity_may_replace_the_evaluation_questions(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "own-evaluation",
        {
            "attempts_allowed: 3": "attempts_allowed: 3\n"
            "evaluation:\n"
            "  - id: useful\n    type: yes-no\n    prompt: Was the case useful?\n"
        },
    )
    auth.register()
    take(client, right=3, slug=slug)
    html = client.get(f"/activities/{slug}/evaluation").get_data(as_text=True)
    assert "Was the case useful?" in html
    assert "commercial bias" not in html
    response = auth.post_form(f"/activities/{slug}/evaluation", {"useful": "Yes"})
    assert response.status_code == 302


def test_claiming_needs_the_evaluation_first(passed: AuthActions, client: FlaskClient) -> None:
    response = client.get(CLAIM_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{IMATINIB}/evaluation")


def test_a_physician_claims_ama_credit_and_the_activity_is_completed(
    evaluated: AuthActions, client: FlaskClient, db: Database
) -> None:
    html = client.get(CLAIM_PAGE).get_data(as_text=True)
    assert "AMA PRA Category 1 Credit™ (up to 1.0, in steps of 0.25)" in html
    response = claim(evaluated, {"ama-pra-1": "1.0"})
    assert response.status_code == 302
    assert claims(db) == [("ama-pra-1", "1.00")]
    status = client.get("/my/activities").get_data(as_text=True)
    assert "Completed" in status
    with db.read_session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "credit.claim" in actions


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "must be more than 0"),
        ("-0.25", "must be more than 0"),
        ("1.25", "at most 1.0"),
        ("0.3", "steps of 0.25"),
        ("one", "as a number"),
    ],
)
def test_amounts_outside_the_rules_are_refused(
    evaluated: AuthActions, db: Database, amount: str, message: str
) -> None:
    response = claim(evaluated, {"ama-pra-1": amount})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert claims(db) == []


def test_a_partial_claim_in_quarter_hours_is_recorded_as_claimed(
    evaluated: AuthActions, db: Database
) -> None:
    assert claim(evaluated, {"ama-pra-1": "0.75"}).status_code == 302
    assert claims(db) == [("ama-pra-1", "0.75")]


def test_the_attestation_is_required(evaluated: AuthActions, db: Database) -> None:
    response = claim(evaluated, {"ama-pra-1": "1.0"}, attest=False)
    assert response.status_code == 400
    assert "commensurate with your participation" in response.get_data(as_text=True)
    assert claims(db) == []


def test_a_credit_type_is_claimed_once_even_when_posted_twice(
    evaluated: AuthActions, db: Database
) -> None:
    first = claim(evaluated, {"ama-pra-1": "1.0"})
    assert first.status_code == 302
    second = evaluated.post_form(
        CLAIM_PAGE, {"amount-ama-pra-1": "0.5", "attest": "yes"}, form_page="/my/transcript"
    )
    assert second.status_code == 400
    assert claims(db) == [("ama-pra-1", "1.00")]


def test_a_nurse_gets_a_certificate_of_participation_not_ama_credit(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    auth.register(degree="RN")
    take(client, right=3)
    evaluate(auth)
    html = client.get(CLAIM_PAGE).get_data(as_text=True)
    assert "Certificate of participation" in html
    assert 'name="amount-ama-pra-1"' not in html
    refused = claim(auth, {"ama-pra-1": "1.0"})
    assert refused.status_code == 400
    assert "not make you eligible" in refused.get_data(as_text=True)
    assert claim(auth, {"participation": "1.0"}).status_code == 302
    assert claims(db) == [("participation", "1.00")]


def test_pharmacy_credit_needs_the_eprofile_id_and_birth_month_and_day(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    slug = "weekly-methotrexate-safety"
    auth.register(degree="PharmD")
    take_all_right(client, slug)
    assert evaluate(auth, slug).status_code == 302
    refused = claim(auth, {"acpe": "0.5"}, slug=slug)
    assert refused.status_code == 400
    assert "NABP e-Profile ID, birth month and day" in refused.get_data(as_text=True)
    auth.post_form(
        "/account",
        profile_form(degree="PharmD", nabp_eprofile_id="1234567", birth_month="9", birth_day="10"),
    )
    accepted = claim(auth, {"acpe": "0.5"}, slug=slug)
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    assert claims(db) == [("acpe", "0.50")]


def take_all_right(client: FlaskClient, slug: str) -> None:
    """Answer the methotrexate posttest from its key, read from the stored version."""
    from tests.learner_helpers import start_id, submit

    app = client.application
    database: Database = app.extensions["quizapp.db"]
    from quizapp.catalog.queries import find_activity

    with database.read_session() as session:
        found = find_activity(session, slug)
        assert found is not None
        key = {q.id: sorted(q.correct_ids) for q in found[1].snapshot().questions}
    response = submit(client, start_id(client, slug), key)  # type: ignore[arg-type]
    assert response.status_code == 302


def test_no_claims_after_expiry(database_url: str) -> None:
    from quizapp.models import Base

    app = make_app(database_url)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        client = app.test_client()
        auth = AuthActions(client)
        auth.register()
        take(client, right=3)
        evaluate(auth)
        app.config["FROZEN_NOW"] = "2028-09-01T08:00:00+00:00"
        page = client.get(CLAIM_PAGE).get_data(as_text=True)
        assert "credit can no longer be claimed" in page
        token_page = client.get("/my/transcript").get_data(as_text=True)
        from tests.conftest import csrf_token

        response = client.post(
            CLAIM_PAGE,
            data={"csrf_token": csrf_token(token_page), "amount-ama-pra-1": "1.0", "attest": "yes"},
        )
        assert response.status_code == 400
        assert claims(database) == []
    finally:
        database.dispose()


def test_the_transcript_lists_completions_and_downloads_as_csv(
    evaluated: AuthActions, client: FlaskClient
) -> None:
    claim(evaluated, {"ama-pra-1": "1.0"})
    html = client.get("/my/transcript").get_data(as_text=True)
    assert "Reversible Bone Marrow Edema" in html
    assert "1.0 AMA PRA Category 1 Credit™" in html
    assert "Meridian Oncology Education Institute" in html
    response = client.get("/my/transcript.csv")
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbfCompletion date,")  # the BOM Excel reads as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Completion date",
        "Activity",
        "Provider",
        "Credit type",
        "Amount",
        "UAN",
        "Certificate code",
        "Certificate status",
    ]
    assert rows[1][0] == "2027-01-15"
    assert rows[1][3:6] == ["AMA PRA Category 1 Credit™", "1.00", ""]
    assert rows[1][7] == "issued"
    assert f"/certificates/{rows[1][6]}.pdf" in html


def test_the_transcript_totals_each_credit_type_over_valid_certificates(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    """A pharmacist with AMA-designated and ACPE credit: one total per type."""
    pharmacist(auth, client)
    take(client, right=3)
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"participation": "1.0"}).status_code == 302
    html = client.get("/my/transcript").get_data(as_text=True)
    totals = html.split("<h2>Totals</h2>", 1)[1]
    assert "<td>ACPE pharmacy contact hours</td><td>0.5</td><td>1</td>" in totals
    assert "<td>Certificate of participation</td><td>1.0</td><td>1</td>" in totals
    assert "UAN 0798-9999-26-014-H05-P" in html


def test_the_transcript_shows_the_completions_of_a_date_range(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    pharmacist(auth, client)
    take(client, right=3)
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"participation": "1.0"}).status_code == 302
    with db.transaction() as session:  # the pharmacy credit was claimed a year earlier
        session.execute(
            update(CreditClaim)
            .where(CreditClaim.credit_type == "acpe")
            .values(claimed_at=NOW - dt.timedelta(days=365))
        )
    in_2027 = client.get("/my/transcript?start=2027-01-01&end=2027-12-31").get_data(as_text=True)
    assert "Reversible Bone Marrow Edema" in in_2027 and "Methotrexate" not in in_2027
    assert "ACPE pharmacy contact hours</td>" not in in_2027
    assert 'href="/my/transcript.pdf?start=2027-01-01&amp;end=2027-12-31"' in in_2027
    until_2026 = client.get("/my/transcript?end=2026-12-31").get_data(as_text=True)
    assert "Methotrexate" in until_2026 and "Reversible Bone Marrow Edema" not in until_2026
    csv_2026 = client.get("/my/transcript.csv?end=2026-12-31").get_data().decode("utf-8-sig")
    assert [row[3] for row in csv.reader(io.StringIO(csv_2026))][1:] == [
        "ACPE pharmacy contact hours"
    ]
    assert "No completion" in pdftotext(client.get("/my/transcript.pdf?start=2028-01-01").data)
    for query in ("start=2027-13-01", "start=2027-02-01&end=2027-01-01", "end=yesterday"):
        assert client.get(f"/my/transcript?{query}").status_code == 400
        assert client.get(f"/my/transcript.pdf?{query}").status_code == 400


def test_the_transcript_pdf_lists_valid_completions_for_a_board(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    pharmacist(auth, client, license_state="IL", license_number="051-298877", npi="1234567893")
    take(client, right=3)
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"participation": "1.0"}).status_code == 302
    with db.read_session() as session:
        codes = dict(
            session.execute(
                select(CreditClaim.credit_type, Certificate.code)
                .join(CertificateClaim, CertificateClaim.claim_id == CreditClaim.id)
                .join(Certificate, Certificate.id == CertificateClaim.certificate_id)
            ).all()
        )
    response = client.get("/my/transcript.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdftotext(response.data)
    for printed in (
        "Continuing Education Transcript",
        "Priya Raman, PharmD",
        "IL 051-298877",
        "1234567893",
        "1234567",
        "All completions up to January 15, 2027",
        "2027-01-15",
        "Lakemont Center for Continuing Health Education",
        "Meridian Oncology Education Institute",
        "ACPE pharmacy contact hours",
        "UAN 0798-9999-26-014-H05-P",
        "Certificate of participation",
        codes["acpe"],
        codes["participation"],
        "0.5 ACPE pharmacy contact hours (1 completion)",
        "1.0 Certificate of participation (1 completion)",
        "http://127.0.0.1:5000/verify/",
        "Page 1 of 1",
    ):
        assert printed in text, printed
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 1

    admin = sign_in_as(app, db, "admin", "boss@example.org")
    with db.read_session() as session:
        participation = session.scalar(
            select(Certificate).where(Certificate.code == codes["participation"])
        )
        assert participation is not None
        revoked_id = participation.id
    admin.post_form(
        f"/admin/certificates/{revoked_id}/revoke",
        {"reason": "Claimed in error"},
        form_page="/admin/certificates",
    )
    after = pdftotext(client.get("/my/transcript.pdf").data)
    assert codes["participation"] not in after and "Certificate of participation" not in after
    assert codes["acpe"] in after


def test_a_learner_gets_only_their_own_transcript_pdf(
    evaluated: AuthActions, app: Flask, client: FlaskClient
) -> None:
    claim(evaluated, {"ama-pra-1": "1.0"})
    other = app.test_client()
    AuthActions(other).register("bob@example.org", full_name="Bob Roe")
    text = pdftotext(other.get("/my/transcript.pdf").data)
    assert "Bob Roe" in text and "Ann Lee" not in text
    assert "Reversible Bone Marrow Edema" not in text
    assert app.test_client().get("/my/transcript.pdf").status_code == 302


def pharmacist(auth: AuthActions, client: FlaskClient, **profile: str) -> None:
    """A PharmD with the NABP fields, who has claimed the methotrexate activity's ACPE credit."""
    auth.register(full_name="Priya Raman", degree="PharmD")
    fields = {
        "full_name": "Priya Raman",
        "degree": "PharmD",
        "nabp_eprofile_id": "1234567",
        "birth_month": "9",
        "birth_day": "10",
        **profile,
    }
    assert auth.post_form("/account", profile_form(**fields)).status_code == 302
    pass_methotrexate(client)
    assert evaluate(auth, METHOTREXATE).status_code == 302
    assert claim(auth, {"acpe": "0.5"}, slug=METHOTREXATE).status_code == 302


def test_another_learner_sees_none_of_it(evaluated: AuthActions, app: Flask, db: Database) -> None:
    claim(evaluated, {"ama-pra-1": "1.0"})
    other = app.test_client()
    AuthActions(other).register("bob@example.org", full_name="Bob Roe")
    assert "Reversible Bone Marrow Edema" not in other.get("/my/transcript").get_data(as_text=True)
    assert len(other.get("/my/transcript.csv").get_data(as_text=True).splitlines()) == 1
    assert other.get(CLAIM_PAGE).status_code == 302


def test_the_csv_download_returns_its_database_connection(
    evaluated: AuthActions, client: FlaskClient, db: Database
) -> None:
    claim(evaluated, {"ama-pra-1": "1.0"})
    response = client.get("/my/transcript.csv")
    assert len(response.get_data(as_text=True).splitlines()) == 2
    response.close()
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


# One participation, one profession: a degree change does not open a second profession's credit.


def change_degree(auth: AuthActions, degree: str, **profile: str) -> None:
    response = auth.post_form("/account", profile_form(degree=degree, **profile))
    assert response.status_code == 302, response.get_data(as_text=True)


def recorded(db: Database) -> tuple[list[tuple[str, str]], int, int]:
    """The claims, the number of certificates and of claim audit events."""
    with db.read_session() as session:
        certificates = session.scalar(select(func.count()).select_from(Certificate))
        audited = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "credit.claim")
        )
    return claims(db), certificates or 0, audited or 0


def test_a_learner_who_changed_degree_cannot_claim_a_second_profession_s_credit(
    evaluated: AuthActions, client: FlaskClient, db: Database
) -> None:
    assert claim(evaluated, {"ama-pra-1": "1.0"}).status_code == 302
    change_degree(evaluated, "RN")
    message = (
        "You already claimed AMA PRA Category 1 Credit™ for this activity under another "
        "degree; contact the provider to correct your record."
    )

    page = client.get(CLAIM_PAGE).get_data(as_text=True)
    assert message in page
    assert "1.0 AMA PRA Category 1 Credit™ on January 15, 2027" in page
    assert 'name="amount-participation"' not in page

    refused = claim(evaluated, {"participation": "1.0"}, form_page="/my/transcript")
    assert refused.status_code == 400
    assert refused.get_data(as_text=True).count(message) == 1
    assert recorded(db) == ([("ama-pra-1", "1.00")], 1, 1)


def test_a_nurse_who_became_a_physician_cannot_then_claim_ama_credit(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    auth.register(degree="RN")
    take(client, right=3)
    evaluate(auth)
    assert claim(auth, {"participation": "1.0"}).status_code == 302
    change_degree(auth, "DO")

    refused = claim(auth, {"ama-pra-1": "1.0"}, form_page="/my/transcript")

    assert refused.status_code == 400
    assert (
        "You already claimed a certificate of participation for this activity under another "
        "degree; contact the provider to correct your record." in refused.get_data(as_text=True)
    )
    assert recorded(db) == ([("participation", "1.00")], 1, 1)


NURSING_TOO = {
    "  - type: ama-pra-1\n    amount: 1.0": "  - type: ama-pra-1\n    amount: 1.0\n"
    "  - type: ancc\n    amount: 1.0"
}


def test_the_refusal_names_every_credit_held_under_the_other_degree(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(tmp_path, db, "nursing-too", NURSING_TOO)
    auth.register(degree="NP")
    take(client, right=3, slug=slug)
    evaluate(auth, slug)
    assert claim(auth, {"participation": "1.0", "ancc": "1.0"}, slug=slug).status_code == 302
    change_degree(auth, "MD")

    refused = claim(auth, {"ama-pra-1": "1.0"}, slug=slug, form_page="/my/transcript")

    assert refused.status_code == 400
    assert (
        "You already claimed ANCC nursing contact hours and a certificate of participation for "
        "this activity under another degree" in refused.get_data(as_text=True)
    )
    assert [kind for kind, _amount in claims(db)] == ["participation", "ancc"]


def test_credit_the_new_degree_could_also_have_claimed_does_not_block_the_rest(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(tmp_path, db, "nursing-too", NURSING_TOO)
    auth.register(degree="PA")
    take(client, right=3, slug=slug)
    evaluate(auth, slug)
    assert claim(auth, {"participation": "1.0"}, slug=slug).status_code == 302
    change_degree(auth, "RN")

    accepted = claim(auth, {"ancc": "0.5"}, slug=slug)

    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    assert claims(db) == [("participation", "1.00"), ("ancc", "0.50")]


def test_returning_to_the_degree_the_credit_was_claimed_under_lifts_the_refusal(
    evaluated: AuthActions, client: FlaskClient
) -> None:
    assert claim(evaluated, {"ama-pra-1": "1.0"}).status_code == 302
    change_degree(evaluated, "RN")
    assert "under another degree" in client.get(CLAIM_PAGE).get_data(as_text=True)
    change_degree(evaluated, "MD")

    page = client.get(CLAIM_PAGE).get_data(as_text=True)

    assert "under another degree" not in page
    assert "You have claimed every credit available to you" in page
