"""Item analysis: how each posttest question performed, for the administrators who look after
the posttests. A question nearly everyone misses, or one that stronger learners miss as often
as weaker ones, needs its key or its wording checked. The statistics are defined in
quizapp.statistics.item_analysis; this report feeds them one version's submitted attempts."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityVersion, Attempt, Response
from quizapp.reports.batching import BATCH
from quizapp.statistics.item_analysis import (
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    ItemStatistics,
    OptionSpec,
    OptionStatistics,
    TestAnalysis,
    analyse,
)

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
    specs = [
        ItemSpec(
            question_id=q.id,
            options=tuple(
                OptionSpec(option_id=o.id, text=o.text.source, correct=o.correct) for o in q.options
            ),
        )
        for q in version.snapshot().questions
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


def _fmt(value: object, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def item_row(analysis: TestAnalysis, item: ItemStatistics, option: OptionStatistics) -> list[str]:
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
