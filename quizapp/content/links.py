"""Every link and image target in an activity's Markdown points somewhere that exists.

Links may go to the web, to a figure in the activity's figures/ folder, or to a heading of
the article; anything else would be a broken link on the learner's page. The checks read the
Markdown as text, so each problem keeps the line the author wrote it on.
"""

from __future__ import annotations

import re
from pathlib import Path

from quizapp.content.folder import ARTICLE, FIGURES
from quizapp.content.model import Problem

LINK_RE = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
LINK_DEFINITION_RE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
EXTERNAL_RE = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FENCE_RE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


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
    for offset, line in enumerate(prose.splitlines(keepends=True)):
        definition = LINK_DEFINITION_RE.match(line)
        if definition:
            start = sum(len(x) for x in prose.splitlines(keepends=True)[:offset])
            found.append((start, False, definition.group(1)))
    for position, is_image, target in sorted(found):
        line = first_line + prose.count("\n", 0, position)
        message = _link_problem(is_image, target, figures) or _anchor_problem(
            target, anchors, in_article=in_article
        )
        if message:
            problems.append(Problem(path, line, message))


def _blank_code(text: str) -> str:
    """Replace fenced code blocks and inline code spans with spaces, keeping line breaks."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    text = FENCE_RE.sub(blank, text)
    return CODE_SPAN_RE.sub(blank, text)


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
