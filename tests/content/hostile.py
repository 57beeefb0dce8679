"""Helpers for the hostile-content tests: a good activity to break, and a timed checker run.

The hostile cases are built by each test in a temporary folder from
``corpus/good/heart-failure-update``, because most of them cannot be committed: links, named
pipes, control characters, files of hundreds of kilobytes. Each case asserts the exact problems
the author sees, that no exception escapes, and that the checker finishes in bounded time (the
bound is generous: it catches a hang or a quadratic blow-up, not a slow machine).
"""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

from quizapp.content import load_tree
from quizapp.content.loader import TreeResult

GOOD = Path(__file__).parent / "corpus" / "good" / "heart-failure-update"
SLUG = "heart-failure-update"
TIME_BOUND = 5.0
"""Seconds of CPU a hostile case may take, this process's and its worker processes' together;
each takes well under one. CPU time, not the wall clock: on a loaded machine a case waits for a
core, and the bound would fail a check that did nothing wrong (Hypothesis's wall-clock deadline
is off for the same reason)."""


def copy_good(root: Path) -> Path:
    """A copy of the good activity under ``root``, returned as a path relative to ``root``."""
    shutil.copytree(GOOD, root / SLUG)
    return Path(SLUG)


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` and return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def checked(path: Path, *, processes: int = 1) -> list[str]:
    """Every problem the checker prints for ``path``, after asserting it finished in time and
    that each problem is exactly one line."""
    return [str(problem) for problem in checked_tree(path, processes=processes).problems]


def checked_tree(path: Path, *, processes: int = 1, bound: float = TIME_BOUND) -> TreeResult:
    """:func:`load_tree` of ``path``, asserting that it took less than ``bound`` seconds of CPU
    (its worker processes' included) and that each problem is exactly one line."""
    start = cpu_seconds()
    result = load_tree(path, processes=processes)
    elapsed = cpu_seconds() - start
    assert elapsed < bound, f"the checker took {elapsed:.1f} s"
    printed = [str(problem) for problem in result.problems]
    assert all(len(line.splitlines()) == 1 for line in printed), printed
    return result


def cpu_seconds() -> float:
    """This process's CPU time and that of its children that have ended (a pool's workers end
    when the pool is shut down, before :func:`load_tree` returns)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
