"""Posttest attempts and the evaluation.

The rules hold under concurrent requests because the database enforces them: an attempt's
number is unique per learner and activity (so two parallel starts cannot both take the last
attempt), and a submission only lands on an attempt whose ``submitted_at`` is still empty
(so a double submit records one result).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.catalog.queries import ActivityListing, list_activities
from quizapp.content.evaluation import EvaluationError, clean_answers
from quizapp.dates import date_and_time, long_date
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound, Refused, SignedOut
from quizapp.grading.order import decode_answers, option_order, option_values
from quizapp.grading.review import Visibility, visibility
from quizapp.grading.scoring import Answers, Score, SubmissionError, score, to_decimal
from quizapp.learning.versions import PinnedVersion, versions_for
from quizapp.models import (
    Activity,
    Attempt,
    AttemptGrant,
    CreditClaim,
    Evaluation,
    Response,
    User,
)

_system_random = random.SystemRandom()
ANSWERS_AT_THE_LAST_ATTEMPT = (
    "after-each-attempt",
    "after-last-attempt",
    "after-passing-or-last-attempt",
)
"""Review moments that show the answers to a learner who has used every attempt."""


WITHDRAWN = (
    "The provider has withdrawn this activity, so it takes no new attempts. Your attempts, "
    "credit and certificates are kept."
)


class AttemptRefused(Refused):
    """No attempt may start now: the activity expired, the learner passed, used every attempt,
    or must wait after the last one."""


class AlreadySubmitted(Exception):
    """The attempt already has its result; a second submission of it changes nothing."""


class AttemptFacts(Protocol):
    """What the attempt rules read of an attempt: an :class:`Attempt`, or a row of only these
    columns (a start reads no more)."""

    @property
    def id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def activity_version_id(self) -> int: ...
    @property
    def submitted_at(self) -> dt.datetime | None: ...
    @property
    def passed(self) -> bool | None: ...


AttemptT = TypeVar("AttemptT", bound=AttemptFacts)


@dataclass
class Standing(Generic[AttemptT]):
    """Where a learner stands in one activity, computed from their rows."""

    version: PinnedVersion
    attempts: Sequence[AttemptT]
    evaluated: bool
    claims: list[CreditClaim]
    extra_attempts: int = 0
    today: dt.date = field(default_factory=dt.date.today)
    attempt_versions: dict[int, PinnedVersion] = field(default_factory=dict)
    """The version each attempt was pinned to, by version id."""

    @property
    def open_attempt(self) -> AttemptT | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def submitted(self) -> list[AttemptT]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def allowed(self) -> int | None:
        """The current version's limit plus the attempts granted, unless the learner already
        saw the answers on using every attempt an earlier version allowed: a new version
        that raises the limit does not reopen the posttest to them (a grant still does)."""
        base = self.version.attempts_allowed
        frozen = self._limit_when_the_key_was_shown
        if frozen is not None and (base is None or base > frozen):
            base = frozen
        return None if base is None else base + self.extra_attempts

    @property
    def _limit_when_the_key_was_shown(self) -> int | None:
        """The smallest limit the learner reached under a version whose review then showed
        the answers (counting attempts, not grants: the safe side when a grant came later)."""
        reached = [
            limit
            for attempt in self.submitted
            if (pinned := self.attempt_versions.get(attempt.activity_version_id, self.version))
            and (limit := pinned.attempts_allowed) is not None
            and attempt.number >= limit
            and pinned.review_policy.moment("answers") in ANSWERS_AT_THE_LAST_ATTEMPT
        ]
        return min(reached, default=None)

    @property
    def attempts_left(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - len(self.attempts))

    @property
    def out_of_attempts(self) -> bool:
        return self.attempts_left == 0 and self.open_attempt is None

    @property
    def completed(self) -> bool:
        return bool(self.claims)

    @property
    def started(self) -> bool:
        return bool(self.attempts)

    @property
    def status(self) -> str:
        if self.completed:
            return "completed"
        if self.version.expired(self.today):
            return "expired before completion"
        if self.passed and not self.evaluated:
            return "passed, evaluation due"
        if self.passed:
            return "passed, credit not yet claimed"
        if self.open_attempt is not None:
            return "in progress"
        if self.submitted:
            if self.attempts_left is None:
                return "failed, you may try again"
            if self.attempts_left == 0:
                return "failed, no attempts left"
            plural = "attempt" if self.attempts_left == 1 else "attempts"
            return f"failed, {self.attempts_left} {plural} left"
        return "not started"

    def review(self, attempt: AttemptFacts) -> Visibility:
        """What this attempt's review may show: under the policy of the version it was pinned
        to, so a later edit of the content never reveals more of an earlier attempt."""
        pinned = self.attempt_versions.get(attempt.activity_version_id, self.version)
        return visibility(
            pinned.review_policy, passed=self.passed, out_of_attempts=self.out_of_attempts
        )


def current_version(session: Session, db: Database, slug: str) -> tuple[Activity, PinnedVersion]:
    activity = session.scalar(select(Activity).where(Activity.slug == slug))
    if activity is None or activity.current_version_id is None:
        raise NotFound(slug)
    return activity, versions_for(db).get(session, activity.current_version_id)


def learner_in(
    session: Session, db: Database, user_id: int, slug: str, today: dt.date
) -> tuple[Activity, Standing[Attempt]]:
    """The released activity at ``slug`` and where the learner stands in it; NotFound if none."""
    activity, version = current_version(session, db, slug)
    if not version.released(today):
        raise NotFound(slug)
    return activity, standing(session, db, user_id, activity, today)


def standing(
    session: Session, db: Database, user_id: int, activity: Activity, today: dt.date
) -> Standing[Attempt]:
    assert activity.current_version_id is not None
    found = standings(session, db, user_id, {activity.id: activity.current_version_id}, today)
    return found[activity.id]


def standings(
    session: Session,
    db: Database,
    user_id: int,
    current_versions: Mapping[int, int],
    today: dt.date,
) -> dict[int, Standing[Attempt]]:
    """Where the learner stands in each activity (activity id → id of its current version).

    Five statements at most, however many activities: one each for the attempts, the
    evaluations, the claims and the grants, and one for the versions not cached yet, rather
    than a round of them per activity.
    """
    ids = list(current_versions)
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.activity_id.in_(ids))
        .order_by(Attempt.activity_id, Attempt.number)
    ):
        attempts[attempt.activity_id].append(attempt)
    evaluated = set(
        session.scalars(
            select(Evaluation.activity_id).where(
                Evaluation.user_id == user_id, Evaluation.activity_id.in_(ids)
            )
        )
    )
    claims: dict[int, list[CreditClaim]] = defaultdict(list)
    for claim in session.scalars(
        select(CreditClaim).where(CreditClaim.user_id == user_id, CreditClaim.activity_id.in_(ids))
    ):
        claims[claim.activity_id].append(claim)
    grants = extra_attempts_by_activity(session, user_id, ids)
    pinned = {a.activity_version_id for listed in attempts.values() for a in listed}
    versions = versions_for(db).get_many(session, {*current_versions.values(), *pinned})
    return {
        activity_id: Standing(
            version=versions[version_id],
            attempts=attempts[activity_id],
            evaluated=activity_id in evaluated,
            claims=claims[activity_id],
            extra_attempts=grants.get(activity_id, 0),
            today=today,
            attempt_versions={
                a.activity_version_id: versions[a.activity_version_id]
                for a in attempts[activity_id]
            },
        )
        for activity_id, version_id in current_versions.items()
    }


def extra_attempts_by_activity(
    session: Session, user_id: int, activity_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Extra attempts granted to the learner, summed per activity id (only the ones granted)."""
    query = (
        select(AttemptGrant.activity_id, func.sum(AttemptGrant.extra))
        .where(AttemptGrant.user_id == user_id)
        .group_by(AttemptGrant.activity_id)
    )
    if activity_ids is not None:
        query = query.where(AttemptGrant.activity_id.in_(list(activity_ids)))
    return {activity_id: int(total) for activity_id, total in session.execute(query)}


