"""Item analysis over a million responses: 100,000 first attempts of a ten-question posttest.

The attempts and responses are written straight into the tables (random answers, so the
answer patterns are nearly all distinct, the hard case for the report's reduction to
patterns); then a new process runs the report's ``item_analysis`` as ``quizapp report items``
does, and reports its time and how much its peak memory grew over its start.

    .venv/bin/python benchmarks/item_analysis_scale.py [--attempts 100000] [--repeat 3]
        [--database-url URL] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402

SLUG = "activity-analysis"
NOW = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)
BATCH = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    figures = run(args.attempts, args.repeat, args.database_url)
    print(
        f"item analysis of {figures['responses']:,} responses: "
        + ", ".join(f"{s:.2f} s" for s in figures["seconds"])
        + "; peak memory growth "
        + ", ".join(f"{m:.0f} MB" for m in figures["memory_mb"])
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def run(attempts: int, repeat: int, database_url: str = "") -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-items-"))
    try:
        url = database_url or f"sqlite:///{workdir / 'items.sqlite'}"
        responses = populate(workdir, url, attempts)
        figures: dict[str, Any] = {"responses": responses, "seconds": [], "memory_mb": []}
        for _ in range(repeat):
            done = subprocess.run(
                [sys.executable, __file__, "--measure", url],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            figures["seconds"].append(result["seconds"])
            figures["memory_mb"].append(result["memory_mb"])
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def populate(workdir: Path, url: str, attempts: int) -> int:
    """The activity, ``attempts`` learners and one submitted attempt each; the responses."""
    from sqlalchemy import insert, select

    from quizapp import create_app
    from quizapp.authoring.services import sync_content
    from quizapp.migrate import upgrade
    from quizapp.models import Activity, Attempt, Response, User

    content = workdir / "content"
    corpus.activity(content, SLUG)
    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url})
    database = app.extensions["quizapp.db"]
    upgrade(database)
    sync_content(database, content, now=NOW)
    rng = random.Random(12)
    questions = [f"q{n}" for n in range(1, corpus.QUESTIONS + 1)]
    with database.transaction() as session:
        activity = session.scalars(select(Activity).where(Activity.slug == SLUG)).one()
        activity_id, version_id = activity.id, activity.current_version_id
        first_user = (session.scalar(select(User.id).order_by(User.id.desc())) or 0) + 1
        for start in range(0, attempts, BATCH):
            ids = range(first_user + start, first_user + min(start + BATCH, attempts))
            session.execute(
                insert(User),
                [
                    {
                        "id": i,
                        "email": f"learner{i}@example.org",
                        "email_skeleton": f"learner{i}@example.org",
                        "password_hash": "-",
                        "full_name": f"Learner {i}",
                        "degree": "MD",
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            session.execute(
                insert(Attempt),
                [
                    {
                        "id": i,
                        "user_id": i,
                        "activity_id": activity_id,
                        "activity_version_id": version_id,
                        "number": 1,
                        "option_order": {},
                        "started_at": NOW,
                        "submitted_at": NOW,
                        "score_percent": 0,
                        "passed": False,
                    }
                    for i in ids
                ],
            )
            rows = []
            for i in ids:
                for question in questions:
                    chosen = rng.choice(corpus.OPTIONS)
                    rows.append(
                        {
                            "attempt_id": i,
                            "question_id": question,
                            "chosen": [chosen],
                            "correct": chosen == "a",
                            "points": 1 if chosen == "a" else 0,
                        }
                    )
            session.execute(insert(Response), rows)
    database.dispose()
    return attempts * len(questions)


def measure(url: str) -> dict[str, float]:
    import resource
    import time

    from sqlalchemy import select

    from quizapp import create_app
    from quizapp.models import Activity
    from quizapp.reports.items import activity_versions, item_analysis

    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url})
    database = app.extensions["quizapp.db"]
    with database.read_session() as session:
        activity = session.scalars(select(Activity).where(Activity.slug == SLUG)).one()
        version = activity_versions(session, activity)[-1]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        analysis = item_analysis(session, version)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert analysis.attempts > 0
    return {"seconds": seconds, "memory_mb": (after - before) / 1024}


if __name__ == "__main__":
    main()
