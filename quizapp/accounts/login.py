"""Flask-Login wiring: who is signed in, and the role checks every view states."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import LoginManager, UserMixin, current_user

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
    user = request_session().get(User, int(raw_id))
    if user is None or session_marker(user.password_hash) != marker:
        return None
    return SignedInUser.from_row(user)


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
