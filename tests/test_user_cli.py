"""Accounts from the command line: ``quizapp user create|role|password`` and ``quizapp demo-admin``.

A generated password is printed once, on creation, and works on the login page.
"""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quizapp.accounts.validation import password_problem
from quizapp.db import Database
from quizapp.models import AuditEvent, User
from tests.conftest import AuthActions

EMAIL = "nia.park@example.org"
DEMO_ADMIN = "admin@quizapp.example.org"
CREATED = re.compile(r"Created (\S+) \((\w+)\)\. Password, shown only now: (\S+)\n")


def users(db: Database) -> list[tuple[str, str, str, str]]:
    with db.read_session() as session:
        return [
            (u.email, u.full_name, u.degree, u.role)
            for u in session.scalars(select(User).order_by(User.id))
        ]


def create(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(args=["user", "create", *args])


def password_of(result: Result) -> str:
    assert result.exit_code == 0, result.output
    match = CREATED.fullmatch(result.output)
    assert match, result.output
    return match.group(3)


def logs_in(app: Flask, email: str, password: str) -> bool:
    response = AuthActions(app.test_client()).login(email, password)
    return response.status_code == 302 and response.headers["Location"] == "/my/activities"


# --- user create ---------------------------------------------------------------------------------


def test_user_create_prints_a_one_time_password_that_logs_in(
    app: Flask, runner: FlaskCliRunner, db: Database
) -> None:
    result = create(runner, "Nia.Park@Example.org", "--name", "Nia  Park", "--degree", "MD")
    password = password_of(result)
    assert result.output.startswith(f"Created {EMAIL} (learner).")
    assert users(db) == [(EMAIL, "Nia Park", "MD", "learner")]
    assert logs_in(app, EMAIL, password)
    assert not logs_in(app, EMAIL, "correct horse battery staple")


def test_each_account_gets_its_own_generated_password(app: Flask, runner: FlaskCliRunner) -> None:
    first = password_of(create(runner, EMAIL))
    second = password_of(create(runner, "omar.haddad@example.org"))
    assert first != second
    assert password_problem(first, EMAIL) is None
    assert not logs_in(app, "omar.haddad@example.org", first)


def test_user_create_without_a_name_uses_the_part_before_the_at_sign(
    runner: FlaskCliRunner, db: Database
) -> None:
    password_of(create(runner, EMAIL))
    assert users(db) == [(EMAIL, "nia.park", "other", "learner")]


@pytest.mark.parametrize(
    ("options", "role"),
    [(["--admin"], "admin"), (["--role", "author"], "author"), (["--role", "admin"], "admin")],
)
def test_user_create_can_give_a_role(
    app: Flask, runner: FlaskCliRunner, db: Database, options: list[str], role: str
) -> None:
    result = create(runner, EMAIL, "--name", "Nia Park", *options)
    password = password_of(result)
    assert result.output.startswith(f"Created {EMAIL} ({role}).")
    assert users(db) == [(EMAIL, "Nia Park", "other", role)]
    assert logs_in(app, EMAIL, password)


def test_user_create_refuses_an_email_already_in_use_and_keeps_the_first_account(
    app: Flask, runner: FlaskCliRunner, db: Database
) -> None:
    password = password_of(create(runner, EMAIL, "--name", "Nia Park"))
    again = create(runner, EMAIL.upper(), "--name", "Someone Else", "--admin")
    assert again.exit_code == 1
    assert "An account with this email already exists." in again.output
    assert "Password" not in again.output
    assert users(db) == [(EMAIL, "Nia Park", "other", "learner")]
    assert logs_in(app, EMAIL, password)


def test_user_create_refuses_an_address_that_is_not_an_email(
    runner: FlaskCliRunner, db: Database
) -> None:
    result = create(runner, "not-an-email")
    assert result.exit_code == 1
    assert "Enter an email address such as name@example.org." in result.output
    assert users(db) == []


def test_user_create_refuses_an_unknown_role_or_degree(
    runner: FlaskCliRunner, db: Database
) -> None:
    assert create(runner, EMAIL, "--role", "owner").exit_code == 2
    assert create(runner, EMAIL, "--degree", "DVM").exit_code == 2
    assert users(db) == []


# --- user role -----------------------------------------------------------------------------------


def test_user_role_changes_the_role_and_writes_it_to_the_audit_log(
    runner: FlaskCliRunner, db: Database
) -> None:
    password_of(create(runner, EMAIL, "--name", "Nia Park"))
    result = runner.invoke(args=["user", "role", EMAIL, "author"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{EMAIL} is now author.\n"
    assert users(db)[0][3] == "author"
    with db.read_session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
        user_id = session.scalar(select(User.id).where(User.email == EMAIL))
    assert event is not None
    assert (event.actor_label, event.actor_id) == ("cli", None)
    assert (event.target_type, event.target_id) == ("user", str(user_id))
    assert event.details == {"old": "learner", "new": "author"}


def test_a_new_role_takes_effect_on_the_next_request(app: Flask, runner: FlaskCliRunner) -> None:
    password = password_of(create(runner, EMAIL, "--name", "Nia Park"))
    auth = AuthActions(app.test_client())
    auth.login(EMAIL, password)
    assert auth.client.get("/admin/").status_code == 403
    assert runner.invoke(args=["user", "role", EMAIL, "admin"]).exit_code == 0
    assert auth.client.get("/admin/").status_code == 200
    assert runner.invoke(args=["user", "role", EMAIL, "learner"]).exit_code == 0
    assert auth.client.get("/admin/").status_code == 403


def test_user_role_of_an_unknown_email_fails_and_says_so(
    runner: FlaskCliRunner, db: Database
) -> None:
    result = runner.invoke(args=["user", "role", "nobody@example.org", "admin"])
    assert result.exit_code == 1
    assert "No account uses nobody@example.org." in result.output
    with db.read_session() as session:
        assert session.scalars(select(AuditEvent)).all() == []


def test_user_role_refuses_an_unknown_role(runner: FlaskCliRunner, db: Database) -> None:
    password_of(create(runner, EMAIL))
    result = runner.invoke(args=["user", "role", EMAIL, "owner"])
    assert result.exit_code == 2
    assert users(db)[0][3] == "learner"


# --- user password -------------------------------------------------------------------------------


def test_user_password_prints_a_new_one_time_password_and_the_old_one_stops_working(
    app: Flask, runner: FlaskCliRunner, db: Database
) -> None:
    old = password_of(create(runner, EMAIL))
    signed_in = AuthActions(app.test_client())
    assert signed_in.login(EMAIL, old).status_code == 302

    result = runner.invoke(args=["user", "password", "Nia.Park@example.org"])

    assert result.exit_code == 0, result.output
    match = re.fullmatch(
        rf"New password for {re.escape(EMAIL)}, shown only now: (\S+)\n"
        r"Every session of this account is signed out\.\n",
        result.output,
    )
    assert match, result.output
    assert logs_in(app, EMAIL, match.group(1))
    assert not logs_in(app, EMAIL, old)
    assert signed_in.client.get("/my/activities").status_code == 302  # sent to log in again
    with db.read_session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor_label) == ("user.password_reset", "cli")


def test_user_password_of_an_unknown_email_fails_and_says_so(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["user", "password", "nobody@example.org"])
    assert result.exit_code == 1
    assert result.output == "Error: No account uses nobody@example.org.\n"


# --- demo-admin ----------------------------------------------------------------------------------


def test_demo_admin_creates_an_administrator_once_and_prints_the_password_once(
    app: Flask, runner: FlaskCliRunner, db: Database
) -> None:
    first = runner.invoke(args=["demo-admin"])
    assert first.exit_code == 0, first.output
    match = re.search(r"^  password: (\S+)$", first.output, re.M)
    assert match, first.output
    password = match.group(1)
    assert f"  email:    {DEMO_ADMIN}" in first.output
    assert first.output.count(password) == 1
    assert users(db) == [(DEMO_ADMIN, "Demo Administrator", "other", "admin")]
    assert logs_in(app, DEMO_ADMIN, password)

    second = runner.invoke(args=["demo-admin"])
    assert second.exit_code == 0, second.output
    assert second.output == (
        f"An administrator exists ({DEMO_ADMIN}); no demo account was created.\n"
    )
    assert password not in second.output
    assert len(users(db)) == 1


def test_demo_admin_creates_nothing_when_the_site_already_has_an_administrator(
    runner: FlaskCliRunner, db: Database
) -> None:
    password_of(create(runner, EMAIL, "--admin"))
    result = runner.invoke(args=["demo-admin"])
    assert result.exit_code == 0
    assert result.output == f"An administrator exists ({EMAIL}); no demo account was created.\n"
    assert [email for email, *_ in users(db)] == [EMAIL]


def test_demo_admin_is_not_held_back_by_authors_or_learners(
    runner: FlaskCliRunner, db: Database
) -> None:
    password_of(create(runner, EMAIL, "--role", "author"))
    result = runner.invoke(args=["demo-admin"])
    assert result.exit_code == 0
    assert "Demo administrator created." in result.output
    assert [(email, role) for email, _, _, role in users(db)] == [
        (EMAIL, "author"),
        (DEMO_ADMIN, "admin"),
    ]


def test_demo_admin_leaves_a_demoted_demo_account_alone_and_does_not_fail(
    runner: FlaskCliRunner, db: Database
) -> None:
    """``make run`` calls demo-admin on every start; demoting the demo account must not break it."""
    assert runner.invoke(args=["demo-admin"]).exit_code == 0
    assert runner.invoke(args=["user", "role", DEMO_ADMIN, "learner"]).exit_code == 0

    result = runner.invoke(args=["demo-admin"])

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"The demo account {DEMO_ADMIN} is now learner and the site has no administrator; "
        "nothing was created. Give an account the admin role with "
        "`quizapp user role EMAIL admin`.\n"
    )
    assert users(db) == [(DEMO_ADMIN, "Demo Administrator", "other", "learner")]