def my_activities(
    session: Session, db: Database, user_id: int, today: dt.date
) -> list[tuple[ActivityListing, Standing[Attempt]]]:
    """The activities the learner started, current ones first, with where the learner stands
    in each (the catalog lists the rest; a withdrawn one stays here for those who started it);
    a fixed number of statements however many there are.
    """
    listed = list_activities(session, today, include_expired=True, include_withdrawn=True)
    every = listed["current"] + listed["expired"]
    found = progress(session, db, user_id, every, today)
    return [
        (item, found[item.version.activity_id])
        for item in every
        if found[item.version.activity_id].started
    ]


def progress(
    session: Session,
    db: Database,
    user_id: int,
    listings: Sequence[ActivityListing],
    today: dt.date,
) -> dict[int, Standing]:
    """Where the learner stands in each listed activity, by activity id, for the catalog and
    My activities, in a fixed number of statements however many are listed."""
    return standings(
        session,
        db,
        user_id,
        {item.version.activity_id: item.version.id for item in listings},
        today,
    )


@retry_when_locked
def start_attempt(
    db: Database,
    user_id: int,
    slug: str,
    now: dt.datetime,
    rng: random.Random = _system_random,
    *,
    zone: dt.tzinfo = dt.UTC,
    session_version: int | None = None,
) -> int:
    """The id of the learner's open attempt, or of a new one if the rules allow it; a refusal
    names its times in ``zone``, the site's. With ``session_version`` (the request's cookie
    claim) the learner's session is checked in the same transaction: SignedOut if it ended."""
    for _ in range(3):
        try:
            with db.write_connection() as connection:
                return _start(connection, db, user_id, slug, now, rng, zone, session_version)
        except IntegrityError:
            continue  # a parallel request took this attempt number; look again
    raise AttemptRefused("Too many requests at once. Please try again.")


