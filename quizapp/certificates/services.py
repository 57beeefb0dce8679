"""Issuing, approving, revoking and reissuing certificates. Every event lands in the audit log.

Nothing is deleted: revocation and supersession are states, and the old row keeps its
snapshot, so a certificate can be checked years later exactly as it was printed.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.certificates.document import CertificateCredit, CertificateData
from quizapp.content.credits import CREDIT_TYPES, format_amount
from quizapp.db import Database
from quizapp.errors import Refused
from quizapp.models import (
    Activity,
    ActivityVersion,
    Certificate,
    CertificateClaim,
    CreditClaim,
    User,
)

CODE_BYTES = 16
"""128 random bits; the design asks for at least 80."""

PARTICIPATION_STATEMENT = (
    "{provider} designates this {kind} for a maximum of {amount} *AMA PRA Category 1 Credit*™. "
    "This certificate records participation; it does not award *AMA PRA Category 1 Credit*™."
)


class CertificateError(Refused):
    """The certificate is not in a state that allows this action, or the reason is missing."""


def new_code() -> str:
    """128 random bits in URL-safe Base64, starting with a letter or a digit.

    A spreadsheet runs a cell that starts with ``-`` as a formula, so the CSV reports neutralise
    it with an apostrophe, and the code in an export would no longer match the certificate; a
    leading ``_`` reads badly on paper. Redrawing costs under 0.05 bits of the 128.
    """
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if code[0].isalnum():
            return code


def snapshot_for(
    user: User,
    activity: Activity,
    version: ActivityVersion,
    claims: Sequence[CreditClaim],
    code: str,
) -> CertificateData:
    meta = version.metadata_json
    offers = {c["type"]: c for c in meta["credits"]}
    credits = []
    for claim in sorted(claims, key=lambda c: c.id):
        amount = format_amount(claim.amount)
        if claim.credit_type in offers:
            offer = offers[claim.credit_type]
            credits.append(
                CertificateCredit(
                    type=claim.credit_type,
                    name=CREDIT_TYPES[claim.credit_type].name,
                    amount=amount,
                    statement=_plain_statement(offer["statement_html"]),
                )
            )
        else:
            ama = offers.get("ama-pra-1", {"amount": amount})
            kind = (
                "journal-based CME activity"
                if meta["learning_format"].startswith("Journal")
                else "enduring material"
            )
            credits.append(
                CertificateCredit(
                    type=claim.credit_type,
                    name="Certificate of participation",
                    amount=amount,
                    statement=PARTICIPATION_STATEMENT.format(
                        provider=meta["provider"], kind=kind, amount=ama["amount"]
                    ),
                )
            )
    completed = max(claim.claimed_at for claim in claims).date()
    return CertificateData(
        code=code,
        learner_name=user.full_name,
        degree=user.degree,
        provider=meta["provider"],
        activity_title=version.title,
        learning_format=meta["learning_format"],
        completed_on=completed,
        credits=tuple(credits),
        accreditation_statement=_plain_statement(meta["accreditation_statement_html"]),
        activity_id=activity.content_id,
        version=version.number,
    )


def _plain_statement(html: str) -> str:
    """Statements are stored as sanitized HTML; certificates print them with *italics*."""
    import html as html_lib
    import re

    text = re.sub(r"</?em>", "*", html)
    text = re.sub(r"<[^>]+>", "", text)
    return html_lib.unescape(text).strip()


def issue_for_claims(
    session: Session,
    user: User,
    activity: Activity,
    version: ActivityVersion,
    claims: Sequence[CreditClaim],
    now: dt.datetime,
    *,
    manual_approval: bool,
    actor: audit.Actor,
) -> Certificate:
    """Within the claim's transaction: a certificate for these claims, issued or pending."""
    code = new_code()
    data = snapshot_for(user, activity, version, claims, code)
    certificate = Certificate(
        code=code,
        user_id=user.id,
        activity_id=activity.id,
        snapshot=data.to_json(),
        status="pending" if manual_approval else "issued",
        created_at=now,
        issued_at=None if manual_approval else now,
    )
    session.add(certificate)
    session.flush()
    for claim in claims:
        session.add(CertificateClaim(certificate_id=certificate.id, claim_id=claim.id))
    audit.record(
        session,
        actor,
        "certificate.request" if manual_approval else "certificate.issue",
        "certificate",
        certificate.id,
        now=now,
        code=code,
        learner=user.email,
        activity=activity.slug,
    )
    return certificate


