"""Who may use the admin area: administrators, with a recent password for actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, redirect, request, session, url_for

from quizapp import clock
from quizapp.accounts.login import role_required

F = TypeVar("F", bound=Callable[..., Any])

admin_required = role_required("admin")
author_required = role_required("author", "admin")


def mark_authenticated() -> None:
    """Called at login: the moment the password was last typed."""
    session["authenticated_at"] = clock.now().timestamp()


def fresh_login_required(view: F) -> F:
    """Admin actions need a password typed in the last ``ADMIN_FRESH_MINUTES`` minutes."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        typed = session.get("authenticated_at")
        limit = dt.timedelta(minutes=int(current_app.config["ADMIN_FRESH_MINUTES"]))
        if typed is None or clock.now().timestamp() - float(typed) > limit.total_seconds():
            flash("For your security, enter your password again to continue.", "warning")
            back = request.referrer or url_for("admin.dashboard")
            path = back.split(request.host, 1)[-1] if request.host in back else back
            return redirect(url_for("accounts.login", next=path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
