"""What a page may show of a question: the learner's view never carries the answer key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from quizapp.content.snapshot import VersionQuestion

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class ShownOption:
    id: str
    letter: str
    html: str
    value: str = ""
    """What the form posts for this option: the attempt's opaque value (or, for an attempt
    started before opaque values, the option id)."""
    chosen: bool = False
    correct: bool | None = None
    """None unless the review policy lets the key be shown."""


@dataclass(frozen=True)
class ShownQuestion:
    id: str
    number: int
    type: str
    stem_html: str
    options: tuple[ShownOption, ...]
    answered_correctly: bool | None = None
    rationale_html: str | None = None


def shown_questions(
    questions: Sequence[VersionQuestion],
    order: Mapping[str, Sequence[str]],
    chosen: Mapping[str, Sequence[str]] | None = None,
    *,
    values: Mapping[str, Sequence[str]] | None = None,
    correctness: Mapping[str, bool] | None = None,
    with_key: bool = False,
) -> list[ShownQuestion]:
    """Questions in the order the attempt pinned, lettered by display position.

    ``correctness`` (which items were right) and ``with_key`` (correct options and rationale)
    are only passed when the review policy allows them.
    """
    shown = []
    for number, question in enumerate(questions, start=1):
        by_id = {o.id: o for o in question.options}
        picked = set((chosen or {}).get(question.id, ()))
        ids = order.get(question.id) or list(by_id)
        posted = (values or {}).get(question.id) or ids
        options = tuple(
            ShownOption(
                id=option_id,
                letter=LETTERS[position],
                html=by_id[option_id].text.html,
                value=posted[position],
                chosen=option_id in picked,
                correct=by_id[option_id].correct if with_key else None,
            )
            for position, option_id in enumerate(ids)
        )
        shown.append(
            ShownQuestion(
                id=question.id,
                number=number,
                type=question.type,
                stem_html=question.stem.html,
                options=options,
                answered_correctly=(correctness or {}).get(question.id),
                rationale_html=question.rationale.html if with_key else None,
            )
        )
    return shown


def letters_seen_and_authored(order: Sequence[str], chosen: Sequence[str]) -> str:
    """ "c [a], e": each chosen option as the learner saw it, with the author's letter in
    brackets where the shuffle moved it, for an administrator reading a response."""
    shown = []
    for position, option_id in enumerate(order):
        if option_id in chosen:
            letter = LETTERS[position]
            shown.append(letter if letter == option_id else f"{letter} [{option_id}]")
    shown += [f"[{option_id}]" for option_id in sorted(set(chosen) - set(order))]
    return ", ".join(shown)


def score_text(percent: Decimal, questions: int) -> str:
    """A score as a learner reads it: "2 of 3 (67%)".

    The points come back from the stored percentage (2 decimals), so partial credit shows as
    "2.5 of 3 (83%)"; the whole percentage is for reading only, as passing is decided on
    exact fractions when the attempt is scored.
    """
    points = (Decimal(percent) * questions / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    shown_points = f"{points:f}".rstrip("0").rstrip(".") if "." in f"{points:f}" else f"{points}"
    whole = Decimal(percent).quantize(Decimal(1), ROUND_HALF_UP)
    return f"{shown_points} of {questions} ({whole}%)"
