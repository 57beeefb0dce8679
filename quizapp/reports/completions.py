"""The completions report: every credit claimed in a period, for the CME administrators who
keep the provider's record of who earned which credit, on which version of an activity, and
which certificate stands for it now."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from quizapp.certificates.services import latest_certificate_id
from quizapp.content.credits import credit_name, format_amount
from quizapp.dates import DateRange
from quizapp.models import Activity, ActivityVersion, Certificate, CreditClaim, User
from quizapp.reports.batching import BATCH

COMPLETION_COLUMNS = [
    "Completion date",
    "Learner",
    "Email",
    "Degree",
    "NPI",
    "Activity ID",
    "Activity",
    "Version",
    "Credit type",
    "Amount",
    "Certificate code",
    "Certificate status",
]


def _claims_in(query: Select[Any], period: DateRange, activity_slug: str | None) -> Select[Any]:
    """``query``, which joins the claim's activity, narrowed to the period and the activity."""
    query = query.where(
        CreditClaim.claimed_at >= period.since, CreditClaim.claimed_at < period.until
    )
    return query.where(Activity.slug == activity_slug) if activity_slug else query


def completions_count(session: Session, period: DateRange, activity_slug: str | None) -> int:
    query = select(func.count(CreditClaim.id)).join(
        Activity, CreditClaim.activity_id == Activity.id
    )
    return session.scalar(_claims_in(query, period, activity_slug)) or 0


def completion_rows(
    session: Session,
    period: DateRange,
    activity_slug: str | None = None,
    *,
    limit: int | None = None,
) -> Iterator[list[str]]:
    """One row per credit claimed in the period, oldest first.

    Only the version's title and number are read: the whole row would carry the article with
    every claim."""
    query = (
        select(
            CreditClaim,
            User,
            Activity.content_id,
            ActivityVersion.title,
            ActivityVersion.number,
            Certificate.code,
            Certificate.status,
        )
        .join(User, CreditClaim.user_id == User.id)
        .join(Activity, CreditClaim.activity_id == Activity.id)
        .join(ActivityVersion, CreditClaim.activity_version_id == ActivityVersion.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .order_by(CreditClaim.claimed_at, CreditClaim.id)
        .limit(limit)
        .execution_options(yield_per=BATCH)
    )
    rows = session.execute(_claims_in(query, period, activity_slug))
    for claim, user, content_id, title, number, code, status in rows:
        yield [
            claim.claimed_at.date().isoformat(),
            user.full_name,
            user.email,
            user.degree,
            user.npi or "",
            content_id,
            title,
            str(number),
            credit_name(claim.credit_type),
            format_amount(claim.amount),
            code or "",
            status or "",
        ]
