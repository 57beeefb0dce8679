"""A large tree is shared with worker processes, and its report is the one a single process makes.

``quizapp content check`` passes the number of cores it may run on; ``load_tree`` starts a pool only
for :data:`PARALLEL_FOLDERS` folders or more. The tree here is that many copies of the good
activity, two of them sharing an id (a check across folders), and the hostile cases of
``test_hostile_*.py`` among them: each is refused in a worker exactly as in one process, and
the whole check stays within a CPU bound that counts the workers' time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from quizapp.content import load_activity, load_tree
from quizapp.content import loader as loader_module
from quizapp.content.loader import PARALLEL_FOLDERS
from tests.content.hostile import TIME_BOUND, checked_tree, copy_good, edit
from tests.content.test_hostile_yaml import BILLION_LAUGHS

GOOD_ID = "id: heart-failure-update"


def _copy(root: Path, slug: str, activity_id: str | None = None) -> Path:
    folder = root / slug
    (root / copy_good(root)).rename(folder)
    edit(folder / "article.md", GOOD_ID, f"id: {activity_id or slug}")
    return folder


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    root = Path("content")
    root.mkdir()
    for number in range(PARALLEL_FOLDERS):
        _copy(root, f"activity-{number:02d}")
    _copy(root, "same-id-as-activity-07", "activity-07")
    edit(
        _copy(root, "alias-bomb") / "article.md",
        "passing_score: 70",
        f"passing_score: 70\n{BILLION_LAUGHS}",
    )
    edit(_copy(root, "long-line") / "article.md", "## The four pillars", "word " * 6000)
    edit(
        _copy(root, "nested-too-deeply") / "article.md",
        "## The four pillars",
        "*" * 3000 + "a" + "*" * 3000,
    )
    edit(
        _copy(root, "question-too-deep") / "posttest.md",
        "Which are expected effects",
        "<div>" * 200 + "\n\nWhich are expected effects",
    )
    secret = tmp_path / "secret_key"
    secret.write_text("s3cret", encoding="utf-8")
    (_copy(root, "linked-figure") / "figures" / "leak.png").symlink_to(secret)
    posttest = _copy(root, "named-pipe") / "posttest.md"
    posttest.unlink()
    os.mkfifo(posttest)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "linked-folder").symlink_to(_copy(elsewhere, "linked-folder").resolve())
    return root


class _CountedPool(ProcessPoolExecutor):
    started = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self).started += 1
        super().__init__(*args, **kwargs)


def test_worker_processes_report_every_problem_of_a_large_tree_as_one_process_does(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "ProcessPoolExecutor", _CountedPool)
    alone = load_tree(tree)

    shared = checked_tree(tree, processes=2, bound=2 * TIME_BOUND)

    assert _CountedPool.started == 1
    assert shared.problems == alone.problems
    assert shared.warnings == alone.warnings
    assert shared.activities == alone.activities
    assert len(shared.activities) == PARALLEL_FOLDERS
    printed = "\n".join(str(problem) for problem in shared.problems)
    for folder, message in [
        ("same-id-as-activity-07", "activity id 'activity-07' is already used by"),
        ("alias-bomb", "front matter may not use YAML anchors ('&lol0')"),
        ("long-line", "line is 30,000 characters long"),
        ("nested-too-deeply", "the article cannot be shown"),
        ("question-too-deep", "question 'sglt2-effects' cannot be shown"),
        ("linked-figure", "figures must be regular files inside the activity folder"),
        ("named-pipe", "posttest.md is not a regular file (a pipe or a device)"),
        ("linked-folder", "the activity folder is a link to another folder"),
    ]:
        assert f"content/{folder}" in printed and message in printed, folder


class _PoolThatDies:
    """A pool whose workers die after reading ``survivors`` folders, as when one is killed."""

    survivors = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def map(self, function: Any, folders: list[Path], chunksize: int = 1) -> Iterator[Any]:
        for folder in folders[: self.survivors]:
            yield function(folder)
        raise BrokenProcessPool("a worker died")

    def shutdown(self, **kwargs: Any) -> None:
        pass


def test_the_folders_a_dead_worker_left_are_read_by_the_checker_itself(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = load_tree(tree)
    monkeypatch.setattr(loader_module, "ProcessPoolExecutor", _PoolThatDies)

    shared = load_tree(tree, processes=2)

    assert shared.problems == alone.problems
    assert shared.activities == alone.activities


def test_an_error_in_a_worker_is_raised_by_the_checker_as_without_workers(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(folder: Path) -> Any:
        if folder.name == "activity-30":
            raise RuntimeError(f"cannot read {folder}")
        return load_activity(folder)

    monkeypatch.setattr(loader_module, "ProcessPoolExecutor", _PoolThatDies)
    monkeypatch.setattr(loader_module, "load_activity", broken)

    with pytest.raises(RuntimeError, match="cannot read content/activity-30"):
        load_tree(tree, processes=2)


def test_a_small_tree_is_read_without_starting_a_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = Path("content")
    root.mkdir()
    for number in range(PARALLEL_FOLDERS - 1):
        _copy(root, f"activity-{number:02d}")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(loader_module, "ProcessPoolExecutor", refuse)

    assert len(load_tree(root, processes=8).activities) == PARALLEL_FOLDERS - 1


def _nested(root: Path, slug: str, levels: int) -> Path:
    folder = _copy(root, slug)
    edit(folder / "article.md", "## The four pillars", "*" * levels + "a" + "*" * levels)
    return folder


def _refused_as(folder: Path) -> str:
    return " ".join(str(problem) for problem in load_tree(folder).problems)


def test_a_worker_refuses_text_nested_near_pythons_limit_as_this_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past 100 levels of emphasis the article is refused; where Python's recursion limit
    # stops Markdown first, the message says "too deeply" without "(more than 100 levels)",
    # and that point depends on how deep the call stack is. Find it here, then put the texts
    # around it in the share of the folders that a worker reads.
    monkeypatch.chdir(tmp_path)
    probe = Path("probe")
    probe.mkdir()
    shallow, deep = 101, 4000
    while deep - shallow > 1:
        middle = (shallow + deep) // 2
        folder = _nested(probe, f"probe-{middle}", middle)
        if "more than 100 levels" in _refused_as(folder):
            shallow = middle
        else:
            deep = middle
    root = Path("content")
    root.mkdir()
    for number in range(PARALLEL_FOLDERS):
        _copy(root, f"activity-{number:02d}")
    for levels in range(deep - 6, deep + 6):
        _nested(root, f"zz-nested-{levels}", levels)

    alone = load_tree(root)
    shared = load_tree(root, processes=2)

    assert shared.problems == alone.problems
    messages = {str(problem).split(": ", 1)[1] for problem in alone.problems}
    assert len(messages) == 2  # both kinds of refusal are among the texts a worker read
