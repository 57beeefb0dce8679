"""Follow-up use cases: finding the evaluations whose follow-up is due and mailing it, the
survey a signed link opens, its answer, and the opt-out.

Scheduling is done when ``quizapp mail send`` runs, not when the evaluation is submitted: a
follow-up is due ``follow_up_weeks`` (as the activity's *current* version sets it) after the
evaluation, and is mailed by the first run at or after that moment. So an author who changes
``follow_up_weeks`` moves the date of every follow-up not yet mailed, removing the key stops
them, and a learner who opts out in the meantime is never mailed. A follow-up more than
:data:`GRACE` late is not sent at all: adding or shortening ``follow_up_weeks`` does not mail
learners who evaluated the activity long ago.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.content.evaluation import (
    COMMITMENT_ITEM,
    EvaluationItem,
    clean_answers,
)
from quizapp.content.snapshot import VersionMeta
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound, Refused
from quizapp.followup import tokens
from quizapp.mail.compose import FollowUpSurvey
from quizapp.mail.services import queue_message
from quizapp.models import (
    Activity,
    ActivityVersion,
    Evaluation,
    FollowUp,
    FollowUpOptOut,
    OutboxMessage,
    User,
)

GRACE = dt.timedelta(weeks=4)
"""How late a follow-up may still be mailed (a sender that did not run for a while, or a
changed ``follow_up_weeks``); later than this it is skipped."""


class FollowUpRefused(Refused):
    """A survey answer the rules refuse: already answered, or an answer out of range."""


def _activities_with_follow_up(
    session: Session,
) -> list[tuple[Activity, ActivityVersion, VersionMeta, int]]:
    """Each activity whose current version sets ``follow_up_weeks``, with that version."""
    rows = session.execute(
        select(Activity, ActivityVersion).join(
            ActivityVersion, Activity.current_version_id == ActivityVersion.id
        )
    ).all()
    found = []
    for activity, version in rows:
        meta = version.meta()
        if meta.follow_up_weeks:
            found.append((activity, version, meta, meta.follow_up_weeks))
    return found


@retry_when_locked
def queue_due_follow_ups(db: Database, secret: str, *, now: dt.datetime) -> int:
    """Mail every follow-up that is due and not yet mailed; returns how many were queued.

    Each gets its row and its message in one transaction. Two senders running at once
    collide on the unique evaluation of a follow-up: the second one's transaction is rolled
    back and queues nothing, so nobody is mailed twice.
    """
    try:
        with db.transaction() as session:
            queued = 0
            for activity, version, meta, weeks in _activities_with_follow_up(session):
                due_by = now - dt.timedelta(weeks=weeks)
                rows = session.execute(
                    select(Evaluation, User)
                    .join(User, Evaluation.user_id == User.id)
                    .where(
                        Evaluation.activity_id == activity.id,
                        Evaluation.submitted_at <= due_by,
                        Evaluation.submitted_at > due_by - GRACE,
                        User.locked_at.is_(None),
                        ~exists().where(FollowUp.evaluation_id == Evaluation.id),
                        ~exists().where(FollowUpOptOut.user_id == Evaluation.user_id),
                    )
                    .order_by(Evaluation.id)
                ).all()
                for evaluation, user in rows:
                    commitment = str(evaluation.answers.get(COMMITMENT_ITEM) or "").strip()
                    if not commitment:
                        continue
                    follow_up = FollowUp(
                        evaluation_id=evaluation.id,
                        user_id=user.id,
                        activity_id=activity.id,
                        activity_version_id=version.id,
                        commitment=commitment,
                        mailed_at=now,
                    )
                    session.add(follow_up)
                    session.flush()
                    queue_message(
                        session,
                        to=user.email,
                        mail=FollowUpSurvey(
                            name=user.full_name,
                            activity_title=meta.title,
                            commitment=commitment,
                            path=f"/follow-up/{tokens.survey_token(secret, follow_up.id, now)}",
                            opt_out_path="/follow-up/stop/"
                            + tokens.opt_out_token(secret, user.id, now),
                            days=tokens.SURVEY_DAYS,
                        ),
                        now=now,
                    )
                    queued += 1
            return queued
    except IntegrityError:
        return 0


def due_mail(secret: str) -> Callable[[Database, dt.datetime], int]:
    """:func:`queue_due_follow_ups` with the site's secret, as ``quizapp mail send`` calls it."""

    def queue(db: Database, now: dt.datetime) -> int:
        return queue_due_follow_ups(db, secret, now=now)

    return queue


@dataclass(frozen=True)
class Survey:
    """What the survey page shows: whose commitment, for which activity, and the questions."""

    follow_up_id: int
    activity_title: str
    learner_name: str
    commitment: str
    questions: tuple[EvaluationItem, ...]
    answered_at: dt.datetime | None