_activities, _attempts, _grants = Activity.__table__, Attempt.__table__, AttemptGrant.__table__
_users = User.__table__
_START_FACTS = (
    select(
        _users.c.session_version,
        _activities.c.id.label("activity_id"),
        _activities.c.current_version_id,
        _activities.c.withdrawn_at,
        select(func.coalesce(func.sum(_grants.c.extra), 0))
        .where(_grants.c.user_id == _users.c.id, _grants.c.activity_id == _activities.c.id)
        .scalar_subquery()
        .label("extra_attempts"),
        _attempts.c.id,
        _attempts.c.number,
        _attempts.c.activity_version_id,
        _attempts.c.submitted_at,
        _attempts.c.passed,
    )
    .select_from(
        _users.outerjoin(_activities, _activities.c.slug == bindparam("slug")).outerjoin(
            _attempts,
            (_attempts.c.user_id == _users.c.id) & (_attempts.c.activity_id == _activities.c.id),
        )
    )
    .where(_users.c.id == bindparam("user_id"))
    .order_by(_attempts.c.number)
)
"""One row per attempt of the learner in the activity (one row with no attempt if there is
none), each carrying the learner's session version, the activity and the attempts granted."""
_START_INSERT = _attempts.insert().returning(_attempts.c.id)
_SUBMIT_ATTEMPT = (
    select(
        _users.c.session_version,
        _attempts.c.user_id,
        _attempts.c.activity_version_id,
        _attempts.c.submitted_at,
        _attempts.c.option_order,
        _attempts.c.option_values,
    )
    .select_from(_users.outerjoin(_attempts, _attempts.c.id == bindparam("attempt_id")))
    .where(_users.c.id == bindparam("user_id"))
)
_SUBMIT_UPDATE = (
    _attempts.update()
    .where(_attempts.c.id == bindparam("attempt_id"), _attempts.c.submitted_at.is_(None))
    .values(
        submitted_at=bindparam("now"),
        score_percent=bindparam("percent"),
        passed=bindparam("has_passed"),
    )
)
_SUBMIT_RESPONSES = Response.__table__.insert()
"""The posttest's statements are built once, with parameters: a start and a submit run them on
every request of a deadline, and building a statement and its cache key cost as much as
SQLite spent running it. The first statement of each reads the learner's session version
too, so that a request checked only by its cookie's claim is refused here if its session
ended (:func:`_check_session`)."""


