"""The review policy: when the score, the wrong items and the answers may be shown."""

from __future__ import annotations

import pytest

from quizapp.grading.review import DEFAULT_POLICY, MOMENTS, SHOWN, Visibility, visibility

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
    "after-last-attempt": (False, True, False, True),
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

    result = visibility(policy, **SITUATIONS[situation])

    assert getattr(result, shown) is due
    for other in SHOWN:
        if other != shown:
            assert getattr(result, other) is not due


def test_the_three_things_shown_are_score_wrong_items_and_answers() -> None:
    assert SHOWN == ("score", "wrong_items", "answers")


def test_the_default_policy() -> None:
    assert DEFAULT_POLICY == {
        "score": "after-each-attempt",
        "wrong_items": "after-each-attempt",
        "answers": "after-passing-or-last-attempt",
    }


@pytest.mark.parametrize("situation", SITUATIONS)
def test_by_default_score_and_wrong_items_show_after_each_attempt(situation: str) -> None:
    result = visibility(DEFAULT_POLICY, **SITUATIONS[situation])

    assert result.score
    assert result.wrong_items


@pytest.mark.parametrize(
    ("situation", "answers"),
    [
        ("passed, attempts left", True),
        ("passed, no attempts left", True),
        ("failed, attempts left", False),
        ("failed, no attempts left", True),
    ],
)
def test_by_default_answers_show_only_after_passing_or_the_last_attempt(
    situation: str, answers: bool
) -> None:
    result = visibility(DEFAULT_POLICY, **SITUATIONS[situation])

    assert result.answers is answers


def test_a_failed_learner_with_attempts_left_by_default_sees_score_and_wrong_items_only() -> None:
    result = visibility(DEFAULT_POLICY, passed=False, out_of_attempts=False)

    assert result == Visibility(score=True, wrong_items=True, answers=False)


def test_an_empty_policy_means_the_default_policy() -> None:
    for situation in SITUATIONS.values():
        assert visibility({}, **situation) == visibility(DEFAULT_POLICY, **situation)


def test_a_policy_naming_one_thing_leaves_the_others_at_their_default() -> None:
    result = visibility({"answers": "never"}, passed=True, out_of_attempts=True)

    assert result == Visibility(score=True, wrong_items=True, answers=False)


def test_a_policy_can_hide_everything() -> None:
    policy = dict.fromkeys(SHOWN, "never")

    for situation in SITUATIONS.values():
        assert visibility(policy, **situation) == Visibility(False, False, False)
