"""Rebuild a posttest from the text a PDF-to-text tool makes of a journal's printed CME page.

Such text has the questions and their options, but not in one piece: columns and pages
interleave, so an option list may be printed away from its question, the last options of a
question may come before the "Posttest Questions" heading, page headers and numbers fall in
between, words carry soft hyphens or tabs, and a line may hold several options. The rules:

- A question starts with its number (``1.`` or ``1)``), an option with its letter (``a.`` or
  ``a)``, lower case); any other line continues the piece before it. Before the heading, only
  options count (the article's numbered lists are not questions).
- A soft hyphen joins the word it splits; a tab between two letters is dropped (the tools put
  tabs inside stretched words, spaces between words); a tab before an option letter starts
  the option. A line ending in a plain hyphen is joined keeping the hyphen (``K-dependent``).
- Lines that are only a page number, say "Page 3 of 4" or "(continued)", and any line printed
  more than once (a running header) are dropped.
- Options run a, b, c …: an ``a.`` starts a list, the next letter continues it; a list that
  starts at a later letter completes the earliest list that stops just before that letter
  (never a True/False list, which is complete).
  The lists, in the order they start, belong to the questions in number order, skipping the
  true-false questions printed without options ("… True or false?").
- A question whose options are True and False, or which says "True or false", is true-false;
  one that says "select all" (or "all that apply") is multiple-answer; any other is single.
  Options that refer to others ("Both a and b", "All of the above") are pinned, with the
  options they name.

The page has no key and no rationales: the questions come back with none, for the author to
fill in (the checker reports exactly those).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from quizapp.content.model import Option, Question
from quizapp.content.posttest import LETTERS, POSITIONAL_REF_RE, letter_references
from quizapp.exchange.bank import ExchangeError

MAX_TEXT_CHARS = 200_000
QUESTION_RE = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
OPTION_RE = re.compile(r"^([a-z])[.)]\s+(\S.*)$")
HEADING_RE = re.compile(
    r"^(?:cme\s+)?post-?test(?:\s+questions)?(?:\s*\(continued\))?\s*:?$", re.IGNORECASE
)
NOISE_RE = re.compile(
    r"^(?:page\s+)?\d{1,4}$|^page\s+\d{1,4}\s+of\s+\d{1,4}$|^\(?continued\)?\.?$", re.IGNORECASE
)
SPLIT_BEFORE_LABEL_RE = re.compile(
    r"(?<![ \t])(?=[ ]*+\t|[ ]{2})[ \t]++(?=(?:[a-z]|\d{1,3})[.)]\s)"
)
"""A tab, or two spaces or more, before an option letter or a question number. Only the start
of a run of blanks is tried, so a line of many blanks costs one pass, not one per blank."""
TAB_IN_WORD_RE = re.compile(r"(?<=[^\W\d_])\t+(?=[^\W\d_])")
SOFT_HYPHEN_RE = re.compile(r"\u00ad[ \t]*(?:\n[ \t]*)?")
TRUE_FALSE_MARK_RE = re.compile(
    r"\s*\(?\b(?:true\s+or\s+false|true\s*/\s*false|t\s*/\s*f)\b\)?\s*[.?:]?$", re.IGNORECASE
)
MULTIPLE_RE = re.compile(r"\bselect all\b|\ball that apply\b|\bchoose all\b", re.IGNORECASE)
NOTE = (
    "Imported from the text of a printed posttest, which has no key and no rationales: mark "
    "the correct option of each question with [x] and write its rationale after "
    "'> **Rationale:**', then run quizapp content check on this folder."
)


@dataclass
class _Piece:
    kind: str
    """"question" or "option"."""
    label: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        joined = ""
        for line in self.lines:
            if joined.endswith("-") and joined[-2:-1].isalnum():
                joined += line
            else:
                joined = f"{joined} {line}" if joined else line
        return " ".join(joined.split())


def parse_printed_posttest(text: str) -> list[Question]:
    if len(text) > MAX_TEXT_CHARS:
        raise ExchangeError(
            f"the text is longer than {MAX_TEXT_CHARS:,} characters; give only the posttest page"
        )
    pieces = _pieces(_clean_lines(text))
    questions: dict[int, _Piece] = {}
    for piece in pieces:
        if piece.kind == "question":
            number = int(piece.label)
            if number in questions:
                raise ExchangeError(f"question {number} is printed twice")
            questions[number] = piece
    if not questions:
        raise ExchangeError("no numbered questions ('1.', '2.', …) were found in the text")
    numbers = sorted(questions)
    if numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        raise ExchangeError(f"question {missing[0]} is missing; the text has {numbers}")
    lists = _option_lists([piece for piece in pieces if piece.kind == "option"])
    marked = {n for n in numbers if TRUE_FALSE_MARK_RE.search(questions[n].text)}
    needing = [n for n in numbers if n not in marked]
    if len(lists) != len(needing):
        raise ExchangeError(
            f"found {len(needing)} questions that need options but {len(lists)} option lists "
            "(a list starts at 'a.'); check the text for a missing or extra list"
        )
    options_of = dict(zip(needing, lists, strict=True))
    return [_question(n, questions[n].text, options_of.get(n)) for n in numbers]


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = SOFT_HYPHEN_RE.sub("", text)
    text = SPLIT_BEFORE_LABEL_RE.sub("\n", text)
    text = TAB_IN_WORD_RE.sub("", text)
    lines = [" ".join(line.replace("\t", " ").split()) for line in text.split("\n")]
    lines = [line for line in lines if line and not NOISE_RE.match(line)]
    counts = Counter(line for line in lines if not _starts_piece(line))
    return [line for line in lines if _starts_piece(line) or counts[line] == 1]


def _starts_piece(line: str) -> bool:
    return bool(QUESTION_RE.match(line) or OPTION_RE.match(line) or HEADING_RE.match(line))


def _pieces(lines: list[str]) -> list[_Piece]:
    has_heading = any(HEADING_RE.match(line) for line in lines)
    after_heading = not has_heading
    pieces: list[_Piece] = []
    current: _Piece | None = None
    for line in lines:
        if HEADING_RE.match(line):
            after_heading, current = True, None
            continue
        question = QUESTION_RE.match(line)
        option = OPTION_RE.match(line)
        if question and after_heading:
            current = _Piece("question", question.group(1), [question.group(2)])
            pieces.append(current)
        elif option:
            current = _Piece("option", option.group(1), [option.group(2)])
            pieces.append(current)
        elif current is not None:
            current.lines.append(line)
    return pieces


def _option_lists(options: list[_Piece]) -> list[list[str]]:
    """Options grouped into lists a, b, c …, fragments joined to the list they complete."""
    lists: list[list[_Piece]] = []
    fragments: list[list[_Piece]] = []
    current: list[_Piece] | None = None
    for option in options:
        expected = LETTERS[len(current)] if current is not None and len(current) < 26 else None
        if option.label == "a":
            current = [option]
            lists.append(current)
        elif current is not None and option.label == expected:
            current.append(option)
        else:
            current = [option]
            fragments.append(current)
    for fragment in fragments:
        letter = fragment[0].label
        target = next(
            (
                group
                for group in lists
                if len(group) < 26 and LETTERS[len(group)] == letter and not _true_false(group)
            ),
            None,
        )
        if target is None:
            raise ExchangeError(
                f"the options starting at '{letter}. {fragment[0].text}' continue no list "
                f"that stops at '{LETTERS[LETTERS.index(letter) - 1]}.'"
            )
        target.extend(fragment)
    return [[piece.text for piece in group] for group in lists]


def _true_false(group: list[_Piece]) -> bool:
    """A True/False list is complete: a fragment never continues it."""
    return [piece.text.lower().rstrip(".") for piece in group] == ["true", "false"]


def _question(number: int, stem: str, texts: list[str] | None) -> Question:
    true_false = texts is None or [text.lower().rstrip(".") for text in texts] == ["true", "false"]
    if texts is None:
        stem = TRUE_FALSE_MARK_RE.sub("", stem).rstrip()
        texts = ["True", "False"]
    if true_false:
        texts = [text.rstrip(".").capitalize() for text in texts]
        kind = "true-false"
    else:
        kind = "multiple" if MULTIPLE_RE.search(stem) else "single"
    pinned: set[str] = set()
    for index, text in enumerate(texts):
        named = letter_references(text)
        if kind != "true-false" and (named or POSITIONAL_REF_RE.search(text)):
            pinned.add(LETTERS[index])
            pinned.update(letter for letter in named if LETTERS.index(letter) < len(texts))
    options = tuple(
        Option(id=LETTERS[i], text=text, correct=False, pinned=LETTERS[i] in pinned, line=0)
        for i, text in enumerate(texts)
    )
    return Question(
        id=f"question-{number}",
        type=kind,
        shuffle=kind != "true-false",
        stem=stem,
        options=options,
        rationale="",
        line=0,
    )
