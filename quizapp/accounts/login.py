"""Flask-Login wiring: who is signed in, and the role checks every view states."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_url
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.db import request_session
from quizapp.models import User

login_manager = LoginManager()
login_manager.session_protection = "basic"
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "warning"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class SignedInUser(UserMixin):
    """The signed-in user as the session knows them.

    The session id includes a digest of the password hash, so changing the password signs out
    every other session that still carries the old one.
    """

    id: int
    email: str
    full_name: str
    degree: str
    role: str
    password_hash: str

    def get_id(self) -> str:
        return f"{self.id}:{session_marker(self.password_hash)}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_author(self) -> bool:
        return self.role in ("author", "admin")

    @classmethod
    def from_row(cls, user: User) -> SignedInUser:
        return cls(user.id, user.email, user.full_name, user.degree, user.role, user.password_hash)


def session_marker(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    raw_id, _, marker = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    users = User.__table__
    row = (
        request_session()
        .execute(
            select(
                users.c.id,
                users.c.email,
                users.c.full_name,
                users.c.degree,
                users.c.role,
                users.c.password_hash,
            ).where(users.c.id == int(raw_id))
        )
        .first()
    )
    if row is None or session_marker(row.password_hash) != marker:
        return None
    return SignedInUser(*row)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    """Send the person to log in, then back: to the page itself for a GET, and for a POST (a
    form sent after the session ended) to the page the form was on, never to a POST-only URL."""
    from quizapp.accounts.views import safe_next

    flash(login_manager.login_message, login_manager.login_message_category)
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = not referrer.netloc or referrer.netloc == request.host
        target = (
            (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else ""
        )
    next_url = safe_next(target)
    return redirect(
        login_url("accounts.login", next_url) if next_url else url_for("accounts.login")
    )


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def current() -> SignedInUser:
    """The signed-in user; only call behind ``login_required``."""
    user: SignedInUser = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def role_required(*roles: str) -> Callable[[F], F]:
    """Anonymous users go to the login page; signed-in users without the role get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403, description="Your account does not have access to this page.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
