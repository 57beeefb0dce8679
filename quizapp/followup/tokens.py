"""The signed links of a follow-up mail: the survey and the opt-out. No Flask, no SQL.

Both are signed with the site's secret and dated, so no login is needed and a link cannot be
forged or pointed at another learner's survey. The survey link names the follow-up row and
dies after :data:`SURVEY_DAYS`; the opt-out link names the learner and lasts a year, as a
mail may be read late. The time is the caller's ``now``, as with the account links.
"""

from __future__ import annotations

import datetime as dt

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

SURVEY_SALT = "quizapp.follow-up"
OPT_OUT_SALT = "quizapp.follow-up-opt-out"
SURVEY_DAYS = 60
OPT_OUT_DAYS = 365
MAX_TOKEN = 1000
"""Characters: a genuine token is a tenth of this; a longer one is not read."""


def _serializer(secret: str, salt: str, now: dt.datetime) -> URLSafeTimedSerializer:
    moment = int(now.timestamp())

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return moment

    return URLSafeTimedSerializer(secret, salt=salt, signer=Signer)


def _read(secret: str, salt: str, token: str, now: dt.datetime, days: int) -> int | None:
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        value = _serializer(secret, salt, now).loads(
            token, max_age=int(dt.timedelta(days=days).total_seconds())
        )
    except (BadSignature, ValueError, UnicodeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def survey_token(secret: str, follow_up_id: int, now: dt.datetime) -> str:
    return str(_serializer(secret, SURVEY_SALT, now).dumps(follow_up_id))


def read_survey_token(secret: str, token: str, now: dt.datetime) -> int | None:
    """The follow-up a genuine survey link names while it is young enough, else None."""
    return _read(secret, SURVEY_SALT, token, now, SURVEY_DAYS)


def opt_out_token(secret: str, user_id: int, now: dt.datetime) -> str:
    return str(_serializer(secret, OPT_OUT_SALT, now).dumps(user_id))


def read_opt_out_token(secret: str, token: str, now: dt.datetime) -> int | None:
    """The learner a genuine opt-out link names while it is young enough, else None."""
    return _read(secret, OPT_OUT_SALT, token, now, OPT_OUT_DAYS)