def survey(session: Session, secret: str, token: str, *, now: dt.datetime) -> Survey:
    """The survey a link opens; :class:`NotFound` for a forged, altered or expired link."""
    follow_up_id = tokens.read_survey_token(secret, token, now)
    row = session.get(FollowUp, follow_up_id) if follow_up_id is not None else None
    if row is None:
        raise NotFound("This follow-up link is not valid, or has expired.")
    version = session.get(ActivityVersion, row.activity_version_id)
    user = session.get(User, row.user_id)
    assert version is not None and user is not None
    meta = version.meta()
    return Survey(
        follow_up_id=row.id,
        activity_title=meta.title,
        learner_name=user.full_name,
        commitment=row.commitment,
        questions=meta.follow_up_items,
        answered_at=row.answered_at,
    )


@retry_when_locked
def answer(
    db: Database, secret: str, token: str, raw: Mapping[str, str], *, now: dt.datetime
) -> None:
    """Record the survey's answers, once. Raises :class:`NotFound` for a bad link,
    :class:`FollowUpRefused` when already answered, and ``EvaluationError`` (from the content
    checks) for a missing or invented answer."""
    follow_up_id = tokens.read_survey_token(secret, token, now)
    with db.transaction() as session:
        row = (
            session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id).with_for_update())
            if follow_up_id is not None
            else None
        )
        if row is None:
            raise NotFound("This follow-up link is not valid, or has expired.")
        if row.answered_at is not None:
            raise FollowUpRefused("You already answered this follow-up. Thank you!")
        version = session.get(ActivityVersion, row.activity_version_id)
        assert version is not None
        row.answers = clean_answers(version.meta().follow_up_items, raw)
        row.answered_at = now


def opt_out_user(session: Session, secret: str, token: str, *, now: dt.datetime) -> User:
    """The learner an opt-out link names; :class:`NotFound` for a bad or expired link."""
    user_id = tokens.read_opt_out_token(secret, token, now)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound("This link is not valid, or has expired.")
    return user


def opted_out(session: Session, user_id: int) -> bool:
    return session.get(FollowUpOptOut, user_id) is not None


@retry_when_locked
def opt_out(db: Database, secret: str, token: str, *, now: dt.datetime) -> None:
    """Stop every follow-up to the learner the link names, including one already queued and
    not yet sent. Opting out twice is harmless."""
    with db.transaction() as session:
        user = opt_out_user(session, secret, token, now=now)
        if session.get(FollowUpOptOut, user.id) is not None:
            return
        session.add(FollowUpOptOut(user_id=user.id, opted_out_at=now))
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.kind == FollowUpSurvey.kind,
                OutboxMessage.recipient == user.email,
                OutboxMessage.sent_at.is_(None),
            )
        )
        audit.record(
            session, audit.Actor(user.email, user.id), "follow_up.opt_out", "user", user.id, now=now
        )


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpAnswer:
    """One learner's commitment beside what they answered later (``None``: not yet)."""

    commitment: str
    answers: dict[str, str] | None


@dataclass
class FollowUpSummary:
    weeks: int | None
    """The current version's ``follow_up_weeks``; None when the activity has no follow-up."""
    questions: tuple[EvaluationItem, ...]
    mailed: int = 0
    answered: int = 0
    opted_out: int = 0
    """Learners mailed a follow-up for this activity who later opted out of all of them."""
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    rows: list[FollowUpAnswer] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return 100 * self.answered / self.mailed if self.mailed else None

    def choice_counts(self, item: EvaluationItem) -> list[tuple[str, int]]:
        return [(choice, self.counts.get(item.id, Counter())[choice]) for choice in item.choices]


def follow_up_summary(session: Session, activity: Activity) -> FollowUpSummary:
    """The follow-ups of an activity: how many were mailed and answered, the answers per
    choice, and each commitment beside its answers."""
    version = session.get(ActivityVersion, activity.current_version_id)
    assert version is not None
    meta = version.meta()
    summary = FollowUpSummary(meta.follow_up_weeks, meta.follow_up_items)
    for commitment, answers in session.execute(
        select(FollowUp.commitment, FollowUp.answers)
        .where(FollowUp.activity_id == activity.id)
        .order_by(FollowUp.id)
    ):
        summary.mailed += 1
        if answers is not None:
            summary.answered += 1
            for item in summary.questions:
                value = answers.get(item.id)
                if value and item.type != "text":
                    summary.counts.setdefault(item.id, Counter())[value] += 1
        summary.rows.append(FollowUpAnswer(commitment, answers))
    summary.opted_out = (
        session.scalar(
            select(func.count(func.distinct(FollowUp.user_id)))
            .join(FollowUpOptOut, FollowUpOptOut.user_id == FollowUp.user_id)
            .where(FollowUp.activity_id == activity.id)
        )
        or 0
    )
    return summary
