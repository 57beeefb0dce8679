"""The data behind each report, read in batches so memory does not grow with the row count."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.admin.services import DateRange
from quizapp.certificates.services import latest_certificate_id
from quizapp.content.credits import format_amount
from quizapp.content.evaluation import DEFAULT_EVALUATION, choices
from quizapp.models import (
    Activity,
    ActivityVersion,
    Attempt,
    Certificate,
    CreditClaim,
    Evaluation,
    Response,
    User,
)
from quizapp.statistics.item_analysis import (
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    OptionSpec,
    TestAnalysis,
    analyse,
)

BATCH = 500
CREDIT_NAMES = {
    "ama-pra-1": "AMA PRA Category 1 Credit",
    "ancc": "ANCC Contact Hours",
    "acpe": "ACPE Contact Hours",
    "aapa": "AAPA Category 1 CME",
    "ipce": "IPCE Credit",
    "abim-moc": "ABIM MOC Points",
    "participation": "Participation",
}

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


def completions(
    session: Session, period: DateRange, activity_slug: str | None = None
) -> Iterator[list[str]]:
    """One row per credit claimed in the period, oldest first."""
    query = (
        select(CreditClaim, User, Activity, ActivityVersion, Certificate.code, Certificate.status)
        .join(User, CreditClaim.user_id == User.id)
        .join(Activity, CreditClaim.activity_id == Activity.id)
        .join(ActivityVersion, CreditClaim.activity_version_id == ActivityVersion.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .where(CreditClaim.claimed_at >= period.since, CreditClaim.claimed_at < period.until)
        .order_by(CreditClaim.claimed_at, CreditClaim.id)
        .execution_options(yield_per=BATCH)
    )
    if activity_slug:
        query = query.where(Activity.slug == activity_slug)
    for claim, user, activity, version, code, status in session.execute(query):
        yield [
            claim.claimed_at.date().isoformat(),
            user.full_name,
            user.email,
            user.degree,
            user.npi or "",
            activity.content_id,
            version.title,
            str(version.number),
            CREDIT_NAMES.get(claim.credit_type, claim.credit_type),
            format_amount(claim.amount),
            code or "",
            status or "",
        ]


# ACCME PARS learner upload. The header follows the template as read from a public
# implementation (see docs/reports.md); check it against ACCME's own template before relying on it.
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


def pars(session: Session, activity: Activity, today: dt.date) -> ParsReport:
    """Rows for consenting learners; anything unreportable is listed, never silently dropped."""
    version = session.get(ActivityVersion, activity.current_version_id)
    accme_id = (version.metadata_json.get("accme_activity_id") or "") if version else ""
    report = ParsReport(activity_id=accme_id)
    if not accme_id:
        report.problem = (
            "This activity has no accme_activity_id in its front matter; add it and sync "
            "before uploading to PARS."
        )
    query = (
        select(User, CreditClaim, Certificate.status)
        .join(CreditClaim, CreditClaim.user_id == User.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .where(CreditClaim.activity_id == activity.id, User.board_report_consent_at.is_not(None))
        .order_by(User.id, CreditClaim.id)
        .execution_options(yield_per=BATCH)
    )
    by_user: dict[int, tuple[User, list[CreditClaim]]] = {}
    for user, claim, status in session.execute(query):
        if status == "revoked":
            continue  # a revoked completion is not reported
        if status == "pending":
            report.exceptions.append(
                ParsException(
                    user.full_name,
                    user.email,
                    claim.claimed_at.date(),
                    "certificate awaiting approval; report it once approved",
                )
            )
            continue
        by_user.setdefault(user.id, (user, []))[1].append(claim)
    for user, claims in by_user.values():
        completed = max(c.claimed_at for c in claims).date()
        problem = _pars_problem(user, completed, today)
        if not problem and not ({"ama-pra-1", "abim-moc"} & {c.credit_type for c in claims}):
            problem = "no AMA PRA Category 1 Credit or MOC points claimed; PARS is for physicians"
        if problem:
            report.exceptions.append(ParsException(user.full_name, user.email, completed, problem))
            continue
        first, last = split_name(user.full_name)
        amounts = {c.credit_type: c.amount for c in claims}
        cme = amounts.get("ama-pra-1", Decimal(0))
        moc = amounts.get("abim-moc")
        report.rows.append(
            [
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
                "MOC" if moc else "",
                format_amount(moc) if moc else "",
            ]
        )
    return report


def _pars_problem(user: User, completed: dt.date, today: dt.date) -> str:
    if (today - completed).days > PARS_DEADLINE_DAYS:
        return f"completed more than {PARS_DEADLINE_DAYS} days ago; report it by hand"
    missing = []
    if not (user.birth_month and user.birth_day):
        missing.append("birth month and day")
    if len(user.full_name.split()) < 2:
        missing.append("a last name")
    state_board = user.license_state and (user.license_number or user.npi)
    cert_board = user.certifying_board and user.board_id
    if not (state_board or cert_board):
        missing.append("licensing state and license number or NPI, or certifying board and ID")
    return f"missing {', '.join(missing)}" if missing else ""


def activity_versions(session: Session, activity: Activity) -> list[ActivityVersion]:
    return list(
        session.scalars(
            select(ActivityVersion)
            .where(ActivityVersion.activity_id == activity.id)
            .order_by(ActivityVersion.number)
        )
    )


def item_analysis(
    session: Session, version: ActivityVersion, *, first_attempts_only: bool = True
) -> TestAnalysis:
    """Statistics over the submitted attempts pinned to one version (first attempts by default)."""
    questions = version.questions_json
    specs = [
        ItemSpec(
            question_id=q["id"],
            options=tuple(
                OptionSpec(option_id=o["id"], text=_plain(o["html"]), correct=o["correct"])
                for o in q["options"]
            ),
        )
        for q in questions
    ]
    query = (
        select(Attempt.id, Response.question_id, Response.points, Response.chosen)
        .join(Response, Response.attempt_id == Attempt.id)
        .where(Attempt.activity_version_id == version.id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.id)
        .execution_options(yield_per=BATCH)
    )
    if first_attempts_only:
        query = query.where(Attempt.number == 1)
    matrix: dict[int, dict[str, ItemResponse]] = {}
    for attempt_id, question_id, points, chosen in session.execute(query):
        matrix.setdefault(attempt_id, {})[question_id] = ItemResponse(
            score=Fraction(str(points)), chosen=frozenset(chosen)
        )
    return analyse(specs, [AttemptResponses(responses=r) for r in matrix.values()])


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


@dataclass
class EvaluationSummary:
    respondents: int
    items: list[dict[str, Any]]


def evaluation_summary(session: Session, activity: Activity) -> EvaluationSummary:
    version = session.get(ActivityVersion, activity.current_version_id)
    assert version is not None
    items = list(version.metadata_json.get("evaluation") or DEFAULT_EVALUATION)
    counts: dict[str, Counter[str]] = {item["id"]: Counter() for item in items}
    texts: dict[str, list[str]] = {item["id"]: [] for item in items}
    respondents = 0
    query = (
        select(Evaluation.answers)
        .where(Evaluation.activity_id == activity.id)
        .order_by(Evaluation.id)
        .execution_options(yield_per=BATCH)
    )
    for (answers,) in session.execute(query):
        respondents += 1
        for item in items:
            value = answers.get(item["id"])
            if not value:
                continue
            if item["type"] == "text":
                texts[item["id"]].append(value)
            else:
                counts[item["id"]][value] += 1
    summary = []
    for item in items:
        entry: dict[str, Any] = {"id": item["id"], "prompt": item["prompt"], "type": item["type"]}
        if item["type"] == "text":
            entry["answers"] = texts[item["id"]]
        else:
            entry["counts"] = [(choice, counts[item["id"]][choice]) for choice in choices(item)]
        summary.append(entry)
    return EvaluationSummary(respondents, summary)


def evaluation_rows(summary: EvaluationSummary) -> Iterator[list[str]]:
    yield ["Question", "Answer", "Count"]
    for item in summary.items:
        if item["type"] == "text":
            for answer in item["answers"]:
                yield [item["prompt"], answer, ""]
        else:
            for choice, count in item["counts"]:
                yield [item["prompt"], choice, str(count)]


ITEM_COLUMNS = [
    "Question",
    "Facility index (%)",
    "Discrimination index",
    "Option",
    "Key",
    "Times chosen",
    "Chosen (%)",
    "Attempts",
    "Cronbach's alpha",
]


def _fmt(value: object, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def item_row(analysis: TestAnalysis, item: Any, option: Any) -> list[str]:
    return [
        item.question_id,
        _fmt(item.facility_percent),
        _fmt(item.discrimination_index),
        f"{option.option_id}. {option.text}",
        "yes" if option.correct else "",
        str(option.count),
        _fmt(option.percent),
        str(analysis.attempts),
        _fmt(analysis.cronbach_alpha, 3),
    ]
