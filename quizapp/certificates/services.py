"""Issuing, approving, revoking and reissuing certificates. Every event lands in the audit log.

Nothing is deleted: revocation and supersession are states, and the old row keeps its
snapshot, so a certificate can be checked years later exactly as it was printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.certificates import codes
from quizapp.certificates.codes import new_code
from quizapp.certificates.document import CertificateCredit, CertificateData, statement_markup
from quizapp.certificates.issuer import NO_ISSUER, CertificateImage, Issuer
from quizapp.content.credits import CREDIT_TYPES, credit_name, format_amount
from quizapp.content.snapshot import VersionMeta, VersionSnapshot
from quizapp.db import Database, retry_when_locked
from quizapp.errors import Refused
from quizapp.mail.compose import (
    CertificateApproved,
    CertificateIssued,
    CertificatePending,
    CertificateReissued,
    CertificateRevoked,
)
from quizapp.mail.services import queue_message
from quizapp.models import (
    Activity,
    ActivityVersion,
    Asset,
    Certificate,
    CertificateClaim,
    CreditClaim,
    User,
)


class CertificateError(Refused):
    """The certificate is not in a state that allows this action, or the reason is missing."""


def snapshot_for(
    user: User,
    activity: Activity,
    version: VersionSnapshot,
    version_number: int,
    claims: Sequence[CreditClaim],
    code: str,
    issuer: Issuer = NO_ISSUER,
) -> CertificateData:
    """What the certificate for ``claims`` prints, frozen from the version the learner took
    and the site's signatory, logo and contact of the day."""
    meta = version.meta
    credits = []
    for claim in sorted(claims, key=lambda c: c.id):
        credits.append(_printed_credit(meta, claim))
    completed = max(claim.claimed_at for claim in claims).date()
    issuer = for_activity(issuer, meta)
    return CertificateData(
        code=code,
        learner_name=user.full_name,
        degree=user.degree,
        provider=meta.provider,
        activity_title=meta.title,
        learning_format=meta.learning_format_name,
        completed_on=completed,
        credits=tuple(credits),
        accreditation_statement=statement_markup(meta.accreditation_statement.source),
        activity_id=activity.content_id,
        version=version_number,
        signatory_name=issuer.signatory_name,
        signatory_title=issuer.signatory_title,
        signature_image=issuer.signature.sha256 if issuer.signature else "",
        logo_image=issuer.logo.sha256 if issuer.logo else "",
        provider_contact=issuer.contact,
    )


def for_activity(issuer: Issuer, meta: VersionMeta) -> Issuer:
    """The site's issuer with what the activity's front matter says instead.

    An activity of another provider names its own signatory; the site's signature image is
    then not printed, being another person's signature.
    """
    if meta.certificate_signatory_name:
        issuer = replace(
            issuer,
            signatory_name=meta.certificate_signatory_name,
            signatory_title=meta.certificate_signatory_title,
            signature=None,
        )
    if meta.provider_contact:
        issuer = replace(issuer, contact=meta.provider_contact)
    return issuer


def store_images(session: Session, issuer: Issuer, now: dt.datetime) -> None:
    """Keep the issuer's images as assets, by digest, for every certificate that prints them.

    Two claims may store the same new image at once; the second insert then meets the first
    one's row, which is the same bytes, so it is let go in a savepoint.
    """
    images: list[CertificateImage] = [i for i in (issuer.logo, issuer.signature) if i]
    for image in images:
        if session.get(Asset, image.sha256) is not None:
            continue
        try:
            with session.begin_nested():
                session.add(
                    Asset(
                        sha256=image.sha256,
                        media_type=image.media_type,
                        data=image.data,
                        created_at=now,
                    )
                )
        except IntegrityError:
            pass


def images_of(session: Session, data: CertificateData) -> dict[str, bytes]:
    """The bytes of the images ``data`` prints, by digest."""
    if not data.images:
        return {}
    rows = session.scalars(select(Asset).where(Asset.sha256.in_(data.images)))
    return {asset.sha256: asset.data for asset in rows}