def _check_session(found: int | None, claimed: int | None) -> None:
    """``found`` is the account's session version (None: no such account); ``claimed`` the
    one the request's cookie carries, or None when the caller already checked the session."""
    if claimed is not None and found != claimed:
        raise SignedOut()


def _start(
    connection: Connection,
    db: Database,
    user_id: int,
    slug: str,
    now: dt.datetime,
    rng: random.Random,
    zone: dt.tzinfo,
    session_version: int | None,
) -> int:
    """Two statements: the activity with the learner's session version, granted attempts and
    the columns of their attempts the rules read (never the option orders of past attempts),
    then the insert, on a Core connection (the ORM's bookkeeping cost more than running
    them)."""
    facts = connection.execute(_START_FACTS, {"user_id": user_id, "slug": slug}).all()
    found = facts[0] if facts else None
    _check_session(found.session_version if found else None, session_version)
    if found is None or found.current_version_id is None:
        raise NotFound(slug)
    activity_id, version_id, withdrawn_at = (
        found.activity_id,
        found.current_version_id,
        found.withdrawn_at,
    )
    extra = found.extra_attempts
    version = versions_for(db).get(connection, version_id)
    today = now.date()
    if not version.released(today):
        raise NotFound(slug)
    rows: list[AttemptFacts] = [row for row in facts if row.id is not None]
    pinned = {row.activity_version_id for row in rows} - {version.id}
    learner: Standing[AttemptFacts] = Standing(
        version=version,
        attempts=rows,
        evaluated=False,
        claims=[],
        extra_attempts=int(extra),
        today=today,
        attempt_versions={version.id: version, **versions_for(db).get_many(connection, pinned)},
    )
    if learner.open_attempt is not None:
        return learner.open_attempt.id
    if withdrawn_at is not None:
        raise AttemptRefused(WITHDRAWN)
    if version.expired(today):
        raise AttemptRefused(
            f"This activity expired on {long_date(version.expiration_date)} and no longer takes "
            "attempts."
        )
    if learner.passed:
        raise AttemptRefused("You have already passed this posttest.")
    if learner.attempts_left == 0:
        raise AttemptRefused(
            f"You have used all {learner.allowed} attempts allowed for this posttest."
        )
    last = learner.submitted[-1] if learner.submitted else None
    if last is not None and last.submitted_at and version.attempt_wait:
        ready = last.submitted_at + version.attempt_wait
        if now < ready:
            raise AttemptRefused(
                f"You can start your next attempt after {date_and_time(ready, zone)}."
            )
    order = option_order(version.questions, rng)
    inserted = connection.execute(
        _START_INSERT,
        {
            "user_id": user_id,
            "activity_id": activity_id,
            "activity_version_id": version.id,
            "number": max((a.number for a in rows), default=0) + 1,
            "option_order": order,
            "option_values": option_values(order, rng),
            "started_at": now,
        },
    )
    return int(inserted.scalar_one())


@dataclass(frozen=True)
class Submitted:
    attempt_id: int
    score: Score


