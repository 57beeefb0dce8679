"""The review policy: when the score, the wrong items and the answers may be shown."""

from __future__ import annotations

import pytest

from quizapp.content.review_policy import ReviewPolicy
from quizapp.grading.review import (
    DEFAULT_POLICY,
    MOMENTS,
    SHOWN,
    Visibility,
    answers_hint,
    visibility,
)

SITUATIONS = {
    "passed, attempts left": {"passed": True, "out_of_attempts": False},
    "passed, no attempts left": {"passed": True, "out_of_attempts": True},
    "failed, attempts left": {"passed": False, "out_of_attempts": False},
    "failed, no attempts left": {"passed": False, "out_of_attempts": True},
}

# moment: due when passed with attempts left, passed with none left, failed with attempts
# left, failed with none left.
TABLE = {
    "after-each-attempt": (True, True, True, True),
    "after-passing": (True, True, False, False),
    "after-last-attempt": (True, True, False, True),
    "after-passing-or-last-attempt": (True, True, False, True),
    "never": (False, False, False, False),
}
CASES = [
    pytest.param(moment, situation, due, id=f"{moment} / {situation}")
    for moment, row in TABLE.items()
    for situation, due in zip(SITUATIONS, row, strict=True)
]


def test_the_table_covers_every_moment() -> None:
    assert set(TABLE) == set(MOMENTS)
    assert len(MOMENTS) == 5


@pytest.mark.parametrize(("moment", "situation", "due"), CASES)
@pytest.mark.parametrize("shown", SHOWN)
def test_each_moment_in_each_situation(shown: str, moment: str, situation: str, due: bool) -> None:
    # The other two things are set to the opposite, so each is seen to follow its own moment.
    opposite = "never" if due else "after-each-attempt"
    policy = {other: opposite for other in SHOWN} | {shown: moment}

    result = visibility(ReviewPolicy(**policy), **SITUATIONS[situation])

    assert getattr(result, shown) is due
    for other in SHOWN:
        if other != shown:
            assert getattr(result, other) is not due


def test_the_three_things_shown_are_score_wrong_items_and_answers() -> None:
    assert SHOWN == ("score", "wrong_items", "answers")


def test_the_default_policy() -> None:
    assert (
        ReviewPolicy(
            score="after-each-attempt",
            wrong_items="after-passing-or-last-attempt",
            answers="after-passing-or-last-attempt",
        )
        == DEFAULT_POLICY
    )


@pytest.mark.parametrize("situation", SITUATIONS)
def test_by_default_the_score_shows_after_each_attempt(situation: str) -> None:
    assert visibility(DEFAULT_POLICY, **SITUATIONS[situation]).score


@pytest.mark.parametrize(
    ("situation", "answers"),
    [
        ("passed, attempts left", True),
        ("passed, no attempts left", True),
        ("failed, attempts left", False),
        ("failed, no attempts left", True),
    ],
)
def test_by_default_wrong_items_and_answers_show_only_after_passing_or_the_last_attempt(
    situation: str, answers: bool
) -> None:
    result = visibility(DEFAULT_POLICY, **SITUATIONS[situation])

    assert result.answers is answers
    assert result.wrong_items is answers


def test_a_failed_learner_with_attempts_left_by_default_sees_the_score_only() -> None:
    """Marking the wrong items would give away every true/false answer for the next try."""
    result = visibility(DEFAULT_POLICY, passed=False, out_of_attempts=False)

    assert result == Visibility(score=True, wrong_items=False, answers=False)


def test_an_empty_policy_means_the_default_policy() -> None:
    for situation in SITUATIONS.values():
        assert visibility(ReviewPolicy(), **situation) == visibility(DEFAULT_POLICY, **situation)


def test_a_policy_naming_one_thing_leaves_the_others_at_their_default() -> None:
    result = visibility(ReviewPolicy(answers="never"), passed=True, out_of_attempts=True)

    assert result == Visibility(score=True, wrong_items=True, answers=False)


def test_a_policy_can_hide_everything() -> None:
    policy = dict.fromkeys(SHOWN, "never")

    for situation in SITUATIONS.values():
        assert visibility(ReviewPolicy(**policy), **situation) == Visibility(False, False, False)


# Passing ends the attempts, so it is the last attempt.


def test_after_last_attempt_shows_the_answers_to_a_learner_who_passed_with_attempts_left() -> None:
    result = visibility(
        ReviewPolicy(answers="after-last-attempt"), passed=True, out_of_attempts=False
    )

    assert result.answers


def test_after_last_attempt_keeps_the_answers_from_a_learner_who_may_still_try() -> None:
    result = visibility(
        ReviewPolicy(answers="after-last-attempt"), passed=False, out_of_attempts=False
    )

    assert not result.answers


@pytest.mark.parametrize("situation", SITUATIONS)
def test_after_last_attempt_and_after_passing_or_last_attempt_are_the_same_moment(
    situation: str,
) -> None:
    assert visibility(
        ReviewPolicy(answers="after-last-attempt"), **SITUATIONS[situation]
    ) == visibility(ReviewPolicy(answers="after-passing-or-last-attempt"), **SITUATIONS[situation])


# The hint shown while the answers are hidden says when they will be shown.


@pytest.mark.parametrize("moment", ["after-last-attempt", "after-passing-or-last-attempt"])
def test_a_learner_with_attempts_left_is_told_answers_come_on_passing_or_the_last_attempt(
    moment: str,
) -> None:
    assert answers_hint(moment, unlimited=False, out_of_attempts=False) == (
        "Correct answers and explanations are shown once you pass or use your last attempt."
    )


@pytest.mark.parametrize("moment", ["after-last-attempt", "after-passing-or-last-attempt"])
def test_with_unlimited_attempts_the_hint_promises_the_answers_on_passing_only(
    moment: str,
) -> None:
    assert answers_hint(moment, unlimited=True, out_of_attempts=False) == (
        "Correct answers and explanations are shown once you pass."
    )


def test_under_after_passing_a_learner_out_of_attempts_is_not_promised_the_answers() -> None:
    assert answers_hint("after-passing", unlimited=False, out_of_attempts=False) == (
        "Correct answers and explanations are shown once you pass."
    )
    assert answers_hint("after-passing", unlimited=False, out_of_attempts=True) == (
        "Correct answers and explanations are shown only to learners who pass."
    )


def test_never_says_the_answers_are_not_shown() -> None:
    assert answers_hint("never", unlimited=False, out_of_attempts=True) == (
        "Correct answers and explanations are not shown for this activity."
    )


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("situation", SITUATIONS)
def test_no_hint_promises_answers_the_policy_would_not_show(moment: str, situation: str) -> None:
    """Whenever the hint is on the page (answers hidden), what it promises must be true."""
    where = SITUATIONS[situation]
    if visibility(ReviewPolicy(answers=moment), **where).answers:
        return
    hint = answers_hint(moment, unlimited=False, out_of_attempts=where["out_of_attempts"])
    if "use your last attempt" in hint:
        assert not where["out_of_attempts"]
        assert visibility(ReviewPolicy(answers=moment), passed=False, out_of_attempts=True).answers
    if "once you pass" in hint:
        assert visibility(ReviewPolicy(answers=moment), passed=True, out_of_attempts=False).answers
