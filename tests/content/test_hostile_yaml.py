"""Hostile front matter: YAML anchors and aliases, explicit tags, escapes, deep nesting.

PyYAML expands an alias bomb into gigabytes, recurses forever on an alias inside itself and
raises on ``!!int x``; the checker refuses each construct where it is written, before anything
is built from it. Each case edits the good activity in a temporary folder (see ``hostile.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.content.hostile import checked, copy_good, edit

BILLION_LAUGHS = "\n".join(
    [
        'lol0: &lol0 "lol"',
        *(
            f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 10)}]"
            for level in range(1, 10)
        ),
    ]
)
ANCHOR_HINT = "remove it and write the value out in full wherever it is needed"
TAG_HINT = "remove it and write a plain value, in quotes if it is text"


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return copy_good(tmp_path)


def add_after_passing_score(activity: Path, lines: str) -> int:
    """Add ``lines`` after ``passing_score: 70`` and return the line of the first."""
    return edit(activity / "article.md", "passing_score: 70", f"passing_score: 70\n{lines}") + 1


def test_an_alias_bomb_is_refused_at_its_first_anchor_before_anything_expands(
    activity: Path,
) -> None:
    line = add_after_passing_score(activity, BILLION_LAUGHS)

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter may not use YAML anchors ('&lol0'); "
        f"{ANCHOR_HINT}"
    ]


def test_an_alias_inside_its_own_anchor_is_refused_instead_of_recursing(activity: Path) -> None:
    line = add_after_passing_score(activity, "loop: &loop [*loop]")

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter may not use YAML anchors ('&loop'); "
        f"{ANCHOR_HINT}"
    ]


def test_an_alias_is_refused_at_its_line(activity: Path) -> None:
    line = add_after_passing_score(activity, "copy: *nowhere")

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter may not use YAML aliases ('*nowhere'); "
        "write the value out in full where it is needed"
    ]


@pytest.mark.parametrize(
    ("old", "new", "tag"),
    [
        ("passing_score: 70", "passing_score: 70\npartial_credit: !!bool maybe", "!!bool"),
        ("passing_score: 70", "passing_score: !!int x", "!!int"),
        ("release_date: 2024-01-15", "release_date: !!timestamp x", "!!timestamp"),
        (
            "passing_score: 70",
            "passing_score: !!python/object/apply:os.system [id]",
            "!!python/object/apply:os.system",
        ),
        ("title: ", "title: !important ", "!important"),
    ],
    ids=["bool", "int", "timestamp", "python", "local"],
)
def test_an_explicit_tag_is_refused_at_its_line_instead_of_crashing(
    activity: Path, old: str, new: str, tag: str
) -> None:
    line = edit(activity / "article.md", old, new) + new.count("\n")

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter may not use YAML tags ('{tag}'); {TAG_HINT}"
    ]


@pytest.mark.parametrize(("escape", "code"), [("\\ud800", "U+D800"), ("\\x07", "U+0007")])
def test_a_character_written_as_an_escape_that_cannot_be_stored_is_refused(
    activity: Path, escape: str, code: str
) -> None:
    line = edit(activity / "article.md", "learning_format: journal-based", f'title2: "a{escape}b"')

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter holds {code} (written as an escape in "
        "quotes), which cannot be shown or stored; remove the escape"
    ]


def test_a_line_break_written_as_an_escape_is_quoted_on_one_line(activity: Path) -> None:
    line = edit(
        activity / "article.md",
        "learning_format: journal-based",
        'learning_format: "journal\\nbased"',
    )

    assert checked(activity) == [
        f"{activity}/article.md:{line}: unknown learning_format 'journal\\nbased'; did you mean "
        "'journal-based'?"
    ]


def test_nesting_deeper_than_any_setting_is_refused_before_it_recurses(activity: Path) -> None:
    line = add_after_passing_score(activity, "x: " + "[" * 4000 + "]" * 4000)

    assert checked(activity) == [
        f"{activity}/article.md:{line}: front matter nests lists and mappings more than 10 "
        "levels deep; no setting needs more than 5, so check the indentation"
    ]


def test_a_front_matter_value_over_5000_characters_is_refused(activity: Path) -> None:
    line = add_after_passing_score(activity, "citation2: " + "word " * 1200)

    assert checked(activity) == [
        f"{activity}/article.md:{line}: this front-matter value is 5,999 characters long, more "
        "than the 5,000 allowed; put long text in the article"
    ]


@pytest.mark.parametrize("value", ["0b_", "0x_", "="])
def test_a_value_pyyaml_cannot_convert_is_reported_as_the_text_it_is(
    activity: Path, value: str
) -> None:
    line = edit(activity / "article.md", "passing_score: 70", f"passing_score: {value}")

    assert checked(activity) == [
        f"{activity}/article.md:{line}: passing_score must be a number, not '{value}'"
    ]


def test_a_character_yaml_refuses_is_reported_by_the_front_matter_reader() -> None:
    from quizapp.content.frontmatter import FrontMatterError, split

    with pytest.raises(FrontMatterError) as refused:
        split("---\nid: x\ntitle: a\ufffeb\n---\n")

    assert (refused.value.line, refused.value.message) == (
        3,
        "front matter holds the character U+FFFE, which YAML does not allow; delete it",
    )
