"""Configuration: defaults in code, then ``instance/config.py``, then ``QUIZAPP_*`` variables.

The layering follows the Flask tutorial: code carries safe defaults, the deployment's
instance folder carries its secrets and database, and the environment wins last so that a
container or CI run can override anything without writing files.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from quizapp.certificates.issuer import EXTENSION as ISSUER_EXTENSION
from quizapp.certificates.issuer import (
    CertificateImage,
    CertificateImageError,
    Issuer,
    read_image,
)
from quizapp.dates import zone_named
from quizapp.mail.settings import MAIL_EXTENSION, MailSettingError, smtp_settings

SECRET_KEY_FILE = "secret_key"
DEFAULT_SQLITE_NAME = "quizapp.sqlite"


def default_settings(instance_path: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / DEFAULT_SQLITE_NAME}",
        "CONTENT_DIR": str(Path(instance_path).parent / "content"),
        "SQLALCHEMY_ECHO": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
        "SITE_NAME": "quizapp CME",
        "SITE_URL": "http://127.0.0.1:5000",
        "TIME_ZONE": "UTC",
        "RATELIMIT_STORAGE_URI": "memory://",
        "TRUSTED_PROXIES": 0,
        "CERTIFICATE_APPROVAL": "automatic",
        "CERTIFICATE_PAGE_SIZE": "letter",
        "CERTIFICATE_SIGNATORY_NAME": "",
        "CERTIFICATE_SIGNATORY_TITLE": "",
        "CERTIFICATE_SIGNATURE_IMAGE": "",
        "CERTIFICATE_LOGO": "",
        "PROVIDER_CONTACT": "",
        "PROVIDER_NAME": "",
        "CONTACT_EMAIL": "",
        "PRIVACY_URL": "",
        "TERMS_URL": "",
        "ADMIN_FRESH_MINUTES": 30,
        "RATELIMIT_HEADERS_ENABLED": True,
        # A moving window counts the last minute, whatever the clock says: a fixed window
        # lets twice the limit through across a minute's boundary, and made the limit tests
        # pass or fail by the second they ran in.
        "RATELIMIT_STRATEGY": "moving-window",
        "LOGIN_RATE_LIMIT": "10 per minute",
        "SUBMIT_RATE_LIMIT": "30 per minute",
        "FAILED_LOGIN_RATE_LIMIT": "10 per 15 minutes",
        "PASSWORD_RATE_LIMIT": "10 per hour",
        "PASSWORD_HASH_METHOD": "scrypt",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": "",
        "MAIL_PORT": "",
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": "",
        "MAIL_TIMEOUT": 10,
        "REQUIRE_VERIFIED_EMAIL": False,
        "PASSWORD_RESET_MINUTES": 60,
        "EMAIL_VERIFICATION_DAYS": 7,
        "PASSWORD_RESET_RATE_LIMIT": "5 per hour",
    }


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZAPP")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])
    _check_choice(app, "CERTIFICATE_PAGE_SIZE", ("letter", "a4"))
    _check_choice(app, "CERTIFICATE_APPROVAL", ("automatic", "manual"))
    for key, minimum in WHOLE_NUMBERS.items():
        _check_whole_number(app, key, minimum)
    app.config["SITE_URL"] = site_url(str(app.config.get("SITE_URL", "")))
    app.config["TIME_ZONE"] = time_zone(app.config.get("TIME_ZONE"))
    for key in FOOTER_LINKS:
        app.config[key] = footer_link(key, app.config.get(key))
    app.config["REQUIRE_VERIFIED_EMAIL"] = flag(app, "REQUIRE_VERIFIED_EMAIL")
    app.config["CONTACT_EMAIL"] = " ".join(str(app.config.get("CONTACT_EMAIL") or "").split())
    try:
        app.extensions[MAIL_EXTENSION] = smtp_settings(app.config)
    except MailSettingError as problem:
        raise ConfigurationError(
            f"{problem} (set it in instance/config.py or as a QUIZAPP_MAIL_* variable)."
        ) from None
    app.extensions[ISSUER_EXTENSION] = certificate_issuer(app)
    app.config["SESSION_COOKIE_SECURE"] = secure_cookie(
        app.config.get("SESSION_COOKIE_SECURE"), app.config["SITE_URL"]
    )


class ConfigurationError(ValueError):
    """A setting has a value quizapp cannot use; raised at start-up, not on the first request."""


def _check_choice(app: Flask, key: str, allowed: tuple[str, ...]) -> None:
    value = str(app.config.get(key, "")).strip().lower()
    if value not in allowed:
        raise ConfigurationError(
            f"{key} is {app.config.get(key)!r}; use one of: {', '.join(allowed)} "
            f"(set it in instance/config.py or QUIZAPP_{key})."
        )
    app.config[key] = value


def certificate_issuer(app: Flask) -> Issuer:
    """The signatory, logo and contact the settings give, the images read and checked now.

    A missing or unreadable image stops quizapp at start-up with the setting's name, rather
    than failing the claim of the first learner. A relative path is read from the instance
    folder, like ``instance/config.py``.
    """
    name = " ".join(str(app.config.get("CERTIFICATE_SIGNATORY_NAME") or "").split())
    title = " ".join(str(app.config.get("CERTIFICATE_SIGNATORY_TITLE") or "").split())
    signature = _image(app, "CERTIFICATE_SIGNATURE_IMAGE")
    if (signature or title) and not name:
        raise ConfigurationError(
            "CERTIFICATE_SIGNATURE_IMAGE and CERTIFICATE_SIGNATORY_TITLE need "
            "CERTIFICATE_SIGNATORY_NAME, the name printed under the signature (set it in "
            "instance/config.py or QUIZAPP_CERTIFICATE_SIGNATORY_NAME)."
        )
    return Issuer(
        signatory_name=name,
        signatory_title=title,
        signature=signature,
        logo=_image(app, "CERTIFICATE_LOGO"),
        contact=" ".join(str(app.config.get("PROVIDER_CONTACT") or "").split()),
    )


def _image(app: Flask, key: str) -> CertificateImage | None:
    value = str(app.config.get(key) or "").strip()
    if not value:
        return None
    try:
        return read_image(Path(app.instance_path) / Path(value).expanduser())
    except CertificateImageError as problem:
        raise ConfigurationError(
            f"{key}: {problem} (set it in instance/config.py or QUIZAPP_{key})."
        ) from None


WHOLE_NUMBERS = {
    "TRUSTED_PROXIES": 0,
    "SQLITE_BUSY_TIMEOUT_MS": 0,
    "DATABASE_POOL_SIZE": 1,
    "DATABASE_MAX_OVERFLOW": -1,
    "PASSWORD_RESET_MINUTES": 1,
    "EMAIL_VERIFICATION_DAYS": 1,
}
"""Settings that are whole numbers, with their smallest value; unset ones keep their
default (SQLAlchemy's for the pool)."""


def _check_whole_number(app: Flask, key: str, minimum: int) -> None:
    value = app.config.get(key)
    if value is None:
        return
    text = str(value).strip()
    if not re.fullmatch(r"-?[0-9]+", text) or int(text) < minimum:
        raise ConfigurationError(
            f"{key} is {value!r}; use a whole number of at least {minimum} "
            f"(set it in instance/config.py or QUIZAPP_{key})."
        )
    app.config[key] = int(text)


def time_zone(value: object) -> str:
    """The IANA name the pages show times in, checked against the time zone database."""
    try:
        return zone_named(str(value).strip()).key
    except ValueError as error:
        raise ConfigurationError(
            f"TIME_ZONE: {error} (set it in instance/config.py or QUIZAPP_TIME_ZONE)."
        ) from None


def site_url(value: str) -> str:
    """The site's canonical address, ``scheme://host[:port]``, as certificates print it.

    A certificate's verification address and QR code must not depend on the Host header of
    the request that happened to render it (anyone can send ``Host: evil.example``), so it
    comes from this setting alone.
    """
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ConfigurationError(
            f"SITE_URL is {value!r}; give the site's public address as scheme and host, such "
            "as https://cme.example.org (set it in instance/config.py or QUIZAPP_SITE_URL)."
        )
    return f"{parts.scheme}://{parts.netloc}"


FOOTER_LINKS = ("PRIVACY_URL", "TERMS_URL")
"""Settings that are links in every page's footer."""


def footer_link(key: str, value: object) -> str:
    """A footer link's address: empty (no link), a path on this site, or an http(s) address.

    Anything else (``javascript:``, a bare word) would be a broken or unsafe link on every
    page, so it stops quizapp at start-up instead.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    on_site = not parts.scheme and not parts.netloc and text.startswith("/")
    if on_site or (parts.scheme in ("http", "https") and parts.netloc):
        return text
    raise ConfigurationError(
        f"{key} is {value!r}; give an address starting with https://, http:// or / "
        f"(set it in instance/config.py or QUIZAPP_{key})."
    )


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def secure_cookie(value: object, site: str) -> bool:
    """Whether browsers may send the session cookie over HTTPS only.

    Unset, it follows ``SITE_URL``: on for an ``https://`` site, so a production deployment
    never sends its session over plain HTTP, and off for ``make run`` on
    ``http://127.0.0.1:5000``, where a secure cookie would never come back and no one could
    log in.
    """
    if value is None:
        return site.startswith("https://")
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ConfigurationError(
        f"SESSION_COOKIE_SECURE is {value!r}; use true or false (set it in instance/config.py "
        "or QUIZAPP_SESSION_COOKIE_SECURE)."
    )


def flag(app: Flask, key: str) -> bool:
    """An on/off setting; from the environment it arrives as a word."""
    value = app.config.get(key)
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ConfigurationError(
        f"{key} is {value!r}; use true or false (set it in instance/config.py or QUIZAPP_{key})."
    )


def _instance_secret(instance_path: Path) -> str:
    """Read the deployment's secret, creating it on first start.

    A generated secret kept in the instance folder survives restarts (sessions stay valid)
    without anyone ever committing or hard-coding one.
    """
    path = instance_path / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
