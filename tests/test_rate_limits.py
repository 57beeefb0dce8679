"""Rate limits: login per client address and, for failed logins, per account; password changes
per account; shared through Redis when configured, and proxy-aware."""

from __future__ import annotations

import hashlib
import random
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from quizapp.accounts.services import Registration, register
from quizapp.db import Database
from quizapp.models import Base
from quizapp.ratelimit import limiter
from tests.conftest import NOW, PASSWORD, AuthActions, csrf_token, make_app


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
    """Failed logins from one address, for an account of their own: the per-account counter of
    a fixed email would carry over in Redis from one run to the next."""
    client = app.test_client()
    email = f"x.{random.randrange(10**9)}@example.org"
    codes = []
    for _ in range(count):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": email, "password": "wrong"},
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


# --- failed logins per account ------------------------------------------------------------------

EMAIL = "ann.lee@example.org"


@contextmanager
def account_limited_app(database_url: str, **config: object) -> Iterator[Flask]:
    """Three failed logins per account a minute; the per-address limit out of the way."""
    settings: dict[str, object] = {
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "FAILED_LOGIN_RATE_LIMIT": "3 per minute",
        "TRUSTED_PROXIES": 1,
    }
    settings.update(config)
    app = make_app(database_url, **settings)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    register(
        database,
        Registration(EMAIL, PASSWORD, "Ann Lee", "MD"),
        now=NOW,
        hash_method=str(app.config["PASSWORD_HASH_METHOD"]),
    )
    try:
        yield app
    finally:
        database.dispose()


def login_from(app: Flask, address: str, email: str = EMAIL, password: str = "wrong password"):  # type: ignore[no-untyped-def]
    """One login from a new browser at ``address``."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_failed_logins_for_one_account_are_limited_whatever_the_address(
    database_url: str,
) -> None:
    with account_limited_app(database_url) as app:
        codes = [login_from(app, random_address()).status_code for _ in range(3)]
        assert codes == [400, 400, 400]

        refused = login_from(app, random_address(), password=PASSWORD)

        assert refused.status_code == 429
        page = refused.get_data(as_text=True)
        assert "Too many attempts in a short time. Wait a minute, then try again." in page
        # Another account, from the address that was refused, is not held back.
        register(
            app.extensions["quizapp.db"],
            Registration("omar.haddad@example.org", PASSWORD, "Omar Haddad", "MD"),
            now=NOW,
            hash_method=str(app.config["PASSWORD_HASH_METHOD"]),
        )
        assert login_from(app, "10.9.9.9", "omar.haddad@example.org", PASSWORD).status_code == 302


def test_the_account_is_the_email_as_it_is_looked_up(database_url: str) -> None:
    with account_limited_app(database_url) as app:
        for spelling in ("Ann.Lee@Example.org", " ANN.LEE@EXAMPLE.ORG ", EMAIL):
            assert login_from(app, random_address(), spelling).status_code == 400
        assert login_from(app, random_address(), EMAIL, PASSWORD).status_code == 429


def test_an_unknown_email_is_limited_the_same_way_so_the_limit_reveals_no_account(
    database_url: str,
) -> None:
    with account_limited_app(database_url) as app:
        nobody = "nobody@example.org"
        codes = [login_from(app, random_address(), nobody).status_code for _ in range(4)]
        assert codes == [400, 400, 400, 429]


def test_successful_logins_do_not_count_against_the_account(database_url: str) -> None:
    with account_limited_app(database_url) as app:
        codes = [login_from(app, random_address(), password=PASSWORD).status_code for _ in range(5)]
        assert codes == [302] * 5
        assert login_from(app, random_address()).status_code == 400


def test_the_page_says_how_long_the_account_limit_lasts(database_url: str) -> None:
    with account_limited_app(database_url, FAILED_LOGIN_RATE_LIMIT="1 per 15 minutes") as app:
        assert login_from(app, random_address()).status_code == 400

        refused = login_from(app, random_address())

        assert refused.status_code == 429
        assert re.search(r"Wait 1[45] minutes, then try again\.", refused.get_data(as_text=True)), (
            refused.get_data(as_text=True)
        )


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_failed_logins_are_counted_across_processes_in_redis(database_url: str) -> None:
    """Two application instances stand for two gunicorn workers sharing Redis."""
    email = f"ann.{random.randrange(10**9)}@example.org"
    redis_settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    with account_limited_app(database_url, **redis_settings) as first:
        second = make_app(database_url, **first.config)
        try:
            assert [login_from(first, random_address(), email).status_code for _ in range(3)] == [
                400
            ] * 3
            assert login_from(second, random_address(), email).status_code == 429
        finally:
            second.extensions["quizapp.db"].dispose()


# --- password changes ---------------------------------------------------------------------------


def test_password_changes_are_limited_per_account(database_url: str) -> None:
    with account_limited_app(database_url, PASSWORD_RATE_LIMIT="3 per minute") as app:
        auth = AuthActions(app.test_client())
        assert auth.login(EMAIL).status_code == 302
        wrong = {"current_password": "not my password", "new_password": "a new passphrase 42"}
        codes = [auth.post_form("/account/password", wrong).status_code for _ in range(3)]
        assert codes == [400, 400, 400]

        right = {"current_password": PASSWORD, "new_password": "a new passphrase 42"}
        refused = auth.post_form("/account/password", right)

        assert refused.status_code == 429
        assert "Too many attempts" in refused.get_data(as_text=True)
        assert auth.client.get("/account/password").status_code == 200
        other = AuthActions(app.test_client())
        assert other.register("omar.haddad@example.org").status_code == 302
        other_right = {"current_password": PASSWORD, "new_password": "a new passphrase 42"}
        assert other.post_form("/account/password", other_right).status_code == 302


# --- "Confirm it's you" -------------------------------------------------------------------------


def test_wrong_passwords_on_the_confirm_page_count_like_failed_logins(database_url: str) -> None:
    """Someone at a signed-in administrator's unlocked browser guesses the password on the
    confirm page no faster than on the login page."""
    with account_limited_app(database_url) as app:
        auth = AuthActions(app.test_client())
        assert auth.login(EMAIL).status_code == 302
        codes = [
            auth.post_form("/confirm", {"password": "wrong"}, form_page="/confirm").status_code
            for _ in range(3)
        ]
        assert codes == [400, 400, 400]

        refused = auth.post_form("/confirm", {"password": PASSWORD}, form_page="/confirm")

        assert refused.status_code == 429


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_an_app_whose_redis_answers_counts_there_after_another_app_lost_its_own(
    database_url: str,
) -> None:
    """Flask-Limiter is one object for every app a process builds, and it kept "the storage is
    dead" from an app whose Redis was away: the next app counted in its own memory until a
    backoff let it look at Redis again, and then in Redis, so part of the failures were
    forgotten (the cross-process test above failed after the Redis-away test in the same
    worker). The backoff is set long here, so that only a fresh start can explain a count in
    Redis."""
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with limited_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed}/0") as app:
        assert bad_logins(app, 1, random_address()) == [400]
    limiter._Limiter__check_backend_count = 10  # type: ignore[attr-defined]
    limiter._Limiter__last_check_backend = time.time()  # type: ignore[attr-defined]
    email = f"ann.{random.randrange(10**9)}@example.org"

    with account_limited_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0") as app:
        assert login_from(app, random_address(), email).status_code == 400

    digest = hashlib.sha256(email.encode()).hexdigest()
    assert redis.Redis(host="127.0.0.1", port=6379).keys(f"LIMITS:*{digest}*")
