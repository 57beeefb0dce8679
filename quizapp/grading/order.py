"""The option order a learner is shown: shuffled where the author allows, pinned options fixed."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from quizapp.content.snapshot import VersionQuestion


def option_order(questions: Sequence[VersionQuestion], rng: random.Random) -> dict[str, list[str]]:
    """Per question, the option ids in display order.

    Pinned options keep their slot; the others are permuted among the remaining slots. A
    question with ``shuffle`` off has every option pinned in the snapshot.
    """
    order: dict[str, list[str]] = {}
    for question in questions:
        movable = [o.id for o in question.options if not o.pinned]
        rng.shuffle(movable)
        shuffled = iter(movable)
        order[question.id] = [o.id if o.pinned else next(shuffled) for o in question.options]
    return order


VALUE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
VALUE_LENGTH = 10
"""About 50 random bits per option: a value tells nothing and cannot be guessed."""


def option_values(order: Mapping[str, Sequence[str]], rng: random.Random) -> dict[str, list[str]]:
    """Per question, an opaque form value for each option, in the attempt's display order.

    The form must not post the author's letters: with ``value="a"`` a learner who knows the
    key's letters (from a colleague, or the printed journal) scores 100% whatever the shuffle.
    The values are drawn anew for each attempt and mapped back on the server.
    """
    values: dict[str, list[str]] = {}
    for question_id, ids in order.items():
        drawn: list[str] = []
        while len(drawn) < len(ids):
            value = _value(rng.randrange(_VALUES))
            if value not in drawn:
                drawn.append(value)
        values[question_id] = drawn
    return values


_VALUES = len(VALUE_ALPHABET) ** VALUE_LENGTH


def _value(number: int) -> str:
    """``number`` (below ``_VALUES``) written with ``VALUE_ALPHABET`` as its digits: one draw
    per value instead of one per character, since the system's generator reads the kernel's
    random source on every draw (a posttest start made about ninety of those reads)."""
    digits = []
    for _ in range(VALUE_LENGTH):
        number, digit = divmod(number, len(VALUE_ALPHABET))
        digits.append(VALUE_ALPHABET[digit])
    return "".join(digits)


UNKNOWN = "?"
"""Prefixed to a posted value that is none of the attempt's, so that grading refuses it."""


def decode_answers(
    answers: Mapping[str, frozenset[str]],
    order: Mapping[str, Sequence[str]],
    values: Mapping[str, Sequence[str]] | None,
) -> dict[str, frozenset[str]]:
    """The posted values as option ids; an unknown value stays visibly unknown.

    An attempt started before opaque values (``values`` is ``None``) posts option ids, which
    are kept as they are.
    """
    if values is None:
        return dict(answers)
    decoded: dict[str, frozenset[str]] = {}
    for question_id, chosen in answers.items():
        by_value = dict(zip(values.get(question_id, ()), order.get(question_id, ()), strict=False))
        decoded[question_id] = frozenset(by_value.get(v, UNKNOWN + v) for v in chosen)
    return decoded
