"""Scoring: exact pass/fail thresholds, all-or-nothing and partial credit, refused submissions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from quizapp.content.snapshot import VersionQuestion
from quizapp.grading.scoring import SubmissionError, numbered, score, validate_answers
from tests.snapshots import question as make_question


def question(qid: str, qtype: str, correct: str, ids: str) -> VersionQuestion:
    return make_question(qid, qtype, correct, ids)


def single(qid: str = "q1", correct: str = "b", ids: str = "abcd") -> VersionQuestion:
    return question(qid, "single", correct, ids)


def true_false(qid: str = "q1", correct: str = "a") -> VersionQuestion:
    return question(qid, "true-false", correct, "ab")


def multiple(qid: str = "q1", correct: str = "abc", ids: str = "abcde") -> VersionQuestion:
    return question(qid, "multiple", correct, ids)


def answers(**chosen: str) -> dict[str, frozenset[str]]:
    return {qid: frozenset(ids) for qid, ids in chosen.items()}


def three_singles() -> list[VersionQuestion]:
    return [single("q1"), single("q2"), single("q3")]


TWO_OF_THREE = answers(q1="b", q2="b", q3="a")


# Question types ------------------------------------------------------------------------------


@pytest.mark.parametrize(("chosen", "points"), [("b", 1), ("a", 0), ("d", 0)])
def test_single_answer_earns_a_point_only_for_the_keyed_option(chosen: str, points: int) -> None:
    result = score([single(correct="b")], answers(q1=chosen), Decimal("70"))

    assert result.points == points
    assert result.items[0].correct is bool(points)


@pytest.mark.parametrize(("key", "chosen", "points"), [("a", "a", 1), ("a", "b", 0), ("b", "b", 1)])
def test_true_false_earns_a_point_only_for_the_keyed_choice(
    key: str, chosen: str, points: int
) -> None:
    result = score([true_false(correct=key)], answers(q1=chosen), Decimal("70"))

    assert result.points == points


@pytest.mark.parametrize(
    ("chosen", "points"),
    [("abc", 1), ("ab", 0), ("a", 0), ("abcd", 0), ("abcde", 0), ("de", 0)],
)
def test_multiple_answer_is_all_or_nothing_without_partial_credit(chosen: str, points: int) -> None:
    result = score([multiple(correct="abc")], answers(q1=chosen), Decimal("70"))

    assert result.points == points
    assert result.items[0].correct is bool(points)


def test_a_posttest_mixing_every_type_is_scored_item_by_item() -> None:
    questions = [single("q1", correct="c"), true_false("q2", correct="b"), multiple("q3")]

    result = score(questions, answers(q1="c", q2="b", q3="abc"), Decimal("100"))

    assert [item.question_id for item in result.items] == ["q1", "q2", "q3"]
    assert result.points == 3
    assert result.correct_count == 3
    assert result.passed


def test_each_item_records_its_chosen_options_sorted() -> None:
    result = score([multiple(correct="abc")], answers(q1="cab"), Decimal("70"))

    assert result.items[0].chosen == ("a", "b", "c")


# Thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passing_score", "passed"),
    [("66", True), ("66.66", True), ("66.67", False), ("67", False)],
)
def test_two_of_three_passes_at_66_and_fails_at_67(passing_score: str, passed: bool) -> None:
    result = score(three_singles(), TWO_OF_THREE, Decimal(passing_score))

    assert result.points == 2
    assert result.passed is passed


def test_the_displayed_percent_is_rounded_but_never_decides_passing() -> None:
    result = score(three_singles(), TWO_OF_THREE, Decimal("66.67"))

    assert result.fraction == Fraction(2, 3)
    assert result.percent == Decimal("66.67")
    assert not result.passed


def test_a_passing_score_of_100_needs_every_item() -> None:
    assert not score(three_singles(), TWO_OF_THREE, Decimal("100")).passed
    assert score(three_singles(), answers(q1="b", q2="b", q3="b"), Decimal("100")).passed


def test_a_passing_score_of_0_passes_any_submission() -> None:
    result = score(three_singles(), answers(q1="a", q2="a", q3="a"), Decimal("0"))

    assert result.points == 0
    assert result.percent == Decimal("0.00")
    assert result.passed


def test_exactly_the_passing_score_passes() -> None:
    questions = [single(f"q{n}") for n in range(1, 6)]
    four_of_five = answers(q1="b", q2="b", q3="b", q4="b", q5="a")

    assert score(questions, four_of_five, Decimal("80")).passed
    assert not score(questions, four_of_five, Decimal("80.01")).passed


def test_a_posttest_without_questions_never_passes() -> None:
    result = score([], {}, Decimal("0"))

    assert result.fraction == 0
    assert not result.passed


def test_percent_is_shown_to_two_places() -> None:
    # 1 of 8 is exactly 12.5 %; 1 of 3 is 33.333… %; 2 of 3 is 66.666… %.
    eight = [single(f"q{n}") for n in range(1, 9)]
    one_of_eight = answers(**{f"q{n}": "b" if n == 1 else "a" for n in range(1, 9)})
    one_of_three = answers(q1="b", q2="a", q3="a")

    assert score(eight, one_of_eight, Decimal("0")).percent == Decimal("12.50")
    assert score(three_singles(), one_of_three, Decimal("0")).percent == Decimal("33.33")
    assert score(three_singles(), TWO_OF_THREE, Decimal("0")).percent == Decimal("66.67")


# Partial credit ----------------------------------------------------------------------------
# Three correct options (a, b, c) of five; two wrong (d, e). Each correct chosen earns 1/3,
# each wrong chosen costs 1/2, and the item never goes below 0.


@pytest.mark.parametrize(
    ("chosen", "points"),
    [
        ("abc", Fraction(1)),
        ("ab", Fraction(2, 3)),
        ("a", Fraction(1, 3)),
        ("abd", Fraction(1, 6)),
        ("abcd", Fraction(1, 2)),
        ("abcde", Fraction(0)),
        ("ad", Fraction(0)),
        ("de", Fraction(0)),
        ("d", Fraction(0)),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_partial_credit_for_three_correct_of_five(chosen: str, points: Fraction) -> None:
    result = score([multiple(correct="abc")], answers(q1=chosen), Decimal("0"), partial_credit=True)

    assert result.items[0].points == points


def test_two_correct_and_one_wrong_of_three_correct_in_five_earns_one_sixth() -> None:
    result = score([multiple(correct="abc")], answers(q1="abd"), Decimal("0"), partial_credit=True)

    assert result.points == Fraction(2, 3) - Fraction(1, 2) == Fraction(1, 6)


def test_choosing_only_wrong_options_floors_at_zero() -> None:
    result = score([multiple(correct="abc")], answers(q1="de"), Decimal("0"), partial_credit=True)

    assert result.points == 0


def test_a_partly_right_item_earns_points_but_is_not_counted_correct() -> None:
    result = score([multiple(correct="abc")], answers(q1="ab"), Decimal("0"), partial_credit=True)

    assert result.items[0].points == Fraction(2, 3)
    assert result.items[0].correct is False
    assert result.correct_count == 0


def test_partial_points_count_toward_passing_exactly() -> None:
    # 1 + 1/6 of 2 items is 7/12 = 58.33… %.
    questions = [single("q1"), multiple("q2", correct="abc")]
    chosen = answers(q1="b", q2="abd")

    result = score(questions, chosen, Decimal("58"), partial_credit=True)

    assert result.points == Fraction(7, 6)
    assert result.percent == Decimal("58.33")
    assert result.passed
    assert not score(questions, chosen, Decimal("58.34"), partial_credit=True).passed


def test_partial_credit_when_every_option_is_correct_costs_nothing() -> None:
    result = score(
        [multiple(correct="abc", ids="abc")], answers(q1="ab"), Decimal("0"), partial_credit=True
    )

    assert result.points == Fraction(2, 3)


@pytest.mark.parametrize(
    "item", [single(correct="b"), true_false(correct="a")], ids=["single", "true-false"]
)
def test_the_partial_credit_flag_is_ignored_for_single_answer_items(item: VersionQuestion) -> None:
    wrong = "c" if item.type == "single" else "b"

    result = score([item], answers(q1=wrong), Decimal("0"), partial_credit=True)

    assert result.points == 0


# Refused submissions -----------------------------------------------------------------------


def refusal(questions: list[VersionQuestion], chosen: dict[str, frozenset[str]]) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        validate_answers(questions, chosen)
    return caught.value


def test_a_missing_answer_is_refused_and_names_the_question() -> None:
    error = refusal(three_singles(), answers(q1="b", q3="b"))

    assert error.message == "Question 2 is unanswered."
    assert error.problems == {"q2": "This question is unanswered."}
    assert error.question_id == "q2"


def test_an_empty_choice_counts_as_a_missing_answer() -> None:
    error = refusal(three_singles(), {**answers(q1="b", q3="b"), "q2": frozenset()})

    assert error.message == "Question 2 is unanswered."
    assert error.question_id == "q2"


def test_every_unanswered_question_is_named_at_once_by_its_number() -> None:
    error = refusal(three_singles(), answers(q1="b"))

    assert error.message == "Questions 2 and 3 are unanswered."
    assert list(error.problems) == ["q2", "q3"]
    assert error.question_id == "q2"


def test_unanswered_and_malformed_questions_are_reported_together() -> None:
    error = refusal(three_singles(), answers(q1="ab"))

    assert error.message == (
        "Questions 2 and 3 are unanswered. Question 1: Choose exactly one answer for this question."
    )
    assert list(error.problems) == ["q1", "q2", "q3"]


@pytest.mark.parametrize(
    ("numbers", "named"),
    [([4], "Question 4"), ([2, 3], "Questions 2 and 3"), ([1, 2, 5], "Questions 1, 2 and 5")],
)
def test_question_numbers_read_as_a_sentence(numbers: list[int], named: str) -> None:
    assert numbered(numbers) == named


def test_an_option_id_the_question_does_not_have_is_refused() -> None:
    error = refusal(three_singles(), answers(q1="b", q2="z", q3="b"))

    assert error.problems == {
        "q2": "One of the answers is not an option of its question. Reload the page."
    }
    assert error.question_id == "q2"


def test_an_unknown_option_mixed_with_a_real_one_is_refused() -> None:
    error = refusal([multiple(correct="abc")], answers(q1="abz"))

    assert error.problems == {
        "q1": "One of the answers is not an option of its question. Reload the page."
    }


def test_an_answer_to_a_question_not_in_this_version_is_refused() -> None:
    error = refusal(three_singles(), answers(q1="b", q2="b", q3="b", q9="a"))

    assert error.message == (
        "This form does not match your attempt (the posttest may have changed). "
        "Reload the page and answer again."
    )
    assert error.question_id is None


@pytest.mark.parametrize("item", [single(), true_false()], ids=["single", "true-false"])
def test_two_answers_to_a_single_answer_item_are_refused(item: VersionQuestion) -> None:
    error = refusal([item], answers(q1="ab"))

    assert error.problems == {"q1": "Choose exactly one answer for this question."}
    assert error.question_id == "q1"


def test_several_answers_to_a_multiple_answer_item_are_accepted() -> None:
    validate_answers([multiple()], answers(q1="abcde"))


def test_score_refuses_what_validation_refuses() -> None:
    with pytest.raises(SubmissionError, match="Questions 2 and 3 are unanswered"):
        score(three_singles(), answers(q1="b"), Decimal("70"))


def test_a_submission_error_is_a_value_error_carrying_its_message() -> None:
    error = SubmissionError("Answer every question before submitting.", "q1")

    assert isinstance(error, ValueError)
    assert str(error) == error.message
