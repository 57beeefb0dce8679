"""Administrator use cases and the queries behind the admin pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.accounts.services import queue_reset_link
from quizapp.accounts.tokens import LinkSettings
from quizapp.accounts.validation import clean_text, name_problem
from quizapp.catalog.queries import published_activities
from quizapp.certificates.services import certificates_of
from quizapp.content.credits import DEGREES
from quizapp.dates import DateRange
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound, Refused
from quizapp.learning.services import Standing, responses_for, standings
from quizapp.mail.compose import AccountCorrected, AttemptGranted
from quizapp.mail.services import queue_message
from quizapp.models import (
    MAX_ID,
    Activity,
    ActivityVersion,
    Attempt,
    AttemptGrant,
    Certificate,
    CreditClaim,
    Evaluation,
    Response,
    User,
)
from quizapp.roles import ROLES

MAX_GRANT = 10


class AdminError(Refused):
    """An extra-attempt grant the rules refuse: no reason, too many, or no such learner."""


@retry_when_locked
def grant_extra_attempt(
    db: Database,
    user_id: int,
    activity_id: int,
    extra: int,
    reason: str,
    actor: audit.Actor,
    now: dt.datetime,
) -> AttemptGrant:
    reason = audit.clean_reason(reason)
    if problem := audit.reason_problem(
        reason, missing="Give the reason for the extra attempt; it is kept in the audit log."
    ):
        raise AdminError(problem)
    if not 1 <= extra <= MAX_GRANT:
        raise AdminError(f"Grant between 1 and {MAX_GRANT} extra attempts at a time.")
    if not (1 <= user_id <= MAX_ID and 1 <= activity_id <= MAX_ID):
        raise AdminError("There is no such learner or activity.")
    with db.transaction() as session:
        user = session.get(User, user_id)
        activity = session.get(Activity, activity_id)
        if user is None or activity is None:
            raise AdminError("There is no such learner or activity.")
        version = session.get(ActivityVersion, activity.current_version_id)
        if version is not None and version.meta().attempts_allowed is None:
            raise AdminError(
                "This activity allows unlimited attempts: there is no extra attempt to grant."
            )
        grant = AttemptGrant(
            user_id=user.id,
            activity_id=activity.id,
            extra=extra,
            reason=reason,
            granted_by_id=actor.user_id,
            granted_at=now,
        )
        session.add(grant)
        session.flush()
        audit.record(
            session,
            actor,
            "attempt.grant",
            "user",
            user.id,
            now=now,
            activity=activity.slug,
            extra=extra,
            reason=reason,
        )
        version = (
            session.get(ActivityVersion, activity.current_version_id)
            if activity.current_version_id is not None
            else None
        )
        queue_message(
            session,
            to=user.email,
            mail=AttemptGranted(
                name=user.full_name,
                activity_title=version.title if version is not None else activity.slug,
                slug=activity.slug,
                extra=extra,
            ),
            now=now,
        )
        return grant


@dataclass
class ActivityFigures:
    activity: Activity
    title: str
    learners_started: int = 0
    attempts: int = 0
    passed: int = 0
    completions: int = 0
    evaluations: int = 0
    credits: dict[str, Decimal] = field(default_factory=dict)

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.attempts if self.attempts else None


def dashboard(session: Session, period: DateRange) -> list[ActivityFigures]:
    figures = {
        activity.id: ActivityFigures(activity, title)
        for activity, title in published_activities(session)
    }

    def per_activity(query):  # type: ignore[no-untyped-def]
        return session.execute(query).all()

    for activity_id, started in per_activity(
        select(Attempt.activity_id, func.count(distinct(Attempt.user_id)))
        .where(Attempt.started_at >= period.since, Attempt.started_at < period.until)
        .group_by(Attempt.activity_id)
    ):
        figures[activity_id].learners_started = started
    for activity_id, submitted, passed in per_activity(
        select(
            Attempt.activity_id,
            func.count(Attempt.id),
            func.count(Attempt.id).filter(Attempt.passed.is_(True)),
        )
        .where(Attempt.submitted_at >= period.since, Attempt.submitted_at < period.until)
        .group_by(Attempt.activity_id)
    ):
        figures[activity_id].attempts = submitted
        figures[activity_id].passed = passed
    for activity_id, learners in per_activity(
        select(CreditClaim.activity_id, func.count(distinct(CreditClaim.user_id)))
        .where(CreditClaim.claimed_at >= period.since, CreditClaim.claimed_at < period.until)
        .group_by(CreditClaim.activity_id)
    ):
        figures[activity_id].completions = learners
    for activity_id, credit_type, total in per_activity(
        select(CreditClaim.activity_id, CreditClaim.credit_type, func.sum(CreditClaim.amount))
        .where(CreditClaim.claimed_at >= period.since, CreditClaim.claimed_at < period.until)
        .group_by(CreditClaim.activity_id, CreditClaim.credit_type)
    ):
        figures[activity_id].credits[credit_type] = Decimal(total)
    for activity_id, count in per_activity(
        select(Evaluation.activity_id, func.count(Evaluation.id))
        .where(Evaluation.submitted_at >= period.since, Evaluation.submitted_at < period.until)
        .group_by(Evaluation.activity_id)
    ):
        figures[activity_id].evaluations = count
    return list(figures.values())


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%`` and ``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


LEARNERS_PER_PAGE = 50


@dataclass(frozen=True)
class LearnerPage:
    """One page of the learner list, and how many people the search found in all."""

    users: list[User]
    total: int
    page: int
    per_page: int = LEARNERS_PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the first person shown, counting from 1 (0 when none is)."""
        return (self.page - 1) * self.per_page + 1 if self.users else 0

    @property
    def last(self) -> int:
        return self.first + len(self.users) - 1 if self.users else 0


