"""Content at scale: ``quizapp content check`` and ``sync`` on 1,000 activities of 10 questions.

Each figure is the time of the command as an author runs it (a new process, so the
interpreter's start is included), in CPU seconds (user + system, which another program's load
on the machine changes little) and in wall seconds: the check; a first sync into an empty
database; a sync with nothing changed; and a sync after one posttest file changed.

The CPU seconds are the command's and those of the worker processes it starts: the check of a
large tree reads it with one worker per core, so its wall time can be below its CPU time.
``RUSAGE_CHILDREN`` counts every descendant that its parent waited for, and the command waits
for its workers; only multiprocessing's resource tracker, an idle process that exits with the
command, is left out (a few hundredths of a second). The load average is printed before and
after: on a shared machine the wall time of a check measures the other programs too.

While a sync runs, a thread of this process tries SQLite's write lock every few milliseconds
(``BEGIN IMMEDIATE`` with no busy timeout, then ``ROLLBACK``), as a learner's submit would,
and keeps the longest stretch it found the lock taken: how long the sync kept every learner
of the site from writing.

    .venv/bin/python benchmarks/content_scale.py [--activities 1000] [--repeat 3]
        [--json FILE]

On SQLite, a new database file each round.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    figures = run(args.activities, args.repeat)
    for name, values in figures.items():
        print(f"{name}: {', '.join(f'{v:.2f}' for v in values)} s")
    print(f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def run(activities: int, repeat: int) -> dict[str, list[float]]:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-content-"))
    figures: dict[str, list[float]] = {
        f"{name} {clock}": []
        for name in ("check", "first", "noop", "one")
        for clock in ("cpu", "wall", "lock")
        if not (name == "check" and clock == "lock")
    }
    try:
        content = workdir / "content"
        slugs = corpus.tree(content, activities)
        for round_ in range(repeat):
            url = f"sqlite:///{workdir / f'round{round_}.sqlite'}"
            _timed(figures, "check", ["content", "check", str(content)], url)
            _quizapp(["db", "upgrade"], url)
            _timed(figures, "first", ["content", "sync", str(content)], url)
            _timed(figures, "noop", ["content", "sync", str(content)], url)
            slug = slugs[round_ % len(slugs)]
            changed = content / slug / "posttest.md"
            changed.write_text(corpus.posttest(slug, variant=round_ + 1), encoding="utf-8")
            _timed(figures, "one", ["content", "sync", str(content)], url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return figures


def _timed(figures: dict[str, list[float]], name: str, args: list[str], url: str) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if args[1] == "sync":
        with _write_lock_watch(url.removeprefix("sqlite:///")) as longest:
            output = _quizapp(args, url)
        figures[f"{name} lock"].append(longest[0])
    else:
        output = _quizapp(args, url)
    figures[f"{name} wall"].append(time.perf_counter() - started)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures[f"{name} cpu"].append(
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    )
    if args[1] == "sync" and "activities changed" not in output:
        raise RuntimeError(output)


@contextlib.contextmanager
def _write_lock_watch(path: str) -> Iterator[list[float]]:
    """The longest time, in seconds, that SQLite's write lock on ``path`` was found taken
    while the block ran (``[0.0]`` until the block ends)."""
    longest = [0.0]
    stop = threading.Event()

    def watch() -> None:
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        taken_since: float | None = None
        try:
            while not stop.is_set():
                now = time.perf_counter()
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("ROLLBACK")
                    taken_since = None
                except sqlite3.OperationalError:
                    taken_since = now if taken_since is None else taken_since
                    longest[0] = max(longest[0], now - taken_since)
                time.sleep(0.005)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield longest
    finally:
        stop.set()
        watcher.join()


def _quizapp(args: list[str], url: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env |= {"QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": "benchmark"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "quizapp"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"quizapp {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


if __name__ == "__main__":
    main()
