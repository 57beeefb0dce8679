"""The evaluation summary: what learners answered about an activity, counted per choice and
with every free-text answer, for the administrators who report an activity's outcomes to
their accreditor and plan the next activity from them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.content.evaluation import EvaluationItem
from quizapp.dates import DateRange
from quizapp.models import Activity, ActivityVersion, Evaluation
from quizapp.reports.batching import BATCH

EVALUATION_COLUMNS = ["Question", "Answer", "Count", "Percent"]
"""Percent is of the learners who answered the question, as the page prints it; empty for
free text and for a question nobody answered."""


@dataclass(frozen=True)
class EvaluationItemSummary:
    item: EvaluationItem
    counts: list[tuple[str, int]] = field(default_factory=list)
    """Each offered answer with the number of learners who chose it (not for free text)."""
    answers: list[str] = field(default_factory=list)
    """Every free-text answer (text items only)."""

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def prompt(self) -> str:
        return self.item.prompt

    @property
    def type(self) -> str:
        return self.item.type

    @property
    def answered(self) -> int:
        """How many learners chose an answer to this question (it may have been optional)."""
        return sum(count for _, count in self.counts)

    @property
    def shares(self) -> list[tuple[str, int, int | None]]:
        """Each offered answer, its count, and its whole percentage of those who answered
        (rounded half up, as the charts print it); ``None`` when nobody answered."""
        return [(choice, count, percent(count, self.answered)) for choice, count in self.counts]


def percent(count: int, total: int) -> int | None:
    """``count`` of ``total`` as a whole percentage, rounded half up: 2 of 3 is 67."""
    if not total:
        return None
    return math.floor(Fraction(100 * count, total) + Fraction(1, 2))


@dataclass
class EvaluationSummary:
    respondents: int
    items: list[EvaluationItemSummary]


def _evaluation_items(session: Session, activity: Activity) -> tuple[EvaluationItem, ...]:
    version = session.get(ActivityVersion, activity.current_version_id)
    assert version is not None
    return version.meta().evaluation_items


def _evaluation_answers(
    session: Session, activity: Activity, period: DateRange | None
) -> Iterator[dict[str, Any]]:
    query = (
        select(Evaluation.answers)
        .where(Evaluation.activity_id == activity.id)
        .order_by(Evaluation.id)
        .execution_options(yield_per=BATCH)
    )
    if period is not None:
        query = query.where(
            Evaluation.submitted_at >= period.since, Evaluation.submitted_at < period.until
        )
    for (answers,) in session.execute(query):
        yield answers


@dataclass
class _Tally:
    respondents: int
    counts: dict[str, Counter[str]]
    texts: dict[str, list[str]]


def _tally(
    session: Session,
    items: Sequence[EvaluationItem],
    activity: Activity,
    period: DateRange | None,
    *,
    keep_text: bool,
) -> _Tally:
    """Counts per choice in one pass; the free text too when ``keep_text`` (the page shows it
    all; the CSV streams it instead with :func:`_free_text`)."""
    tally = _Tally(0, {item.id: Counter() for item in items}, {})
    for answers in _evaluation_answers(session, activity, period):
        tally.respondents += 1
        for item in items:
            value = answers.get(item.id)
            if not value:
                continue
            if item.type != "text":
                tally.counts[item.id][value] += 1
            elif keep_text:
                tally.texts.setdefault(item.id, []).append(value)
    return tally


def _free_text(
    session: Session, activity: Activity, item_id: str, period: DateRange | None
) -> Iterator[str]:
    for answers in _evaluation_answers(session, activity, period):
        if value := answers.get(item_id):
            yield value


def evaluation_summary(
    session: Session, activity: Activity, period: DateRange | None = None
) -> EvaluationSummary:
    """Everything the summary page shows: counts per choice, and every free-text answer, of
    the evaluations submitted in ``period`` (all of them when None)."""
    items = _evaluation_items(session, activity)
    tally = _tally(session, items, activity, period, keep_text=True)
    summary = [
        EvaluationItemSummary(item, answers=tally.texts.get(item.id, []))
        if item.type == "text"
        else _choices(item, tally.counts[item.id])
        for item in items
    ]
    return EvaluationSummary(tally.respondents, summary)


def _choices(item: EvaluationItem, counts: Counter[str]) -> EvaluationItemSummary:
    """A question with choices: each offered answer with its count, in the author's order."""
    return EvaluationItemSummary(item, counts=[(choice, counts[choice]) for choice in item.choices])


def evaluation_rows(
    session: Session, activity: Activity, period: DateRange | None = None
) -> Iterator[list[str]]:
    """The summary as CSV rows; free-text answers are streamed, not held, one question at a
    time."""
    items = _evaluation_items(session, activity)
    counts = _tally(session, items, activity, period, keep_text=False).counts
    for item in items:
        if item.type == "text":
            for answer in _free_text(session, activity, item.id, period):
                yield [item.prompt, answer, "", ""]
        else:
            for choice, count, share in _choices(item, counts[item.id]).shares:
                yield [item.prompt, choice, str(count), "" if share is None else str(share)]
