"""The review policy an activity declares: what a learner may see after an attempt, and when.

Three things can be shown — the score, which items were wrong, and the correct answers with
their rationale — each at one of five moments. This is the content model's vocabulary: authors
write it, the checker checks it, the version stores it; :mod:`quizapp.grading.review` decides
from it what a given attempt's review shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

MOMENTS = (
    "after-each-attempt",
    "after-passing",
    "after-last-attempt",
    "after-passing-or-last-attempt",
    "never",
)
SHOWN = ("score", "wrong_items", "answers")


@dataclass(frozen=True)
class ReviewPolicy:
    """The moment each thing is shown; ``None`` leaves it to :data:`DEFAULT_POLICY`.

    A version stores only what its author wrote, so the site's default applies to whatever
    the author left out.
    """

    score: str | None = None
    wrong_items: str | None = None
    answers: str | None = None

    def moment(self, shown: str) -> str:
        chosen: str | None = getattr(self, shown)
        if chosen is not None:
            return chosen
        default: str | None = getattr(DEFAULT_POLICY, shown)
        assert default is not None
        return default

    def to_json(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @classmethod
    def from_json(cls, data: Mapping[str, str] | None) -> ReviewPolicy:
        return cls(**{key: value for key, value in (data or {}).items() if key in SHOWN})


DEFAULT_POLICY = ReviewPolicy(
    score="after-each-attempt",
    wrong_items="after-passing-or-last-attempt",
    answers="after-passing-or-last-attempt",
)
"""The score after every attempt; which items were wrong, the answers and the rationale only
once the learner passed or used the last attempt.

Marking the wrong items after a failed attempt gives away every true/false answer (a wrong
"True" means "False"), and narrows every other item, so anyone passes the next attempt without
reading. An activity that wants to teach through its posttest may still choose to show more,
earlier; the checker warns when that gives away true/false answers.
"""
