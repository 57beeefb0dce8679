"""The ACCME PARS learner upload. ACCME passes the completions a provider reports in PARS on to
the physicians' certifying and licensing boards, so the CME administrator uploads one row per
consenting learner within 30 days of completion, and sees beside it everyone who cannot be
reported and why, so that no learner is dropped silently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.certificates.services import latest_certificate_id
from quizapp.content.credits import (
    PARS_BOARD_CREDITS,
    PARS_CME_CREDITS,
    format_amount,
    pars_types,
)
from quizapp.models import Activity, ActivityVersion, Certificate, CreditClaim, User
from quizapp.reports.batching import BATCH

# The header follows the PARS learner-upload template as read from a public implementation
# (see docs/reports.md); check it against ACCME's own template before relying on it.
PARS_COLUMNS = [
    "Record Action",
    "ACCME Activity ID",
    "Completion Date",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Licensing State",
    "Licensing ID or NPI",
    "Number of CME Credits",
    "Certifying Board",
    "Certifying Board ID",
    "Total Board Credits",
    "Credit Type",
    "Credits Awarded for Credit Type",
]
PARS_DEADLINE_DAYS = 30


@dataclass(frozen=True)
class ParsException:
    learner: str
    email: str
    completed_on: dt.date
    problem: str


ParsEntry = list[str] | ParsException


@dataclass
class ParsReport:
    activity_id: str
    rows: list[list[str]] = field(default_factory=list)
    exceptions: list[ParsException] = field(default_factory=list)
    problem: str = ""


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name for the upload: the last word is the last name."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name, ""
    return " ".join(parts[:-1]), parts[-1]


def pars_activity_id(session: Session, activity: Activity) -> tuple[str, str]:
    """The activity's ACCME id, and what the administrator must fix when it has none."""
    version = session.get(ActivityVersion, activity.current_version_id)
    accme_id = version.meta().accme_activity_id if version else ""
    if accme_id:
        return accme_id, ""
    return "", (
        "This activity has no accme_activity_id in its front matter; add it and sync "
        "before uploading to PARS."
    )


def pars_entries(session: Session, activity: Activity, today: dt.date) -> Iterator[ParsEntry]:
    """One upload row, or the reason why not, per consenting learner, streamed in learner order.

    Claims arrive ordered by learner, so only one learner's claims are held at a time and
    memory stays flat however many learners the activity has."""
    accme_id, _ = pars_activity_id(session, activity)
    query = (
        select(User, CreditClaim, Certificate.status)
        .join(CreditClaim, CreditClaim.user_id == User.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .where(CreditClaim.activity_id == activity.id, User.board_report_consent_at.is_not(None))
        .order_by(User.id, CreditClaim.id)
        .execution_options(yield_per=BATCH)
    )
    for _, learner_claims in groupby(session.execute(query), key=lambda row: row[0].id):
        user: User | None = None
        claims: list[CreditClaim] = []
        for user, claim, status in learner_claims:
            if status == "revoked":
                continue  # a revoked completion is not reported
            if status == "pending":
                yield ParsException(
                    user.full_name,
                    user.email,
                    claim.claimed_at.date(),
                    "certificate awaiting approval; report it once approved",
                )
                continue
            claims.append(claim)
        if user is not None and claims:
            yield _pars_entry(accme_id, user, claims, today)


def pars_report(session: Session, activity: Activity, today: dt.date) -> ParsReport:
    """The whole report for the page; consenting learners only, nothing silently dropped."""
    accme_id, problem = pars_activity_id(session, activity)
    report = ParsReport(activity_id=accme_id, problem=problem)
    for entry in pars_entries(session, activity, today):
        if isinstance(entry, ParsException):
            report.exceptions.append(entry)
        else:
            report.rows.append(entry)
    return report


def pars_rows(session: Session, activity: Activity, today: dt.date) -> Iterator[list[str]]:
    """Only the reportable rows, for the upload file."""
    for entry in pars_entries(session, activity, today):
        if not isinstance(entry, ParsException):
            yield entry


def _pars_entry(accme_id: str, user: User, claims: list[CreditClaim], today: dt.date) -> ParsEntry:
    completed = max(c.claimed_at for c in claims).date()
    amounts = {c.credit_type: c.amount for c in claims}
    cme_types = [t.code for t in pars_types(PARS_CME_CREDITS) if t.code in amounts]
    board_types = [t for t in pars_types(PARS_BOARD_CREDITS) if t.code in amounts]
    problem = _pars_problem(user, completed, today, claims_moc=bool(board_types))
    if not problem and not (cme_types or board_types):
        problem = "no AMA PRA Category 1 Credit or MOC points claimed; PARS is for physicians"
    if problem:
        return ParsException(user.full_name, user.email, completed, problem)
    first, last = split_name(user.full_name)
    cme = sum((amounts[code] for code in cme_types), Decimal(0))
    board = board_types[0] if board_types else None
    moc = amounts[board.code] if board else None
    return [
        "Add",
        accme_id,
        completed.strftime("%m/%d/%Y"),
        first,
        last,
        f"{user.birth_month:02d}/{user.birth_day:02d}",
        user.license_state or "",
        user.license_number or user.npi or "",
        format_amount(cme) if cme else "",
        user.certifying_board or "",
        user.board_id or "",
        format_amount(moc) if moc else "",
        board.pars_board_code if board else "",
        format_amount(moc) if moc else "",
    ]


def _pars_problem(user: User, completed: dt.date, today: dt.date, *, claims_moc: bool) -> str:
    """Why the row cannot be uploaded: late, or a field the board needs is missing.

    MOC points go to the certifying board, which identifies the learner by board and board ID;
    CME credit alone goes to a state board, which a license or NPI identifies."""
    if (today - completed).days > PARS_DEADLINE_DAYS:
        return f"completed more than {PARS_DEADLINE_DAYS} days ago; report it by hand"
    missing = []
    if not (user.birth_month and user.birth_day):
        missing.append("birth month and day")
    if len(user.full_name.split()) < 2:
        missing.append("a last name")
    state_board = user.license_state and (user.license_number or user.npi)
    cert_board = user.certifying_board and user.board_id
    if claims_moc:
        if not cert_board:
            missing.append("certifying board and board ID (needed for MOC points)")
    elif not (state_board or cert_board):
        missing.append("licensing state and license number or NPI, or certifying board and ID")
    return f"missing {', '.join(missing)}" if missing else ""
