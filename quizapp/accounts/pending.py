"""An action held while its administrator types the password again.

An admin action needs a password typed in the last ``ADMIN_FRESH_MINUTES`` minutes. When the
password is older, the form that was sent (a revocation and its typed reason, say) is kept in
the session and the "Confirm it's you" page asks for the password; once it is typed, the held
form is sent to the same view again, through the same role, freshness and service checks, as
if the administrator had sent it a second time. Nothing is done before the password is typed.

The session is a cookie signed with the site's secret key, so the held form cannot be altered
by the browser. It is bound to the account and session version it was sent from and to the
route it was sent to, it is taken out of the session the moment it is carried out (one use),
and it is dropped when older than :data:`HOLD_MINUTES`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import request, session
from werkzeug.datastructures import ImmutableMultiDict

SESSION_KEY = "pending_action"

HOLD_MINUTES = 10
"""How long a held action waits for the password; an older one is dropped, not carried out."""

NOT_KEPT = frozenset({"csrf_token"})
"""Fields not held: the token was checked when the form came, and the replay is checked by the
confirm page's own."""


@dataclass(frozen=True)
class PendingAction:
    """A POST sent with a stale password, as the confirm page shows it and replays it."""

    account: str
    """The ``get_id()`` of the signed-in user who sent it (id and session version)."""
    endpoint: str
    view_args: dict[str, Any]
    path: str
    label: str
    """What the action does, as the confirm page names it ("revoke the certificate")."""
    form: list[tuple[str, str]]
    held_at: float
    back: str
    """The page the form was on, to go back to without doing anything."""

    @property
    def reason(self) -> str:
        """The reason typed with the action, shown on the confirm page so it is seen kept."""
        return next((value for name, value in self.form if name == "reason"), "")

    def expired(self, now: dt.datetime) -> bool:
        return now.timestamp() - self.held_at > HOLD_MINUTES * 60

    def form_data(self) -> ImmutableMultiDict[str, str]:
        return ImmutableMultiDict(self.form)


def hold(account: str, label: str, back: str, now: dt.datetime) -> None:
    """Keep the current request's form for the confirm page (replacing any held before)."""
    session[SESSION_KEY] = {
        "account": account,
        "endpoint": request.endpoint or "",
        "view_args": dict(request.view_args or {}),
        "path": request.path,
        "label": label,
        "form": [
            [name, value] for name, value in request.form.items(multi=True) if name not in NOT_KEPT
        ],
        "held_at": now.timestamp(),
        "back": back,
    }


def peek(account: str) -> PendingAction | None:
    """The action held for ``account``, if any; one held for another account or session of it
    is dropped."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        action = PendingAction(
            account=str(raw["account"]),
            endpoint=str(raw["endpoint"]),
            view_args=dict(raw["view_args"]),
            path=str(raw["path"]),
            label=str(raw["label"]),
            form=[(str(name), str(value)) for name, value in raw["form"]],
            held_at=float(raw["held_at"]),
            back=str(raw["back"]),
        )
    except (KeyError, TypeError, ValueError):
        drop()
        return None
    if action.account != account:
        drop()
        return None
    return action


def take(account: str) -> PendingAction | None:
    """The held action, removed from the session: it is carried out at most once."""
    action = peek(account)
    drop()
    return action


def drop() -> None:
    session.pop(SESSION_KEY, None)
