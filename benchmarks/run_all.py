"""``make bench``: every benchmark of issue 12, its target beside its figure, and the table in
``docs/performance.md`` rewritten from this run.

    .venv/bin/python benchmarks/run_all.py [--quick] [--postgres URL] [--no-write]

PostgreSQL runs when ``--postgres`` (or ``QUIZAPP_BENCH_POSTGRES``) names a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``: a scratch database is created on it
for the run and dropped after. Figures are min–median–max over the repetitions. Nothing here
is part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import content_scale  # noqa: E402
import item_analysis_scale  # noqa: E402
import posttest_load  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
CLI_COMMANDS = [
    ["--help"],
    ["nosuch"],
    ["user", "--help"],
    ["content", "--help"],
    ["db", "--help"],
    ["report", "--help"],
]

Row = tuple[str, str, str, str]
"""What, before (issue 12's baseline), target, figure."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repetitions")
    parser.add_argument("--postgres", default=os.environ.get("QUIZAPP_BENCH_POSTGRES", ""))
    parser.add_argument("--no-write", action="store_true", help="leave docs/ alone")
    args = parser.parse_args()
    rounds, seconds, repeat = (2, 3.0, 2) if args.quick else (3, 4.0, 3)
    load = os.getloadavg()[0]
    rows: list[Row] = []
    rows += _posttest_rows("SQLite", posttest_load.run("", [16, 32], rounds, seconds))
    if args.postgres:
        with scratch_database(args.postgres) as url:
            rows += _posttest_rows("PostgreSQL", posttest_load.run(url, [16, 32], rounds, seconds))
    rows += _server_cpu_rows()
    rows += _item_rows(item_analysis_scale.run(100_000, repeat))
    rows += _content_rows(content_scale.run(1000, repeat))
    rows += _cli_rows(repeat)
    table = _table(rows)
    machine = _machine(load, os.getloadavg()[0])
    print(machine)
    print(table)
    if not args.no_write:
        _write_doc(machine, table)
        print(f"written to {DOC.relative_to(ROOT)}")


def spread(values: list[float], digits: int = 2, unit: str = "") -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low:.{digits}f}–{mid:.{digits}f}–{high:.{digits}f}{unit}"


