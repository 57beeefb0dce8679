"""The current time, which a deployment never sets and tests may freeze with ``FROZEN_NOW``.

Activities expire; a test that used the real date would start failing the day the sample
activity expires. Views and CLI commands read the time here and pass it to the services as
``now``; services, and the audit log they write, take it as an argument and read no clock,
so they need no Flask application to run.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import current_app, has_app_context


def now() -> dt.datetime:
    frozen = current_app.config.get("FROZEN_NOW") if has_app_context() else None
    if frozen is not None:
        if isinstance(frozen, str):
            frozen = dt.datetime.fromisoformat(frozen)
        return frozen if frozen.tzinfo else frozen.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()


def zone() -> zoneinfo.ZoneInfo:
    """The site's time zone (``TIME_ZONE``, checked at start-up), in which pages show times."""
    name = current_app.config.get("TIME_ZONE", "UTC") if has_app_context() else "UTC"
    return zoneinfo.ZoneInfo(name)
