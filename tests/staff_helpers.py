"""Accounts with a role other than learner, signed in through the real login form."""

from __future__ import annotations

from flask import Flask

from quizapp.accounts.services import Registration, register
from quizapp.db import Database
from tests.conftest import NOW, PASSWORD, AuthActions


def sign_in_as(
    app: Flask, db: Database, role: str, email: str, *, full_name: str = "Staff Member"
) -> AuthActions:
    """Create an account with ``role`` and log it in on a client of its own."""
    register(
        db,
        Registration(email, PASSWORD, full_name, "MD"),
        now=NOW,
        role=role,
        hash_method=str(app.config["PASSWORD_HASH_METHOD"]),
    )
    auth = AuthActions(app.test_client())
    response = auth.login(email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth
