"""Plain lines skip Python-Markdown: the shortcut must give exactly what the converter gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.content import render

PLAIN_ALPHABET = "abcXYZ019 ,.;:()'\"?%/+=-"


def converted_by_markdown(text: str) -> str:
    return render._convert(render._converter(), text)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(render.PLAIN_TEXT_RE, fullmatch=True))
def test_a_plain_line_renders_as_the_converter_renders_it(text: str) -> None:
    assert render._converted(text)[0] == converted_by_markdown(text)
    assert render.render_inline(text) == render.sanitize(converted_by_markdown(text))[3:-4]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=PLAIN_ALPHABET + "*_[]<>&`#!\n~|\\ \t1", max_size=30))
def test_any_line_renders_as_the_converter_renders_it(text: str) -> None:
    """Lines the shortcut refuses (markers, emphasis, entities, leading digits or spaces)
    go through the converter; either way the result is the converter's."""
    assert render._converted(text)[0] == converted_by_markdown(text)


def test_lines_with_markdown_meaning_are_not_taken_for_plain_text() -> None:
    for text in ("1. first", "- item", "# title", "a *b*", "a_b_", "x  ", " x", "a & b", "é"):
        assert not render.PLAIN_TEXT_RE.fullmatch(text), text
    assert render.PLAIN_TEXT_RE.fullmatch("Edema and fluid retention (about 60%).")
