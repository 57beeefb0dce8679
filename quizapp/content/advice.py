"""Advice the checker gives without refusing: settings that are allowed but weaken credit.

A problem stops a sync; a warning does not. An author may choose to show which items were
wrong after every attempt (a self-assessment wants that), but on a posttest for credit it gives
away every true/false answer to a learner who may try again, so the checker says so.
"""

from __future__ import annotations

from quizapp.content.folder import ARTICLE
from quizapp.content.model import Activity, Problem

EARLY = "after-each-attempt"


def review_warnings(activity: Activity) -> list[Problem]:
    """A warning when the review policy reveals true/false answers after a failed attempt."""
    true_false = sum(1 for question in activity.questions if question.type == "true-false")
    if not true_false or activity.meta.attempts_allowed == 1:
        return []
    policy = activity.meta.review
    early = [shown for shown in ("wrong_items", "answers") if getattr(policy, shown) == EARLY]
    if not early:
        return []
    items = "questions" if true_false != 1 else "question"
    return [
        Problem(
            str(activity.folder / ARTICLE),
            _review_line(activity),
            f"warning: review shows {' and '.join(early)} after each attempt, which gives away "
            f"the answer of the {true_false} true/false {items} to a learner who may try "
            "again; keep the default (after-passing-or-last-attempt) unless the posttest is "
            "for practice rather than credit",
        )
    ]


def _review_line(activity: Activity) -> int:
    try:
        lines = (activity.folder / ARTICLE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith("review:")), 1)
