"""Defects found in review, each kept as a specification.

- An id in a URL or a form that no row can have (beyond PostgreSQL's ``integer``, or beyond
  SQLite's 64 bits) is a 404 or a refusal with a message, never a 500.
- A posttest form whose version field is not made of ASCII digits is refused with a message.
- A date range may end on the last day a date can hold.
- A revoked certificate is reissued once: asking again, or twice at once, makes no second
  valid certificate for the same credit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp import audit
from quizapp.certificates import services as certificates
from quizapp.db import Database
from quizapp.models import Attempt, AttemptGrant, Certificate, User
from tests.conftest import FROZEN_NOW, AuthActions, csrf_token
from tests.learner_helpers import answers, claim, evaluate, start_id, take
from tests.staff_helpers import sign_in_as
from tests.test_concurrency import in_parallel

ADMIN = "boss@example.org"
BEYOND_POSTGRES = str(2**31)
BEYOND_SQLITE = str(2**63)
BEYOND_ANY = "99999999999999999999"
TOO_BIG = [BEYOND_POSTGRES, BEYOND_SQLITE, BEYOND_ANY]
NOW = dt.datetime.fromisoformat(FROZEN_NOW)


@pytest.fixture
def admin(app: Flask, db: Database, synced: Flask) -> AuthActions:
    return sign_in_as(app, db, "admin", ADMIN)


@pytest.fixture
def learner_id(synced: Flask, auth: AuthActions, db: Database) -> int:
    auth.register()
    with db.read_session() as session:
        user_id = session.scalar(select(User.id).where(User.email == "ann.lee@example.org"))
    assert user_id is not None
    return user_id


@pytest.fixture
def certificate_id(learner_id: int, auth: AuthActions, client: FlaskClient, db: Database) -> int:
    take(client, right=3)
    evaluate(auth)
    claim(auth, {"ama-pra-1": "1.0"})
    with db.read_session() as session:
        cert_id = session.scalar(select(Certificate.id))
    assert cert_id is not None
    return cert_id


@pytest.mark.parametrize("attempt_id", TOO_BIG)
def test_an_attempt_id_no_row_can_have_is_a_404_to_read_and_to_submit(
    learner_id: int, auth: AuthActions, client: FlaskClient, attempt_id: str
) -> None:
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    response = auth.post_form(f"/attempts/{attempt_id}", {"q-x": "a"}, form_page="/")
    assert response.status_code == 404


@pytest.mark.parametrize("number", TOO_BIG)
def test_admin_pages_and_actions_on_an_id_no_row_can_have_are_404(
    admin: AuthActions, number: str
) -> None:
    assert admin.client.get(f"/admin/learners/{number}").status_code == 404
    for action in ("approve", "revoke", "reissue"):
        response = admin.post_form(
            f"/admin/certificates/{number}/{action}", {"reason": "r"}, form_page="/admin/"
        )
        assert response.status_code == 404, action
    response = admin.post_form(
        f"/admin/learners/{number}/grants",
        {"activity_id": "1", "extra": "1", "reason": "Network failure"},
        form_page="/admin/",
    )
    assert response.status_code == 404


@pytest.mark.parametrize("activity_id", [*TOO_BIG, "-1", "0"])
def test_a_grant_for_an_activity_id_no_row_can_have_is_refused_with_a_message(
    admin: AuthActions, learner_id: int, db: Database, activity_id: str
) -> None:
    response = admin.post_form(
        f"/admin/learners/{learner_id}/grants",
        {"activity_id": activity_id, "extra": "1", "reason": "Network failure"},
        form_page=f"/admin/learners/{learner_id}",
    )
    assert response.status_code == 302
    page = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "There is no such learner or activity." in page
    with db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AttemptGrant)) == 0


@pytest.mark.parametrize("version_field", ["²", "١", "𝟙"])
def test_a_version_field_that_is_not_ascii_digits_is_refused_and_the_attempt_stays_open(
    learner_id: int, client: FlaskClient, db: Database, version_field: str
) -> None:
    attempt_id = start_id(client)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "version_id": version_field}
    data.update({f"q-{question}": option for question, option in answers(3).items()})
    response = client.post(f"/attempts/{attempt_id}", data=data)
    assert response.status_code == 400
    assert "This form belongs to another version" in response.get_data(as_text=True)
    with db.read_session() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/admin/?end=9999-12-31",
        "/admin/?start=0001-01-01&end=9999-12-31",
        "/admin/reports/completions?end=9999-12-31",
        "/admin/reports/completions.csv?end=9999-12-31",
        "/admin/audit?end=9999-12-31",
    ],
)
def test_a_date_range_may_end_on_the_last_day_a_date_can_hold(
    admin: AuthActions, certificate_id: int, path: str
) -> None:
    response = admin.client.get(path)
    body = response.get_data(as_text=True)  # a CSV is written while it streams
    assert response.status_code == 200
    if path.startswith("/admin/reports/completions"):
        assert "Ann Lee" in body


@pytest.mark.parametrize("page", [str(2**31), BEYOND_SQLITE, BEYOND_ANY])
def test_an_audit_page_beyond_any_row_is_a_400_with_a_message(
    admin: AuthActions, page: str
) -> None:
    response = admin.client.get(f"/admin/audit?page={page}")
    assert response.status_code == 400
    assert "The audit log has no page with this number." in response.get_data(as_text=True)


def live_certificates(db: Database) -> list[tuple[str, int | None]]:
    with db.read_session() as session:
        return [
            (row.status, row.supersedes_id)
            for row in session.scalars(select(Certificate).order_by(Certificate.id))
        ]


def test_a_revoked_certificate_is_reissued_once(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    def act(action: str, **data: str):  # type: ignore[no-untyped-def]
        return admin.post_form(
            f"/admin/certificates/{certificate_id}/{action}", data, form_page="/admin/"
        )

    act("revoke", reason="Revoked by mistake")
    act("reissue")
    second = act("reissue")
    assert live_certificates(db) == [("revoked", None), ("issued", certificate_id)]
    page = admin.client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This certificate was already reissued as" in page


def test_parallel_reissues_of_a_revoked_certificate_make_one_new_certificate(
    admin: AuthActions, certificate_id: int, db: Database
) -> None:
    actor = audit.Actor(ADMIN)
    certificates.revoke(db, certificate_id, "Revoked by mistake", actor, NOW)
    results = in_parallel(lambda: certificates.reissue(db, certificate_id, actor, NOW))
    made = [r for r in results if isinstance(r, Certificate)]
    refused = [r for r in results if isinstance(r, certificates.CertificateError)]
    assert len(made) == 1 and len(refused) == len(results) - 1, results
    assert live_certificates(db) == [("revoked", None), ("issued", certificate_id)]
