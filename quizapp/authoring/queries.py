"""Read-only lookups for the author preview: how the files on disk compare with what is live."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityVersion


@dataclass(frozen=True)
class PublishedState:
    """Where the folder stands against the database, for the preview's badge.

    ``number`` is the current version's number (``None`` when never published); ``same`` says
    whether the files are exactly that version.
    """

    number: int | None
    same: bool = False
    withdrawn: bool = False

    @property
    def label(self) -> str:
        if self.number is None:
            return "never published"
        if self.same:
            return f"published as version {self.number}"
        return f"changed since version {self.number}"


def published_state(session: Session, content_id: str, content_hash: str | None) -> PublishedState:
    """The state of the activity with ``content_id``; ``content_hash`` is ``None`` for a folder
    with problems, which cannot be what was published."""
    row = session.execute(
        select(Activity.withdrawn_at, ActivityVersion.number, ActivityVersion.content_hash)
        .join(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
        .where(Activity.content_id == content_id)
    ).first()
    if row is None:
        return PublishedState(None)
    withdrawn_at, number, current_hash = row
    return PublishedState(number, current_hash == content_hash, withdrawn_at is not None)