def _posttest_rows(engine: str, figures: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    before = {
        "SQLite": ("0.07–0.09 (90–122 /s)", "352–457 ms"),
        "PostgreSQL": ("0.105–0.116 (97–107 /s)", "352–457 ms"),
    }[engine]
    for count, row in posttest_load.summary(figures).items():
        rows.append(
            (
                f"posttest ÷ /healthz rate, {engine}, {count} learners",
                before[0],
                "≥ 0.25, 0 errors",
                f"{spread(row['ratio'])} ({spread(row['posttest_rate'], 0)} /s vs "
                f"{spread(row['healthz_rate'], 0)} /s); errors {sum(row['errors'])}",
            )
        )
        if count == "32":
            rows.append(
                (
                    f"posttest p99 latency, {engine}, 32 learners",
                    before[1],
                    "≤ 150 ms",
                    spread(row["p99_ms"], 0, " ms"),
                )
            )
    return rows


def _server_cpu_rows() -> list[Row]:
    """The server's CPU for one posttest and for one /healthz, in this process."""
    figures = [server_cpu() for _ in range(3)]
    return [
        (
            "server CPU per posttest (per /healthz)",
            "about 13 ms (1.1 ms)",
            "—",
            f"{spread([f[0] for f in figures], 1, ' ms')} "
            f"({spread([f[1] for f in figures], 2, ' ms')})",
        )
    ]


def server_cpu(requests: int = 200) -> tuple[float, float]:
    """CPU milliseconds of one posttest and of one ``/healthz`` served by Flask's test client
    on SQLite (the client's own work included; it is small beside the server's)."""
    import re
    import shutil
    import tempfile

    from sqlalchemy import create_engine, text

    from quizapp import create_app

    workdir = Path(tempfile.mkdtemp(prefix="quizapp-cpu-"))
    try:
        settings = posttest_load.prepare(workdir, "", 1)
        settings.pop("engine")
        app = create_app(settings)
        client = app.test_client()
        token = re.search(posttest_load.CSRF_FIELD, client.get("/login").get_data(as_text=True))
        assert token is not None
        client.post(
            "/login",
            data={
                "csrf_token": token.group(1),
                "email": "learner0@example.org",
                "password": "benchmark password",
            },
        )
        page = client.get(f"/activities/{posttest_load.SLUG}/posttest").get_data(as_text=True)
        token = re.search(posttest_load.CSRF_FIELD, page)
        assert token is not None
        csrf = token.group(1)
        engine = create_engine(settings["DATABASE_URL"])

        def posttest() -> None:
            started = client.post(
                f"/activities/{posttest_load.SLUG}/posttest", data={"csrf_token": csrf}
            )
            attempt = started.headers["Location"]
            values = posttest_load._values(engine, attempt)
            form = {"csrf_token": csrf, "version_id": "1"}
            form |= {f"q-{q}": shown[0] for q, shown in values.items()}
            assert client.post(attempt, data=form).status_code == 302

        def forget_attempts() -> None:
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM responses"))
                connection.execute(text("DELETE FROM attempts"))

        def cpu(work: Any) -> float:
            """CPU per call of ``work``, in batches of ten after which the learner's attempts
            are forgotten (not timed): a learner has a few attempts, not hundreds."""
            spent = 0.0
            for _ in range(requests // 10):
                forget_attempts()
                began = time.process_time()
                for _ in range(10):
                    work()
                spent += time.process_time() - began
            return 1000 * spent / (requests // 10 * 10)

        cpu(posttest)  # warm
        health = cpu(lambda: client.get("/healthz"))
        spent = cpu(posttest)
        engine.dispose()
        app.extensions["quizapp.db"].dispose()
        return spent, health
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _item_rows(figures: dict[str, Any]) -> list[Row]:
    return [
        (
            f"item analysis, {figures['responses']:,} responses (100,000 attempts × 10 items)",
            "21.8 s at 20,000 attempts × 3 items",
            "< 2 s, flat memory",
            f"{spread(figures['seconds'], 2, ' s')}; peak memory growth "
            f"{spread(figures['memory_mb'], 0, ' MB')}",
        )
    ]


def _content_rows(figures: dict[str, list[float]]) -> list[Row]:
    names = {
        "check": ("content check, 1,000 activities × 10 items", "< 10 s"),
        "first": ("first content sync, 1,000 × 10 (SQLite)", "< 20 s"),
        "noop": ("content sync, nothing changed", "< 2 s"),
        "one": ("content sync, one file changed", "< 2 s"),
    }
    return [
        (
            what,
            "300 activities held the write lock 17–29 s" if name == "first" else "—",
            target,
            f"{spread(figures[f'{name} cpu'], 1, ' s')} CPU; "
            f"{spread(figures[f'{name} wall'], 1, ' s')} wall"
            + (
                f"; write lock held at most {spread(figures[f'{name} lock'], 2, ' s')}"
                if f"{name} lock" in figures
                else ""
            ),
        )
        for name, (what, target) in names.items()
    ]


def _cli_rows(repeat: int) -> list[Row]:
    script = str(Path(sys.executable).parent / "quizapp")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    figures = []
    for _ in range(repeat):
        for args in CLI_COMMANDS:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([script, *args], capture_output=True, env=env, check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            figures.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [
        (
            "quizapp --help, usage error, user/content/db/report --help",
            "about 2.2 s CPU",
            "< 0.3 s CPU",
            f"{spread(figures, 2, ' s')} CPU",
        )
    ]


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"quizapp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _table(rows: list[Row]) -> str:
    lines = [
        "| what | before (issue 12) | target | after: min–median–max |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {what} | {before} | {target} | {figure} |" for what, before, target, figure in rows
    ]
    return "\n".join(lines)


def _machine(load_before: float, load_after: float) -> str:
    from importlib.metadata import version

    versions = (
        f"Python {platform.python_version()}, Flask {version('flask')}, "
        f"SQLAlchemy {version('sqlalchemy')}, gunicorn {version('gunicorn')}, "
        f"SQLite {_sqlite_version()}"
    )
    return (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}; {versions}; "
        f"load average {load_before:.1f} before the run and {load_after:.1f} after."
    )


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _write_doc(machine: str, table: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{machine}\n\n{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
