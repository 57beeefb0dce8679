"""What a submitted attempt's review shows, given the activity's review policy.

The policy's vocabulary (:mod:`quizapp.content.review_policy`) belongs to the content model;
this module decides from it, and from where the learner stands, what a page may show. The
answer key reaches a page only when :func:`visibility` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.content.review_policy import DEFAULT_POLICY, MOMENTS, SHOWN, ReviewPolicy

__all__ = ["DEFAULT_POLICY", "MOMENTS", "SHOWN", "Visibility", "answers_hint", "visibility"]


@dataclass(frozen=True)
class Visibility:
    score: bool
    wrong_items: bool
    answers: bool


def _due(moment: str, *, passed: bool, out_of_attempts: bool) -> bool:
    # Passing ends the attempts, so the passing attempt is the learner's last one: under
    # ``after-last-attempt`` a learner who passes on attempt 1 of 3 sees the answers, as they
    # do under ``after-passing-or-last-attempt``, which it therefore equals.
    last_attempt_made = passed or out_of_attempts
    return {
        "after-each-attempt": True,
        "after-passing": passed,
        "after-last-attempt": last_attempt_made,
        "after-passing-or-last-attempt": last_attempt_made,
        "never": False,
    }[moment]


def visibility(policy: ReviewPolicy, *, passed: bool, out_of_attempts: bool) -> Visibility:
    """What a submitted attempt's review may show, given where the learner now stands.

    ``passed`` is whether the learner has passed the activity (on any attempt);
    ``out_of_attempts`` whether they have used every attempt allowed.
    """
    due = {
        shown: _due(policy.moment(shown), passed=passed, out_of_attempts=out_of_attempts)
        for shown in SHOWN
    }
    return Visibility(**due)


def answers_hint(moment: str, *, unlimited: bool, out_of_attempts: bool) -> str:
    """The sentence telling a learner who does not see the answers yet when they will.

    It must match :func:`_due`: with unlimited attempts there is no last attempt to wait for,
    and a learner out of attempts under ``after-passing`` will not see them at all.
    """
    if moment == "never":
        return "Correct answers and explanations are not shown for this activity."
    if moment == "after-passing":
        if out_of_attempts:
            return "Correct answers and explanations are shown only to learners who pass."
        return "Correct answers and explanations are shown once you pass."
    if moment in ("after-last-attempt", "after-passing-or-last-attempt"):
        if unlimited:
            return "Correct answers and explanations are shown once you pass."
        return "Correct answers and explanations are shown once you pass or use your last attempt."
    return "Correct answers and explanations are shown after each attempt."
