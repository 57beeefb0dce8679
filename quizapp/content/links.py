"""Every link and image target in an activity's Markdown points somewhere that exists.

Links may go to the web, to a figure in the activity's figures/ folder, or to a heading of
the article; anything else would be a broken link on the learner's page. The checks read the
Markdown as text, so each problem keeps the line the author wrote it on.

Every pattern here runs in time linear in the text, whatever an author writes: link text
stops at the next bracket, a target at 2,000 characters, and code is found by pairing runs of
backticks rather than by a regular expression that searches from every backtick.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from quizapp.content.folder import ARTICLE, FIGURES
from quizapp.content.model import Problem

MAX_TARGET = 2000
LINK_RE = re.compile(
    rf"(!?)\[[^\[\]]*+\]\(\s*+<?([^)\s>]{{1,{MAX_TARGET}}}+)>?"
    r"(?:\s++(?:\"[^\"]*+\"|'[^']*+'))?\s*+\)"
)
LINK_DEFINITION_RE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
EXTERNAL_RE = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FENCES = ("```", "~~~")
BACKTICKS_RE = re.compile(r"`+")


def check_links(
    text: str,
    first_line: int,
    path: str,
    figures: dict[str, Path],
    problems: list[Problem],
    anchors: frozenset[str] | None = None,
    *,
    in_article: bool = False,
) -> None:
    """Check every link and image target; code spans and blocks are examples, not links."""
    prose = _blank_code(text)
    found = [(m.start(2), m.group(1) == "!", m.group(2)) for m in LINK_RE.finditer(prose)]
    start = 0
    for line in prose.splitlines(keepends=True):
        definition = LINK_DEFINITION_RE.match(line)
        if definition:
            found.append((start, False, definition.group(1)))
        start += len(line)
    for position, is_image, target in sorted(found):
        line = first_line + prose.count("\n", 0, position)
        message = _link_problem(is_image, target, figures) or _anchor_problem(
            target, anchors, in_article=in_article
        )
        if message:
            problems.append(Problem(path, line, message))


def _blank_code(text: str) -> str:
    """Replace fenced code blocks and inline code spans with spaces, keeping line breaks."""
    return _blank_code_spans(_blank_fences(text))


def _blank_fences(text: str) -> str:
    """Blank each block from a line starting with a fence to the next line starting with the
    same fence; a fence that is never closed is left as text, as Markdown leaves it."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        fence = lines[index][:3]
        if fence in FENCES:
            close = next(
                (j for j in range(index + 1, len(lines)) if lines[j].startswith(fence)), None
            )
            if close is not None:
                for j in range(index, close + 1):
                    lines[j] = " " * len(lines[j])
                index = close + 1
                continue
        index += 1
    return "\n".join(lines)


def _blank_code_spans(text: str) -> str:
    """Blank each code span: a run of backticks up to the next run of the same length.

    A run with no partner may still close with its last backticks, as Python-Markdown pairs
    them (of a run of three, two or one may open a span). The runs are paired by their length,
    so the work grows with the text, not with the text times its backticks.
    """
    runs = [(match.start(), match.end()) for match in BACKTICKS_RE.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        for length in range(end - start, 0, -1):
            later = by_length.get(length, [])
            position = bisect_right(later, index)
            if position < len(later):
                close = later[position]
                spans.append((end - length, runs[close][1]))
                index = close + 1
                break
        else:
            index += 1
    if not spans:
        return text
    parts: list[str] = []
    previous = 0
    for start, end in spans:
        parts.append(text[previous:start])
        parts.append(re.sub(r"[^\n]", " ", text[start:end]))
        previous = end
    parts.append(text[previous:])
    return "".join(parts)


def _anchor_problem(target: str, anchors: frozenset[str] | None, *, in_article: bool) -> str | None:
    if anchors is None or "#" not in target or EXTERNAL_RE.match(target):
        return None
    page, _, anchor = target.partition("#")
    if page not in ("", ARTICLE) or not anchor:
        return None
    if page == "" and not in_article:
        return (
            f"link '{target}' points into the posttest; link to the article as "
            f"'article.md#{anchor}'"
        )
    if anchor not in anchors and not anchor.startswith(("fn:", "fnref:")):
        return f"anchor '#{anchor}' matches no heading in article.md"
    return None


def _link_problem(is_image: bool, target: str, figures: dict[str, Path]) -> str | None:
    plain = target.split("#", 1)[0].split("?", 1)[0]
    if plain.startswith(f"{FIGURES}/"):
        if ".." in plain.split("/") or plain not in figures:
            return f"figure '{plain}' does not exist in the activity's figures/ folder"
        return None
    if is_image:
        return f"image '{target}' must be a file in the activity's figures/ folder"
    if EXTERNAL_RE.match(target) or target.startswith("#") or plain == ARTICLE:
        return None
    return (
        f"link '{target}' is neither a web address, a figure, nor an anchor in article.md "
        "(such as article.md#discussion)"
    )
