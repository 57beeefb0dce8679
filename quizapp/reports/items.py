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
    MIN_ATTEMPTS,
    ItemSpec,
    ItemStatistics,
    ItemSums,
    OptionSpec,
    OptionStatistics,
    TestAnalysis,
    TestSums,
    analyse_sums,
    round_half_up,
    round_half_up_root,
)

ITEM_COLUMNS = [
    "Question",
    "Facility index (%)",
    "Discrimination index",
    "Discriminative efficiency (%)",
    "Option",
    "Key",
    "Times chosen",
    "Chosen (%)",
    "Attempts",
    "Cronbach's alpha",
    "Note",
]

TOO_FEW = "too few attempts"


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
    Here each response of a pattern adds the pattern's count to the tally of that response
    (question, points, options chosen) beside that total; what the statistics need (per
    question, the count, the sums of points, points² and points × total, and the distributions
    of points and of total − points) then follows from a few sums per distinct response and
    total. The rows are streamed, so memory stays flat at a million responses.
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
    tally: defaultdict[tuple[str, int], int] = defaultdict(int)
    for pattern, total, count in session.execute(
        _patterns(version.id, first_attempts_only), execution_options={"yield_per": BATCH}
    ):
        attempts += count
        whole = int(total)
        for part in pattern.split(_PART):
            tally[part, whole] += count
    items: dict[str, _Running] = {spec.question_id: _Running() for spec in specs}
    for (part, whole), count in tally.items():
        question_id, raw_points, chosen = part.split(_FIELD, 2)
        points = int(raw_points)
        running = items.setdefault(question_id, _Running())
        running.count += count
        running.scores += points * count
        running.squares += points * points * count
        running.with_total += points * whole * count
        running.points[points] += count
        running.rest[whole - points] += count
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
    points: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))
    rest: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))

    def sums(self) -> ItemSums:
        return ItemSums(
            count=self.count,
            scores=Fraction(self.scores, SCALE),
            squares=Fraction(self.squares, SCALE**2),
            with_total=Fraction(self.with_total, SCALE**2),
            option_counts=self.options,
            no_response=self.no_response,
            score_counts={Fraction(v, SCALE): c for v, c in self.points.items()},
            rest_counts={Fraction(v, SCALE): c for v, c in self.rest.items()},
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


def figure(value: Fraction | None, digits: int = 1) -> str:
    """An exact figure rounded half away from zero (12.25 → "12.3"); "" when there is none."""
    return "" if value is None else str(round_half_up(value, digits))


def discrimination(item: ItemStatistics, digits: int = 1) -> str:
    """The discrimination index rounded half away from zero from its exact square."""
    if item.discrimination_squared is None or item.discrimination_index is None:
        return ""
    return str(
        round_half_up_root(item.discrimination_index < 0, item.discrimination_squared, digits)
    )


def too_few_attempts(analysis: TestAnalysis) -> str:
    """What the page and the file say instead of figures that chance would dominate."""
    return f"{TOO_FEW}: {analysis.attempts} of the {MIN_ATTEMPTS} needed"


def item_note(analysis: TestAnalysis, item: ItemStatistics) -> str:
    """Why a row's discrimination, efficiency or alpha cell is empty, in words."""
    if analysis.too_few_attempts:
        return (
            f"{too_few_attempts(analysis)}; discrimination, discriminative efficiency "
            "and alpha are not reported"
        )
    notes = []
    if item.discrimination_undefined:
        notes.append(f"discrimination not defined: {item.discrimination_undefined}")
    if analysis.alpha_undefined:
        notes.append(f"alpha not defined: {analysis.alpha_undefined}")
    return "; ".join(notes)


def item_row(analysis: TestAnalysis, item: ItemStatistics, option: OptionStatistics) -> list[str]:
    """One option's row of the CSV. Below :data:`MIN_ATTEMPTS` attempts the correlational
    cells are empty and the note says so; every figure is rounded half away from zero."""
    few = analysis.too_few_attempts
    return [
        item.question_id,
        figure(item.facility_percent),
        "" if few else discrimination(item),
        "" if few else figure(item.discriminative_efficiency),
        f"{option.option_id}. {option.text}",
        "yes" if option.correct else "",
        str(option.count),
        figure(option.percent),
        str(analysis.attempts),
        "" if few else figure(analysis.cronbach_alpha, 3),
        item_note(analysis, item),
    ]
