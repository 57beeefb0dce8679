"""``follow_up_weeks`` and ``follow_up_questions``: checked like every key, each problem at its
line, carried into the version, and absent (no follow-up) in versions published before them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quizapp.content import load_tree
from quizapp.content.evaluation import DEFAULT_FOLLOW_UP
from quizapp.content.publish import version_meta
from quizapp.content.snapshot import VersionMeta

GOOD = Path(__file__).parent / "corpus" / "good" / "heart-failure-update"


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(GOOD, tmp_path / "heart-failure-update")
    monkeypatch.chdir(tmp_path)
    return Path("heart-failure-update")


def with_front_matter(folder: Path, lines: str) -> int:
    """Add ``lines`` after the id; return the number of the first added line."""
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8")
    at = text.index("\n", text.index("\nid:") + 1) + 1
    article.write_text(text[:at] + lines + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 1


def problems(folder: Path) -> list[str]:
    return [str(problem) for problem in load_tree(folder).problems]


def test_follow_up_weeks_reaches_the_version_with_the_default_questions(activity: Path) -> None:
    with_front_matter(activity, "follow_up_weeks: 8\n")
    [loaded] = load_tree(activity).activities
    published = version_meta(loaded.meta)
    assert published.follow_up_weeks == 8
    assert published.follow_up_items == DEFAULT_FOLLOW_UP
    assert VersionMeta.from_json(published.to_json()) == published


def test_an_activity_replaces_the_follow_up_questions(activity: Path) -> None:
    with_front_matter(
        activity,
        "follow_up_weeks: 12\nfollow_up_questions:\n"
        "  - id: started-sglt2\n    prompt: Did you start an SGLT2 inhibitor?\n    type: yes-no\n",
    )
    [loaded] = load_tree(activity).activities
    published = version_meta(loaded.meta)
    [question] = published.follow_up_items
    assert (question.id, question.type, question.required) == ("started-sglt2", "yes-no", True)
    assert VersionMeta.from_json(published.to_json()) == published


def test_a_version_published_before_the_follow_up_has_none() -> None:
    data = version_meta(load_tree(GOOD).activities[0].meta).to_json()
    del data["follow_up_weeks"], data["follow_up_questions"]
    meta = VersionMeta.from_json(data)
    assert meta.follow_up_weeks is None
    assert meta.follow_up_items == DEFAULT_FOLLOW_UP


@pytest.mark.parametrize("value", ["0", "53", "eight", "2.5", "true", "-4"])
def test_follow_up_weeks_is_a_whole_number_from_1_to_52(activity: Path, value: str) -> None:
    line = with_front_matter(activity, f"follow_up_weeks: {value}\n")
    assert problems(activity) == [
        f"{activity / 'article.md'}:{line}: follow_up_weeks must be a whole number of weeks "
        "from 1 to 52"
    ]


def test_follow_up_questions_without_follow_up_weeks_are_refused(activity: Path) -> None:
    line = with_front_matter(
        activity, "follow_up_questions:\n  - id: done\n    prompt: Done?\n    type: yes-no\n"
    )
    assert problems(activity) == [
        f"{activity / 'article.md'}:{line}: follow_up_questions needs follow_up_weeks: say how "
        "many weeks after the evaluation the follow-up is mailed"
    ]


def test_follow_up_questions_are_checked_like_the_evaluation(activity: Path) -> None:
    line = with_front_matter(
        activity,
        "follow_up_weeks: 8\nfollow_up_questions:\n"
        "  - id: done\n    prompt: Done?\n    type: yes-or-no\n",
    )
    [problem] = problems(activity)
    assert problem.startswith(f"{activity / 'article.md'}:{line + 4}: unknown follow-up type")


def test_a_follow_up_needs_the_commitment_question_in_an_activitys_own_evaluation(
    activity: Path,
) -> None:
    line = with_front_matter(
        activity,
        "follow_up_weeks: 8\nevaluation:\n"
        "  - id: useful\n    prompt: Was it useful?\n    type: yes-no\n",
    )
    assert problems(activity) == [
        f"{activity / 'article.md'}:{line}: follow_up_weeks quotes the learner's answer to the "
        "evaluation question 'planned-change', so this activity's evaluation needs a text "
        "question with id 'planned-change'"
    ]
