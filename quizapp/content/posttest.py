"""Parse ``posttest.md``: one ``###`` heading per question, task-list options, a quoted rationale.

The syntax stays valid GitHub Markdown, so an author can read a question bank on GitHub as the
learner will see it (minus the key). Every problem comes back with its line; parsing goes on
after a problem so that one run reports them all.

The patterns run on lines of up to 10,000 characters that an author wrote, so none may search
backwards through a run of spaces: runs of whitespace are matched possessively, and the few
shapes a regular expression cannot take without that (a heading's closing hashes, a trailing
'`pin`') are read with string methods.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp.content.model import QUESTION_TYPES, Option, Problem, Question

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEADING_MARK_RE = re.compile(r"#{1,6}(?=\s|$)")
OPTION_RE = re.compile(r"^[-*+]\s++\[([ xX])\]\s++(.*\S)\s*+$")
META_LINE_RE = re.compile(r"^\s*+`[^`]++`(?:\s*+(?:[·|,]\s*+)?`[^`]++`)*+\s*+$")
META_SPAN_RE = re.compile(r"`([^`]+)`")
LABEL_RE = re.compile(r"^([a-zA-Z])[.)]\s++(.*)$")
PIN = "`pin`"
RATIONALE_PREFIX_RE = re.compile(
    r"^\s*+\*\*\s*+rationale\s*+(?::\s*+)?\*\*\s*+(?::\s*+)?", re.IGNORECASE
)
POSITIONAL_REF_RE = re.compile(
    r"\b(?:all|none|both|neither) of (?:the above|these|the options|the choices)\b", re.IGNORECASE
)
_LETTER = r"\(?[a-hA-H]\)?"
_JOIN = r"(?:\s*+,\s*+(?:and\s++|or\s++)?|\s++(?:and|or|nor|&)\s++)"
KEYWORD_REF_RE = re.compile(
    rf"\b(?:(?:both|either|neither)\s++(?P<letters>{_LETTER}(?:{_JOIN}{_LETTER})+)"
    rf"|(?:options?|answers?|choices?)\s++(?P<listed>{_LETTER}(?:{_JOIN}{_LETTER})*))(?![\w'])",
    re.IGNORECASE,
)
BARE_REF_RE = re.compile(
    rf"^\s*+(?P<letters>{_LETTER}(?:{_JOIN}{_LETTER})+)\s*+\.?\s*+$", re.IGNORECASE
)
SINGLE_LETTER_RE = re.compile(r"(?<![\w'])\(?([a-hA-H])\)?(?![\w'])")
_NOT_THE_ARTICLE = (
    r"(?!(?-i:a\s++(?!(?:is|was|are|were|and|or|nor|alone|only|also|correctly|incorrectly"
    r"|would|could|may|might|describes|states|names)\b)[a-z]))"
)
RATIONALE_LETTER_RE = re.compile(
    rf"\b(?:both|either|neither)\s++{_LETTER}(?:{_JOIN}{_LETTER})+(?![\w'])"
    rf"|\b(?:options?|answers?|choices?)(?:\s*+:|\s++(?:is|are|was|were))?\s++{_NOT_THE_ARTICLE}"
    rf"{_LETTER}(?:{_JOIN}{_LETTER})*(?![\w'])"
    r"|(?<![\w(])\([a-hA-H]\)(?![\w)])"
    rf"|(?:\A|(?<=[.;:!?*])\s)\s*+[A-H](?:{_JOIN}[A-H])*\s++(?:is|are|was|were)\s++(?:not\s++)?"
    r"(?:correct|incorrect|wrong|right)\b",
    re.IGNORECASE,
)
"""A rationale naming options by letter: "Answers A and B", "option c is wrong", "(a)",
"choice D", "the answer is C", "B is incorrect". A lone "a" after "answer" that starts a noun
phrase ("the answer a patient gives") is the article; the form "B is incorrect" is only read at
the start of a sentence, so "vitamin A is correct here" is left alone."""
INDENTED_BLOCK_RE = re.compile(r"^(?:>|[-*+]\s|\d{1,9}[.)]\s)")
META_KEYS = ("type", "shuffle")
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_Reporter = Callable[[int, str], None]


@dataclass
class _Draft:
    id: str
    line: int
    type: str | None = None
    type_line: int = 0
    shuffle: bool = True
    meta_seen: bool = False
    stem: list[str] = field(default_factory=list)
    options: list[tuple[int, bool, str]] = field(default_factory=list)
    rationale: list[str] = field(default_factory=list)
    rationale_lines: list[int] = field(default_factory=list)
    state: str = "stem"
    after_blank: bool = False
    in_feedback: bool = False


def parse_posttest(text: str, path: str) -> tuple[list[Question], list[Problem]]:
    problems: list[Problem] = []
    drafts: list[_Draft] = []
    current: _Draft | None = None

    def report(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        heading = _heading(line)
        if heading and heading[0] == 3:
            current = _Draft(id=heading[1], line=number)
            drafts.append(current)
            if not current.id:
                report(number, "the '###' heading has no question id, such as '### q1'")
            elif not ID_RE.match(current.id):
                report(
                    number,
                    f"question id '{current.id}' must be lower-case letters, digits and hyphens",
                )
            continue
        if current is None:
            continue
        if heading:
            report(number, "only '###' headings may appear after the first question")
            continue
        _feed(current, number, line, report)

    if not drafts:
        report(1, "the posttest has no questions; start each one with a '### question-id' heading")
    questions: list[Question] = []
    first_seen: dict[str, int] = {}
    for draft in drafts:
        if draft.id in first_seen:
            report(
                draft.line,
                f"duplicate question id '{draft.id}' (first used on line {first_seen[draft.id]})",
            )
            continue
        first_seen[draft.id] = draft.line
        question = _finish(draft, report)
        if question is not None:
            questions.append(question)
    return questions, problems


def _heading(line: str) -> tuple[int, str] | None:
    """The level and text of a Markdown ATX heading (``### q1 ##``), or None.

    Read with string methods: the equivalent pattern, with its optional closing hashes
    between optional spaces, takes seconds to reject a line of a thousand spaces.
    """
    mark = HEADING_MARK_RE.match(line)
    if mark is None:
        return None
    text = line[mark.end() :].strip().rstrip("#").rstrip()
    return mark.end(), text


def _feed(draft: _Draft, number: int, line: str, report: _Reporter) -> None:
    stripped = line.strip()
    indented = line.startswith((" ", "\t"))
    option = OPTION_RE.match(stripped) if not indented else None
    if draft.state == "options" and _is_option_feedback(draft, indented, stripped):
        if not draft.in_feedback:
            report(
                number,
                "feedback under an option is not supported (learners would see it with the "
                "option before they answer); put the explanation in the question's rationale",
            )
        draft.in_feedback = True
        return
    if stripped:
        draft.in_feedback = False
        draft.after_blank = False
    elif draft.state == "options":
        draft.after_blank = True
    if draft.state == "stem":
        if not draft.meta_seen and not draft.stem and META_LINE_RE.match(stripped):
            draft.meta_seen = True
            _read_meta(draft, number, stripped, report)
        elif option:
            draft.state = "options"
            draft.options.append((number, option.group(1) != " ", option.group(2)))
        elif stripped.startswith(">") and draft.stem:
            report(number, "the rationale must come after the options")
        elif stripped or draft.stem:
            draft.stem.append(line)
    elif draft.state == "options":
        if option:
            draft.options.append((number, option.group(1) != " ", option.group(2)))
        elif stripped.startswith(">"):
            draft.state = "rationale"
            draft.rationale.append(_unquote(stripped))
            draft.rationale_lines.append(number)
        elif stripped and indented and draft.options:
            first_line, correct, text = draft.options[-1]
            draft.options[-1] = (first_line, correct, f"{text} {stripped}")
        elif stripped:
            report(
                number,
                "unexpected text after the options; put the rationale in a "
                "'> **Rationale:**' quote",
            )
    elif draft.state == "rationale":
        if stripped.startswith(">"):
            draft.rationale.append(_unquote(stripped))
            draft.rationale_lines.append(number)
        elif stripped:
            draft.state = "done"
            report(number, "unexpected text after the rationale; start a new question with '###'")
    elif stripped:
        report(number, "unexpected text after the rationale; start a new question with '###'")


def _is_option_feedback(draft: _Draft, indented: bool, stripped: str) -> bool:
    """Whether a line under an option is a block of its own rather than the option's text
    wrapped onto the next line: an indented quote or list, or an indented paragraph after a
    blank line. Markdown would show such a block inside the option, on the learner's form."""
    if not indented or not stripped or not draft.options:
        return False
    return draft.in_feedback or draft.after_blank or bool(INDENTED_BLOCK_RE.match(stripped))


def _unquote(line: str) -> str:
    return line[1:].removeprefix(" ")


def _read_meta(draft: _Draft, number: int, line: str, report: _Reporter) -> None:
    for span in META_SPAN_RE.findall(line):
        key, sep, value = (part.strip() for part in span.partition(":"))
        if not sep:
            report(number, f"'{span}' is not a 'key: value' setting")
        elif key == "type":
            draft.type = value
            draft.type_line = number
            if value not in QUESTION_TYPES:
                report(
                    number,
                    f"unknown question type '{value}' (expected one of: "
                    f"{', '.join(QUESTION_TYPES)})",
                )
        elif key == "shuffle":
            if value not in ("yes", "no"):
                report(number, f"shuffle must be 'yes' or 'no', not '{value}'")
            draft.shuffle = value != "no"
        else:
            report(number, f"unknown question setting '{key}' (expected: {', '.join(META_KEYS)})")


def _finish(draft: _Draft, report: _Reporter) -> Question | None:
    ok = True
    if draft.type is None:
        report(draft.line, f"question '{draft.id}' has no '`type: …`' line under its heading")
        ok = False
    elif draft.type not in QUESTION_TYPES:
        ok = False
    if not "".join(draft.stem).strip():
        report(draft.line, f"question '{draft.id}' has no question text")
        ok = False
    options = _read_options(draft, report)
    if options is None:
        return None
    if len(options) < 2:
        report(draft.line, f"question '{draft.id}' needs at least two options")
        return None
    correct = [option for option in options if option.correct]
    if not correct:
        report(draft.line, f"question '{draft.id}' has no correct option; mark one with '[x]'")
        ok = False
    elif draft.type in ("true-false", "single") and len(correct) > 1:
        report(
            draft.line,
            f"question '{draft.id}' is {draft.type} but marks {len(correct)} options correct; "
            "it needs exactly one",
        )
        ok = False
    if draft.type == "true-false" and [o.text.lower() for o in options] != ["true", "false"]:
        report(draft.line, f"true-false question '{draft.id}' must have exactly: True, False")
        ok = False
    rationale = "\n".join(draft.rationale).strip()
    rationale = RATIONALE_PREFIX_RE.sub("", rationale, count=1).strip()
    if not rationale:
        report(
            draft.line,
            f"question '{draft.id}' has no rationale; add a '> **Rationale:** …' quote",
        )
        ok = False
    shuffle = draft.shuffle and draft.type != "true-false"
    ok = _check_letter_references(options, report, shuffled=shuffle) and ok
    if shuffle and not all(option.pinned for option in options):
        ok = _check_rationale_letters(draft, report) and ok
    if not ok:
        return None
    return Question(
        id=draft.id,
        type=draft.type or "",
        shuffle=shuffle,
        stem="\n".join(draft.stem).strip(),
        options=tuple(options),
        rationale=rationale,
        line=draft.line,
    )


def _read_options(draft: _Draft, report: _Reporter) -> list[Option] | None:
    options: list[Option] = []
    seen_text: dict[str, int] = {}
    ok = True
    if len(draft.options) > len(LETTERS):
        report(draft.line, f"question '{draft.id}' has more than {len(LETTERS)} options")
        return None
    first_text = _unpin(draft.options[0][2])[0] if draft.options else ""
    first_label = LABEL_RE.match(first_text)
    labelled = (
        draft.type != "true-false" and first_label is not None and first_label.group(1) in "aA"
    )
    for index, (line, correct, raw_text) in enumerate(draft.options):
        expected = LETTERS[index]
        text, pinned = _unpin(raw_text)
        label = LABEL_RE.match(text)
        if labelled:
            if label is None or label.group(1).lower() != expected:
                found = f"labelled '{label.group(1)}.'" if label else "not labelled"
                report(
                    line,
                    f"option {found} is option {expected}; once the first option is "
                    "labelled 'a.', labels must run a, b, c … in order",
                )
                ok = False
            else:
                text = label.group(2)
        if text.lower() in seen_text:
            report(line, f"option '{text}' repeats the option on line {seen_text[text.lower()]}")
            ok = False
        seen_text[text.lower()] = line
        options.append(Option(id=expected, text=text, correct=correct, pinned=pinned, line=line))
    return options if ok else None


def _unpin(text: str) -> tuple[str, bool]:
    """The option's text without a trailing '`pin`', and whether it had one."""
    if text.endswith(PIN):
        return text.removesuffix(PIN).rstrip(), True
    return text, False


def _check_rationale_letters(draft: _Draft, report: _Reporter) -> bool:
    """Report each rationale line that names options by letter in a shuffled question."""
    text = "\n".join(draft.rationale)
    reported: set[int] = set()
    for found in RATIONALE_LETTER_RE.finditer(text):
        number = draft.rationale_lines[text.count("\n", 0, found.start() + 1)]
        if number in reported:
            continue
        reported.add(number)
        phrase = " ".join(found.group().split())
        report(
            number,
            f"the rationale of question '{draft.id}' names an option by letter "
            f'("{phrase}") but the options are shuffled, so the learner may have seen another '
            "letter there; name the option by its text, or add '`shuffle: no`' to the question",
        )
    return not reported


def letter_references(text: str) -> set[str]:
    """Option letters an option's text names, as in "Both a and b" or "Answers a, c and d".

    Letters only count after a word that introduces them (both, either, neither, options,
    answers) or when the whole option is letters ("a and c"), so "vitamins B and C" or
    "hepatitis A or B" are not mistaken for references.
    """
    letters: set[str] = set()
    matches = list(KEYWORD_REF_RE.finditer(text))
    bare = BARE_REF_RE.match(text)
    if bare:
        matches.append(bare)
    for match in matches:
        listed = match.groupdict().get("letters") or match.groupdict().get("listed") or ""
        letters.update(letter.lower() for letter in SINGLE_LETTER_RE.findall(listed))
    return letters


def _check_letter_references(options: list[Option], report: _Reporter, *, shuffled: bool) -> bool:
    ok = True
    by_id = {option.id: option for option in options}
    for option in options:
        named = letter_references(option.text)
        positional = bool(POSITIONAL_REF_RE.search(option.text))
        if not named and not positional:
            continue
        missing = sorted(letter for letter in named if letter not in by_id)
        if missing:
            report(
                option.line, f"option {option.id} names option {missing[0]}, which does not exist"
            )
            ok = False
            continue
        if not shuffled:
            continue
        movable = [option.id] if not option.pinned else []
        movable += sorted(letter for letter in named - {option.id} if not by_id[letter].pinned)
        if movable:
            report(
                option.line,
                f'option {option.id} ("{option.text}") refers to other options by letter or '
                f"position but {'option' if len(movable) == 1 else 'options'} "
                f"{', '.join(movable)} could be shuffled; add "
                "'`shuffle: no`' to the question or end those options with '`pin`'",
            )
            ok = False
    return ok
