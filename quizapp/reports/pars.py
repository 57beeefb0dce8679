"""The ACCME PARS learner upload. ACCME passes the completions a provider reports in PARS on to
the physicians' certifying and licensing boards, so the CME administrator uploads a row per
consenting learner's completion, and sees beside it everyone who cannot be reported and why,
so that no learner is dropped silently.

The columns are those of ACCME's Excel learner template (CME, MOC and REMS in one row); the
sources, and what could not be confirmed, are in docs/reports.md. A board's credit types fill
"Credit Type" and, for a second type of the same board, "Additional Credit Type". ABA
Patient Safety credit earned on part of an activity takes two rows, as ACCME asks: the MOCA
credits without Patient Safety, then the MOCA credits that are Patient Safety too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from quizapp.accounts.validation import suggested_name_parts
from quizapp.content.credits import (
    CREDIT_TYPES,
    PARS_BOARD_CREDITS,
    PARS_CME_CREDITS,
    PARS_REMS,
    REPORTED_TO_PARS,
    CreditType,
    format_amount,
    listed,
)
from quizapp.models import Activity, ActivityVersion, User
from quizapp.reports.records import (
    NO_CONSENT,
    NOT_FOR_THIS_REPORT,
    REVOKED,
    Completion,
    Judge,
    Outcome,
)

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
    "Additional Credit Type",
    "Credits Awarded for Additional Credit Type",
    "REMS",
]
PARS_DEADLINE_DAYS = 30
"""ACCME and the boards expect MOC completions within 30 days of the evaluation that
completed the requirements; CME credit has no such deadline."""
PENDING = "certificate awaiting approval; report it once approved"


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


def board_name(user: User) -> tuple[str, str]:
    """First and last name as the boards hold them: the learner's own given and family name,
    or until they save one, the split of the full name the profile offers them."""
    if user.family_name:
        return user.given_name or "", user.family_name
    return suggested_name_parts(user.full_name)


def pars_judge(session: Session, activity: Activity, today: dt.date) -> Judge:
    """The PARS rules for this activity as of ``today``."""
    accme_id, _ = pars_activity_id(session, activity)

    def judge(completion: Completion, correction: bool) -> Outcome:
        return pars_outcome(completion, accme_id, today, correction=correction)

    return judge


def pars_outcome(
    completion: Completion, accme_id: str, today: dt.date, *, correction: bool = False
) -> Outcome:
    """The upload rows of one completion, or why it has none."""
    amounts = {
        code: amount
        for code, amount in completion.amounts().items()
        if code in CREDIT_TYPES and CREDIT_TYPES[code].reported_to == REPORTED_TO_PARS
    }
    if not amounts:
        return Outcome(left_out=NOT_FOR_THIS_REPORT)
    if completion.status == "revoked":
        return Outcome(left_out=REVOKED)
    if completion.status == "pending":
        return Outcome(problem=PENDING)
    user = completion.user
    if user.board_report_consent_at is None:
        return Outcome(left_out=NO_CONSENT)
    board_credits = {
        code: amount
        for code, amount in amounts.items()
        if CREDIT_TYPES[code].pars_column == PARS_BOARD_CREDITS
    }
    if board_credits and not correction:
        started = completion.evaluated_on or completion.completed_on
        if (today - started).days > PARS_DEADLINE_DAYS:
            return Outcome(
                problem=f"MOC credit whose evaluation ({started.isoformat()}) is more than "
                f"{PARS_DEADLINE_DAYS} days old; report it by hand",
                late=True,
            )
    problem = _missing(user, [CREDIT_TYPES[code] for code in board_credits])
    if problem:
        return Outcome(problem=problem)
    return Outcome(rows=_rows(completion, accme_id, amounts, board_credits))


def _missing(user: User, board_types: list[CreditType]) -> str:
    """What the boards need of this learner and the profile lacks.

    Board credit goes to the certifying board, which identifies the learner by board and
    board ID; CME credit alone goes to a state board, which a license or NPI identifies.
    """
    boards = sorted({credit.board for credit in board_types})
    if len(boards) > 1:
        return f"credit for more than one board ({', '.join(boards)}); report it by hand"
    missing = []
    if not (user.birth_month and user.birth_day):
        missing.append("birth month and day")
    if not board_name(user)[1]:
        missing.append("a family name")
    if boards:
        (board,) = boards
        if not (user.certifying_board == board and user.board_id):
            names = listed(sorted({credit.name for credit in board_types}))
            missing.append(f"{board} as certifying board with a board ID (needed for {names})")
    elif not (
        (user.license_state and (user.license_number or user.npi))
        or (user.certifying_board and user.board_id)
    ):
        missing.append("licensing state and license number or NPI, or certifying board and ID")
    return f"missing {', '.join(missing)}" if missing else ""


def _rows(
    completion: Completion,
    accme_id: str,
    amounts: dict[str, Decimal],
    board_credits: dict[str, Decimal],
) -> tuple[tuple[str, ...], ...]:
    user = completion.user
    given, family = board_name(user)
    cme = sum(
        (a for c, a in amounts.items() if CREDIT_TYPES[c].pars_column == PARS_CME_CREDITS),
        Decimal(0),
    )
    rems = any(CREDIT_TYPES[c].pars_column == PARS_REMS for c in amounts)
    identity = (
        "Add",
        accme_id,
        completion.completed_on.strftime("%m/%d/%Y"),
        given,
        family,
        f"{user.birth_month:02d}/{user.birth_day:02d}",
        user.license_state or "",
        user.license_number or user.npi or "",
    )
    board = (
        CREDIT_TYPES[next(iter(board_credits))].board
        if board_credits
        else user.certifying_board or ""
    )

    def row(cme: Decimal, credits: list[tuple[str, Decimal]], rems: bool) -> tuple[str, ...]:
        pairs = [(CREDIT_TYPES[code].pars_board_code, amount) for code, amount in credits]
        total = sum(
            (amount for code, amount in credits if CREDIT_TYPES[code].part_of is None),
            Decimal(0),
        )
        cells = [*identity, _amount(cme), board, user.board_id or ""]
        cells.append(_amount(total))
        for kind, amount in [*pairs, ("", Decimal(0)), ("", Decimal(0))][:2]:
            cells += [kind, _amount(amount)]
        cells.append("Yes" if rems else "")
        return tuple(cells)

    ordered = [(c, board_credits[c]) for c in CREDIT_TYPES if c in board_credits]
    share = next(((c, a) for c, a in ordered if CREDIT_TYPES[c].part_of), None)
    if share is None:
        return (row(cme, ordered, rems),)
    share_code, share_amount = share
    whole_code = CREDIT_TYPES[share_code].part_of or ""
    whole = max(board_credits.get(whole_code, Decimal(0)), share_amount)
    if share_amount >= whole:
        return (row(cme, [(whole_code, whole), (share_code, whole)], rems),)
    # ACCME: "the first record will contain the number of non-Patient Safety MOCA credits
    # earned, and the second record will contain the number of MOCA and Patient Safety credits
    # earned", the two adding up to the CME credit granted.
    shared_cme = min(share_amount, cme)
    return (
        row(cme - shared_cme, [(whole_code, whole - share_amount)], rems),
        row(shared_cme, [(whole_code, share_amount), (share_code, share_amount)], False),
    )


def _amount(amount: Decimal) -> str:
    return format_amount(amount) if amount else ""
