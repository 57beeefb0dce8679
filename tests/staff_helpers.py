"""Accounts with a role other than learner, signed in through the real login form, and
sessions carried from one client to another."""

from __future__ import annotations

from flask import Flask

from quizapp.accounts.services import Registration, register
from quizapp.db import Database
from tests.conftest import NOW, PASSWORD, AuthActions


def create_account(
    app: Flask, db: Database, role: str, email: str, *, full_name: str = "Staff Member"
) -> None:
    """An account with ``role``, which no registration form can give."""
    register(
        db,
        Registration(email, PASSWORD, full_name, "MD"),
        now=NOW,
        role=role,
        hash_method=str(app.config["PASSWORD_HASH_METHOD"]),
    )


def sign_in(app: Flask, email: str) -> AuthActions:
    """Log an existing account in on a client of its own."""
    auth = AuthActions(app.test_client())
    response = auth.login(email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth


def session_cookie(auth: AuthActions) -> str:
    """The signed-in client's session, to be carried on by another client of the same site."""
    cookie = auth.client.get_cookie(str(auth.client.application.config["SESSION_COOKIE_NAME"]))
    assert cookie is not None, "the client has no session"
    return cookie.value


def resume(app: Flask, session: str) -> AuthActions:
    """A new client that carries on a session, as a browser reopened on the same site would."""
    auth = AuthActions(app.test_client())
    auth.client.set_cookie(str(app.config["SESSION_COOKIE_NAME"]), session)
    return auth


def sign_in_as(
    app: Flask, db: Database, role: str, email: str, *, full_name: str = "Staff Member"
) -> AuthActions:
    """Create an account with ``role`` and log it in on a client of its own."""
    create_account(app, db, role, email, full_name=full_name)
    return sign_in(app, email)
