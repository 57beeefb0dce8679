"""The audit log as people read it: actions in words, people by name, targets that link to
their page, details as labelled values, a page at a time or all of it as CSV.

The events are stored as the services wrote them (``certificate.revoke`` on ``certificate
12`` with ``{"code": …, "reason": …}``), which is what a filter or an export to another
system wants; an administrator reading the log wants "Certificate revoked · Ann Lee's
certificate Zx3p… · Reason: …". The names are looked up for a whole page at once, a fixed
number of statements however many events it holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from quizapp.admin.services import contains
from quizapp.content.credits import credit_name
from quizapp.dates import DateRange
from quizapp.models import Activity, ActivityVersion, AuditEvent, Certificate, CreditClaim, User

PER_PAGE = 100
CSV_BATCH = 500

ACTION_NAMES = {
    "user.register": "Registered",
    "user.create": "Account created",
    "user.profile_update": "Profile updated",
    "user.password_change": "Password changed",
    "user.password_reset": "Password reset",
    "user.role_change": "Role changed",
    "attempt.grant": "Extra attempts granted",
    "credit.claim": "Credit claimed",
    "certificate.issue": "Certificate issued",
    "certificate.request": "Certificate held for approval",
    "certificate.approve": "Certificate approved",
    "certificate.revoke": "Certificate revoked",
    "certificate.reissue": "Certificate reissued",
    "content.sync": "Activity version published",
    "content.restore": "Earlier activity version restored",
    "content.check": "Published activity checked again by a new checker",
    "activity.rename": "Activity folder renamed",
    "report.batch": "Board report batch recorded",
    "activity.withdraw": "Activity withdrawn",
    "activity.reinstate": "Activity reinstated",
    "user.register_existing": "Registration tried with an address in use",
    "user.email_change": "Email address changed",
    "user.email_verify": "Email address confirmed",
    "user.password_reset_request": "Password reset link asked for",
    "user.password_reset_by_email": "Password reset from an emailed link",
    "user.password_reset_link": "Password reset link sent by an administrator",
    "user.correct": "Name or degree corrected",
    "user.lock": "Account locked",
    "user.unlock": "Account unlocked",
    "follow_up.opt_out": "Opted out of follow-up surveys",
    "mail.purge": "Old sent mail deleted",
}

TARGET_TYPES = {
    "user": "Person",
    "certificate": "Certificate",
    "credit_claim": "Credit claim",
    "activity": "Activity",
    "report_batch": "Board report batch",
    "outbox": "Outbox",
}

DETAIL_LABELS = {
    "code": "Code",
    "learner": "Learner",
    "activity": "Activity",
    "reason": "Reason",
    "extra": "Extra attempts",
    "supersedes": "Replaces",
    "credit_type": "Credit",
    "amount": "Amount",
    "slug": "Activity",
    "version": "Version",
    "content_hash": "Content hash",
    "checker": "Checker version",
    "fields": "Fields changed",
    "old": "From",
    "new": "To",
    "email": "Email",
    "role": "Role",
    "report": "Report",
    "added": "Rows added",
    "deleted": "Rows deleted",
    "count": "Messages",
    "days": "Older than (days)",
}

CSV_COLUMNS = [
    "When (UTC)",
    "Actor",
    "Actor email",
    "Action",
    "Action code",
    "Target",
    "Target type",
    "Target id",
    "Details",
]


def action_name(action: str) -> str:
    """The action in words; one this module does not know yet still reads as words."""
    known = ACTION_NAMES.get(action)
    if known:
        return known
    return action.replace(".", " ").replace("_", " ").capitalize()


def target_type_name(target_type: str) -> str:
    return TARGET_TYPES.get(target_type, target_type.replace("_", " ").capitalize())


def _label(key: str) -> str:
    return DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())


def _value(key: str, value: Any) -> str:
    if key == "credit_type" and isinstance(value, str):
        return credit_name(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(_label(v) if key == "fields" else v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {v}" for k, v in value.items())
    if value is None or value == "":
        return "—"
    return str(value)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Target:
    """What an event acted on, named for people, with what its link needs."""

    type: str
    id: str
    label: str
    user_id: int | None = None
    """The person whose page the target is best seen on (a learner, a claim's learner)."""
    code: str = ""
    """A certificate's verification code."""
    slug: str = ""
    """An activity's, or a batch's activity's, slug."""
    report: str = ""
    """A batch's report (``pars`` or ``cpe-monitor``)."""

    @property
    def type_name(self) -> str:
        return target_type_name(self.type)


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: Person | None
    target: Target
    details: list[tuple[str, str]]

    @property
    def action_name(self) -> str:
        return action_name(self.event.action)

    @property
    def actor_label(self) -> str:
        """The person's name, or the label the event was recorded with (``cli``)."""
        if self.actor is None:
            return "Command line" if self.event.actor_label == "cli" else self.event.actor_label
        return self.actor.name

    def csv_row(self) -> list[str]:
        return [
            self.event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            self.actor_label,
            self.actor.email if self.actor else self.event.actor_label,
            self.action_name,
            self.event.action,
            self.target.label,
            self.event.target_type,
            self.event.target_id,
            "; ".join(f"{label}: {value}" for label, value in self.details),
        ]


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as the page's address carries them (empty ones left out)."""
        args = {
            "action": self.action,
            "actor": self.actor,
            "target_type": self.target_type,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def more(self) -> bool:
        return self.page < self.pages


def _filtered(filters: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        pattern = contains(filters.actor.lower())
        named = select(User.id).where(func.lower(User.full_name).like(pattern, escape="\\"))
        query = query.where(
            func.lower(AuditEvent.actor_label).like(pattern, escape="\\")
            | AuditEvent.actor_id.in_(named)
        )
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
    if filters.start:
        query = query.where(AuditEvent.created_at >= DateRange(filters.start, filters.start).since)
    if filters.end:
        query = query.where(AuditEvent.created_at < DateRange(filters.end, filters.end).until)
    return query


def audit_page(
    session: Session, filters: AuditFilter, page: int, per_page: int = PER_PAGE
) -> AuditPage:
    """Newest first, one page, with the number of events the filters match."""
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(
        session.scalars(
            query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
        )
    )
    return AuditPage(readable(session, events), total, page, per_page)


def audit_csv_rows(session: Session, filters: AuditFilter) -> Iterator[list[str]]:
    """Every event the filters match, newest first, read and named a batch at a time."""
    query = _filtered(filters).order_by(AuditEvent.id.desc())
    before: int | None = None
    while True:
        batch_query = query if before is None else query.where(AuditEvent.id < before)
        events = list(session.scalars(batch_query.limit(CSV_BATCH)))
        for row in readable(session, events):
            yield row.csv_row()
        if len(events) < CSV_BATCH:
            return
        before = events[-1].id


def actions(session: Session) -> list[tuple[str, str]]:
    """The actions that occur in the log, as (code, words), by words."""
    codes = session.scalars(select(AuditEvent.action).distinct())
    return sorted(((code, action_name(code)) for code in codes), key=lambda pair: pair[1])


def _ids(events: Iterable[AuditEvent], target_type: str) -> set[int]:
    return {
        int(event.target_id)
        for event in events
        if event.target_type == target_type and event.target_id.isdigit()
    }


def readable(session: Session, events: Sequence[AuditEvent]) -> list[AuditRow]:
    """The events with the people, certificates, claims and activities they name, looked up
    in one statement per kind of thing for all of them."""
    certificates = {
        row.id: row
        for row in session.execute(
            select(Certificate.id, Certificate.code, Certificate.user_id).where(
                Certificate.id.in_(_ids(events, "certificate"))
            )
        )
    }
    claims = {
        row.id: row
        for row in session.execute(
            select(CreditClaim.id, CreditClaim.user_id).where(
                CreditClaim.id.in_(_ids(events, "credit_claim"))
            )
        )
    }
    activity_ids = _ids(events, "activity")
    activities = {
        row.id: row
        for row in session.execute(
            select(Activity.id, Activity.slug, ActivityVersion.title)
            .outerjoin(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
            .where(Activity.id.in_(activity_ids))
        )
    }
    user_ids = {event.actor_id for event in events if event.actor_id is not None}
    user_ids |= _ids(events, "user")
    user_ids |= {row.user_id for row in certificates.values()}
    user_ids |= {row.user_id for row in claims.values()}
    people = {
        row.id: Person(row.id, row.full_name, row.email)
        for row in session.execute(
            select(User.id, User.full_name, User.email).where(User.id.in_(user_ids))
        )
    }

    def owner(user_id: int) -> str:
        person = people.get(user_id)
        return f"{person.name}’s" if person else "a deleted account’s"

    def target(event: AuditEvent) -> Target:
        kind, raw = event.target_type, event.target_id
        number = int(raw) if raw.isdigit() else -1
        details = event.details or {}
        if kind == "user" and number in people:
            return Target(kind, raw, people[number].name, user_id=number)
        if kind == "certificate" and number in certificates:
            row = certificates[number]
            return Target(
                kind,
                raw,
                f"{owner(row.user_id)} certificate {row.code}",
                user_id=row.user_id,
                code=row.code,
            )
        if kind == "credit_claim" and number in claims:
            row = claims[number]
            return Target(kind, raw, f"{owner(row.user_id)} credit claim", user_id=row.user_id)
        if kind == "activity" and number in activities:
            row = activities[number]
            return Target(kind, raw, row.title or row.slug, slug=row.slug)
        if kind == "report_batch":
            report = str(details.get("report", ""))
            slug = str(details.get("activity", ""))
            words = {"pars": "PARS", "cpe-monitor": "CPE Monitor"}.get(report, report)
            return Target(kind, raw, f"{words} batch {raw} of {slug}", slug=slug, report=report)
        return Target(kind, raw, f"{target_type_name(kind)} {raw}")

    return [
        AuditRow(
            event=event,
            actor=people.get(event.actor_id) if event.actor_id is not None else None,
            target=target(event),
            details=[(_label(k), _value(k, v)) for k, v in (event.details or {}).items()],
        )
        for event in events
    ]
