"""Pinned activity versions, cached in the process because a version row never changes."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from quizapp.content.evaluation import EvaluationItem
from quizapp.content.review_policy import ReviewPolicy
from quizapp.content.snapshot import VersionMeta, VersionQuestion, VersionSnapshot
from quizapp.db import Database
from quizapp.models import ActivityVersion


@dataclass(frozen=True)
class PinnedVersion:
    id: int
    activity_id: int
    number: int
    snapshot: VersionSnapshot

    @property
    def meta(self) -> VersionMeta:
        return self.snapshot.meta

    @property
    def title(self) -> str:
        return self.snapshot.meta.title

    @property
    def questions(self) -> tuple[VersionQuestion, ...]:
        return self.snapshot.questions

    @property
    def release_date(self) -> dt.date:
        return self.snapshot.meta.release_date

    @property
    def expiration_date(self) -> dt.date:
        return self.snapshot.meta.expiration_date

    @property
    def passing_score(self) -> Decimal:
        return self.snapshot.meta.passing_score

    @property
    def attempts_allowed(self) -> int | None:
        return self.snapshot.meta.attempts_allowed

    @property
    def attempt_wait(self) -> dt.timedelta:
        return self.snapshot.meta.attempt_wait

    @property
    def partial_credit(self) -> bool:
        return self.snapshot.meta.partial_credit

    @property
    def review_policy(self) -> ReviewPolicy:
        return self.snapshot.meta.review

    @property
    def evaluation(self) -> tuple[EvaluationItem, ...]:
        return self.snapshot.meta.evaluation_items

    def expired(self, today: dt.date) -> bool:
        return today > self.expiration_date

    def released(self, today: dt.date) -> bool:
        return today >= self.release_date


class VersionCache:
    def __init__(self) -> None:
        self._versions: dict[int, PinnedVersion] = {}
        self._lock = threading.Lock()

    def get(self, source: Session | Connection, version_id: int) -> PinnedVersion:
        """The version, read on ``source`` (a session, or a connection in a transaction of the
        caller's, which a session joins only when the version is not cached yet)."""
        cached = self._versions.get(version_id)
        if cached is not None:
            return cached
        if isinstance(source, Connection):
            with Session(bind=source) as session:
                return self.get(session, version_id)
        row = source.get(ActivityVersion, version_id)
        if row is None:
            raise LookupError(f"activity version {version_id} does not exist")
        pinned = PinnedVersion(
            id=row.id, activity_id=row.activity_id, number=row.number, snapshot=row.snapshot()
        )
        with self._lock:
            self._versions[version_id] = pinned
        return pinned

    def get_many(
        self, source: Session | Connection, version_ids: Iterable[int]
    ) -> dict[int, PinnedVersion]:
        """Several versions, the ones not cached yet read in one statement rather than one each:
        :meth:`get` then finds their rows in the session without asking the database."""
        wanted = set(version_ids)
        missing = [version_id for version_id in wanted if version_id not in self._versions]
        if not missing:
            return {version_id: self._versions[version_id] for version_id in wanted}
        if isinstance(source, Connection):
            with Session(bind=source) as session:
                return self.get_many(session, wanted)
        rows = list(source.scalars(select(ActivityVersion).where(ActivityVersion.id.in_(missing))))
        pinned = {version_id: self.get(source, version_id) for version_id in wanted}
        del rows  # held until here so that the session's identity map keeps them
        return pinned


_caches: weakref.WeakKeyDictionary[Database, VersionCache] = weakref.WeakKeyDictionary()


def versions_for(db: Database) -> VersionCache:
    """One cache per database, so two apps (or two test databases) never share rows."""
    cache = _caches.get(db)
    if cache is None:
        cache = _caches.setdefault(db, VersionCache())
    return cache
