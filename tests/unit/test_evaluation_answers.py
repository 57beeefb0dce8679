"""Evaluation answers: required items answered, choices among those offered, text kept short."""

from __future__ import annotations

from typing import Any

import pytest

from quizapp.content.evaluation import (
    DEFAULT_EVALUATION,
    ITEM_TYPES,
    MAX_TEXT,
    SCALE,
    YES_NO,
    EvaluationError,
    EvaluationItem,
    clean_answers,
)

COMPLETE = {
    "objectives-met": "Strongly agree",
    "relevance": "Agree",
    "intent-to-change": "Yes",
    "planned-change": "Check eGFR before starting metformin.",
    "commercial-bias": "No",
    "commercial-bias-details": "",
}
REQUIRED = ["objectives-met", "relevance", "intent-to-change", "commercial-bias"]
OPTIONAL = ["planned-change", "commercial-bias-details"]


def stored(*items: dict[str, Any]) -> list[EvaluationItem]:
    """Items as a version stores them, where ``required`` may be left out."""
    return [EvaluationItem.from_json(item) for item in items]


def refusal(items: Any, raw: dict[str, str]) -> EvaluationError:
    with pytest.raises(EvaluationError) as caught:
        clean_answers(items, raw)
    return caught.value


def test_the_default_evaluation_has_known_types_and_unique_ids() -> None:
    ids = [item.id for item in DEFAULT_EVALUATION]

    assert len(ids) == len(set(ids))
    assert all(item.type in ITEM_TYPES for item in DEFAULT_EVALUATION)
    assert [i for i in ids if i not in OPTIONAL] == REQUIRED


def test_a_complete_evaluation_is_kept_and_blank_optional_items_are_left_out() -> None:
    expected = {k: v for k, v in COMPLETE.items() if v}

    assert clean_answers(DEFAULT_EVALUATION, COMPLETE) == expected


def test_answers_are_trimmed() -> None:
    raw = COMPLETE | {"relevance": "  Agree \n", "planned-change": "  Fewer PPIs.  "}

    answers = clean_answers(DEFAULT_EVALUATION, raw)

    assert answers["relevance"] == "Agree"
    assert answers["planned-change"] == "Fewer PPIs."


@pytest.mark.parametrize("item_id", REQUIRED)
@pytest.mark.parametrize("blank", ["", "   ", None], ids=["empty", "spaces", "absent"])
def test_a_required_item_left_blank_is_refused(item_id: str, blank: str | None) -> None:
    raw = {k: v for k, v in COMPLETE.items() if k != item_id}
    if blank is not None:
        raw[item_id] = blank

    error = refusal(DEFAULT_EVALUATION, raw)

    assert error.problems == {item_id: "Please answer this question."}


@pytest.mark.parametrize("item_id", OPTIONAL)
def test_optional_text_may_be_left_blank_or_out(item_id: str) -> None:
    absent = {k: v for k, v in COMPLETE.items() if k != item_id}
    spaces = COMPLETE | {item_id: "   "}

    assert item_id not in clean_answers(DEFAULT_EVALUATION, absent)
    assert item_id not in clean_answers(DEFAULT_EVALUATION, spaces)


@pytest.mark.parametrize(
    ("item_id", "invented"),
    [
        ("objectives-met", "Somewhat agree"),
        ("relevance", "agree"),
        ("intent-to-change", "Maybe"),
        ("commercial-bias", "yes"),
        ("commercial-bias", "Unsure"),
    ],
)
def test_an_answer_not_among_the_offered_choices_is_refused(item_id: str, invented: str) -> None:
    error = refusal(DEFAULT_EVALUATION, COMPLETE | {item_id: invented})

    assert error.problems == {item_id: "Choose one of the offered answers."}


@pytest.mark.parametrize("answer", SCALE)
def test_every_scale_point_is_accepted(answer: str) -> None:
    answers = clean_answers(DEFAULT_EVALUATION, COMPLETE | {"relevance": answer})

    assert answers["relevance"] == answer


@pytest.mark.parametrize("answer", YES_NO)
def test_yes_and_no_are_accepted(answer: str) -> None:
    answers = clean_answers(DEFAULT_EVALUATION, COMPLETE | {"commercial-bias": answer})

    assert answers["commercial-bias"] == answer


def test_every_offered_choice_is_accepted() -> None:
    (item,) = [i for i in DEFAULT_EVALUATION if i.id == "intent-to-change"]

    for choice in item.options:
        answers = clean_answers(DEFAULT_EVALUATION, COMPLETE | {"intent-to-change": choice})
        assert answers["intent-to-change"] == choice


def test_text_up_to_the_limit_is_kept() -> None:
    text = "x" * MAX_TEXT

    answers = clean_answers(DEFAULT_EVALUATION, COMPLETE | {"planned-change": text})

    assert answers["planned-change"] == text


def test_text_over_the_limit_is_refused() -> None:
    error = refusal(DEFAULT_EVALUATION, COMPLETE | {"planned-change": "x" * (MAX_TEXT + 1)})

    assert MAX_TEXT == 2000
    assert error.problems == {"planned-change": "Keep this answer under 2000 characters."}


def test_answers_to_items_not_in_the_evaluation_are_dropped() -> None:
    answers = clean_answers(DEFAULT_EVALUATION, COMPLETE | {"invented-item": "Agree"})

    assert "invented-item" not in answers


# An activity's own items -------------------------------------------------------------------


def test_an_item_without_required_is_required_unless_it_is_text() -> None:
    items = stored(
        {"id": "format", "type": "choice", "prompt": "Format?", "options": ["Text", "Video"]},
        {"id": "comments", "type": "text", "prompt": "Comments?"},
    )

    assert clean_answers(items, {"format": "Video"}) == {"format": "Video"}
    assert refusal(items, {"comments": "Great"}).item_id == "format"


def test_a_text_item_can_be_made_required() -> None:
    items = stored({"id": "comments", "type": "text", "prompt": "Comments?", "required": True})

    error = refusal(items, {"comments": " "})

    assert error.problems == {"comments": "Please answer this question."}


def test_every_problem_is_reported_at_once_in_the_order_of_the_form() -> None:
    raw = COMPLETE | {"objectives-met": "", "commercial-bias": "Unsure", "relevance": " "}

    error = refusal(DEFAULT_EVALUATION, raw)

    assert error.problems == {
        "objectives-met": "Please answer this question.",
        "relevance": "Please answer this question.",
        "commercial-bias": "Choose one of the offered answers.",
    }
    assert error.item_id == "objectives-met"
    assert error.message == "3 questions below need your attention; your other answers are kept."


def test_an_optional_choice_item_may_be_skipped_but_not_invented() -> None:
    items = stored(
        {"id": "format", "type": "choice", "prompt": "Format?", "options": ["Text", "Video"]},
        {"id": "pace", "type": "scale", "prompt": "Good pace.", "required": False},
    )

    assert clean_answers(items, {"format": "Text"}) == {"format": "Text"}
    assert refusal(items, {"format": "Text", "pace": "Meh"}).item_id == "pace"


def test_the_first_problem_in_item_order_is_reported() -> None:
    raw = COMPLETE | {"relevance": "", "commercial-bias": "Perhaps"}

    assert refusal(DEFAULT_EVALUATION, raw).item_id == "relevance"