def _printed_credit(meta: VersionMeta, claim: CreditClaim) -> CertificateCredit:
    amount = format_amount(claim.amount)
    name = credit_name(claim.credit_type)
    designated = meta.credit(claim.credit_type)
    credit_type = CREDIT_TYPES.get(claim.credit_type)
    uan = designated.uan if designated is not None else None
    if designated is not None:
        statement = statement_markup(designated.statement.source)
    else:
        credit_type = CREDIT_TYPES[claim.credit_type]
        stands_for = meta.credit(credit_type.stands_in_for or "")
        statement = statement_markup(
            credit_type.designation(
                meta.provider,
                stands_for.amount if stands_for else claim.amount,
                meta.learning_format_entry.activity_kind,
            )
        )
    return CertificateCredit(
        type=claim.credit_type,
        name=name,
        amount=amount,
        statement=statement,
        uan=uan or "",
        certificate_statement=credit_type.certificate_wording(claim.amount, uan)
        if credit_type
        else "",
    )


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
    issuer: Issuer = NO_ISSUER,
) -> Certificate:
    """Within the claim's transaction: a certificate for these claims, issued or pending."""
    code = new_code()
    snapshot = version.snapshot()
    store_images(session, for_activity(issuer, snapshot.meta), now)
    data = snapshot_for(user, activity, snapshot, version.number, claims, code, issuer)
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
    title = snapshot.meta.title
    queue_message(
        session,
        to=user.email,
        mail=(
            CertificatePending(name=user.full_name, activity_title=title)
            if manual_approval
            else CertificateIssued(name=user.full_name, activity_title=title, code=code)
        ),
        now=now,
    )
    return certificate


def _locked(session: Session, certificate_id: int) -> Certificate:
    certificate = session.scalar(
        select(Certificate).where(Certificate.id == certificate_id).with_for_update()
    )
    if certificate is None:
        raise CertificateError("There is no such certificate.")
    return certificate


@retry_when_locked
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
        learner, title = _learner_and_title(session, certificate)
        queue_message(
            session,
            to=learner.email,
            mail=CertificateApproved(
                name=learner.full_name, activity_title=title, code=certificate.code
            ),
            now=now,
        )
        return certificate


def _learner_and_title(session: Session, certificate: Certificate) -> tuple[User, str]:
    """Whom to tell about ``certificate``, and the activity title printed on it."""
    learner = session.get(User, certificate.user_id)
    assert learner is not None
    return learner, CertificateData.from_json(certificate.snapshot).activity_title


@retry_when_locked
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
        learner, title = _learner_and_title(session, certificate)
        queue_message(
            session,
            to=learner.email,
            mail=CertificateRevoked(
                name=learner.full_name, activity_title=title, code=certificate.code, reason=reason
            ),
            now=now,
        )
        return certificate


@retry_when_locked
def reissue(
    db: Database,
    certificate_id: int,
    actor: audit.Actor,
    now: dt.datetime,
    issuer: Issuer = NO_ISSUER,
) -> Certificate:
    """A new certificate for the same claims, printed from the learner's current profile and
    the site's current signatory, logo and contact.

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
        snapshot = version.snapshot()
        store_images(session, for_activity(issuer, snapshot.meta), now)
        new = Certificate(
            code=code,
            user_id=user.id,
            activity_id=activity.id,
            snapshot=snapshot_for(
                user, activity, snapshot, version.number, claims, code, issuer
            ).to_json(),
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
        queue_message(
            session,
            to=user.email,
            mail=CertificateReissued(
                name=user.full_name,
                activity_title=snapshot.meta.title,
                code=code,
                old_code=old.code,
            ),
            now=now,
        )
        return new


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


def find_by_code(session: Session, typed: str) -> Certificate | None:
    """The certificate whose code ``typed`` spells, as a clerk types it or as it was printed."""
    found = codes.candidates(typed)
    if not found:
        return None
    return session.scalar(select(Certificate).where(Certificate.code.in_(found)))


def superseded_by(session: Session, certificate: Certificate) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.supersedes_id == certificate.id))


def replaces(session: Session, certificate: Certificate) -> Certificate | None:
    """The certificate ``certificate`` was reissued from, if it is a reissue."""
    if certificate.supersedes_id is None:
        return None
    return session.get(Certificate, certificate.supersedes_id)


def certificates_of(session: Session, user_id: int) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)
        )
    )
