"""The learner's view of a question: lettered in display order, never carrying the key."""

from __future__ import annotations

import random
from dataclasses import asdict
from decimal import Decimal

import pytest

from quizapp.content.snapshot import VersionQuestion
from quizapp.grading.order import option_order
from quizapp.grading.presentation import score_text, shown_questions
from tests.snapshots import question as make_question

RATIONALE_SOURCE = "Metformin is first-line unless contraindicated."
RATIONALE = f"<p>{RATIONALE_SOURCE}</p>"


def question(
    qid: str, qtype: str = "single", correct: str = "b", ids: str = "abcd"
) -> VersionQuestion:
    return make_question(
        qid, qtype, correct, ids, rationale=RATIONALE_SOURCE, option_text="Option {id}"
    )


def posttest() -> list[VersionQuestion]:
    return [
        question("q1"),
        question("q2", "true-false", correct="a", ids="ab"),
        question("q3", "multiple", correct="ace", ids="abcde"),
    ]


ORDER = {"q1": ["c", "a", "d", "b"], "q2": ["a", "b"], "q3": ["e", "d", "c", "b", "a"]}
CHOSEN = {"q1": ["b"], "q2": ["b"], "q3": ["a", "c"]}


def test_without_the_key_no_option_says_whether_it_is_correct() -> None:
    for shown in shown_questions(posttest(), ORDER, CHOSEN):
        assert all(option.correct is None for option in shown.options)


def test_without_the_key_there_is_no_rationale() -> None:
    for shown in shown_questions(posttest(), ORDER, CHOSEN):
        assert shown.rationale_html is None


def test_the_learners_view_holds_the_rationale_nowhere() -> None:
    view = [asdict(shown) for shown in shown_questions(posttest(), ORDER, CHOSEN)]

    assert RATIONALE not in repr(view)


def test_item_correctness_alone_does_not_reveal_the_key() -> None:
    correctness = {"q1": True, "q2": False, "q3": False}

    shown = shown_questions(posttest(), ORDER, CHOSEN, correctness=correctness)

    assert [q.answered_correctly for q in shown] == [True, False, False]
    assert all(option.correct is None for q in shown for option in q.options)
    assert all(q.rationale_html is None for q in shown)


def test_without_correctness_items_are_not_marked_right_or_wrong() -> None:
    assert all(q.answered_correctly is None for q in shown_questions(posttest(), ORDER, CHOSEN))


def test_with_the_key_the_correct_options_and_rationale_are_shown() -> None:
    shown = shown_questions(posttest(), ORDER, CHOSEN, with_key=True)

    assert {o.id: o.correct for o in shown[0].options} == {
        "a": False,
        "b": True,
        "c": False,
        "d": False,
    }
    assert [o.id for o in shown[2].options if o.correct] == ["e", "c", "a"]
    assert all(q.rationale_html == RATIONALE for q in shown)


def test_letters_follow_the_display_order_not_the_authored_ids() -> None:
    shown = shown_questions(posttest(), ORDER)

    assert [(o.letter, o.id) for o in shown[0].options] == [
        ("a", "c"),
        ("b", "a"),
        ("c", "d"),
        ("d", "b"),
    ]
    assert [o.html for o in shown[0].options] == [
        "<p>Option c</p>",
        "<p>Option a</p>",
        "<p>Option d</p>",
        "<p>Option b</p>",
    ]


def test_letters_follow_a_seeded_shuffle() -> None:
    questions = posttest()
    order = option_order(questions, random.Random(3))

    for shown in shown_questions(questions, order):
        assert [o.id for o in shown.options] == order[shown.id]
        assert [o.letter for o in shown.options] == list("abcde"[: len(shown.options)])


def test_a_question_missing_from_the_order_shows_its_options_as_authored() -> None:
    shown = shown_questions(posttest(), {})

    assert [o.id for o in shown[0].options] == ["a", "b", "c", "d"]
    assert [o.letter for o in shown[0].options] == ["a", "b", "c", "d"]


def test_questions_are_numbered_from_one_and_keep_their_type_and_stem() -> None:
    shown = shown_questions(posttest(), ORDER)

    assert [(q.number, q.id, q.type) for q in shown] == [
        (1, "q1", "single"),
        (2, "q2", "true-false"),
        (3, "q3", "multiple"),
    ]
    assert shown[1].stem_html == "<p>Stem of q2</p>"


def test_the_learners_choices_are_marked() -> None:
    shown = shown_questions(posttest(), ORDER, CHOSEN)

    assert [o.id for o in shown[0].options if o.chosen] == ["b"]
    assert [o.id for o in shown[1].options if o.chosen] == ["b"]
    assert [o.id for o in shown[2].options if o.chosen] == ["c", "a"]


def test_nothing_is_marked_chosen_before_an_answer() -> None:
    shown = shown_questions(posttest(), ORDER)

    assert not any(o.chosen for q in shown for o in q.options)


@pytest.mark.parametrize(
    ("percent", "questions", "shown"),
    [
        ("66.67", 3, "2 of 3 (67%)"),
        ("33.33", 3, "1 of 3 (33%)"),
        ("100.00", 3, "3 of 3 (100%)"),
        ("0.00", 5, "0 of 5 (0%)"),
        ("83.33", 3, "2.5 of 3 (83%)"),
        ("62.50", 8, "5 of 8 (63%)"),
    ],
)
def test_a_score_reads_as_points_of_questions_and_a_whole_percentage(
    percent: str, questions: int, shown: str
) -> None:
    assert score_text(Decimal(percent), questions) == shown
