"""The application factory, its configuration layers and the health check."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from flask import Flask

from quizapp import create_app
from quizapp.config import load_config
from tests.conftest import make_app


@pytest.fixture(autouse=True)
def no_quizapp_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the configuration layers, so the shell's ``QUIZAPP_*`` variables
    (a ``QUIZAPP_SECRET_KEY`` exported for development, say) must not be one of them."""
    for name in [name for name in os.environ if name.startswith("QUIZAPP_")]:
        monkeypatch.delenv(name, raising=False)


def test_without_a_configured_secret_one_is_generated_into_the_instance_folder_and_reused(
    tmp_path: Path,
) -> None:
    first = Flask("quizapp", instance_path=str(tmp_path / "instance"))
    load_config(first, None)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    second = Flask("quizapp", instance_path=str(tmp_path / "instance"))
    load_config(second, None)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_instance_config_is_read_then_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('SITE_NAME = "From instance"\nSECRET_KEY = "k"\n')
    app = Flask("quizapp", instance_path=str(instance), instance_relative_config=True)
    load_config(app, None)
    assert app.config["SITE_NAME"] == "From instance"

    monkeypatch.setenv("QUIZAPP_SITE_NAME", "From environment")
    app = Flask("quizapp", instance_path=str(instance), instance_relative_config=True)
    load_config(app, None)
    assert app.config["SITE_NAME"] == "From environment"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    app = Flask("quizapp", instance_path=str(tmp_path / "instance"))
    load_config(app, {"SECRET_KEY": "k"})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'quizapp.sqlite'}"


@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent-directory/quizapp.sqlite",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    ],
)
def test_healthz_answers_503_when_the_database_does_not(unreachable: str) -> None:
    app = make_app(unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_pages_carry_a_content_security_policy_without_inline_scripts(client) -> None:
    response = client.get("/healthz")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_gets_a_readable_404(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"<h1>Not Found</h1>" in response.data
    assert b"Traceback" not in response.data


def test_create_app_accepts_a_test_config(tmp_path: Path) -> None:
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite"})
    assert app.config["DATABASE_URL"].endswith("a.sqlite")


@pytest.mark.parametrize(
    ("key", "value"), [("CERTIFICATE_PAGE_SIZE", "legal"), ("CERTIFICATE_APPROVAL", "sometimes")]
)
def test_an_unusable_certificate_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, key: str, value: str
) -> None:
    from quizapp.config import ConfigurationError

    with pytest.raises(ConfigurationError, match=f"{key} is '{value}'; use one of"):
        create_app(
            {"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite", key: value}
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Mars/Olympus_Mons", "'Mars/Olympus_Mons' is not a time zone; give an IANA name"),
        (
            "america/new_york",
            "'america/new_york' is not a time zone; give an IANA name such as America/New_York, "
            "Europe/London or UTC; did you mean America/New_York?",
        ),
        ("EST+5", "'EST+5' is not a time zone"),
        ("/etc/localtime", "'/etc/localtime' is not a time zone"),
        ("", "'' is not a time zone"),
    ],
)
def test_an_unknown_time_zone_stops_start_up_with_a_clear_message(
    tmp_path: Path, value: str, message: str
) -> None:
    from quizapp.config import ConfigurationError

    with pytest.raises(ConfigurationError, match=f"^TIME_ZONE: {re.escape(message)}"):
        create_app(
            {
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite",
                "TIME_ZONE": value,
            }
        )


def test_the_time_zone_is_utc_unless_set_and_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite"}
    assert create_app(settings).config["TIME_ZONE"] == "UTC"
    monkeypatch.setenv("QUIZAPP_TIME_ZONE", " Europe/Paris ")
    assert create_app(settings).config["TIME_ZONE"] == "Europe/Paris"


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", "/verify/%00", None),
        ("GET", "/activities/%00/", None),
        ("GET", "/admin/learners?q=%00", None),
        ("POST", "/login", {"email": "a\x00@example.org", "password": "x"}),
    ],
)
def test_a_nul_byte_anywhere_in_a_request_gets_a_400_not_a_server_error(
    client, method: str, url: str, data: dict[str, str] | None
) -> None:
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert b"not allowed" in response.data


@pytest.mark.parametrize(
    ("key", "value", "minimum"),
    [
        ("SQLITE_BUSY_TIMEOUT_MS", "soon", 0),
        ("DATABASE_POOL_SIZE", "0", 1),
        ("DATABASE_MAX_OVERFLOW", "-2", -1),
        ("TRUSTED_PROXIES", "1.5", 0),
        ("TRUSTED_PROXIES", True, 0),
        ("TRUSTED_PROXIES", "--1", 0),
    ],
)
def test_an_unusable_number_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, key: str, value: object, minimum: int
) -> None:
    from quizapp.config import ConfigurationError

    message = f"{key} is {value!r}; use a whole number of at least {minimum}"
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        create_app(
            {"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite", key: value}
        )


def test_number_settings_from_the_environment_become_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_SQLITE_BUSY_TIMEOUT_MS", "2500")
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite"})
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 2500
    database = app.extensions["quizapp.db"]
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500
    database.dispose()
