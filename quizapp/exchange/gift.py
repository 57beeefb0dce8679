"""GIFT, Moodle's plain-text question format.

Each question is ``::id::[markdown]stem{answers####rationale}``; the stem and rationale keep
their Markdown (Moodle renders it), with the characters GIFT gives a meaning (``~ = # { } :``)
escaped by a backslash and line breaks written as ``\\n``, since a blank line ends a question.
GIFT has no per-option pin and no figures, and Moodle grades a multiple-answer question by
fractions (:func:`quizapp.exchange.moodle.answer_fractions`).
"""

from __future__ import annotations

from quizapp.content.model import Question
from quizapp.exchange.bank import Bank
from quizapp.exchange.moodle import answer_fractions, percent

SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text)
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def write_gift(bank: Bank) -> bytes:
    title = " ".join(bank.title.split())
    parts = [f"// {title}\n// exported by quizapp from activity {bank.identifier}\n"]
    parts.append(f"$CATEGORY: $course$/top/{bank.identifier}\n")
    parts.extend(_question(question, bank.partial_credit) for question in bank.questions)
    return "\n".join(parts).encode("utf-8")


def _question(question: Question, partial_credit: bool) -> str:
    head = f"::{escape(question.id)}::[markdown]{escape(question.stem)}"
    rationale = f"####{escape(question.rationale)}"
    if question.type == "true-false":
        answer = "TRUE" if question.options[0].correct else "FALSE"
        return f"// type: true-false\n{head}{{{answer}{rationale}}}\n"
    lines = [f"// type: {question.type}", head + "{"]
    if question.type == "single":
        for option in question.options:
            lines.append(f"{'=' if option.correct else '~'}{escape(option.text)}")
    else:
        for option, fraction in zip(question.options, answer_fractions(question), strict=True):
            lines.append(f"~%{percent(fraction)}%{escape(option.text)}")
    lines.append(rationale)
    lines.append("}")
    return "\n".join(lines) + "\n"