def search_learners(
    session: Session, query: str, page: int = 1, per_page: int = LEARNERS_PER_PAGE
) -> LearnerPage:
    """Everyone whose name or email contains ``query`` (in any capitals), or whose NPI is
    ``query``; the newest accounts first when there is no query. A page at a time."""
    query = query.strip()
    found = select(User)
    if query:
        pattern = contains(query.lower())
        found = found.where(
            or_(
                func.lower(User.full_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                User.npi == query,
            )
        )
    total = session.scalar(select(func.count()).select_from(found.subquery())) or 0
    ordered = (
        found.order_by(User.full_name, User.id)
        if query
        else found.order_by(User.created_at.desc(), User.id.desc())
    )
    users = list(session.scalars(ordered.offset((page - 1) * per_page).limit(per_page)))
    return LearnerPage(users, total, page, per_page)


def learner_name(session: Session, user_id: int) -> str:
    return session.scalar(select(User.full_name).where(User.id == user_id)) or ""


def pending_certificates(session: Session) -> list[tuple[Certificate, User]]:
    """Certificates waiting for approval, oldest first, with their learner."""
    rows = session.execute(
        select(Certificate, User)
        .join(User, Certificate.user_id == User.id)
        .where(Certificate.status == "pending")
        .order_by(Certificate.id)
    )
    return [(certificate, user) for certificate, user in rows]


@dataclass(frozen=True)
class LearnerRecord:
    """Everything the admin learner page shows, in the shapes its template reads."""

    user: User
    attempts: list[tuple[Attempt, str, str, int]]
    """Each attempt with its activity's slug, and its version's title and number."""
    responses: dict[int, dict[str, Response]]
    """By attempt id, then question id; an open attempt has none."""
    claims: list[tuple[CreditClaim, str]]
    """Each claim with the title of the version it was claimed for."""
    certificates: list[Certificate]
    attempt_limits: list[AttemptLimit]
    """Each published activity, by title, with the learner's attempts against its limit."""

    @property
    def grantable(self) -> list[AttemptLimit]:
        return [limit for limit in self.attempt_limits if limit.limited]


@dataclass(frozen=True)
class AttemptLimit:
    """What an administrator weighs before granting an extra attempt on one activity: how
    many attempts it allows, how many were granted and used, and whether the learner's review
    has already shown them the answers (a further attempt would then test their memory of the
    key more than their knowledge)."""

    activity: Activity
    title: str
    standing: Standing

    @property
    def limit(self) -> int | None:
        """The attempts the activity allows; ``None`` when unlimited (nothing to grant)."""
        return self.standing.version.attempts_allowed

    @property
    def limited(self) -> bool:
        return self.limit is not None

    @property
    def granted(self) -> int:
        return self.standing.extra_attempts

    @property
    def allowed(self) -> int | None:
        return self.standing.allowed

    @property
    def used(self) -> int:
        return len(self.standing.attempts)

    @property
    def passed(self) -> bool:
        return self.standing.passed

    @property
    def seen_answers(self) -> bool:
        return any(self.standing.review(attempt).answers for attempt in self.standing.submitted)


def learner_record(
    session: Session, db: Database, user_id: int, today: dt.date
) -> LearnerRecord | None:
    """The learner's record in a fixed number of statements, however many attempts and
    activities: the responses and the standings are read for all of them at once."""
    user = session.get(User, user_id)
    if user is None:
        return None
    attempts = [
        (attempt, slug, title, number)
        for attempt, slug, title, number in session.execute(
            select(Attempt, Activity.slug, ActivityVersion.title, ActivityVersion.number)
            .join(Activity, Attempt.activity_id == Activity.id)
            .join(ActivityVersion, Attempt.activity_version_id == ActivityVersion.id)
            .where(Attempt.user_id == user.id)
            .order_by(Attempt.started_at)
        )
    ]
    responses = responses_for(session, [attempt.id for attempt, *_ in attempts])
    claims = [
        (claim, title)
        for claim, title in session.execute(
            select(CreditClaim, ActivityVersion.title)
            .join(ActivityVersion, CreditClaim.activity_version_id == ActivityVersion.id)
            .where(CreditClaim.user_id == user.id)
            .order_by(CreditClaim.claimed_at)
        )
    ]
    activities = published_activities(session)
    found = standings(
        session,
        db,
        user.id,
        {
            activity.id: version_id
            for activity, _ in activities
            if (version_id := activity.current_version_id) is not None
        },
        today,
    )
    return LearnerRecord(
        user=user,
        attempts=attempts,
        responses={attempt.id: responses.get(attempt.id, {}) for attempt, *_ in attempts},
        claims=claims,
        certificates=certificates_of(session, user.id),
        attempt_limits=[
            AttemptLimit(activity, title, found[activity.id]) for activity, title in activities
        ],
    )


# --- accounts administered in the browser -------------------------------------------------------


class AccountAdminError(Refused):
    """An account change the rules refuse: no reason, nothing to change, or the last
    administrator locking or demoting themself out."""


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None:
        raise NotFound("There is no such account.")
    return user


def _reason(raw: str, missing: str) -> str:
    reason = audit.clean_reason(raw)
    if problem := audit.reason_problem(reason, missing=missing):
        raise AccountAdminError(problem, "reason")
    return reason


def _keeps_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last working administrator account. The administrators' rows
    are locked, so two administrators demoting each other at once cannot both succeed."""
    if user.role != "admin" or user.locked_at is not None:
        return
    others = session.scalars(
        select(User.id)
        .where(User.role == "admin", User.locked_at.is_(None), User.id != user.id)
        .with_for_update()
    ).all()
    if not others:
        raise AccountAdminError(
            "This is the last administrator account that can sign in: make another account "
            "an administrator first, or nobody could administer the site."
        )


@retry_when_locked
def correct_account(
    db: Database,
    user_id: int,
    full_name: str,
    degree: str,
    reason: str,
    actor: audit.Actor,
    now: dt.datetime,
) -> list[str]:
    """Correct the name or degree certificates print (a misspelling, a new degree), with a
    reason kept in the audit log; the learner is told by email. Returns the fields changed."""
    reason = _reason(reason, "Give the reason for the correction; it is kept in the audit log.")
    name = clean_text(full_name)
    if not name or len(name) > 200:
        raise AccountAdminError(
            "Enter the full name as it should appear on certificates.", "full_name"
        )
    if problem := name_problem(name):
        raise AccountAdminError(problem, "full_name")
    if degree not in DEGREES:
        raise AccountAdminError("Choose one of the degrees offered.", "degree")
    with db.transaction() as session:
        user = _account(session, user_id)
        old = {"full_name": user.full_name, "degree": user.degree}
        new = {"full_name": name, "degree": degree}
        changed = [key for key in old if old[key] != new[key]]
        if not changed:
            raise AccountAdminError("The name and degree are already these: nothing to correct.")
        user.full_name, user.degree = name, degree
        audit.record(
            session,
            actor,
            "user.correct",
            "user",
            user.id,
            now=now,
            reason=reason,
            **{f"old_{key}": old[key] for key in changed},
            **{f"new_{key}": new[key] for key in changed},
        )
        labels = {"full_name": "Name", "degree": "Degree"}
        queue_message(
            session,
            to=user.email,
            mail=AccountCorrected(
                name=name,
                changes=tuple(f"{labels[key]}: {old[key]} → {new[key]}" for key in changed),
                reason=reason,
            ),
            now=now,
        )
        return changed


@retry_when_locked
def change_role(
    db: Database, user_id: int, role: str, actor: audit.Actor, now: dt.datetime
) -> User:
    if role not in ROLES:
        raise AccountAdminError(f"Choose a role: {', '.join(ROLES)}.", "role")
    with db.transaction() as session:
        user = _account(session, user_id)
        if user.role == role:
            raise AccountAdminError(f"This account already has the role {role}.")
        if role != "admin":
            _keeps_an_admin(session, user)
        previous, user.role = user.role, role
        audit.record(
            session, actor, "user.role_change", "user", user.id, now=now, old=previous, new=role
        )
        return user


@retry_when_locked
def send_reset_link(
    db: Database, user_id: int, links: LinkSettings, actor: audit.Actor, now: dt.datetime
) -> User:
    """Mail the account's owner the same reset link "Forgot your password?" sends: the
    administrator never sees or chooses the password."""
    with db.transaction() as session:
        user = _account(session, user_id)
        queue_reset_link(session, user, links, now)
        audit.record(session, actor, "user.password_reset_link", "user", user.id, now=now)
        return user


@retry_when_locked
def lock_account(
    db: Database, user_id: int, reason: str, actor: audit.Actor, now: dt.datetime
) -> User:
    """Lock the account: it cannot sign in, and every session of it ends now."""
    reason = _reason(
        reason, "Give the reason for locking the account; it is kept in the audit log."
    )
    with db.transaction() as session:
        user = _account(session, user_id)
        if user.locked_at is not None:
            raise AccountAdminError("This account is already locked.")
        _keeps_an_admin(session, user)
        user.locked_at = now
        user.session_version += 1
        audit.record(session, actor, "user.lock", "user", user.id, now=now, reason=reason)
        return user


@retry_when_locked
def unlock_account(db: Database, user_id: int, actor: audit.Actor, now: dt.datetime) -> User:
    with db.transaction() as session:
        user = _account(session, user_id)
        if user.locked_at is None:
            raise AccountAdminError("This account is not locked.")
        user.locked_at = None
        audit.record(session, actor, "user.unlock", "user", user.id, now=now)
        return user
