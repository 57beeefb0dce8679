"""The whole report of ``quizapp content check`` on a tree of many activities with problems.

``tests/golden/content-check-broken.txt`` is what the checker printed for the broken corpus
before its speed-ups (sanitizing left out of the check, the application left unbuilt when a
folder is named): every message, its file and line, in order. A change that alters one byte of
it changes what authors see.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner
from flask.testing import FlaskCliRunner

import quizapp
from quizapp.cli import cli
from quizapp.content.folder import activity_folders
from tests.conftest import SAMPLE_CONTENT

CORPUS = Path(__file__).parent / "corpus"
GOLDEN = Path(__file__).parent.parent / "golden" / "content-check-broken.txt"


@pytest.fixture(autouse=True)
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)


def test_the_report_on_a_tree_of_broken_activities_is_the_one_authors_have_always_seen() -> None:
    result = CliRunner().invoke(cli, ["content", "check", "broken"])

    assert result.exit_code == 1
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")
    assert result.stderr == "63 problem(s) found.\n"


def test_checking_a_named_folder_builds_no_application(monkeypatch: pytest.MonkeyPatch) -> None:
    # Building it reads the site's settings and, when it has no secret, writes one.
    def refuse(*args: object) -> NoReturn:
        raise AssertionError("the application was built")

    monkeypatch.setattr(quizapp, "create_app", refuse)

    result = CliRunner().invoke(cli, ["content", "check", "good"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "2 activities checked, no problems.\n"


def test_without_a_folder_the_check_reads_the_configured_content_folder(
    runner: FlaskCliRunner,
) -> None:
    result = runner.invoke(args=["content", "check"])

    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"{len(activity_folders(SAMPLE_CONTENT))} activities checked, no problems.\n"
    )
