"""The MAIL_* settings: defaults that follow the choice of TLS, and refusals naming the
setting."""

from __future__ import annotations

import pytest

from quizapp.mail.settings import MailSettingError, smtp_settings

SITE = {"SITE_URL": "https://cme.example.org"}


def test_without_a_server_nothing_is_sent_and_the_sender_is_on_the_site_s_host() -> None:
    settings = smtp_settings(SITE)
    assert not settings.configured
    assert settings.sender == "quizapp@cme.example.org"


@pytest.mark.parametrize(
    ("flags", "port"),
    [({}, 25), ({"MAIL_USE_TLS": "true"}, 587), ({"MAIL_USE_SSL": True}, 465)],
)
def test_the_default_port_follows_the_choice_of_tls(flags: dict[str, object], port: int) -> None:
    assert smtp_settings({**SITE, "MAIL_SERVER": "smtp.example.org", **flags}).port == port


def test_the_password_never_shows_in_the_settings_repr() -> None:
    settings = smtp_settings({**SITE, "MAIL_SERVER": "smtp", "MAIL_PASSWORD": "hunter2hunter2"})
    assert "hunter2hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"MAIL_USE_TLS": "on", "MAIL_USE_SSL": "on"}, "MAIL_USE_TLS and MAIL_USE_SSL"),
        ({"MAIL_USE_TLS": "maybe"}, "MAIL_USE_TLS"),
        ({"MAIL_PORT": "smtp"}, "MAIL_PORT"),
        ({"MAIL_PORT": "70000"}, "MAIL_PORT"),
        ({"MAIL_TIMEOUT": "0"}, "MAIL_TIMEOUT"),
    ],
)
def test_an_unusable_value_is_refused_naming_the_setting(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(MailSettingError, match=named):
        smtp_settings({**SITE, **values})
