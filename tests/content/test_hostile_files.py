"""Hostile folders: links to server files, things that are not files, files too large to read.

An author may write an activity, not read the server: a link such as ``figures/leak.png ->
instance/secret_key`` must be a problem, never a figure. Each case is built from the good
activity in a temporary folder (see ``hostile.py``) and asserts every problem printed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizapp.content import load_tree
from tests.content.hostile import checked, copy_good, edit

LINKED_FIGURE = (
    "figures must be regular files inside the activity folder, not links; copy the file in instead"
)
LINKED_FOLDER = (
    "folders in an activity folder must be real folders, not links; copy the folder in instead"
)


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return copy_good(tmp_path)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A server file outside the activity folder, standing in for ``instance/secret_key``."""
    path = tmp_path / "secret_key"
    path.write_text("s3cret", encoding="utf-8")
    return path


def test_a_figure_that_links_to_a_server_file_is_refused_not_loaded(
    activity: Path, secret: Path
) -> None:
    (activity / "figures" / "leak.png").symlink_to(Path("..", "..", secret.name))

    assert checked(activity) == [f"{activity}/figures/leak.png:1: {LINKED_FIGURE}"]
    assert load_tree(activity).activities == []


@pytest.mark.parametrize("name", ["article.md", "posttest.md"])
def test_an_article_or_posttest_that_is_a_link_is_refused(
    activity: Path, tmp_path: Path, name: str
) -> None:
    elsewhere = tmp_path / name
    (activity / name).rename(elsewhere)
    (activity / name).symlink_to(elsewhere)

    assert checked(activity) == [
        f"{activity}/{name}:1: {name} must be a regular file inside the activity folder, not a "
        "link; copy the file in instead"
    ]


def test_a_figures_folder_that_is_a_link_is_refused_and_gives_no_figures(
    activity: Path, tmp_path: Path
) -> None:
    (activity / "figures").rename(tmp_path / "shared-figures")
    (activity / "figures").symlink_to(tmp_path / "shared-figures")

    assert checked(activity) == [
        f"{activity}/article.md:53: figure 'figures/ecg-lbbb.png' does not exist in the "
        "activity's figures/ folder",
        f"{activity}/figures:1: {LINKED_FOLDER}",
        f"{activity}/posttest.md:19: figure 'figures/ecg-lbbb.png' does not exist in the "
        "activity's figures/ folder",
    ]


def test_an_activity_folder_that_is_a_link_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "elsewhere").mkdir()
    copy_good(tmp_path / "elsewhere")
    (tmp_path / "content" / "heart-failure-update").symlink_to(
        tmp_path / "elsewhere" / "heart-failure-update"
    )

    assert checked(Path("content")) == [
        "content/heart-failure-update:1: the activity folder is a link to another folder; an "
        "activity must be a real folder inside the content folder, so copy the folder in instead"
    ]


def test_every_other_link_in_the_folder_is_refused_even_a_broken_one(activity: Path) -> None:
    (activity / "notes").symlink_to("/etc")
    (activity / "figures" / "readme.txt").symlink_to("/etc/hostname")
    (activity / "figures" / "dangling.png").symlink_to("missing.png")

    assert checked(activity) == [
        f"{activity}/figures/dangling.png:1: {LINKED_FIGURE}",
        f"{activity}/figures/readme.txt:1: {LINKED_FIGURE}",
        f"{activity}/notes:1: {LINKED_FOLDER}",
    ]


def test_an_editors_lock_file_is_ignored_like_every_name_starting_with_a_dot(
    activity: Path,
) -> None:
    (activity / ".#article.md").symlink_to("pat@workstation.4242:1700000000")

    assert checked(activity) == []


def test_a_posttest_that_is_a_folder_is_reported_instead_of_crashing(activity: Path) -> None:
    (activity / "posttest.md").unlink()
    (activity / "posttest.md").mkdir()

    assert checked(activity) == [
        f"{activity}/posttest.md:1: posttest.md is a folder; it must be a Markdown file"
    ]


