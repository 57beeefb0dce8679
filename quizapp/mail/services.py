"""The transactional outbox: queueing a message with the event that causes it, and delivering
what is due over SMTP.

A service that causes an email calls :func:`queue_message` inside its own transaction, so the
message is stored if and only if the event is: a rolled-back transaction leaves nothing to
send, and a committed one cannot lose its message. Delivery runs after the commit (right
after the request that queued it, and from ``quizapp mail send``, run every few minutes) in
two steps: :func:`claim_due` leases the due rows in one short transaction (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent senders take disjoint rows; SQLite has one
writer at a time), then each is sent and marked sent, or put back with a later
``send_after``. A sender that dies between sending and marking leaves a row whose lease
expires and which is sent again: a message may, rarely, arrive twice, but is never lost.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.db import Database, retry_when_locked
from quizapp.mail.compose import ApprovalDigest, Composed, Mail, Site, UnknownMessage, compose
from quizapp.mail.compose import stored as stored_mail
from quizapp.mail.settings import SmtpSettings
from quizapp.models import Activity, ActivityVersion, Certificate, OutboxMessage, User

LEASE = dt.timedelta(minutes=10)
"""How long a sender holds the rows it claimed; longer than a batch takes to send."""
BATCH = 50
"""Messages one sender claims at a time."""
MAX_BACKOFF = dt.timedelta(hours=6)
DIGEST_INTERVAL = dt.timedelta(hours=20)
"""The approval digest is queued at most once in this long: daily, with room for a daily
timer that runs a little early."""
MAX_ERROR = 500

_queued: contextvars.ContextVar[int] = contextvars.ContextVar("quizapp_mail_queued", default=0)


def queue_message(
    session: Session,
    *,
    to: str,
    mail: Mail,
    now: dt.datetime,
    send_after: dt.datetime | None = None,
) -> OutboxMessage:
    """Add a message to the caller's transaction; it is sent once that transaction commits,
    and not before ``send_after`` (default: at once). Never commits."""
    row = OutboxMessage(
        kind=mail.kind,
        recipient=to,
        context=mail.context(),
        created_at=now,
        send_after=send_after or now,
        attempts=0,
    )
    session.add(row)
    _queued.set(_queued.get() + 1)
    return row


def queued_count() -> int:
    """Messages queued so far in this thread or task (committed or not): a request compares
    the count at its start and end to know whether to deliver after its commit."""
    return _queued.get()


def composed(row: OutboxMessage, site: Site) -> Composed:
    return compose(stored_mail(row.kind, row.context), site)


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    recipient: str
    kind: str
    context: dict[str, object]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@retry_when_locked
def claim_due(db: Database, *, now: dt.datetime, limit: int = BATCH) -> list[ClaimedMessage]:
    """Lease the oldest due messages to this sender; rows another sender holds are skipped."""
    with db.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.send_after <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.claimed_until = now + LEASE
        return [ClaimedMessage(row.id, row.recipient, row.kind, dict(row.context)) for row in rows]


@retry_when_locked
def mark_sent(db: Database, message_id: int, *, now: dt.datetime) -> None:
    with db.transaction() as session:
        row = session.get(OutboxMessage, message_id)
        if row is not None:
            row.sent_at = now
            row.attempts += 1
            row.claimed_until = None
            row.last_error = None


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed ones: 1, 2, 4 … minutes, at most
    six hours, so a server down for a day is tried a few times an hour at first and then
    four times a day."""
    return min(dt.timedelta(minutes=2 ** min(attempts - 1, 20)), MAX_BACKOFF)


@retry_when_locked
def mark_failed(db: Database, message_id: int, error: str, *, now: dt.datetime) -> None:
    """Keep the message queued, to be tried again after :func:`backoff`."""
    with db.transaction() as session:
        row = session.get(OutboxMessage, message_id)
        if row is not None:
            row.attempts += 1
            row.last_error = " ".join(error.split())[:MAX_ERROR]
            row.claimed_until = None
            row.send_after = now + backoff(row.attempts)


def email_message(
    message: ClaimedMessage, smtp: SmtpSettings, site: Site, *, now: dt.datetime
) -> EmailMessage:
    """A multipart/alternative message, plain text first and HTML second."""
    text = compose(stored_mail(message.kind, message.context), site)
    email = EmailMessage()
    email["Subject"] = text.subject
    email["From"] = smtp.sender
    email["To"] = message.recipient
    email["Date"] = format_datetime(now)
    email["Message-ID"] = make_msgid(
        idstring=f"outbox.{message.id}", domain=urlsplit(site.url).hostname or "localhost"
    )
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text.text)
    email.add_alternative(text.html, subtype="html")
    return email


