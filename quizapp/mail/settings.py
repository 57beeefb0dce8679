"""The ``MAIL_*`` settings, read and checked at start-up. No Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
MAIL_EXTENSION = "quizapp.mail"
"""Where the application keeps its :class:`SmtpSettings`."""


class MailSettingError(ValueError):
    """A ``MAIL_*`` setting quizapp cannot use."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over: the ``MAIL_*`` settings."""

    server: str = ""
    port: int = 25
    use_tls: bool = False
    """STARTTLS after connecting (usually port 587)."""
    use_ssl: bool = False
    """TLS from the first byte (usually port 465)."""
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 10.0
    """Seconds to wait for the server: a slow one never holds a request or a sender long."""

    @property
    def configured(self) -> bool:
        """Without a server, messages stay in the outbox, readable at ``/admin/outbox``."""
        return bool(self.server)


def _flag(settings: Mapping[str, object], key: str) -> bool:
    value = settings.get(key)
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise MailSettingError(f"{key} is {value!r}; use true or false")
    return word in TRUE_WORDS


def smtp_settings(settings: Mapping[str, object]) -> SmtpSettings:
    """The settings as one value; ``MAIL_FROM`` defaults to ``quizapp@`` the site's host."""
    use_tls, use_ssl = _flag(settings, "MAIL_USE_TLS"), _flag(settings, "MAIL_USE_SSL")
    if use_tls and use_ssl:
        raise MailSettingError(
            "MAIL_USE_TLS and MAIL_USE_SSL are both on; use TLS for STARTTLS (port 587) or "
            "SSL for TLS from the start (port 465), not both"
        )
    port_text = str(settings.get("MAIL_PORT") or "").strip()
    if not port_text:
        port = 465 if use_ssl else 587 if use_tls else 25
    elif port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536:
        port = int(port_text)
    else:
        raise MailSettingError(f"MAIL_PORT is {settings.get('MAIL_PORT')!r}; use a port number")
    timeout_text = str(settings.get("MAIL_TIMEOUT") or "10").strip()
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = 0.0
    if not 0 < timeout <= 300:
        raise MailSettingError(f"MAIL_TIMEOUT is {timeout_text!r}; use seconds between 1 and 300")
    host = urlsplit(str(settings.get("SITE_URL") or "")).hostname or "localhost"
    sender = " ".join(str(settings.get("MAIL_FROM") or "").split()) or f"quizapp@{host}"
    return SmtpSettings(
        server=str(settings.get("MAIL_SERVER") or "").strip(),
        port=port,
        use_tls=use_tls,
        use_ssl=use_ssl,
        username=str(settings.get("MAIL_USERNAME") or ""),
        password=str(settings.get("MAIL_PASSWORD") or ""),
        sender=sender,
        timeout=timeout,
    )
