"""The option order a learner is shown: shuffled where the author allows, pinned options fixed."""

from __future__ import annotations

import random
from collections.abc import Sequence

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
