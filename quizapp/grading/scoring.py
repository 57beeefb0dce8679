"""Score a submission against the pinned version's answer key.

A multiple-answer item is all-or-nothing unless the activity asks for partial credit; then
each correct option chosen earns 1/(number correct), each wrong option chosen costs
1/(number wrong), and the item never goes below zero (Moodle's rule for multiple answers).
Pass or fail is decided with exact fractions, so 2 of 3 passes at 66 and fails at 67.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from quizapp.content.snapshot import VersionQuestion

Answers = Mapping[str, frozenset[str]]


class SubmissionError(ValueError):
    """The submission does not fit the attempt; the message is meant for the learner."""

    def __init__(self, message: str, question_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.question_id = question_id


@dataclass(frozen=True)
class ItemResult:
    question_id: str
    chosen: tuple[str, ...]
    correct: bool
    points: Fraction


@dataclass(frozen=True)
class Score:
    items: tuple[ItemResult, ...]
    points: Fraction
    passed: bool

    @property
    def fraction(self) -> Fraction:
        return self.points / len(self.items) if self.items else Fraction(0)

    @property
    def percent(self) -> Decimal:
        """For display and storage, rounded to 2 places; never used to decide passing."""
        return to_decimal(self.fraction * 100, places=2)

    @property
    def correct_count(self) -> int:
        return sum(1 for item in self.items if item.correct)


def to_decimal(value: Fraction, *, places: int) -> Decimal:
    """An exact fraction rounded half-up to ``places`` decimals, for storage and display."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


def validate_answers(questions: Sequence[VersionQuestion], answers: Answers) -> None:
    """Refuse missing answers, unknown options and questions that are not in this version."""
    known = {q.id for q in questions}
    for question_id in answers:
        if question_id not in known:
            raise SubmissionError(
                "This form does not match your attempt (the posttest may have changed). "
                "Reload the page and answer again.",
            )
    for question in questions:
        chosen = answers.get(question.id, frozenset())
        if not chosen:
            raise SubmissionError("Answer every question before submitting.", question.id)
        if not chosen <= question.option_ids:
            raise SubmissionError(
                "One of the answers is not an option of its question. Reload the page.",
                question.id,
            )
        if question.type != "multiple" and len(chosen) != 1:
            raise SubmissionError("Choose exactly one answer for this question.", question.id)


def score(
    questions: Sequence[VersionQuestion],
    answers: Answers,
    passing_score: Decimal,
    *,
    partial_credit: bool = False,
) -> Score:
    validate_answers(questions, answers)
    items = tuple(_score_item(q, answers[q.id], partial_credit) for q in questions)
    points = sum((item.points for item in items), Fraction(0))
    passing = Fraction(passing_score)
    passed = bool(items) and points * 100 >= passing * len(items)
    return Score(items=items, points=points, passed=passed)


def _score_item(question: VersionQuestion, chosen: frozenset[str], partial: bool) -> ItemResult:
    correct_ids = question.correct_ids
    exact = chosen == correct_ids
    if exact:
        points = Fraction(1)
    elif partial and question.type == "multiple":
        wrong_ids = question.option_ids - correct_ids
        gained = Fraction(len(chosen & correct_ids), len(correct_ids))
        lost = Fraction(len(chosen - correct_ids), len(wrong_ids)) if wrong_ids else Fraction(0)
        points = max(Fraction(0), gained - lost)
    else:
        points = Fraction(0)
    return ItemResult(question.id, tuple(sorted(chosen)), exact, points)
