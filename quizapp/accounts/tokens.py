"""Signed links mailed to an account's owner: a password reset and an address confirmation.
No Flask, no SQL.

A reset link carries the user's id and a fingerprint of their password hash, signed with the
site's secret and dated: it dies when it is older than the site allows, and as soon as the
password changes, which using it does, so it works once. A confirmation link carries the id
and the address it was sent to: it confirms that address only, and dies when the account's
address changes. Neither link holds the password hash itself, or anything secret.

The time is the caller's ``now`` (itsdangerous would read the clock), so tests and services
agree on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

RESET_SALT = "quizapp.password-reset"
VERIFY_SALT = "quizapp.verify-email"


@dataclass(frozen=True)
class LinkSettings:
    """What the account links need from the settings."""

    secret: str
    reset_minutes: int = 60
    verification_days: int = 7

    @property
    def reset_age(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.reset_minutes)

    @property
    def verification_age(self) -> dt.timedelta:
        return dt.timedelta(days=self.verification_days)


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does (each hash has its own salt)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def _serializer(secret: str, salt: str, now: dt.datetime) -> URLSafeTimedSerializer:
    moment = int(now.timestamp())

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return moment

    return URLSafeTimedSerializer(secret, salt=salt, signer=Signer)


def reset_token(settings: LinkSettings, user_id: int, password_hash: str, now: dt.datetime) -> str:
    return str(
        _serializer(settings.secret, RESET_SALT, now).dumps(
            {"u": user_id, "p": password_fingerprint(password_hash)}
        )
    )


@dataclass(frozen=True)
class ResetClaim:
    user_id: int
    fingerprint: str


def read_reset_token(settings: LinkSettings, token: str, now: dt.datetime) -> ResetClaim | None:
    """Who the link is for, if it is genuine and young enough; the caller still compares the
    fingerprint with the account's current password hash."""
    data = _loads(settings.secret, RESET_SALT, token, now, settings.reset_age)
    if not isinstance(data, dict):
        return None
    user_id, fingerprint = data.get("u"), data.get("p")
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    return ResetClaim(user_id, fingerprint)


def verification_token(settings: LinkSettings, user_id: int, email: str, now: dt.datetime) -> str:
    return str(_serializer(settings.secret, VERIFY_SALT, now).dumps({"u": user_id, "e": email}))


@dataclass(frozen=True)
class VerificationClaim:
    user_id: int
    email: str


def read_verification_token(
    settings: LinkSettings, token: str, now: dt.datetime
) -> VerificationClaim | None:
    data = _loads(settings.secret, VERIFY_SALT, token, now, settings.verification_age)
    if not isinstance(data, dict):
        return None
    user_id, email = data.get("u"), data.get("e")
    if not isinstance(user_id, int) or not isinstance(email, str):
        return None
    return VerificationClaim(user_id, email)


MAX_TOKEN = 1000
"""Characters: a genuine token is about a tenth of this; a longer one is not read."""


def _loads(secret: str, salt: str, token: str, now: dt.datetime, age: dt.timedelta) -> object:
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        return _serializer(secret, salt, now).loads(token, max_age=int(age.total_seconds()))
    except (BadSignature, ValueError, UnicodeError):
        return None
