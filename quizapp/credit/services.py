"""Claiming credit and reading the transcript.

One claim per (learner, activity, credit type) is a unique constraint, so a double click or
two tabs cannot claim twice; the amount rules live in :mod:`quizapp.credit.eligibility`.
A claim first locks the learner's row, so claims and degree changes of one learner take turns
and the rule against claiming under two degrees sees every claim already made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.certificates.issuer import NO_ISSUER, Issuer
from quizapp.certificates.services import issue_for_claims, latest_certificate_id
from quizapp.content.credits import credit_name
from quizapp.credit.eligibility import (
    ClaimError,
    EligibleCredit,
    another_degree_message,
    claimed_under_another_degree,
    eligible_credits,
    parse_amount,
    unverified_email_message,
)
from quizapp.dates import DateRange
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound
from quizapp.learning.services import current_version, standing
from quizapp.learning.versions import versions_for
from quizapp.models import (
    Activity,
    ActivityVersion,
    Certificate,
    CreditClaim,
    User,
)


@dataclass(frozen=True)
class ClaimPage:
    credits: list[EligibleCredit]
    claimed: dict[str, CreditClaim]
    conflict: str | None = None
    """Why nothing more may be claimed: a claim held was made under another degree."""
    unverified: str | None = None
    """Why nothing may be claimed yet: the site requires a confirmed address."""

    @property
    def open_credits(self) -> list[EligibleCredit]:
        if self.conflict or self.unverified:
            return []
        return [c for c in self.credits if c.type not in self.claimed]


def claim_options(
    session: Session,
    db: Database,
    user: User,
    activity: Activity,
    *,
    require_verified_email: bool = False,
) -> ClaimPage:
    assert activity.current_version_id is not None
    version = versions_for(db).get(session, activity.current_version_id)
    claimed = {
        claim.credit_type: claim
        for claim in session.scalars(
            select(CreditClaim).where(
                CreditClaim.user_id == user.id, CreditClaim.activity_id == activity.id
            )
        )
    }
    foreign = claimed_under_another_degree(claimed, user.degree)
    return ClaimPage(
        credits=eligible_credits(version.meta.credits, user),
        claimed=claimed,
        conflict=another_degree_message(foreign) if foreign else None,
        unverified=unverified_email_message(
            required=require_verified_email,
            verified=user.email_verified_at is not None,
            email=user.email,
        ),
    )


@retry_when_locked
def claim_credit(
    db: Database,
    user_id: int,
    slug: str,
    amounts: Mapping[str, str],
    *,
    attested: bool,
    now: dt.datetime,
    manual_approval: bool = False,
    issuer: Issuer = NO_ISSUER,
    require_verified_email: bool = False,
) -> list[CreditClaim]:
    """Record the claimed amounts (blank ones skipped) all together, or none of them.

    The same transaction issues the certificate for them, or holds it for approval when the
    site (``manual_approval``) or the activity asks for that.
    """
    if not attested:
        raise ClaimError(
            "Confirm that you claim only the credit commensurate with your participation."
        )
    try:
        with db.transaction() as session:
            activity, version = current_version(session, db, slug)
            user = session.get(User, user_id, with_for_update=True)
            if user is None:
                raise NotFound(str(user_id))
            learner = standing(session, db, user_id, activity, now.date())
            if version.expired(now.date()):
                raise ClaimError(
                    "This activity has expired; credit can no longer be claimed for it."
                )
            if not learner.passed:
                raise ClaimError("Pass the posttest before claiming credit.")
            if not learner.evaluated:
                raise ClaimError("Complete the evaluation before claiming credit.")
            page = claim_options(
                session, db, user, activity, require_verified_email=require_verified_email
            )
            if page.unverified:
                raise ClaimError(page.unverified)
            if page.conflict:
                raise ClaimError(page.conflict)
            by_type = {credit.type: credit for credit in page.credits}
            wanted = {kind: raw for kind, raw in amounts.items() if raw.strip()}
            if not wanted:
                raise ClaimError("Enter the amount of credit you claim.")
            claims = []
            for kind, raw in wanted.items():
                credit = by_type.get(kind)
                if credit is None:
                    raise ClaimError(
                        "Your degree does not make you eligible for that credit.", kind
                    )
                if credit.missing:
                    raise ClaimError(
                        f"Add your {', '.join(credit.missing)} to your profile to claim "
                        f"{credit.name}.",
                        kind,
                    )
                if kind in page.claimed:
                    raise ClaimError(f"You have already claimed {credit.name}.", kind)
                claim = CreditClaim(
                    user_id=user_id,
                    activity_id=activity.id,
                    activity_version_id=version.id,
                    credit_type=kind,
                    amount=parse_amount(raw, credit),
                    attested_at=now,
                    claimed_at=now,
                )
                session.add(claim)
                claims.append(claim)
            session.flush()
            actor = audit.Actor(user.email, user.id)
            for claim in claims:
                audit.record(
                    session,
                    actor,
                    "credit.claim",
                    "credit_claim",
                    claim.id,
                    now=now,
                    activity=slug,
                    credit_type=claim.credit_type,
                    amount=str(claim.amount),
                )
            version_row = session.get(ActivityVersion, version.id)
            assert version_row is not None
            issue_for_claims(
                session,
                user,
                activity,
                version_row,
                claims,
                now,
                manual_approval=manual_approval or version.meta.certificate_approval == "manual",
                actor=actor,
                issuer=issuer,
            )
    except IntegrityError:
        raise ClaimError("You have already claimed this credit.") from None
    return claims


@dataclass(frozen=True)
class TranscriptRow:
    completed_on: dt.date
    title: str
    provider: str
    slug: str
    credit_type: str
    credit_name: str
    amount: Decimal
    certificate_code: str | None = None
    certificate_status: str | None = None
    uan: str = ""
    """The activity's ACPE Universal Activity Number, for pharmacy credit."""
    revoked_on: dt.date | None = None
    revocation_reason: str = ""
    """Why the certificate was revoked, as the administrator wrote it for the learner."""


def transcript(
    session: Session, db: Database, user_id: int, period: DateRange | None = None
) -> Iterator[TranscriptRow]:
    """Every credit claimed (in ``period``, by the day it was claimed), oldest first, as printed
    when it was claimed, with its newest certificate."""
    versions = versions_for(db)
    query = (
        select(
            CreditClaim,
            Activity.slug,
            Certificate.code,
            Certificate.status,
            Certificate.revoked_at,
            Certificate.revocation_reason,
        )
        .join(Activity, CreditClaim.activity_id == Activity.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .where(CreditClaim.user_id == user_id)
        .order_by(CreditClaim.claimed_at, CreditClaim.id)
    )
    if period is not None:
        query = query.where(
            CreditClaim.claimed_at >= period.since, CreditClaim.claimed_at < period.until
        )
    for claim, slug, code, status, revoked_at, reason in session.execute(query):
        meta = versions.get(session, claim.activity_version_id).meta
        designated = meta.credit(claim.credit_type)
        yield TranscriptRow(
            completed_on=claim.claimed_at.date(),
            title=meta.title,
            provider=meta.provider,
            slug=slug,
            credit_type=claim.credit_type,
            credit_name=credit_name(claim.credit_type),
            amount=claim.amount,
            certificate_code=code,
            certificate_status=status,
            uan=(designated.uan or "") if designated else "",
            revoked_on=revoked_at.date() if status == "revoked" and revoked_at else None,
            revocation_reason=(reason or "") if status == "revoked" else "",
        )
