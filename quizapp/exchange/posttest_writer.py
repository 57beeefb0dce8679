"""Questions back to ``posttest.md``, in the form the checker reads (docs/content-format.md)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from quizapp.content.model import Question
from quizapp.content.posttest import LABEL_RE, PIN


def posttest_markdown(questions: Sequence[Question], *, note: str = "") -> str:
    """The text of a ``posttest.md``; ``note`` goes in an HTML comment under the title, where
    the author reads it and learners never do."""
    parts = ["# Posttest\n"]
    if note:
        parts.append(f"<!-- {note.replace('--', '—')} -->\n")
    for question in questions:
        parts.append(_question(question))
    return "\n".join(parts)


WIDTH = 96
_STARTS_BLOCK_RE = re.compile(r"^(?:[-*+>#|]|\d{1,9}[.)]\s|`)")


def _wrapped(markdown: str) -> list[str]:
    """The lines of ``markdown`` with each plain paragraph wrapped to :data:`WIDTH`, the way
    authors write; a paragraph whose wrapping would start a line with Markdown syntax (a list
    mark, a quote, a heading) stays on one line."""
    lines: list[str] = []
    for block in markdown.strip().split("\n\n"):
        if lines:
            lines.append("")
        if "\n" in block or _STARTS_BLOCK_RE.match(block):
            lines.extend(block.splitlines())
            continue
        wrapped = textwrap.wrap(block, WIDTH, break_long_words=False, break_on_hyphens=False)
        if any(_STARTS_BLOCK_RE.match(line) for line in wrapped[1:]):
            wrapped = [block]
        lines.extend(wrapped)
    return lines


def _question(question: Question) -> str:
    settings = f"`type: {question.type}`"
    if not question.shuffle and question.type != "true-false":
        settings += " · `shuffle: no`"
    lines = [f"### {question.id}", "", settings, "", *_wrapped(question.stem), ""]
    labelled = question.type != "true-false" and (
        not question.shuffle or any(LABEL_RE.match(option.text) for option in question.options[:1])
    )
    for option in question.options:
        mark = "x" if option.correct else " "
        label = f"{option.id}. " if labelled else ""
        pin = f" {PIN}" if option.pinned and question.shuffle else ""
        lines.append(f"- [{mark}] {label}{option.text}{pin}")
    lines.append("")
    rationale = _wrapped(question.rationale) or [""]
    quoted = [f"> **Rationale:** {rationale[0]}".rstrip()]
    quoted += [f"> {line}".rstrip() for line in rationale[1:]]
    lines.extend(quoted)
    lines.append("")
    return "\n".join(lines)
