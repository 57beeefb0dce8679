"""Read-only lookups for the catalog pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.content.snapshot import VersionMeta
from quizapp.models import Activity, ActivityVersion, Asset


@dataclass(frozen=True)
class ActivityListing:
    slug: str
    version: ActivityVersion
    withdrawn: bool = False

    @property
    def meta(self) -> VersionMeta:
        return self.version.meta()


def availability(version: ActivityVersion, today: dt.date) -> str:
    if today < version.release_date:
        return "upcoming"
    if today > version.expiration_date:
        return "expired"
    return "current"


def list_activities(
    session: Session, today: dt.date, *, include_expired: bool, include_withdrawn: bool = False
) -> dict[str, list[ActivityListing]]:
    """Released activities grouped as 'current' and (when asked) 'expired', soonest expiry last.

    Withdrawn activities are left out unless asked for (a learner's own list keeps the ones
    they started)."""
    query = (
        select(Activity.slug, Activity.withdrawn_at, ActivityVersion)
        .join(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
        .where(ActivityVersion.release_date <= today)
        .order_by(ActivityVersion.title)
    )
    if not include_withdrawn:
        query = query.where(Activity.withdrawn_at.is_(None))
    groups: dict[str, list[ActivityListing]] = {"current": [], "expired": []}
    for slug, withdrawn_at, version in session.execute(query).all():
        state = availability(version, today)
        if state == "current" or (state == "expired" and include_expired):
            groups[state].append(ActivityListing(slug, version, withdrawn_at is not None))
    return groups


def published_activities(session: Session) -> list[tuple[Activity, str]]:
    """Every synced activity with the title of its current version, by title."""
    rows = session.execute(
        select(Activity, ActivityVersion.title)
        .join(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
        .order_by(ActivityVersion.title)
    )
    return [(activity, title) for activity, title in rows]


def find_activity(session: Session, slug: str) -> tuple[Activity, ActivityVersion] | None:
    row = session.execute(
        select(Activity, ActivityVersion)
        .join(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
        .where(Activity.slug == slug)
    ).first()
    return (row[0], row[1]) if row else None


def find_asset(session: Session, digest: str) -> Asset | None:
    return session.get(Asset, digest)


def activity_by_slug(session: Session, slug: str) -> Activity | None:
    """The activity at ``slug``, synced at some point, whether current, expired or upcoming."""
    return session.scalar(select(Activity).where(Activity.slug == slug))