def test_a_posttest_that_is_a_named_pipe_is_reported_without_waiting_on_it(
    activity: Path,
) -> None:
    (activity / "posttest.md").unlink()
    os.mkfifo(activity / "posttest.md")

    assert checked(activity) == [
        f"{activity}/posttest.md:1: posttest.md is not a regular file (a pipe or a device); it "
        "must be a Markdown file"
    ]


def test_an_article_over_100_kb_is_refused_before_it_is_read_as_markdown(
    activity: Path,
) -> None:
    article = activity / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "Lorem ipsum dolor sit amet.\n\n" * 4000,
        encoding="utf-8",
    )

    assert checked(activity) == [
        f"{activity}/article.md:1: article.md is larger than 100 KB, the most it may hold; "
        "shorten it or split the activity in two"
    ]


def test_a_posttest_over_50_kb_is_refused(activity: Path) -> None:
    posttest = activity / "posttest.md"
    posttest.write_text(
        "Notes.\n\n" * 7000 + posttest.read_text(encoding="utf-8"), encoding="utf-8"
    )

    assert checked(activity) == [
        f"{activity}/posttest.md:1: posttest.md is larger than 50 KB, the most it may hold; "
        "shorten it or split the activity in two"
    ]


def test_a_30_kb_line_is_refused(activity: Path) -> None:
    line = edit(activity / "article.md", "## The four pillars", "word " * 6000)

    assert checked(activity) == [
        f"{activity}/article.md:{line}: line is 30,000 characters long, more than the 10,000 "
        "allowed; break it into shorter lines (the lines of a paragraph are joined when shown)",
        f"{activity}/article.md:{line}: the paragraph starting here is longer than 20,000 "
        "characters; split it with a blank line (each list item and each table row starting "
        "with | counts on its own)",
    ]


def test_more_than_300_lines_without_a_blank_line_are_refused(activity: Path) -> None:
    line = edit(
        activity / "article.md", "## The four pillars", "## The four pillars\n\n" + "a\n" * 301
    )

    assert checked(activity) == [
        f"{activity}/article.md:{line + 2}: more than 300 lines follow one another from here "
        "without a blank line; add a blank line between paragraphs (split a longer list or "
        "table in two)"
    ]


def test_a_paragraph_over_20000_characters_is_refused_but_a_long_list_is_not(
    activity: Path,
) -> None:
    article = activity / "article.md"
    edit(article, "## The four pillars", "- reference\n" * 250 + "\n## The four pillars")
    assert checked(activity) == []
    line = edit(
        article, "## The four pillars", "## The four pillars\n\n" + ("word " * 1000 + "\n") * 5
    )

    assert checked(activity) == [
        f"{activity}/article.md:{line + 2}: the paragraph starting here is longer than 20,000 "
        "characters; split it with a blank line (each list item and each table row starting "
        "with | counts on its own)"
    ]


def test_control_characters_are_refused_at_their_line_with_the_number_of_others(
    activity: Path,
) -> None:
    article_line = edit(activity / "article.md", "passing_score: 70", "passing_score: 7\x010")
    posttest_line = edit(activity / "posttest.md", "Glycosuria", "Glyco\x00suria\x00")

    assert checked(activity) == [
        f"{activity}/article.md:{article_line}: the invisible control character U+0001 is not "
        "allowed; delete it (retype the line if your editor does not show it)",
        f"{activity}/posttest.md:{posttest_line}: the invisible control character U+0000 is "
        "not allowed (1 more in the file); delete it (retype the line if your editor does not "
        "show it)",
    ]


def test_a_figure_whose_name_is_not_text_is_reported_with_the_name_escaped(
    activity: Path,
) -> None:
    (activity / "figures" / "ecg\x1b[31m.png").write_bytes(b"\x89PNG")
    (activity / "figures" / os.fsdecode(b"\xff.png")).write_bytes(b"\x89PNG")

    message = (
        "the file name holds control characters or bytes that are not UTF-8 (shown escaped in "
        "the path); rename the file"
    )
    assert checked(activity) == [
        f"{activity}/figures/\\udcff.png:1: {message}",
        f"{activity}/figures/ecg\\x1b[31m.png:1: {message}",
    ]
