"""Pharmacy credit for CPE Monitor. ACPE-accredited providers report every pharmacist's and
pharmacy technician's completed credit to ACPE, which passes it to NABP's CPE Monitor; the
learner is identified by the NABP e-Profile ID and the birth month and day, the activity by its
UAN. ACPE no longer accepts a completion more than 60 days after the date of participation,
so those are flagged, in red, for the administrator to take up with ACPE.

Reporting pharmacy credit is part of the credit itself, not a choice of the learner's, so no
consent is asked. The columns, and what of ACPE's file specification could not be
confirmed, are in docs/reports.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from quizapp.content.credits import CREDIT_TYPES, REPORTED_TO_CPE_MONITOR, format_amount
from quizapp.models import Activity, ActivityVersion
from quizapp.reports.records import NOT_FOR_THIS_REPORT, REVOKED, Completion, Judge, Outcome

CPE_COLUMNS = [
    "Action",
    "NABP e-Profile ID",
    "Birth Month and Day (MMDD)",
    "UAN",
    "Participant Type",
    "Date of Participation",
    "Contact Hours",
]
CPE_DEADLINE_DAYS = 60
PARTICIPANT_TYPES = {"PharmD": "P"}
"""ACPE's participant type by degree: P for pharmacists (T, technicians, has no degree yet)."""
PENDING = "certificate awaiting approval; report it once approved"


def cpe_judge(session: Session, activity: Activity, today: dt.date) -> Judge:
    """The CPE Monitor rules as of ``today``; each claim reports the UAN of the version the
    learner claimed on, since a new version may carry a new UAN."""
    uans: dict[int, str] = {}

    def uan(version_id: int, code: str) -> str:
        if version_id not in uans:
            version = session.get(ActivityVersion, version_id)
            offer = version.meta().credit(code) if version else None
            uans[version_id] = (offer.uan if offer else None) or ""
        return uans[version_id]

    def judge(completion: Completion, correction: bool) -> Outcome:
        claims = [
            claim
            for claim in completion.claims
            if claim.credit_type in CREDIT_TYPES
            and CREDIT_TYPES[claim.credit_type].reported_to == REPORTED_TO_CPE_MONITOR
        ]
        if not claims:
            return Outcome(left_out=NOT_FOR_THIS_REPORT)
        if completion.status == "revoked":
            return Outcome(left_out=REVOKED)
        if completion.status == "pending":
            return Outcome(problem=PENDING)
        participated = completion.completed_on
        if not correction and (today - participated).days > CPE_DEADLINE_DAYS:
            return Outcome(
                problem=f"participated more than {CPE_DEADLINE_DAYS} days ago; CPE Monitor no "
                "longer accepts it, so take it up with ACPE",
                late=True,
            )
        user = completion.user
        missing = []
        if not user.nabp_eprofile_id:
            missing.append("NABP e-Profile ID")
        if not (user.birth_month and user.birth_day):
            missing.append("birth month and day")
        if missing:
            return Outcome(problem=f"missing {', '.join(missing)}")
        participant = PARTICIPANT_TYPES.get(user.degree)
        if participant is None:
            return Outcome(problem=f"degree {user.degree} is not a pharmacist's")
        rows = []
        for claim in claims:
            number = uan(claim.activity_version_id, claim.credit_type)
            if not number:
                return Outcome(problem="the version claimed on has no UAN")
            rows.append(
                (
                    "Add",
                    user.nabp_eprofile_id,
                    f"{user.birth_month:02d}{user.birth_day:02d}",
                    number,
                    participant,
                    participated.isoformat(),
                    format_amount(claim.amount),
                )
            )
        return Outcome(rows=tuple(rows))

    return judge
