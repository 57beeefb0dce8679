"""Account mail: the password reset link, registration with a taken address, and confirming
an address; every message read from a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.security import check_password_hash

from quizapp.db import Database
from tests.conftest import NOW, PASSWORD, AuthActions, csrf_token
from tests.learner_helpers import IMATINIB, claim, evaluate, take
from tests.smtp_server import Received, SmtpServer
from tests.staff_helpers import resume, session_cookie, sign_in, sign_in_as
from tests.test_accounts import audit_events, body, field_errors, is_signed_in, the_user

EMAIL = "ann.lee@example.org"
NEW_PASSWORD = "a brand new passphrase"


def deliver(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def link_path(message: Received, starting: str) -> str:
    """The path of the message's link that starts with ``starting``."""
    [url] = [url for url in message.links() if urlsplit(url).path.startswith(starting)]
    assert url.startswith("http://127.0.0.1:5000/")  # SITE_URL, never the request's host
    return urlsplit(url).path


def ask_for_reset(client: FlaskClient, email: str = EMAIL):  # type: ignore[no-untyped-def]
    return AuthActions(client).post_form("/password/forgot", {"email": email})


def reset_link(runner: FlaskCliRunner, smtp: SmtpServer, email: str = EMAIL) -> str:
    deliver(runner)
    resets = [m for m in smtp.to(email) if m.subject.startswith("Reset your password")]
    return link_path(resets[-1], "/password/reset/")


def choose(client: FlaskClient, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    """The CSRF token comes from another page: a dead link's page has no form."""
    return AuthActions(client).post_form(
        path, {"new_password": password}, form_page="/password/forgot"
    )


def flashes(client: FlaskClient, path: str = "/login") -> str:
    """The messages the page shows after a redirect."""
    page = body(client.get(path))
    return " ".join(re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)).strip()


@pytest.fixture
def ann(app: Flask, smtp: SmtpServer) -> AuthActions:
    """Ann's account, registered and signed in on her own browser."""
    auth = AuthActions(app.test_client())
    assert auth.register(EMAIL).status_code == 302
    return auth


# --- password reset -----------------------------------------------------------------------------


def test_the_login_page_offers_a_reset(client: FlaskClient) -> None:
    page = body(client.get("/login"))
    assert '<a href="/password/forgot">Forgot your password?</a>' in page