def _locked(session: Session, certificate_id: int) -> Certificate:
    certificate = session.scalar(
        select(Certificate).where(Certificate.id == certificate_id).with_for_update()
    )
    if certificate is None:
        raise CertificateError("There is no such certificate.")
    return certificate


def approve(db: Database, certificate_id: int, actor: audit.Actor, now: dt.datetime) -> Certificate:
    with db.transaction() as session:
        certificate = _locked(session, certificate_id)
        if certificate.status != "pending":
            raise CertificateError(
                f"Only a pending certificate can be approved; this one is {certificate.status}."
            )
        certificate.status = "issued"
        certificate.issued_at = now
        certificate.issued_by_id = actor.user_id
        audit.record(
            session,
            actor,
            "certificate.approve",
            "certificate",
            certificate.id,
            now=now,
            code=certificate.code,
        )
        return certificate


def revoke(
    db: Database, certificate_id: int, reason: str, actor: audit.Actor, now: dt.datetime
) -> Certificate:
    reason = audit.clean_reason(reason)
    if problem := audit.reason_problem(
        reason, missing="Give the reason for revoking; it is kept with the certificate."
    ):
        raise CertificateError(problem)
    with db.transaction() as session:
        certificate = _locked(session, certificate_id)
        if certificate.status not in ("issued", "pending"):
            raise CertificateError(f"This certificate is already {certificate.status}.")
        certificate.status = "revoked"
        certificate.revoked_at = now
        certificate.revoked_by_id = actor.user_id
        certificate.revocation_reason = reason
        audit.record(
            session,
            actor,
            "certificate.revoke",
            "certificate",
            certificate.id,
            now=now,
            code=certificate.code,
            reason=reason,
        )
        return certificate


def reissue(db: Database, certificate_id: int, actor: audit.Actor, now: dt.datetime) -> Certificate:
    """A new certificate for the same claims, printed from the learner's current profile.

    An issued certificate becomes superseded; a revoked one stays revoked (its record keeps
    the reason), so reissuing is also how a revocation made in error is put right.
    """
    with db.transaction() as session:
        old = _locked(session, certificate_id)
        if old.status not in ("issued", "revoked"):
            raise CertificateError(
                f"Only an issued or revoked certificate can be reissued; this one is {old.status}."
            )
        replacement = superseded_by(session, old)
        if replacement is not None:  # a revoked certificate stays revoked once reissued
            raise CertificateError(
                f"This certificate was already reissued as {replacement.code}; "
                "act on that one instead."
            )
        claims = list(
            session.scalars(
                select(CreditClaim)
                .join(CertificateClaim, CertificateClaim.claim_id == CreditClaim.id)
                .where(CertificateClaim.certificate_id == old.id)
            )
        )
        user = session.get(User, old.user_id)
        activity = session.get(Activity, old.activity_id)
        version = session.get(ActivityVersion, claims[0].activity_version_id)
        assert user is not None and activity is not None and version is not None
        code = new_code()
        new = Certificate(
            code=code,
            user_id=user.id,
            activity_id=activity.id,
            snapshot=snapshot_for(user, activity, version, claims, code).to_json(),
            status="issued",
            created_at=now,
            issued_at=now,
            issued_by_id=actor.user_id,
            supersedes_id=old.id,
        )
        session.add(new)
        session.flush()
        for claim in claims:
            session.add(CertificateClaim(certificate_id=new.id, claim_id=claim.id))
        if old.status == "issued":
            old.status = "superseded"
        audit.record(
            session,
            actor,
            "certificate.reissue",
            "certificate",
            new.id,
            now=now,
            code=code,
            supersedes=old.code,
        )
        return new


CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def latest_certificate_id() -> ScalarSelect[int]:
    """The newest certificate covering the claim of the enclosing query (correlated to
    ``CreditClaim``); a reissue is always newer than the certificate it replaces."""
    return (
        select(func.max(Certificate.id))
        .join(CertificateClaim, CertificateClaim.certificate_id == Certificate.id)
        .where(CertificateClaim.claim_id == CreditClaim.id)
        .correlate(CreditClaim)
        .scalar_subquery()
    )


def find(session: Session, certificate_id: int) -> Certificate | None:
    return session.get(Certificate, certificate_id)


def find_by_code(session: Session, code: str) -> Certificate | None:
    if not CODE_RE.match(code):
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


def superseded_by(session: Session, certificate: Certificate) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.supersedes_id == certificate.id))


def certificates_of(session: Session, user_id: int) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)
        )
    )
