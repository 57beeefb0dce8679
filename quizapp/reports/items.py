"""Item analysis: how each posttest question performed, for the administrators who look after
the posttests. A question nearly everyone misses, or one that stronger learners miss as often
as weaker ones, needs its key or its wording checked. The statistics are defined in
quizapp.statistics.item_analysis; this report feeds them one version's submitted attempts."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import BigInteger, Select, String, cast, func, literal, select
from sqlalchemy.orm import Session

from quizapp.models import Activity, ActivityVersion, Attempt, Response
from quizapp.reports.batching import BATCH
from quizapp.statistics.item_analysis import (
    ItemSpec,
    ItemStatistics,
    ItemSums,
    OptionSpec,
    OptionStatistics,
    TestAnalysis,
    TestSums,
    analyse_sums,
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


SCALE = 10_000
"""Response points are stored with four decimals: scaled by this they are whole numbers, which
every database adds up exactly however many there are."""


SCALE = 10_000
"""Response points are stored with four decimals: scaled by this they are whole numbers, which
every database adds up exactly however many there are."""

_FIELD = "\x1e"
_PART = "\x1f"
"""Separators no question id, whole number or JSON list of option ids contains."""


def item_analysis(
    session: Session, version: ActivityVersion, *, first_attempts_only: bool = True
) -> TestAnalysis:
    """Statistics over the submitted attempts pinned to one version (first attempts by default).

    The database reduces the responses to answer patterns: it writes each attempt as the list
    of its responses (question, points, options chosen) with its total, then counts the
    attempts of each pattern, in one statement that sorts nothing larger than the attempts.
    Here each response of a pattern adds its count and its count × total to that response's
    sums; what the statistics need (per question and options chosen, the count and the sums of
    points, points² and points × total) then follows from a few sums per distinct response.
    The rows are streamed, so memory stays flat at a million responses.
    """
    specs = [
        ItemSpec(
            question_id=q.id,
            options=tuple(
                OptionSpec(option_id=o.id, text=o.text.source, correct=o.correct) for o in q.options
            ),
        )
        for q in version.snapshot().questions
    ]
    attempts = 0
    counts: defaultdict[str, int] = defaultdict(int)
    with_total: defaultdict[str, int] = defaultdict(int)
    for pattern, total, count in session.execute(
        _patterns(version.id, first_attempts_only), execution_options={"yield_per": BATCH}
    ):
        attempts += count
        weighted = count * int(total)
        for part in pattern.split(_PART):
            counts[part] += count
            with_total[part] += weighted
    items: dict[str, _Running] = {spec.question_id: _Running() for spec in specs}
    for part, count in counts.items():
        question_id, raw_points, chosen = part.split(_FIELD, 2)
        points = int(raw_points)
        running = items.setdefault(question_id, _Running())
        running.count += count
        running.scores += points * count
        running.squares += points * points * count
        running.with_total += points * with_total[part]
        options = json.loads(chosen)
        if not options:
            running.no_response += count
        for option_id in options:
            running.options[option_id] = running.options.get(option_id, 0) + count
    return analyse_sums(
        specs,
        TestSums(
            attempts=attempts,
            items={question_id: running.sums() for question_id, running in items.items()},
        ),
    )


@dataclass
class _Running:
    """One question's sums in scaled points, as the patterns come in."""

    count: int = 0
    scores: int = 0
    squares: int = 0
    with_total: int = 0
    no_response: int = 0
    options: dict[str, int] = field(default_factory=dict)

    def sums(self) -> ItemSums:
        return ItemSums(
            count=self.count,
            scores=Fraction(self.scores, SCALE),
            squares=Fraction(self.squares, SCALE**2),
            with_total=Fraction(self.with_total, SCALE**2),
            option_counts=self.options,
            no_response=self.no_response,
        )


def _patterns(version_id: int, first_attempts_only: bool) -> Select[Any]:
    """Each distinct answer pattern of the version's submitted attempts, with its total in
    scaled points and how many attempts gave it."""
    responses = Response.__table__
    attempts = Attempt.__table__
    points = cast(func.round(responses.c.points * SCALE), BigInteger)
    picked = select(attempts.c.id).where(
        attempts.c.activity_version_id == version_id, attempts.c.submitted_at.is_not(None)
    )
    if first_attempts_only:
        picked = picked.where(attempts.c.number == 1)
    part = (
        responses.c.question_id
        + literal(_FIELD)
        + cast(points, String)
        + literal(_FIELD)
        + cast(responses.c.chosen, String)
    )
    per_attempt = (
        select(
            func.aggregate_strings(part, _PART).label("pattern"),
            func.sum(points).label("total"),
        )
        .where(responses.c.attempt_id.in_(picked))
        .group_by(responses.c.attempt_id)
        .subquery()
    )
    return select(per_attempt.c.pattern, per_attempt.c.total, func.count()).group_by(
        per_attempt.c.pattern, per_attempt.c.total
    )


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