def test_a_reset_link_arrives_and_sets_a_new_password_signing_out_every_session(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    elsewhere = session_cookie(sign_in(app, EMAIL))
    visitor = app.test_client()

    assert ask_for_reset(visitor, "  Ann.Lee@Example.org ").status_code == 302
    path = reset_link(runner, smtp)
    form = visitor.get(path)
    assert form.status_code == 200 and "Choose a new password" in body(form)
    response = choose(visitor, path)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert check_password_hash(the_user(db, EMAIL).password_hash, NEW_PASSWORD)
    assert not is_signed_in(ann.client)
    assert not is_signed_in(resume(app, elsewhere).client)
    assert AuthActions(app.test_client()).login(EMAIL, PASSWORD).status_code == 400
    assert AuthActions(app.test_client()).login(EMAIL, NEW_PASSWORD).status_code == 302
    assert len(audit_events(db, "user.password_reset_request")) == 1
    [event] = audit_events(db, "user.password_reset_by_email")
    assert event.actor_label == EMAIL
    deliver(runner)
    assert [m.subject for m in smtp.to(EMAIL)][-1] == "Your password was changed · quizapp CME"


def test_a_reset_link_works_once(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    visitor = app.test_client()
    ask_for_reset(visitor)
    path = reset_link(runner, smtp)
    assert choose(visitor, path).status_code == 302

    again = choose(app.test_client(), path, "yet another passphrase")

    assert again.status_code == 302 and again.headers["Location"] == "/password/forgot"
    assert check_password_hash(the_user(db, EMAIL).password_hash, NEW_PASSWORD)
    assert app.test_client().get(path).headers["Location"] == "/password/forgot"


def test_a_reset_link_expires_after_the_documented_time(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    visitor = app.test_client()
    ask_for_reset(visitor)
    path = reset_link(runner, smtp)

    app.config["FROZEN_NOW"] = (NOW + dt.timedelta(minutes=59)).isoformat()
    assert visitor.get(path).status_code == 200
    app.config["FROZEN_NOW"] = (NOW + dt.timedelta(minutes=61)).isoformat()
    response = visitor.get(path)

    assert response.status_code == 302
    assert "expired or was already used" in flashes(visitor, "/password/forgot")
    assert choose(visitor, path).status_code == 302
    assert check_password_hash(the_user(db, EMAIL).password_hash, PASSWORD)


def test_a_reset_link_dies_when_the_password_changes(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    ask_for_reset(app.test_client())
    path = reset_link(runner, smtp)
    changed = ann.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 302

    assert app.test_client().get(path).headers["Location"] == "/password/forgot"
    assert choose(app.test_client(), path, "yet another passphrase").status_code == 302
    assert check_password_hash(the_user(db, EMAIL).password_hash, NEW_PASSWORD)


def test_a_forged_or_altered_link_is_refused(app: Flask, ann: AuthActions) -> None:
    for path in ("/password/reset/abc", "/password/reset/" + "x" * 2000):
        assert app.test_client().get(path).headers["Location"] == "/password/forgot"


def test_a_weak_new_password_is_refused_beside_the_field_and_the_link_still_works(
    app: Flask, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    visitor = app.test_client()
    ask_for_reset(visitor)
    path = reset_link(runner, smtp)

    response = choose(visitor, path, "short")

    assert response.status_code == 400
    assert field_errors(body(response), "new_password")
    assert visitor.get(path).status_code == 200


def test_asking_for_a_reset_answers_the_same_whether_the_address_has_an_account(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    known, unknown = app.test_client(), app.test_client()

    first = ask_for_reset(known, EMAIL)
    second = ask_for_reset(unknown, "nobody@example.org")

    assert (first.status_code, first.headers["Location"]) == (
        second.status_code,
        second.headers["Location"],
    )
    told = flashes(known)
    assert "we have sent it a link" in told
    assert told.replace(EMAIL, "X") == flashes(unknown).replace("nobody@example.org", "X")
    deliver(runner)
    assert smtp.to("nobody@example.org") == []
    assert len([m for m in smtp.to(EMAIL) if m.subject.startswith("Reset")]) == 1


def test_asking_for_resets_is_rate_limited_per_address(app: Flask, ann: AuthActions) -> None:
    statuses = [ask_for_reset(app.test_client(), EMAIL).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


# --- registration with a taken address ----------------------------------------------------------


def register(client: FlaskClient, email: str):  # type: ignore[no-untyped-def]
    token = csrf_token(body(client.get("/register")))
    return client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": email,
            "password": "another person's pass",
            "full_name": "Someone Else",
            "degree": "RN",
        },
    )


def test_registering_a_taken_address_answers_like_a_new_one_and_mails_the_owner(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    fresh, taken = app.test_client(), app.test_client()

    new = register(fresh, "new.person@example.org")
    again = register(taken, EMAIL)

    assert (new.status_code, new.headers["Location"]) == (302, "/login")
    assert (again.status_code, again.headers["Location"]) == (302, "/login")
    told = flashes(fresh)
    assert "We sent a message to new.person@example.org" in told
    assert told.replace("new.person@example.org", "X") == flashes(taken).replace(EMAIL, "X")
    assert not is_signed_in(fresh) and not is_signed_in(taken)
    assert the_user(db, EMAIL).full_name == "Ann Lee"
    deliver(runner)
    [warning] = [m for m in smtp.to(EMAIL) if "tried to register" in m.subject]
    assert warning.subject == "Someone tried to register with your address · quizapp CME"
    assert link_path(warning, "/password/forgot") == "/password/forgot"
    assert [m.subject for m in smtp.to("new.person@example.org")] == [
        "Confirm your email address · quizapp CME"
    ]


# --- confirming an address ----------------------------------------------------------------------


def confirm(client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    return AuthActions(client).post_form(path, {}, form_page="/login")


def test_registration_mails_a_link_that_confirms_the_address(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    deliver(runner)
    [message] = smtp.to(EMAIL)
    path = link_path(message, "/verify-email/")
    assert the_user(db, EMAIL).email_verified_at is None

    page = app.test_client().get(path)  # opening the link alone confirms nothing
    assert page.status_code == 200 and the_user(db, EMAIL).email_verified_at is None
    assert confirm(app.test_client(), path).status_code == 302

    assert the_user(db, EMAIL).email_verified_at == NOW
    assert len(audit_events(db, "user.email_verify")) == 1
    admin = sign_in_as(app, db, "admin", "admin@example.org")
    learner = admin.client.get(f"/admin/learners/{the_user(db, EMAIL).id}")
    assert "Email confirmed" in body(learner) and "January 15, 2027" in body(learner)


def test_changing_the_address_mails_a_new_link_there_and_a_note_to_the_old_one(
    app: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    deliver(runner)
    first_link = link_path(smtp.to(EMAIL)[0], "/verify-email/")
    assert confirm(app.test_client(), first_link).status_code == 302

    response = ann.post_form(
        "/account/email", {"email": "ann@hospital.example.org", "current_password": PASSWORD}
    )

    assert response.status_code == 302
    user = the_user(db, "ann@hospital.example.org")
    assert user.email_verified_at is None
    deliver(runner)
    [note] = [m for m in smtp.to(EMAIL) if "changed" in m.subject]
    assert "ann@hospital.example.org" in note.text()
    [new_link] = smtp.to("ann@hospital.example.org")
    assert confirm(app.test_client(), link_path(new_link, "/verify-email/")).status_code == 302
    assert the_user(db, "ann@hospital.example.org").email_verified_at == NOW
    # the first link named the old address: it confirms nothing now
    stale = app.test_client()
    assert confirm(stale, first_link).status_code == 302
    assert "no longer uses" in flashes(stale)


def test_changing_the_address_needs_the_password(
    app: Flask, db: Database, ann: AuthActions
) -> None:
    response = ann.post_form(
        "/account/email", {"email": "ann@hospital.example.org", "current_password": "wrong one!"}
    )
    assert response.status_code == 400
    assert field_errors(body(response), "current_password") == [
        "Your current password is not correct."
    ]
    assert the_user(db, EMAIL).email == EMAIL


def test_a_site_may_require_a_confirmed_address_before_credit_is_claimed(
    synced: Flask, db: Database, ann: AuthActions, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    synced.config["REQUIRE_VERIFIED_EMAIL"] = True
    take(ann.client, right=3)
    assert evaluate(ann).status_code == 302

    page = body(ann.client.get(f"/activities/{IMATINIB}/claim"))
    refused = claim(ann, {"ama-pra-1": "0.5"})

    assert "Confirm your email address before claiming credit" in page
    assert "Send the link again" in page
    assert refused.status_code == 400
    assert "Confirm your email address before claiming credit" in body(refused)
    resent = ann.post_form(
        "/account/verify-email",
        {"back": f"/activities/{IMATINIB}/claim"},
        form_page=f"/activities/{IMATINIB}/claim",
    )
    assert resent.headers["Location"] == f"/activities/{IMATINIB}/claim"
    deliver(runner)
    links = [m for m in smtp.to(EMAIL) if m.subject.startswith("Confirm")]
    assert len(links) == 2
    assert confirm(synced.test_client(), link_path(links[-1], "/verify-email/")).status_code == 302
    assert claim(ann, {"ama-pra-1": "0.5"}).status_code == 302


def test_by_default_an_unconfirmed_address_may_claim(synced: Flask, ann: AuthActions) -> None:
    take(ann.client, right=3)
    assert evaluate(ann).status_code == 302
    assert claim(ann, {"ama-pra-1": "0.5"}).status_code == 302
