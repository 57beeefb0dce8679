"""Rate limits on login: per client, shared through Redis when configured, and proxy-aware."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from quizapp.db import Database
from quizapp.models import Base
from tests.conftest import csrf_token, make_app


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def random_address() -> str:
    """A client address no other test run has used, so counters never carry over."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@contextmanager
def limited_app(database_url: str, **config: object) -> Iterator[Flask]:
    app = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=1, **config)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        yield app
    finally:
        database.dispose()


def bad_logins(app: Flask, count: int, client_ip: str) -> list[int]:
    client = app.test_client()
    codes = []
    for _ in range(count):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": "x@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": client_ip},
        )
        codes.append(response.status_code)
    return codes


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_limits_are_counted_in_redis_when_it_is_configured(database_url: str) -> None:
    import redis

    address = random_address()
    with limited_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0") as app:
        assert bad_logins(app, 4, address) == [400, 400, 400, 429]
    counters = redis.Redis(host="127.0.0.1", port=6379).keys(f"LIMITS:*{address}*")
    assert counters, "the login counters should live in Redis"


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(database_url: str) -> None:
    with limited_app(database_url) as app:
        first, second = random_address(), random_address()
        assert bad_logins(app, 4, first) == [400, 400, 400, 429]
        assert bad_logins(app, 1, second) == [400]


def test_while_redis_is_away_limits_are_counted_per_process_and_nothing_fails(
    database_url: str,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with limited_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed}/0") as app:
        assert bad_logins(app, 4, random_address()) == [400, 400, 400, 429]
