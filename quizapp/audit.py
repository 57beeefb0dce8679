"""The append-only audit log: every service that changes state on someone's behalf calls this.

An event carries the ``now`` of the transaction that records it, the same moment the service
writes into its own rows, so the log and the rows agree; the audit log reads no clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from quizapp.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or a named system actor such as the CLI."""

    label: str
    user_id: int | None = None


CLI = Actor("cli")

MAX_REASON = 500
"""Characters in the reason an administrator gives: a sentence or two, kept with the event."""


def reason_problem(reason: str, *, missing: str) -> str | None:
    """Why the reason an administrator typed cannot be kept, if it cannot; ``missing`` is the
    message for an empty one. Pass the reason through :func:`clean_reason` first."""
    if not reason:
        return missing
    if len(reason) > MAX_REASON:
        return f"Keep the reason to {MAX_REASON} characters or fewer (it has {len(reason)})."
    return None


def clean_reason(raw: str) -> str:
    """The reason on one line, as it is stored and shown."""
    return " ".join(raw.split())


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str | int,
    *,
    now: dt.datetime,
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details,
        created_at=now,
    )
    session.add(event)
    return event
