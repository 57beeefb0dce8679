"""Slow patterns: text shaped to make a regular expression or Markdown search for ever.

32 KB of ``[a](`` took 16 s in the link check and 45 s in Markdown; a posttest heading followed
by a thousand spaces took 9 s, and a settings line with ten gaps of five spaces 20 s, growing
exponentially. Each case below is within the size limits and must be checked, and rendered,
in bounded time, with the exact problems it has (often none).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from quizapp.content.links import check_links
from quizapp.content.model import Problem
from quizapp.content.posttest import parse_posttest
from quizapp.content.render import RenderError, render_markdown
from tests.content.hostile import TIME_BOUND, checked, copy_good, edit

T = TypeVar("T")
PILLARS = "## The four pillars"
TOO_DEEP = "it nests lists, quotes, emphasis (* or _) or HTML elements too deeply"


def paragraphs(line: str, lines: int = 8, count: int = 4) -> str:
    """``count`` paragraphs of ``lines`` copies of ``line``, within the paragraph limit."""
    return "\n\n".join("\n".join([line] * lines) for _ in range(count))


def timed(function: Callable[..., T], *args: object, **keywords: object) -> T:
    """``function(*args, **keywords)``, after asserting it returned within the time bound."""
    start = time.process_time()
    result = function(*args, **keywords)
    assert time.process_time() - start < TIME_BOUND
    return result


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return copy_good(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "[a](" * 8000,
        "[" * 32000,
        "](" * 16000,
        "`" + "a`" * 16000,
        "".join("`" * length + "a" for length in range(1, 250)),
        "```\n" + "~~~\n" * 8000,
    ],
    ids=["open-links", "brackets", "close-open", "backticks", "backtick-runs", "fences"],
)
def test_the_link_check_reads_32_kb_of_brackets_or_backticks_in_bounded_time(text: str) -> None:
    problems: list[Problem] = []

    timed(check_links, text, 1, "article.md", {}, problems, frozenset(), in_article=True)

    assert problems == []


QUESTION = (
    "### q1\n{settings}\n\nWhy?\n\n- [x] Yes{padding}\n- [ ] No\n\n"
    "> **Rationale:**{padding} Because.\n"
)


def test_a_heading_followed_by_spaces_is_read_in_bounded_time() -> None:
    # A second-level heading in the notes before the first question: the old heading pattern
    # took 9 s for a thousand spaces, and each further thousand cost more than the last.
    text = (
        "## Notes"
        + " " * 3000
        + "x\n\n"
        + QUESTION.format(settings="`type: single`", padding=" " * 9000)
    )

    questions, problems = timed(parse_posttest, text, "posttest.md")

    assert problems == []
    assert [question.id for question in questions] == ["q1"]


def test_a_settings_line_with_many_gaps_is_read_in_bounded_time() -> None:
    # The old settings pattern took 20 s for ten gaps of five spaces, doubling with each gap.
    settings = "`type: single`" + "     `shuffle: no`" * 30 + " x"

    _questions, problems = timed(
        parse_posttest, QUESTION.format(settings=settings, padding=""), "posttest.md"
    )

    assert [str(problem) for problem in problems] == [
        "posttest.md:1: question 'q1' has no '`type: …`' line under its heading"
    ]


@pytest.mark.parametrize(
    "text",
    [
        paragraphs("[a](" * 250),
        paragraphs("[" * 1000),
        paragraphs("<a " * 300),
        paragraphs("[^1]" * 250) + "\n\n[^1]: A note.\n",
        paragraphs("a\n===", lines=50, count=20),
        paragraphs("\\[" * 500),
        paragraphs("*_" * 500),
    ],
    ids=["open-links", "brackets", "open-tags", "footnote-repeats", "setext", "escapes", "emph"],
)
def test_markdown_within_the_limits_renders_in_bounded_time(text: str) -> None:
    html = timed(render_markdown, text)

    assert isinstance(html, str)


@pytest.mark.parametrize(
    ("text", "depth"),
    [("*" * 3000 + "a" + "*" * 3000, ""), ("<div>" * 200, " (more than 100 levels)")],
    ids=["emphasis", "html"],
)
def test_markdown_nested_too_deeply_raises_a_render_error_not_a_recursion_error(
    text: str, depth: str
) -> None:
    with pytest.raises(RenderError, match=re.escape(f"{TOO_DEEP}{depth}; simplify it")):
        timed(render_markdown, text)


def test_32_kb_of_open_links_in_the_article_is_checked_in_bounded_time(activity: Path) -> None:
    edit(activity / "article.md", PILLARS, f"{PILLARS}\n\n{paragraphs('[a](' * 250)}")

    assert checked(activity) == []


def test_an_article_nested_too_deeply_to_render_is_a_problem_for_the_checker(
    activity: Path,
) -> None:
    edit(activity / "article.md", PILLARS, "*" * 3000 + "a" + "*" * 3000)

    assert checked(activity) == [
        f"{activity}/article.md:46: the article cannot be shown: {TOO_DEEP}; simplify it"
    ]


def test_a_question_nested_too_deeply_to_render_is_a_problem_for_the_checker(
    activity: Path,
) -> None:
    edit(
        activity / "posttest.md",
        "Which are expected effects",
        "<div>" * 200 + "\n\nWhich are expected effects",
    )

    assert checked(activity) == [
        f"{activity}/posttest.md:43: question 'sglt2-effects' cannot be shown: {TOO_DEEP} "
        "(more than 100 levels); simplify it"
    ]
