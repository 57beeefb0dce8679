"""Flask-Login wiring: who is signed in, the role checks every view states, and how recently
the password was typed (for admin actions).

Every feature's views import their access checks from here, and this module imports no
views, so the account, admin and report packages do not import each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_url, login_user, logout_user
from werkzeug.wrappers import Response

from quizapp import clock
from quizapp.accounts import pending, services
from quizapp.db import get_db, request_session
from quizapp.errors import SignedOut
from quizapp.models import MAX_ID, User

login_manager = LoginManager()
login_manager.session_protection = "basic"
login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "warning"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class SignedInUser(UserMixin):
    """The signed-in user as the session knows them.

    The session id carries the user's session version from the moment they logged in: the
    session cookie is signed but lives on in any copy of it, so logging out, changing the
    password and a reset add one to the version in the database, and every session still
    carrying the old one is refused at its next request.
    """

    id: int
    email: str
    full_name: str
    degree: str
    role: str
    session_version: int

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_author(self) -> bool:
        return self.role in ("author", "admin")

    @classmethod
    def from_row(cls, user: User) -> SignedInUser:
        return cls(
            user.id, user.email, user.full_name, user.degree, user.role, user.session_version
        )


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    claim = _claim(user_id)
    if claim is None:
        return None
    row = services.session_row(request_session(), claim.user_id)
    if row is None or row.session_version != claim.session_version:
        return None
    return SignedInUser(*row)


@dataclass(frozen=True)
class SessionClaim:
    """The account and session version a signed session cookie names, not yet checked against
    the database. A service that writes checks it in its own first statement (raising
    :class:`~quizapp.errors.SignedOut`), which spares the request the user loader's read: a
    posttest's start and submit at a deadline are most of the site's requests."""

    user_id: int
    session_version: int


def _claim(user_id: str) -> SessionClaim | None:
    raw_id, _, version = user_id.partition(":")
    if not (_small_number(raw_id) and _small_number(version)):
        return None
    return SessionClaim(int(raw_id), int(version))


def session_claim() -> SessionClaim:
    """The claim of the current request; only call behind :func:`login_checked_by_service`."""
    claim: SessionClaim = g.session_claim
    return claim


def login_checked_by_service(view: F) -> F:
    """``login_required`` for a view whose service checks the session in its own transaction:
    without a well-formed claim in the cookie the person goes to log in at once, and when the
    service finds the session ended (:class:`~quizapp.errors.SignedOut`) they go there too,
    with nothing written. The view reads the claim with :func:`session_claim`.

    Flask-Login's session protection runs as it does when it loads a user (``strong`` clears
    a session whose address or browser changed). One difference from ``login_required``: a
    well-formed claim of an ended session passes the decorators below this one before the
    service refuses it, so a rate limit on the route may answer 429 where the login page
    would have been; nothing is written either way."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        claim = _claim(str(session.get("_user_id", "")))
        if claim is None or login_manager._session_protection_failed():
            return login_manager.unauthorized()
        g.session_claim = claim
        try:
            return view(*args, **kwargs)
        except SignedOut:
            return login_manager.unauthorized()

    return wrapped  # type: ignore[return-value]


def _small_number(text: str) -> bool:
    """ASCII digits, few enough for ``int`` and for an integer column."""
    return text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))


def sign_in(user: User) -> None:
    """Start a session for ``user``, who just typed their password (or chose it).

    The CSRF token is replaced: a token handed out before the password was typed (to a page an
    attacker may have seen, or planted in a cookie) is refused afterwards.
    """
    _new_csrf_token()
    login_user(SignedInUser.from_row(user))
    mark_authenticated()


def sign_out() -> None:
    """End the signed-in user's sessions, this one and any copy or other browser of theirs."""
    services.end_sessions(get_db(), current().id)
    logout_user()
    _new_csrf_token()


def _new_csrf_token() -> None:
    field = str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    session.pop(field, None)
    g.pop(field, None)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    """Send the person to log in, then back: to the page itself for a GET, and for a POST (a
    form sent after the session ended) to the page the form was on, never to a POST-only URL."""
    flash(login_manager.login_message, login_manager.login_message_category)
    target = request.full_path.rstrip("?") if request.method == "GET" else referring_page() or ""
    next_url = safe_next(target)
    return redirect(
        login_url("accounts.login", next_url) if next_url else url_for("accounts.login")
    )


def safe_next(target: str | None) -> str | None:
    """Only a local path: no scheme, no host, no protocol-relative or backslash tricks.

    Whitespace and control characters are refused too: browsers drop tabs and newlines from
    URLs, and a newline in the Location header makes Werkzeug raise instead of redirecting.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(char.isspace() or not char.isprintable() for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


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


admin_required = role_required("admin")
author_required = role_required("author", "admin")


def mark_authenticated() -> None:
    """Called at login: the moment the password was last typed."""
    session["authenticated_at"] = clock.now().timestamp()


def is_fresh() -> bool:
    """Whether the password was typed in the last ``ADMIN_FRESH_MINUTES`` minutes."""
    typed = session.get("authenticated_at")
    limit = dt.timedelta(minutes=int(current_app.config["ADMIN_FRESH_MINUTES"]))
    return typed is not None and clock.now().timestamp() - float(typed) <= limit.total_seconds()


def fresh_login_required(label: str) -> Callable[[F], F]:
    """Admin actions need a password typed in the last ``ADMIN_FRESH_MINUTES`` minutes.

    With an older one the action is held (:mod:`quizapp.accounts.pending`) and the "Confirm
    it's you" page asks for the password, then carries it out; ``label`` names the action
    there ("revoke the certificate"). Put it below the role check, so only someone the route
    serves has an action held.
    """
    if not isinstance(label, str):
        raise TypeError(
            "fresh_login_required takes the action's name, as in "
            '@fresh_login_required("revoke the certificate")'
        )

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if is_fresh():
                return view(*args, **kwargs)
            back = referring_page() or url_for("admin.dashboard")
            pending.hold(current().get_id(), label, back, clock.now())
            return redirect(url_for("accounts.confirm"))

        return wrapped  # type: ignore[return-value]

    return decorator


def referring_page() -> str | None:
    """The page the form was sent from, when it is a page of this site."""
    referrer = urlsplit(request.referrer or "")
    same_site = not referrer.netloc or referrer.netloc == request.host
    target = (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else ""
    return safe_next(target)
