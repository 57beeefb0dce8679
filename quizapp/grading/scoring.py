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
    """The submission does not fit the attempt; the message is meant for the learner.

    ``problems`` holds every question that needs another look, by id, with what is wrong with
    it, so the form can mark them all at once rather than one per submission;
    ``question_id`` is the first of them, where the page sends the learner.
    """

    def __init__(
        self,
        message: str,
        question_id: str | None = None,
        problems: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems: dict[str, str] = dict(problems or {})
        if question_id is not None and not self.problems:
            self.problems[question_id] = message
        self.question_id = question_id or next(iter(self.problems), None)


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


UNANSWERED = "This question is unanswered."


def validate_answers(questions: Sequence[VersionQuestion], answers: Answers) -> None:
    """Refuse missing answers, unknown options and questions that are not in this version.

    Every question with a problem is reported at once, numbered as the form numbers them
    ("Questions 2 and 3 are unanswered."), so a learner fixes them all in one pass.
    """
    known = {q.id for q in questions}
    for question_id in answers:
        if question_id not in known:
            raise SubmissionError(
                "This form does not match your attempt (the posttest may have changed). "
                "Reload the page and answer again.",
            )
    problems: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for number, question in enumerate(questions, start=1):
        numbers[question.id] = number
        chosen = answers.get(question.id, frozenset())
        if not chosen:
            problems[question.id] = UNANSWERED
        elif not chosen <= question.option_ids:
            problems[question.id] = (
                "One of the answers is not an option of its question. Reload the page."
            )
        elif question.type != "multiple" and len(chosen) != 1:
            problems[question.id] = "Choose exactly one answer for this question."
    if problems:
        raise SubmissionError(_summary(problems, numbers), problems=problems)


def _summary(problems: Mapping[str, str], numbers: Mapping[str, int]) -> str:
    unanswered = [numbers[qid] for qid, problem in problems.items() if problem == UNANSWERED]
    sentences = []
    if unanswered:
        verb = "is" if len(unanswered) == 1 else "are"
        sentences.append(f"{numbered(unanswered)} {verb} unanswered.")
    sentences.extend(
        f"Question {numbers[qid]}: {problem}"
        for qid, problem in problems.items()
        if problem != UNANSWERED
    )
    return " ".join(sentences)


def numbered(numbers: Sequence[int]) -> str:
    """Question numbers as a sentence names them: "Question 2", "Questions 2 and 3",
    "Questions 1, 2 and 4"."""
    if len(numbers) == 1:
        return f"Question {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:-1])
    return f"Questions {listed} and {numbers[-1]}"


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
