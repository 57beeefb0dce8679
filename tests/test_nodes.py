"""Several nodes: Debian's nginx in front of two separate gunicorn instances that share one
PostgreSQL schema and one Redis, as docs/deployment.md describes.

nginx balances round-robin, and every response names the node that served it, so the test
can show that a learner's requests really alternate: a form fetched from one node is posted
to the other (session and CSRF token hold), failed logins for one account on both nodes add
up to one rate limit (counted in Redis), and the attempt limit holds whichever node starts the
attempt. (The per-account limit of failed logins, not the per-address one: every request here
comes from 127.0.0.1, and the learners' own successful logins would count against that.)

Everything runs on free loopback ports with its files in the test's temporary folder, and is
stopped at teardown. Without nginx, PostgreSQL (``QUIZAPP_TEST_DATABASE_URL``) or Redis the
test is skipped, unless ``QUIZAPP_REQUIRE_NODES=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp.authoring.services import sync_content
from quizapp.db import Database
from quizapp.migrate import upgrade
from tests.conftest import FROZEN_NOW, NOW, PASSWORD, POSTGRES_URL, REPO, SAMPLE_CONTENT
from tests.learner_helpers import IMATINIB, RIGHT, WRONG, form_values

pytestmark = pytest.mark.nodes

REDIS = ("127.0.0.1", 6379)
LOGIN_LIMIT = 3


def find_nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def missing_services() -> list[str]:
    missing = []
    if find_nginx() is None:
        missing.append("nginx (apt-get install -y nginx-light)")
    if not POSTGRES_URL:
        missing.append("PostgreSQL (set QUIZAPP_TEST_DATABASE_URL)")
    if not answers(*REDIS):
        missing.append("Redis on 127.0.0.1:6379")
    if not (Path(sys.executable).parent / "gunicorn").exists():
        missing.append("gunicorn (the test extra)")
    return missing


@pytest.fixture(scope="module", autouse=True)
def services_present() -> None:
    missing = missing_services()
    if not missing:
        return
    message = "several-node test needs " + ", ".join(missing)
    if os.environ.get("QUIZAPP_REQUIRE_NODES") == "1":
        pytest.fail(message + " (QUIZAPP_REQUIRE_NODES=1)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``/healthz`` on ``port`` answers 200; fail with the process's log if it died."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    pytest.fail(f"nothing answered on port {port}:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def shared_database() -> Iterator[str]:
    """A scratch PostgreSQL schema, migrated and with the sample activities synced."""
    schema = f"nodes_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    database = Database(url.render_as_string(hide_password=False))
    try:
        upgrade(database)
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        database.dispose()
        yield url.render_as_string(hide_password=False)
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text("SET lock_timeout = '20s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the shared Redis; its keys are deleted afterwards."""
    import redis

    prefix = f"quizapp-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis(*REDIS)
    keys = list(client.scan_iter(f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def nodes(shared_database: str, redis_prefix: str, tmp_path: Path) -> Iterator[list[int]]:
    """Two gunicorn instances with the same settings, as on two machines; their ports."""
    settings = {
        "SECRET_KEY": "nodes-test-secret",
        "DATABASE_URL": shared_database,
        "RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "TRUSTED_PROXIES": "1",
        "LOGIN_RATE_LIMIT": "100 per minute",
        "FAILED_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per 15 minutes",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "FROZEN_NOW": FROZEN_NOW,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    env.update({f"QUIZAPP_{key}": value for key, value in settings.items()})
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    started: list[tuple[subprocess.Popen[bytes], int, Path]] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "quizapp:create_app()"],
                    cwd=REPO,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append((process, port, log))
        for process, port, log in started:
            wait_for(port, process, log)
        yield [port for _process, port, _log in started]
    finally:
        for process, _port, _log in started:
            stop(process)


NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log notice;
events {{ worker_connections 64; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream quizapp {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://quizapp;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            add_header X-Served-By $upstream_addr always;
        }}
    }}
}}
"""


@pytest.fixture
def nginx(nodes: list[int], tmp_path: Path) -> Iterator[int]:
    """Debian's nginx, round-robin over the two nodes; its port."""
    run = tmp_path / "nginx"
    run.mkdir()
    port = free_port()
    conf = run / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            # A master started by root hands requests to workers of the "user" directive.
            user="user root root;" if os.geteuid() == 0 else "",
            run=run,
            port=port,
            servers="\n".join(f"        server 127.0.0.1:{node};" for node in nodes),
        )
    )
    nginx = find_nginx()
    assert nginx is not None
    log = run / "error.log"
    process = subprocess.Popen(
        [nginx, "-p", str(run), "-e", str(log), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port, process, log)
        yield port
    finally:
        stop(process)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    node: str


@dataclass
class Browser:
    """One learner's browser: cookies, and the node that served each request."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    served_by: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, data: dict[str, object] | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        node = response.headers["X-Served-By"]
        self.served_by.append(node)
        return Reply(response.status, dict(response.getheaders()), payload, node)

    def form(self, path: str) -> tuple[str, Reply]:
        page = self.request("GET", path)
        assert page.status == 200, (path, page.status)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.body)
        assert match, path
        return match.group(1), page

    def post_form(self, path: str, data: dict[str, object], form: str | None = None) -> Reply:
        """Fetch the form (from one node) and post it (to the other)."""
        token, page = self.form(form or path)
        reply = self.request("POST", path, {"csrf_token": token, **data})
        assert reply.node != page.node, "round-robin should send the POST to the other node"
        return reply


def location(reply: Reply) -> str:
    assert reply.status in (302, 303), (reply.status, reply.body[:500])
    return urllib.parse.urlsplit(reply.headers["Location"]).path


def log_in(browser: Browser, email: str) -> None:
    """Sign in with the password the person registered with, on whichever node answers."""
    signed_in = browser.post_form("/login", {"email": email, "password": PASSWORD})
    assert location(signed_in) != "/login", signed_in.body[:500]


def take_attempt(browser: Browser, database: Database, chosen: dict[str, str]) -> Reply:
    attempt = location(browser.post_form(f"/activities/{IMATINIB}/posttest", {}))
    attempt_id = int(attempt.rsplit("/", 1)[1])
    values = form_values(database, attempt_id)
    token, page = browser.form(attempt)
    version = re.search(r'name="version_id" value="(\d+)"', page.body)
    assert version
    data: dict[str, object] = {"csrf_token": token, "version_id": version.group(1)}
    for question, letter in chosen.items():
        data[f"q-{question}"] = values[question][letter]
    return browser.request("POST", attempt, data)


def test_a_learner_journey_alternating_between_two_nodes_behind_nginx(
    nginx: int, shared_database: str, redis_prefix: str
) -> None:
    database = Database(shared_database)
    try:
        run_journey(nginx, database, redis_prefix)
    finally:
        database.dispose()


def run_journey(port: int, database: Database, redis_prefix: str) -> None:
    ann = Browser(port)
    registered = ann.post_form(
        "/register",
        {"email": "ann.lee@example.org", "password": PASSWORD, "full_name": "Ann Lee",
         "degree": "MD"},
    )  # fmt: skip
    assert location(registered) == "/login"  # registration tells no one which addresses exist
    log_in(ann, "ann.lee@example.org")
    for _ in range(2):  # the session cookie one node set is honoured by both
        mine = ann.request("GET", "/my/activities")
        assert mine.status == 200 and "Log out" in mine.body
    assert len(set(ann.served_by)) == 2, ann.served_by

    for _ in range(3):  # three failed attempts, started and submitted on alternating nodes
        assert take_attempt(ann, database, WRONG).status == 302
    refused = ann.post_form(f"/activities/{IMATINIB}/posttest", {})
    assert location(refused) == f"/activities/{IMATINIB}/posttest"
    page = ann.request("GET", f"/activities/{IMATINIB}/posttest")
    assert "You have used all 3 attempts allowed for this posttest." in page.body

    ben = Browser(port)
    assert ben.post_form(
        "/register",
        {"email": "ben.okafor@example.org", "password": PASSWORD, "full_name": "Ben Okafor",
         "degree": "MD"},
    ).status == 302  # fmt: skip
    log_in(ben, "ben.okafor@example.org")
    assert take_attempt(ben, database, RIGHT).status == 302
    evaluated = ben.post_form(
        f"/activities/{IMATINIB}/evaluation",
        {"objectives-met": "Agree", "relevance": "Strongly agree", "intent-to-change": "Yes",
         "commercial-bias": "No"},
    )  # fmt: skip
    assert location(evaluated) == f"/activities/{IMATINIB}/claim"
    claimed = ben.post_form(
        f"/activities/{IMATINIB}/claim", {"amount-ama-pra-1": "1.0", "attest": "yes"}
    )
    assert location(claimed) == "/my/transcript"
    transcript = ben.request("GET", "/my/transcript")
    code = re.search(r"/certificates/([\w-]+)\.pdf", transcript.body)
    assert code, transcript.body[:2000]
    for _ in range(2):
        verified = Browser(port).request("GET", f"/verify/{code.group(1)}")
        assert verified.status == 200 and "Ben Okafor" in verified.body

    intruder = Browser(port)
    token, _page = intruder.form("/login")
    guesses = [
        intruder.request(
            "POST",
            "/login",
            {"csrf_token": token, "email": "ann.lee@example.org", "password": "not the password"},
        )
        for _ in range(LOGIN_LIMIT + 1)
    ]
    assert [guess.status for guess in guesses] == [400] * LOGIN_LIMIT + [429]
    last = guesses[-1].node
    seen_there = [guess for guess in guesses[:-1] if guess.node == last]
    assert len(seen_there) < LOGIN_LIMIT, "the node that refused saw fewer failures itself"

    import redis

    client = redis.Redis(*REDIS)
    try:
        assert list(client.scan_iter(f"*{redis_prefix}*")), "the limits are counted in Redis"
    finally:
        client.close()
