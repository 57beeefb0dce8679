"""Say what a YAML syntax error means to an author, and how to fix it.

PyYAML reports where its scanner or parser stopped in its own terms ("mapping values are not
allowed here", "expected <block end>, but found '<block mapping start>'"). An author who wrote
``title: Heart failure: an update`` or mis-indented one faculty line needs to hear which line is
wrong and what to type instead. The explanations here look only at the text of the front
matter around the line PyYAML names; when none fits, PyYAML's own words are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

KEY_LINE_RE = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*):(?: +(?P<value>.*))?$"
)
"""A line holding ``key: value`` (or ``- key: value`` in a list), as front matter writes them."""
DASH_LINE_RE = re.compile(r"^(?P<indent> *)- ")


@dataclass(frozen=True)
class _Line:
    number: int
    """Counted from 0 within the YAML text, as PyYAML's marks are."""
    text: str

    @property
    def column(self) -> int:
        """Where the line's key starts: after the indentation and any ``- `` list marker."""
        match = KEY_LINE_RE.match(self.text)
        if match is None:
            return len(self.text) - len(self.text.lstrip(" "))
        return len(match["indent"]) + len(match["dash"] or "")

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))


def explain(error: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, str]:
    """The line (counted in the file) and the message for ``error`` in the YAML ``text``."""
    mark = error.problem_mark or error.context_mark
    index = mark.line if mark else 0
    lines = text.splitlines()
    problem = error.problem or "invalid YAML"
    advice = _advice(error, lines, index, first_line)
    if advice is None:
        return first_line + index, f"front matter is not valid YAML: {problem}"
    line, message = advice
    return first_line + line, f"front matter is not valid YAML: {message}"


def _advice(
    error: yaml.MarkedYAMLError, lines: list[str], index: int, first_line: int
) -> tuple[int, str] | None:
    problem = error.problem or ""
    line_text = lines[index] if 0 <= index < len(lines) else ""
    if "'\\t'" in problem:
        return index, "this line is indented with a tab; YAML needs spaces, so replace the tab"
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        opened = error.context_mark.line
        return opened, (
            "the quote that starts this value is never closed; end the value with the same "
            "kind of quote it starts with"
        )
    if problem == "mapping values are not allowed here":
        return _colon_or_indent(lines, index, first_line)
    if problem.startswith("expected <block end>, but found '<scalar>'"):
        match = KEY_LINE_RE.match(line_text)
        if match and (match["value"] or "")[:1] in "\"'":
            return index, (
                f"the value of '{match['key']}' goes on after its closing quote; put the whole "
                "value in quotes, using the other kind of quote around it: "
                f"{match['key']}: {_quoted(match['value'])}"
            )
    if problem.startswith("expected <block end>, but found '<block"):
        return _misaligned(lines, index, first_line)
    return None


def _colon_or_indent(lines: list[str], index: int, first_line: int) -> tuple[int, str] | None:
    """PyYAML met a second ``: `` on a line: either a value holding a colon, or a line
    indented under one that already has its value."""
    if not 0 <= index < len(lines):
        return None
    here = _Line(index, lines[index])
    above = _line_above(lines, index)
    if above is not None and here.column > above.column:
        match = KEY_LINE_RE.match(above.text)
        if match and match["value"]:
            return index, (
                f"this line is indented more than line {first_line + above.number} "
                f"('{match['key']}'), which already has its value; "
                f"{_indent_by(above.column)}, like '{match['key']}', if it is a key of the "
                "same mapping"
            )
    match = KEY_LINE_RE.match(here.text)
    if match and match["value"] and ":" in match["value"]:
        return index, (
            f"the value of '{match['key']}' holds a colon followed by a space, which YAML reads "
            f"as the start of another key; put the value in quotes: "
            f"{match['key']}: {_quoted(match['value'])}"
        )
    return None


def _misaligned(lines: list[str], index: int, first_line: int) -> tuple[int, str] | None:
    """A line indented between two levels: name the level it most likely belongs to."""
    if not 0 <= index < len(lines):
        return None
    here = _Line(index, lines[index])
    dash = DASH_LINE_RE.match(here.text)
    above = [_Line(number, lines[number]) for number in range(index) if lines[number].strip()]
    if dash:
        candidates = [line for line in above if DASH_LINE_RE.match(line.text)]
        spaces = len(dash["indent"])
        columns = {line.indent: line for line in candidates}
        what = "list entry"
    else:
        spaces = here.column
        columns = {line.column: line for line in above if KEY_LINE_RE.match(line.text)}
        what = "key"
    deeper = sorted(column for column in columns if column > spaces)
    if not deeper:
        shallower = sorted(column for column in columns if column < spaces)
        if not shallower:
            return index, (
                f"this {what} is not lined up with the lines above it; check its indentation"
            )
        model = columns[shallower[-1]]
        return index, (
            f"this {what} is indented by {spaces} space{'s' if spaces != 1 else ''}, more than "
            f"the {what}s above it, and the line above already has its value; "
            f"{_indent_by(shallower[-1])}, like line {first_line + model.number}"
        )
    target = deeper[0]
    model = columns[target]
    return index, (
        f"this {what} is indented by {spaces} space{'s' if spaces != 1 else ''}, which lines it "
        f"up with nothing above it; {_indent_by(target)}, like line "
        f"{first_line + model.number}"
    )


def _line_above(lines: list[str], index: int) -> _Line | None:
    for number in range(index - 1, -1, -1):
        if lines[number].strip() and not lines[number].lstrip().startswith("#"):
            return _Line(number, lines[number])
    return None


def _indent_by(spaces: int) -> str:
    return "start it at the left margin" if spaces == 0 else f"indent it by {spaces} spaces"


def _quoted(value: str) -> str:
    """``value`` in the quotes an author can paste: double quotes unless it holds one."""
    value = value.strip()
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