@retry_when_locked
def submit_attempt(
    db: Database,
    user_id: int,
    attempt_id: int,
    answers: Answers,
    now: dt.datetime,
    *,
    form_version_id: int | None = None,
    session_version: int | None = None,
) -> Submitted:
    """Score on the server from the pinned version; one result per attempt, whatever the race.

    ``answers`` are the values the form posted, which the attempt's own option values map back
    to option ids. The hot path of the application: one transaction of three statements (load
    the attempt with the learner's session version, update it if still open, insert its
    responses in one statement); the pinned version comes from the process cache. With
    ``session_version`` (the request's cookie claim) an ended session raises SignedOut.
    """
    with db.write_connection() as connection:
        attempt = connection.execute(
            _SUBMIT_ATTEMPT, {"attempt_id": attempt_id, "user_id": user_id}
        ).first()
        _check_session(attempt.session_version if attempt else None, session_version)
        if attempt is None or attempt.user_id != user_id:
            raise NotFound(str(attempt_id))
        if attempt.submitted_at is not None:
            raise AlreadySubmitted()
        if form_version_id is not None and form_version_id != attempt.activity_version_id:
            raise SubmissionError(
                "This form belongs to another version of the posttest. Reload the page and "
                "answer again."
            )
        version = versions_for(db).get(connection, attempt.activity_version_id)
        if version.expired(now.date()):
            raise SubmissionError(
                f"This activity expired on {long_date(version.expiration_date)}; it no longer "
                "takes answers."
            )
        chosen = decode_answers(answers, attempt.option_order, attempt.option_values)
        result = score(
            version.questions, chosen, version.passing_score, partial_credit=version.partial_credit
        )
        updated = connection.execute(
            _SUBMIT_UPDATE,
            {
                "attempt_id": attempt_id,
                "now": now,
                "percent": result.percent,
                "has_passed": result.passed,
            },
        )
        if updated.rowcount != 1:  # type: ignore[attr-defined]
            raise AlreadySubmitted()
        connection.execute(
            _SUBMIT_RESPONSES,
            [
                {
                    "attempt_id": attempt_id,
                    "question_id": item.question_id,
                    "chosen": list(item.chosen),
                    "correct": item.correct,
                    "points": to_decimal(item.points, places=4),
                }
                for item in result.items
            ],
        )
    return Submitted(attempt_id, result)


def load_attempt(session: Session, user_id: int, attempt_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(str(attempt_id))
    return attempt


def attempt_in(
    session: Session, db: Database, user_id: int, attempt_id: int, today: dt.date
) -> tuple[Attempt, Activity, Standing[Attempt]]:
    """The learner's attempt, its activity and where the learner stands in it; NotFound if
    the attempt is not theirs."""
    attempt = load_attempt(session, user_id, attempt_id)
    activity = session.get(Activity, attempt.activity_id)
    assert activity is not None
    return attempt, activity, standing(session, db, user_id, activity, today)


def responses_of(session: Session, attempt_id: int) -> dict[str, Response]:
    return responses_for(session, [attempt_id]).get(attempt_id, {})


def responses_for(session: Session, attempt_ids: Iterable[int]) -> dict[int, dict[str, Response]]:
    """The responses of each attempt by question id, in one statement for all the attempts."""
    found: dict[int, dict[str, Response]] = defaultdict(dict)
    for row in session.scalars(select(Response).where(Response.attempt_id.in_(list(attempt_ids)))):
        found[row.attempt_id][row.question_id] = row
    return dict(found)


class EvaluationRefused(Refused):
    """The evaluation is not open to this learner yet."""


@retry_when_locked
def submit_evaluation(
    db: Database, user_id: int, slug: str, raw: Mapping[str, str], now: dt.datetime
) -> bool:
    """Record the evaluation once; True if recorded now, False if it already was."""
    with db.transaction() as session:
        activity, _version = current_version(session, db, slug)
        learner = standing(session, db, user_id, activity, now.date())
        if not learner.passed:
            raise EvaluationRefused("The evaluation opens once you pass the posttest.")
        if learner.evaluated:
            return False
        answers = clean_answers(learner.version.evaluation, raw)
        session.add(
            Evaluation(
                user_id=user_id,
                activity_id=activity.id,
                activity_version_id=learner.version.id,
                answers=answers,
                submitted_at=now,
            )
        )
        try:
            session.flush()
        except IntegrityError:
            return False
    return True


__all__ = [
    "AlreadySubmitted",
    "AttemptRefused",
    "EvaluationError",
    "EvaluationRefused",
    "NotFound",
    "Standing",
    "SubmissionError",
    "audit",
]
