"""The schema, in one file so it can be read in one sitting.

Rows that record what a learner did (attempts, responses, claims, certificates, audit events)
are never deleted by the application; activity versions are never updated once written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from quizapp.content.snapshot import VersionMeta, VersionSnapshot
from quizapp.roles import ROLES

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONDocument = JSON().with_variant(JSONB(), "postgresql")

MAX_ID = 2**31 - 1
"""The largest id an ``integer`` primary key holds on PostgreSQL; a larger one names no row."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on every engine (SQLite stores them without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint(
            "(birth_month IS NULL AND birth_day IS NULL) OR "
            "(birth_month BETWEEN 1 AND 12 AND birth_day BETWEEN 1 AND 31)",
            name="birth_month_day_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(
        String(254), unique=True, doc="stored NFKC-normalised and lower-case"
    )
    email_skeleton: Mapped[str] = mapped_column(
        String(254),
        index=True,
        server_default="",
        doc="the email with look-alike letters made Latin (accounts.validation.email_skeleton)",
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(
        String(100), doc="as the learner's boards hold it; empty for a single name"
    )
    family_name: Mapped[str | None] = mapped_column(
        String(100), doc="as the learner's boards hold it; unset until the learner saves it"
    )
    degree: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")
    npi: Mapped[str | None] = mapped_column(String(10))
    license_state: Mapped[str | None] = mapped_column(String(2))
    license_number: Mapped[str | None] = mapped_column(String(40))
    certifying_board: Mapped[str | None] = mapped_column(
        String(80), doc="a code of quizapp.content.credits.CERTIFYING_BOARDS"
    )
    board_id: Mapped[str | None] = mapped_column(String(40))
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    nabp_eprofile_id: Mapped[str | None] = mapped_column(String(20))
    board_report_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    session_version: Mapped[int] = mapped_column(
        Integer,
        server_default="0",
        doc="carried by every signed-in session; adding one signs out every older session",
    )
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(),
        doc="when the owner followed the link mailed to this address; unset again "
        "when the address changes",
    )
    locked_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(),
        doc="set while an administrator has locked the account: it cannot sign in",
    )


