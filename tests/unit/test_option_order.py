"""Option order: the author's pinned options keep their slot; the rest are shuffled."""

from __future__ import annotations

import random

from quizapp.content.snapshot import VersionQuestion
from quizapp.grading.order import (
    VALUE_ALPHABET,
    VALUE_LENGTH,
    decode_answers,
    option_order,
    option_values,
)
from tests.snapshots import question as make_question

SEEDS = range(200)


def question(qid: str, ids: str, pinned: str = "", qtype: str = "single") -> VersionQuestion:
    return make_question(qid, qtype, "a", ids, pinned=pinned)


def orders(questions: list[VersionQuestion]) -> list[dict[str, list[str]]]:
    return [option_order(questions, random.Random(seed)) for seed in SEEDS]


def test_every_question_gets_an_order_keyed_by_its_id() -> None:
    questions = [question("q1", "abcd"), question("q2", "abc"), question("q3", "ab", "ab")]

    order = option_order(questions, random.Random(1))

    assert list(order) == ["q1", "q2", "q3"]


def test_every_option_appears_exactly_once_in_every_order() -> None:
    questions = [question("q1", "abcde", pinned="e"), question("q2", "abcdef")]

    for order in orders(questions):
        assert sorted(order["q1"]) == list("abcde")
        assert sorted(order["q2"]) == list("abcdef")


def test_pinned_options_never_move_across_200_seeded_shuffles() -> None:
    # "a" is a lead-in the author pinned first; "e" is "None of the above", pinned last.
    questions = [question("q1", "abcde", pinned="ae")]

    for order in orders(questions):
        assert order["q1"][0] == "a"
        assert order["q1"][4] == "e"


def test_a_pinned_option_in_the_middle_keeps_its_slot() -> None:
    questions = [question("q1", "abcde", pinned="c")]

    for order in orders(questions):
        assert order["q1"][2] == "c"


def test_shuffle_actually_varies_the_order() -> None:
    questions = [question("q1", "abcde", pinned="e")]

    seen = {tuple(order["q1"]) for order in orders(questions)}

    assert len(seen) > 1


def test_every_movable_option_reaches_every_movable_slot() -> None:
    questions = [question("q1", "abcde", pinned="e")]

    reached = {
        (slot, option_id)
        for order in orders(questions)
        for slot, option_id in enumerate(order["q1"])
    }

    for slot in range(4):
        for option_id in "abcd":
            assert (slot, option_id) in reached


def test_an_all_pinned_question_never_changes() -> None:
    # A question with shuffle off has every option pinned in the snapshot.
    questions = [question("q1", "abcd", pinned="abcd")]

    for order in orders(questions):
        assert order["q1"] == ["a", "b", "c", "d"]


def test_a_true_false_question_always_shows_true_then_false() -> None:
    questions = [question("q1", "ab", pinned="ab", qtype="true-false")]

    for order in orders(questions):
        assert order["q1"] == ["a", "b"]


def test_a_single_movable_option_among_pinned_ones_stays_put() -> None:
    questions = [question("q1", "abc", pinned="ac")]

    for order in orders(questions):
        assert order["q1"] == ["a", "b", "c"]


def test_the_same_seed_gives_the_same_order() -> None:
    questions = [question("q1", "abcdef"), question("q2", "abcde", pinned="e")]

    first = option_order(questions, random.Random(42))
    again = option_order(questions, random.Random(42))

    assert first == again


def test_each_option_gets_an_opaque_value_unique_within_its_question() -> None:
    order = {"q1": list("abcde"), "q2": ["a", "b"]}

    values = option_values(order, random.Random(5))

    assert [len(values[q]) for q in ("q1", "q2")] == [5, 2]
    assert len(set(values["q1"])) == 5
    assert all(len(v) == 10 and v.isalnum() and v.islower() for v in values["q1"])


def test_every_character_of_a_value_is_drawn_from_the_whole_alphabet() -> None:
    """One draw per value, written in the alphabet's digits, still reaches every character
    in every position (a draw too small would leave the last positions at the first letter)."""
    rng = random.Random(7)
    values = [v for _ in range(400) for v in option_values({"q": list("abcde")}, rng)["q"]]

    for position in range(VALUE_LENGTH):
        assert {v[position] for v in values} == set(VALUE_ALPHABET), position


def test_posted_values_map_back_to_option_ids_and_unknown_ones_stay_unknown() -> None:
    order = {"q1": ["c", "a", "b"]}
    values = {"q1": ["v1", "v2", "v3"]}

    decoded = decode_answers({"q1": frozenset({"v2", "a"})}, order, values)

    assert decoded == {"q1": frozenset({"a", "?a"})}


def test_an_attempt_without_values_posts_its_option_ids() -> None:
    answers = {"q1": frozenset({"b"})}

    assert decode_answers(answers, {"q1": ["a", "b"]}, None) == answers
