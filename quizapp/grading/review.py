"""The review policy: what a learner may see after an attempt, and when.

Three things can be shown — the score, which items were wrong, and the correct answers with
their rationale — each at one of five moments. The answer key reaches a page only when
:func:`visibility` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

MOMENTS = (
    "after-each-attempt",
    "after-passing",
    "after-last-attempt",
    "after-passing-or-last-attempt",
    "never",
)
SHOWN = ("score", "wrong_items", "answers")
DEFAULT_POLICY = {
    "score": "after-each-attempt",
    "wrong_items": "after-each-attempt",
    "answers": "after-passing-or-last-attempt",
}


@dataclass(frozen=True)
class Visibility:
    score: bool
    wrong_items: bool
    answers: bool


def _due(moment: str, *, passed: bool, out_of_attempts: bool) -> bool:
    return {
        "after-each-attempt": True,
        "after-passing": passed,
        "after-last-attempt": out_of_attempts,
        "after-passing-or-last-attempt": passed or out_of_attempts,
        "never": False,
    }[moment]


def visibility(policy: dict[str, str], *, passed: bool, out_of_attempts: bool) -> Visibility:
    """What a submitted attempt's review may show, given where the learner now stands.

    ``passed`` is whether the learner has passed the activity (on any attempt);
    ``out_of_attempts`` whether no further attempt is allowed.
    """
    due = {
        shown: _due(
            policy.get(shown, DEFAULT_POLICY[shown]), passed=passed, out_of_attempts=out_of_attempts
        )
        for shown in SHOWN
    }
    return Visibility(**due)
