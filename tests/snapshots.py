"""Typed snapshot values for unit tests: questions and credit designations in a line each."""

from __future__ import annotations

from decimal import Decimal

from quizapp.content.snapshot import (
    CreditDesignation,
    QuestionOption,
    RichText,
    VersionQuestion,
)


def text(source: str) -> RichText:
    return RichText(source, f"<p>{source}</p>")


def question(
    qid: str,
    qtype: str = "single",
    correct: str = "b",
    ids: str = "abcd",
    *,
    pinned: str | None = None,
    rationale: str = "Because.",
    option_text: str = "{id}",
) -> VersionQuestion:
    """A question whose options are lettered ``ids``; true/false ones are never shuffled.

    ``pinned`` names the options that keep their place (default: all of a true/false item).
    """
    fixed = qtype == "true-false"
    pinned_ids = ids if fixed and pinned is None else (pinned or "")
    return VersionQuestion(
        id=qid,
        type=qtype,
        shuffle=pinned_ids != ids,
        stem=text(f"Stem of {qid}"),
        options=tuple(
            QuestionOption(
                id=i,
                text=text(option_text.format(id=i)),
                correct=i in correct,
                pinned=i in pinned_ids,
            )
            for i in ids
        ),
        rationale=text(rationale),
    )


def offer(credit_type: str, amount: str = "1.0", *, uan: str | None = None) -> CreditDesignation:
    return CreditDesignation(credit_type, Decimal(amount), text("Designated."), uan=uan)
