"""Posttest throughput under concurrent learners, as a ratio of the same server's ``/healthz``.

A posttest is what a learner's browser sends at a deadline: POST start (answered with a
redirect to the new attempt) and POST submit of three graded items (answered with a redirect
to the review). The server is gunicorn with 2 sync workers, as the issue measured it; the
load comes from a few client processes on the same machine, each running learners in threads,
every learner signed in with its own session and CSRF token. The option values a form posts
are opaque and drawn for each attempt, so the client reads the new attempt's values from the
database (a primary-key read, as a browser would read them from the form it was shown) and
answers each question with its first shown option. ``/healthz`` (one statement) and
the posttest alternate in the same run, round after round, so the ratio holds however busy
the machine is.

At a deadline the load is many clinicians taking a posttest once or twice, not a few taking it
hundreds of times: each concurrent learner is a seat that goes round a few accounts
(``--accounts``), one posttest each in turn, so no account piles up more than a few dozen
attempts over the run.

    .venv/bin/python benchmarks/posttest_load.py [--database-url URL] [--learners 16 32]
        [--rounds 3] [--seconds 4] [--accounts 25] [--json FILE]

``--database-url`` is migrated and filled as it is: give it an empty scratch database, never
one that holds anything (``make bench`` creates and drops one on the PostgreSQL server it is
given).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "imatinib-bone-edema"

CLIENT_PROCESSES = 4
ACCOUNTS_PER_SEAT = 25
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--learners", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument(
        "--accounts", type=int, default=ACCOUNTS_PER_SEAT, help="accounts each seat goes round"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = parser.parse_args()
    results = run(args.database_url, args.learners, args.rounds, args.seconds, args.accounts)
    for line in describe(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def run(
    database_url: str,
    learner_counts: list[int],
    rounds: int,
    seconds: float,
    accounts: int = ACCOUNTS_PER_SEAT,
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    seats = max(learner_counts)
    try:
        settings = prepare(workdir, database_url, seats * accounts)
        server = Server.start(settings)
        try:
            signed_in = [server.sign_in(f"learner{n}@example.org") for n in range(seats * accounts)]
            sessions = [signed_in[seat::seats] for seat in range(seats)]
            figures: dict[str, Any] = {
                "engine": settings["engine"],
                "accounts": len(signed_in),
                "by_learners": {},
            }
            for count in learner_counts:
                drive(server, sessions[:count], "posttest", 1.0)  # warm both workers
                rows = []
                for _ in range(rounds):
                    health = drive(server, sessions[:count], "healthz", seconds)
                    posttest = drive(server, sessions[:count], "posttest", seconds)
                    rows.append({"healthz": health, "posttest": posttest})
                figures["by_learners"][str(count)] = rows
            return figures
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def prepare(workdir: Path, database_url: str, learners: int) -> dict[str, Any]:
    """A migrated database with the sample activity (unlimited attempts) and the learners."""
    from quizapp import create_app
    from quizapp.accounts.services import Registration, register
    from quizapp.authoring.services import sync_content
    from quizapp.migrate import upgrade

    content = workdir / "content"
    shutil.copytree(ROOT / "content" / SLUG, content / SLUG)
    article = content / SLUG / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "attempts_allowed: 3", "attempts_allowed: unlimited"
        ),
        encoding="utf-8",
    )
    now = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)
    settings: dict[str, Any] = {
        "SECRET_KEY": "benchmark",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'load.sqlite'}",
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "FROZEN_NOW": now.isoformat(),
    }
    app = create_app(settings)
    database = app.extensions["quizapp.db"]
    upgrade(database)
    sync_content(database, content, now=now)
    for n in range(learners):
        register(
            database,
            Registration(f"learner{n}@example.org", "benchmark password", f"Learner {n}", "MD"),
            now=now,
            hash_method=settings["PASSWORD_HASH_METHOD"],
        )
    settings["engine"] = database.url.get_backend_name()
    database.dispose()
    return settings


class Server:
    """gunicorn with 2 sync workers, as a deployment runs it."""

    def __init__(self, port: int, process: subprocess.Popen[bytes], database_url: str) -> None:
        self.port = port
        self.process = process
        self.database_url = database_url

    @classmethod
    def start(cls, settings: dict[str, Any]) -> Server:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
        env.update(
            {
                f"QUIZAPP_{key}": value if isinstance(value, str) else json.dumps(value)
                for key, value in settings.items()
                if key != "engine"
            }
        )
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers=2",
                "--worker-class=sync",
                "--backlog=2048",
                f"--bind=127.0.0.1:{port}",
                "quizapp:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        server = cls(port, process, settings["DATABASE_URL"])
        for _ in range(200):
            try:
                if request(port, "GET", "/healthz", {})[0] == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.1)
        server.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def sign_in(self, email: str) -> dict[str, str]:
        """A learner's cookies and CSRF token after signing in through the login form."""
        cookies: dict[str, str] = {}
        _, _, page = request(self.port, "GET", "/login", cookies)
        token = CSRF_FIELD.search(page.decode()).group(1)  # type: ignore[union-attr]
        form = {"csrf_token": token, "email": email, "password": "benchmark password"}
        status, _, _ = request(self.port, "POST", "/login", cookies, form)
        if status != 302:
            raise RuntimeError(f"signing in {email} answered {status}")
        _, _, page = request(self.port, "GET", f"/activities/{SLUG}/posttest", cookies)
        token = CSRF_FIELD.search(page.decode()).group(1)  # type: ignore[union-attr]
        return {"cookies": json.dumps(cookies), "token": token}