@contextmanager
def smtp_connection(smtp: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """A connection to the configured server, logged in if the settings name a user."""
    context = ssl.create_default_context()
    connection: smtplib.SMTP
    if smtp.use_ssl:
        connection = smtplib.SMTP_SSL(smtp.server, smtp.port, timeout=smtp.timeout, context=context)
    else:
        connection = smtplib.SMTP(smtp.server, smtp.port, timeout=smtp.timeout)
    try:
        if smtp.use_tls:
            connection.starttls(context=context)
        if smtp.username:
            connection.login(smtp.username, smtp.password)
        yield connection
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def deliver_due(
    db: Database, smtp: SmtpSettings, site: Site, *, now: dt.datetime, limit: int = BATCH
) -> DeliveryReport:
    """Send the messages that are due, each at most once among concurrent senders; a message
    the server does not take stays queued with its error and a later ``send_after``."""
    report = DeliveryReport()
    if not smtp.configured:
        return report
    claimed = claim_due(db, now=now, limit=limit)
    if not claimed:
        return report
    remaining = list(claimed)
    try:
        with smtp_connection(smtp) as connection:
            while remaining:
                message = remaining[0]
                try:
                    connection.send_message(email_message(message, smtp, site, now=now))
                except smtplib.SMTPServerDisconnected:
                    raise
                except (smtplib.SMTPException, UnknownMessage, ValueError) as error:
                    _failed(db, report, message, error, now)
                else:
                    mark_sent(db, message.id, now=now)
                    report.sent += 1
                remaining.pop(0)
    except (smtplib.SMTPException, OSError) as error:
        for message in remaining:
            _failed(db, report, message, error, now)
    return report


def _failed(
    db: Database,
    report: DeliveryReport,
    message: ClaimedMessage,
    error: Exception,
    now: dt.datetime,
) -> None:
    text = f"{type(error).__name__}: {error}"
    mark_failed(db, message.id, text, now=now)
    report.failed += 1
    report.errors.append(f"message {message.id} to {message.recipient}: {text}")


@retry_when_locked
def queue_approval_digest(db: Database, *, now: dt.datetime) -> int:
    """One message to each administrator listing the certificates awaiting approval, at most
    once a day and only while some wait; returns how many were queued.

    The administrators' rows are locked first, so two senders running at once queue one
    digest, not two.
    """
    with db.transaction() as session:
        admins = session.scalars(
            select(User).where(User.role == "admin").order_by(User.id).with_for_update()
        ).all()
        if not admins:
            return 0
        recent = session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.kind == ApprovalDigest.kind,
                OutboxMessage.created_at > now - DIGEST_INTERVAL,
            )
            .limit(1)
        )
        if recent is not None:
            return 0
        waiting = session.execute(
            select(User.full_name, User.email, ActivityVersion.title)
            .select_from(Certificate)
            .join(User, Certificate.user_id == User.id)
            .join(Activity, Certificate.activity_id == Activity.id)
            .join(ActivityVersion, Activity.current_version_id == ActivityVersion.id)
            .where(Certificate.status == "pending")
            .order_by(Certificate.id)
        ).all()
        if not waiting:
            return 0
        lines = tuple(f"{name} ({email}): {title}" for name, email, title in waiting)
        for admin in admins:
            queue_message(session, to=admin.email, mail=ApprovalDigest(lines), now=now)
        return len(admins)


OUTBOX_PAGE = 50


def outbox_rows(session: Session, *, page: int = 1) -> list[OutboxMessage]:
    """The outbox for ``/admin/outbox``, newest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.id.desc())
            .limit(OUTBOX_PAGE)
            .offset((page - 1) * OUTBOX_PAGE)
        )
    )


PURGE_MINIMUM = dt.timedelta(days=1)
"""A purge keeps at least the last day of sent mail: the approval digest's once-a-day rule reads
the outbox for the last one it queued."""


@retry_when_locked
def purge_sent(
    db: Database, *, older_than: dt.timedelta, now: dt.datetime, actor: audit.Actor
) -> int:
    """Delete the messages sent more than ``older_than`` before ``now``; returns how many.

    A sent message holds a learner's name and address and the text they were sent (a reset
    link has long expired by then, but the words stay), and the outbox page is where an
    administrator reads recent mail, not an archive: a provider keeps it as long as its privacy
    policy says. Queued and failing messages are never deleted, whatever their age.
    """
    if older_than < PURGE_MINIMUM:
        raise ValueError("keep at least one day of sent mail")
    with db.transaction() as session:
        deleted = session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < now - older_than
            )
        ).rowcount  # type: ignore[attr-defined]
        if deleted:
            audit.record(
                session,
                actor,
                "mail.purge",
                "outbox",
                "sent",
                now=now,
                count=deleted,
                days=older_than.days,
            )
        return int(deleted)
