"""Warnings: settings the checker allows but that weaken a posttest for credit."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask.testing import FlaskCliRunner

from quizapp.content import load_tree
from tests.conftest import SAMPLE_CONTENT


def copy_with(tmp_path: Path, review: str) -> Path:
    """The imatinib activity (two true/false questions) with ``review`` in its front matter."""
    folder = tmp_path / "imatinib-bone-edema"
    shutil.copytree(SAMPLE_CONTENT / "imatinib-bone-edema", folder)
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("attempts_allowed: 3\n", f"attempts_allowed: 3\n{review}", 1))
    return folder


def test_marking_wrong_items_after_each_attempt_warns_that_true_false_answers_leak(
    tmp_path: Path,
) -> None:
    folder = copy_with(tmp_path, "review:\n  wrong_items: after-each-attempt\n")

    tree = load_tree(folder)

    assert tree.problems == []
    assert len(tree.activities) == 1
    (warning,) = tree.warnings
    line = folder.joinpath("article.md").read_text().splitlines().index("review:") + 1
    assert (warning.path, warning.line) == (str(folder / "article.md"), line)
    assert warning.message.startswith(
        "warning: review shows wrong_items after each attempt, which gives away the answer of "
        "the 2 true/false questions to a learner who may try again"
    )


def test_the_default_policy_and_a_late_one_give_no_warning(tmp_path: Path) -> None:
    assert load_tree(SAMPLE_CONTENT).warnings == []
    late = copy_with(tmp_path, "review:\n  answers: after-passing\n")
    assert load_tree(late).warnings == []


def test_content_check_prints_the_warning_and_still_succeeds(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = copy_with(tmp_path, "review:\n  answers: after-each-attempt\n")

    result = runner.invoke(args=["content", "check", str(folder)])

    assert result.exit_code == 0, result.output
    assert "warning: review shows answers after each attempt" in result.output
    assert "1 activity checked, no problems (1 warning(s) above)." in result.output