def request(
    port: int, method: str, path: str, cookies: dict[str, str], form: dict[str, str] | None = None
) -> tuple[int, str, bytes]:
    """One request on a new connection (gunicorn's sync workers close each one), keeping the
    cookies the server sets."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        return response.status, location, payload
    finally:
        connection.close()


def drive(
    server: Server, sessions: list[list[dict[str, str]]], what: str, seconds: float
) -> dict[str, Any]:
    """Every seat repeats ``what`` for ``seconds``, going round its accounts; the completed
    count, errors and latencies."""
    shares = [sessions[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    shares = [share for share in shares if share]
    context = multiprocessing.get_context("fork")
    start_at = time.time() + 0.3
    with context.Pool(len(shares)) as pool:
        parts = pool.starmap(
            _client_process,
            [
                (server.port, server.database_url, share, what, start_at, seconds)
                for share in shares
            ],
        )
    latencies = sorted(lat for part in parts for lat in part["latencies"])
    done = len(latencies)
    return {
        "rate": done / seconds,
        "errors": sum(part["errors"] for part in parts),
        "p50_ms": 1000 * latencies[done // 2] if done else None,
        "p99_ms": 1000 * latencies[min(done - 1, int(done * 0.99))] if done else None,
    }


def _client_process(
    port: int,
    database_url: str,
    sessions: list[list[dict[str, str]]],
    what: str,
    start_at: float,
    seconds: float,
) -> dict[str, Any]:
    from sqlalchemy import create_engine

    # One statement per read, so no transaction: on PostgreSQL a BEGIN and a ROLLBACK around
    # it were two more round trips to the server under test for what a browser reads from the
    # form it was shown.
    engine = create_engine(database_url, pool_size=len(sessions), isolation_level="AUTOCOMMIT")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = start_at + seconds

    def learner(seat: list[dict[str, str]]) -> None:
        accounts = itertools.cycle(
            (json.loads(session["cookies"]), session["token"]) for session in seat
        )
        time.sleep(max(0.0, start_at - time.time()))
        for cookies, token in accounts:
            began = time.perf_counter()
            if time.time() >= stop_at:
                return
            try:
                ok = _one(port, engine, cookies, token, what)
            except OSError:
                ok = False
            took = time.perf_counter() - began
            with lock:
                if time.time() > stop_at:
                    return  # finished after the window closed: not counted
                if ok:
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=learner, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return {"latencies": latencies, "errors": errors[0]}


def _one(port: int, engine: Any, cookies: dict[str, str], token: str, what: str) -> bool:
    if what == "healthz":
        return request(port, "GET", "/healthz", cookies)[0] == 200
    status, attempt, _ = request(
        port, "POST", f"/activities/{SLUG}/posttest", cookies, {"csrf_token": token}
    )
    if status != 302 or not attempt.startswith("/attempts/"):
        return False
    form = {"csrf_token": token, "version_id": "1"}
    form |= {f"q-{question}": shown[0] for question, shown in _values(engine, attempt).items()}
    status, review, _ = request(port, "POST", attempt, cookies, form)
    return status == 302 and review == attempt


def _values(engine: Any, attempt_path: str) -> dict[str, list[str]]:
    from sqlalchemy import text

    with engine.connect() as connection:
        values = connection.execute(
            text("SELECT option_values FROM attempts WHERE id = :id"),
            {"id": int(attempt_path.rsplit("/", 1)[1])},
        ).scalar_one()
    return json.loads(values) if isinstance(values, str) else values


def summary(figures: dict[str, Any]) -> dict[str, dict[str, list[float]]]:
    """Per learner count: the ratio, the rates, the p99 and the errors of each round."""
    out = {}
    for count, rows in figures["by_learners"].items():
        out[count] = {
            "ratio": [r["posttest"]["rate"] / r["healthz"]["rate"] for r in rows],
            "posttest_rate": [r["posttest"]["rate"] for r in rows],
            "healthz_rate": [r["healthz"]["rate"] for r in rows],
            "p99_ms": [r["posttest"]["p99_ms"] or 0.0 for r in rows],
            "errors": [r["posttest"]["errors"] + r["healthz"]["errors"] for r in rows],
        }
    return out


def spread(values: list[float], digits: int = 2) -> str:
    return (
        f"{min(values):.{digits}f}–{statistics.median(values):.{digits}f}–{max(values):.{digits}f}"
    )


def describe(figures: dict[str, Any]) -> list[str]:
    lines = [
        f"posttest load on {figures['engine']} (gunicorn, 2 sync workers, "
        f"{figures.get('accounts', '?')} accounts), min–median–max:"
    ]
    for count, row in summary(figures).items():
        lines.append(
            f"  {count:>2} learners: ratio {spread(row['ratio'])} (target ≥ 0.25); "
            f"posttests/s {spread(row['posttest_rate'], 0)}; /healthz/s "
            f"{spread(row['healthz_rate'], 0)}; p99 {spread(row['p99_ms'], 0)} ms"
            f"{' (target ≤ 150)' if count == '32' else ''}; errors {sum(row['errors'])}"
        )
    return lines


if __name__ == "__main__":
    main()
