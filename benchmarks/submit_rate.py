"""Submission throughput as a ratio of the health-check rate, measured in one run.

The design's target: a submitted posttest should be served at no less than a quarter of the
rate of our own ``/healthz`` (which does one ``SELECT 1``). Both are timed in the same process,
against the same database, one after the other, so the ratio holds whatever the machine.

    .venv/bin/python benchmarks/submit_rate.py [--http] [--database-url URL] [--requests N]

Without ``--http`` the requests go through Flask's test client in this process; with it, through
real HTTP to one gunicorn worker, as a deployment would serve them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp import create_app  # noqa: E402
from quizapp.authoring.services import sync_content  # noqa: E402
from quizapp.migrate import upgrade  # noqa: E402

ANSWERS = {
    "q-bone-events-cml-gist": "b",
    "q-most-common-adverse-events": "a",
    "q-dose-reduction-bone-edema": "a",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--http", action="store_true", help="measure over HTTP via gunicorn")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="quizapp-bench-"))
    content = workdir / "content"
    shutil.copytree(ROOT / "content" / "imatinib-bone-edema", content / "imatinib-bone-edema")
    article = content / "imatinib-bone-edema" / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "attempts_allowed: 3", "attempts_allowed: unlimited"
        ),
        encoding="utf-8",
    )
    settings = {
        "SECRET_KEY": "benchmark",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}",
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "FROZEN_NOW": "2027-01-15T12:00:00+00:00",
    }
    app = create_app(settings)
    database = app.extensions["quizapp.db"]
    upgrade(database)
    sync_content(database, content, now=dt.datetime.fromisoformat(settings["FROZEN_NOW"]))

    client = HttpClient.serving(settings) if args.http else app.test_client()
    page = client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/register", data={"csrf_token": token, "email": "bench@example.org",
                                   "password": "benchmark password", "full_name": "Bench Mark",
                                   "degree": "MD"})  # fmt: skip

    def health_rate(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            assert client.get("/healthz").status_code == 200
        return n / (time.perf_counter() - started)

    def submit_rate(n: int) -> float:
        elapsed = 0.0
        for _ in range(n):
            started_page = client.post(
                "/activities/imatinib-bone-edema/posttest", data={"csrf_token": token}
            )
            attempt_url = started_page.headers["Location"]
            version = "1"
            began = time.perf_counter()
            response = client.post(
                attempt_url, data={"csrf_token": token, "version_id": version, **ANSWERS}
            )
            elapsed += time.perf_counter() - began
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return n / elapsed

    health_rate(50)
    submit_rate(20)
    ratios, healths, submits = [], [], []
    for _ in range(args.rounds):
        health = health_rate(args.requests)
        submit = submit_rate(args.requests)
        healths.append(health)
        submits.append(submit)
        ratios.append(submit / health)
    if isinstance(client, HttpClient):
        client.stop()
    via = "HTTP (gunicorn, 1 worker)" if args.http else "the test client"
    print(f"database: {database.url.get_backend_name()}; via {via}")
    print(f"health checks: {statistics.median(healths):8.0f} requests/s (median of {args.rounds})")
    print(f"submissions:   {statistics.median(submits):8.0f} requests/s (median of {args.rounds})")
    print(f"ratio:         {statistics.median(ratios):8.2f} (target: at least 0.25)")
    database.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


class HttpClient:
    """Just enough of the test client's interface, over HTTP with a cookie jar."""

    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.process = process
        self.cookies: dict[str, str] = {}

    @classmethod
    def serving(cls, settings: dict[str, object]) -> HttpClient:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = dict(os.environ)
        env.update({f"QUIZAPP_{key}": json.dumps(value) if not isinstance(value, str) else value
                    for key, value in settings.items()})  # fmt: skip
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "quizapp:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        client = cls(port, process)
        for _ in range(100):
            try:
                if client.get("/healthz").status_code == 200:
                    return client
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _request(self, method: str, url: str, data: dict[str, str] | None = None) -> _Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, url, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return _Reply(response.status, dict(response.getheaders()), payload)

    def get(self, url: str) -> _Reply:
        return self._request("GET", url)

    def post(self, url: str, data: dict[str, str]) -> _Reply:
        return self._request("POST", url, data)


class _Reply:
    def __init__(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.status_code = status
        self.headers = {"Location": urllib.parse.urlsplit(headers.get("Location", "")).path}
        self.payload = payload

    def get_data(self, as_text: bool = False) -> str | bytes:
        return self.payload.decode() if as_text else self.payload


if __name__ == "__main__":
    main()
