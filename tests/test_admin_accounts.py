"""Accounts administered in the browser, from the admin learner page: correcting the name or
degree (with a reason, audited, and the learner told by email), changing the role, mailing a
password-reset link, locking and unlocking. Who may post them, the fresh login and the CSRF
token are specified for every admin action in tests/test_admin_access.py."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.db import Database
from quizapp.models import AuditEvent, OutboxMessage, User
from tests.conftest import PASSWORD, AuthActions
from tests.staff_helpers import create_account, sign_in_as

LEARNER = "ann.lee@example.org"
ADMIN = "grace.admin@example.org"
LOCKED = "This account is locked by an administrator and cannot sign in."


@pytest.fixture
def learner(synced: Flask) -> AuthActions:
    auth = AuthActions(synced.test_client())
    assert auth.register(LEARNER).status_code == 302
    return auth


@pytest.fixture
def admin(synced: Flask, db: Database) -> AuthActions:
    return sign_in_as(synced, db, "admin", ADMIN)


def user(db: Database, email: str) -> User:
    with db.read_session() as session:
        row = session.scalar(select(User).where(User.email == email))
    assert row is not None
    return row


def act(admin: AuthActions, db: Database, email: str, action: str, form: dict[str, object]):  # type: ignore[no-untyped-def]
    user_id = user(db, email).id
    return admin.post_form(
        f"/admin/learners/{user_id}/{action}", form, form_page=f"/admin/learners/{user_id}"
    )


def flashed(admin: AuthActions, db: Database, email: str) -> str:
    return admin.client.get(f"/admin/learners/{user(db, email).id}").get_data(as_text=True)


def audit(db: Database, action: str) -> list[AuditEvent]:
    with db.read_session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def outbox(db: Database, kind: str) -> list[OutboxMessage]:
    with db.read_session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


# --- correcting the name or degree --------------------------------------------------------------


def test_a_corrected_name_and_degree_are_audited_with_the_reason_and_mailed_to_the_learner(
    learner: AuthActions, admin: AuthActions, db: Database
) -> None:
    response = act(
        admin,
        db,
        LEARNER,
        "correct",
        {"full_name": "Ann  B. Lee", "degree": "DO", "reason": "Misspelt at  registration."},
    )
    assert response.status_code == 302
    assert (user(db, LEARNER).full_name, user(db, LEARNER).degree) == ("Ann B. Lee", "DO")
    [event] = audit(db, "user.correct")
    assert event.actor_label == ADMIN
    assert event.details == {
        "reason": "Misspelt at registration.",
        "old_full_name": "Ann Lee",
        "new_full_name": "Ann B. Lee",
        "old_degree": "MD",
        "new_degree": "DO",
    }
    [mail] = outbox(db, "account-corrected")
    assert mail.recipient == LEARNER
    assert mail.context["changes"] == ["Name: Ann Lee → Ann B. Lee", "Degree: MD → DO"]
    assert mail.context["reason"] == "Misspelt at registration."


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"full_name": "Ann B. Lee", "degree": "MD", "reason": "  "},
            "Give the reason for the correction; it is kept in the audit log.",
        ),
        (
            {"full_name": "Ann Lee", "degree": "MD", "reason": "Checked."},
            "The name and degree are already these: nothing to correct.",
        ),
        (
            {"full_name": "Ann Lee", "degree": "Dr", "reason": "Checked."},
            "Choose one of the degrees offered.",
        ),
        (
            {"full_name": "", "degree": "MD", "reason": "Checked."},
            "Enter the full name as it should appear on certificates.",
        ),
    ],
)
def test_a_refused_correction_says_why_and_changes_nothing(
    learner: AuthActions, admin: AuthActions, db: Database, form: dict[str, object], message: str
) -> None:
    assert act(admin, db, LEARNER, "correct", form).status_code == 302
    assert message in flashed(admin, db, LEARNER)
    assert (user(db, LEARNER).full_name, user(db, LEARNER).degree) == ("Ann Lee", "MD")
    assert audit(db, "user.correct") == []
    assert outbox(db, "account-corrected") == []


# --- the role -----------------------------------------------------------------------------------


def test_a_role_change_is_audited_and_takes_effect_at_the_next_request(
    learner: AuthActions, admin: AuthActions, db: Database
) -> None:
    assert learner.client.get("/author/preview").status_code == 403
    assert act(admin, db, LEARNER, "role", {"role": "author"}).status_code == 302
    assert learner.client.get("/author/preview").status_code == 200
    [event] = audit(db, "user.role_change")
    assert event.details == {"old": "learner", "new": "author"}


def test_the_last_administrator_cannot_demote_themself(admin: AuthActions, db: Database) -> None:
    act(admin, db, ADMIN, "role", {"role": "learner"})
    assert "This is the last administrator account that can sign in" in flashed(admin, db, ADMIN)
    assert user(db, ADMIN).role == "admin"
    assert audit(db, "user.role_change") == []


def test_an_administrator_may_step_down_while_another_can_sign_in(
    synced: Flask, admin: AuthActions, db: Database
) -> None:
    create_account(synced, db, "admin", "second.admin@example.org")
    assert act(admin, db, ADMIN, "role", {"role": "learner"}).status_code == 302
    assert user(db, ADMIN).role == "learner"
    assert admin.client.get("/admin/").status_code == 403


def test_a_locked_administrator_does_not_count_as_the_other_one(
    synced: Flask, admin: AuthActions, db: Database
) -> None:
    create_account(synced, db, "admin", "second.admin@example.org")
    act(admin, db, "second.admin@example.org", "lock", {"reason": "Left the provider."})
    act(admin, db, ADMIN, "role", {"role": "learner"})
    assert user(db, ADMIN).role == "admin"


# --- the password-reset link --------------------------------------------------------------------


def test_the_reset_link_is_mailed_to_the_owner_and_lets_them_choose_a_password(
    synced: Flask, learner: AuthActions, admin: AuthActions, db: Database
) -> None:
    assert act(admin, db, LEARNER, "reset-link", {}).status_code == 302
    [mail] = outbox(db, "password-reset")
    assert mail.recipient == LEARNER
    path = str(mail.context["path"])
    assert path not in flashed(admin, db, LEARNER), "the administrator never sees the link"
    [event] = audit(db, "user.password_reset_link")
    assert (event.actor_label, event.target_id) == (ADMIN, str(user(db, LEARNER).id))

    owner = AuthActions(synced.test_client())
    new_password = "a brand new passphrase for ann"
    response = owner.post_form(path, {"new_password": new_password})
    assert response.status_code == 302
    assert owner.login(LEARNER, new_password).status_code == 302


# --- locking ------------------------------------------------------------------------------------


def test_a_locked_account_is_signed_out_and_cannot_sign_in_until_unlocked(
    synced: Flask, learner: AuthActions, admin: AuthActions, db: Database
) -> None:
    assert learner.client.get("/my/activities").status_code == 200
    act(admin, db, LEARNER, "lock", {"reason": "Shared by a whole practice."})
    assert user(db, LEARNER).locked_at is not None

    ended = learner.client.get("/my/activities")
    assert urlsplit(ended.headers["Location"]).path == "/login"
    refused = learner.login(LEARNER)
    assert refused.status_code == 400
    assert LOCKED in refused.get_data(as_text=True)
    wrong = learner.login(LEARNER, "not the password at all")
    assert LOCKED not in wrong.get_data(as_text=True), "a wrong password learns nothing"
    assert "Locked since" in flashed(admin, db, LEARNER)

    act(admin, db, LEARNER, "unlock", {})
    assert user(db, LEARNER).locked_at is None
    assert learner.login(LEARNER, PASSWORD).status_code == 302
    [locked] = audit(db, "user.lock")
    assert locked.details == {"reason": "Shared by a whole practice."}
    assert len(audit(db, "user.unlock")) == 1


def test_locking_needs_a_reason(learner: AuthActions, admin: AuthActions, db: Database) -> None:
    act(admin, db, LEARNER, "lock", {"reason": ""})
    assert "Give the reason for locking the account" in flashed(admin, db, LEARNER)
    assert user(db, LEARNER).locked_at is None


def test_the_last_administrator_cannot_lock_themself_out(admin: AuthActions, db: Database) -> None:
    act(admin, db, ADMIN, "lock", {"reason": "Trying it out."})
    assert "This is the last administrator account that can sign in" in flashed(admin, db, ADMIN)
    assert user(db, ADMIN).locked_at is None


def test_an_account_that_does_not_exist_is_404(admin: AuthActions) -> None:
    for action in ("correct", "role", "reset-link", "lock", "unlock"):
        response = admin.post_form(
            f"/admin/learners/99999/{action}",
            {"reason": "x", "role": "author", "full_name": "A B", "degree": "MD"},
            form_page="/admin/learners",
        )
        assert response.status_code == 404, action