class Asset(Base):
    """A figure's bytes, addressed by their SHA-256 so every version keeps its own image."""

    __tablename__ = "assets"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Activity(Base):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[str] = mapped_column(String(100), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_versions.id", use_alter=True)
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    """Set while the activity is withdrawn: off the catalog, taking no new attempts."""

    current_version: Mapped[ActivityVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ActivityVersion(Base):
    """An immutable snapshot of an activity's files: metadata, article HTML, questions, key."""

    __tablename__ = "activity_versions"
    __table_args__ = (
        UniqueConstraint("activity_id", "number"),
        UniqueConstraint("activity_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    release_date: Mapped[dt.date] = mapped_column(Date)
    expiration_date: Mapped[dt.date] = mapped_column(Date)
    metadata_json: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument)
    article_html: Mapped[str] = mapped_column(Text)
    questions_json: Mapped[list[dict[str, Any]]] = mapped_column("questions", JSONDocument)
    figures_json: Mapped[dict[str, str]] = mapped_column("figures", JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    activity: Mapped[Activity] = relationship(foreign_keys=[activity_id])

    @classmethod
    def from_snapshot(cls, snapshot: VersionSnapshot, **columns: Any) -> ActivityVersion:
        stored = snapshot.to_json()
        return cls(
            title=snapshot.meta.title,
            release_date=snapshot.meta.release_date,
            expiration_date=snapshot.meta.expiration_date,
            metadata_json=stored["metadata"],
            article_html=stored["article_html"],
            questions_json=stored["questions"],
            figures_json=stored["figures"],
            **columns,
        )

    def meta(self) -> VersionMeta:
        """The typed metadata alone, for pages that show no questions."""
        return VersionMeta.from_json(self.metadata_json)

    def snapshot(self) -> VersionSnapshot:
        """The typed snapshot; read it through the version cache where one is at hand."""
        return VersionSnapshot.from_json(
            {
                "metadata": self.metadata_json,
                "article_html": self.article_html,
                "questions": self.questions_json,
                "figures": self.figures_json,
            }
        )


class Attempt(Base):
    """One try at a posttest, pinned to the version and option order the learner saw.

    The unique (user, activity, number) is what keeps the attempt limit under concurrency.
    """

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("user_id", "activity_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    activity_version_id: Mapped[int] = mapped_column(ForeignKey("activity_versions.id"))
    number: Mapped[int] = mapped_column(Integer)
    option_order: Mapped[dict[str, list[str]]] = mapped_column(JSONDocument)
    option_values: Mapped[dict[str, list[str]] | None] = mapped_column(
        JSONDocument,
        doc="per question, the opaque form value of each option in display order; empty for "
        "attempts started before opaque values, whose forms post the option ids",
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    score_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    passed: Mapped[bool | None] = mapped_column()


class AttemptGrant(Base):
    """Extra attempts an administrator granted a learner for one activity, with the reason."""

    __tablename__ = "attempt_grants"
    __table_args__ = (CheckConstraint("extra > 0", name="extra_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    extra: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    question_id: Mapped[str] = mapped_column(String(100))
    chosen: Mapped[list[str]] = mapped_column(JSONDocument)
    correct: Mapped[bool] = mapped_column()
    points: Mapped[Decimal] = mapped_column(Numeric(6, 4))


class Evaluation(Base):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("user_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    activity_version_id: Mapped[int] = mapped_column(ForeignKey("activity_versions.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowUp(Base):
    """The commitment-to-change follow-up of one evaluation: written when its survey is
    mailed, answered at most once through the signed link in that mail."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    activity_version_id: Mapped[int] = mapped_column(
        ForeignKey("activity_versions.id"), doc="whose follow-up questions the survey asks"
    )
    commitment: Mapped[str] = mapped_column(
        Text, doc="the evaluation's answer the survey quotes, as it was when mailed"
    )
    mailed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class FollowUpOptOut(Base):
    """A learner who asked, from a follow-up mail, to get no more follow-ups."""

    __tablename__ = "follow_up_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    opted_out_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CreditClaim(Base):
    __tablename__ = "credit_claims"
    __table_args__ = (
        UniqueConstraint("user_id", "activity_id", "credit_type"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    activity_version_id: Mapped[int] = mapped_column(ForeignKey("activity_versions.id"))
    credit_type: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    attested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certificate(Base):
    """A statement of credit with a frozen snapshot of everything printed on it."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'issued', 'revoked', 'superseded')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id"), unique=True, index=True
    )
    """The certificate this one replaces (a reissue); each is replaced at most once."""


class CertificateClaim(Base):
    __tablename__ = "certificate_claims"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("credit_claims.id"), primary_key=True)


REPORT_KINDS = ("pars", "cpe-monitor")


class ReportBatch(Base):
    """An upload file an administrator asked for: what it holds is in its rows, written once.

    The rows already reported for an activity are the sum of its batches, so the next batch
    holds only what changed since, and a batch downloaded again is the same file.
    """

    __tablename__ = "report_batches"
    __table_args__ = (CheckConstraint(f"kind IN {REPORT_KINDS!r}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_label: Mapped[str] = mapped_column(
        String(254), doc="who asked for it, e.g. 'cli' or an email"
    )


class ReportBatchRow(Base):
    """One row of a batch file, as written: the claims it reports, the certificate they were
    read from, and every cell."""

    __tablename__ = "report_batch_rows"
    __table_args__ = (
        UniqueConstraint("batch_id", "position"),
        CheckConstraint("action IN ('Add', 'Delete')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("report_batches.id"))
    position: Mapped[int] = mapped_column(Integer)
    completion_key: Mapped[str] = mapped_column(
        String(40), doc="the completion reported: its first credit claim's id"
    )
    action: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    claim_ids: Mapped[list[int]] = mapped_column(JSONDocument)
    cells: Mapped[list[str]] = mapped_column(JSONDocument)


class OutboxMessage(Base):
    """An email quizapp owes someone, written in the transaction of the event that causes it.

    A row is queued until ``sent_at`` is set; ``claimed_until`` is the lease of the sender
    delivering it, so two senders never take the same row. ``kind`` and ``context`` name a
    message of :mod:`quizapp.mail.compose`, which composes the text when it is read or sent.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index(None, "sent_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    context: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    send_after: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), doc="not delivered before this moment: scheduled mail, or a retry's backoff"
    )
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Append-only record of who did what; admin actions and certificate events land here."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254), doc="who acted, e.g. 'cli' or an email")
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


__all__ = [
    "Activity",
    "ActivityVersion",
    "Asset",
    "Attempt",
    "AttemptGrant",
    "AuditEvent",
    "Base",
    "Certificate",
    "CertificateClaim",
    "CreditClaim",
    "Evaluation",
    "FollowUp",
    "FollowUpOptOut",
    "OutboxMessage",
    "ReportBatch",
    "ReportBatchRow",
    "Response",
    "User",
]
