"""Dates and times as the site prints them ("January 15, 2027 at 12:00 UTC"), whatever the
server's locale: the one formatter for templates (registered as Jinja filters in
:mod:`quizapp.web`), certificates and messages. ``strftime('%B')`` would follow the locale and
``%-d`` exists only in glibc, so templates call these instead.

Times are stored in UTC and shown in UTC, saying so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment


def long_date(day: dt.date) -> str:
    """``January 15, 2027``; a datetime gives its UTC date."""
    if isinstance(day, dt.datetime):
        day = _utc(day)
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def time_utc(moment: dt.datetime) -> str:
    """``12:00 UTC``."""
    return f"{_utc(moment):%H:%M} UTC"


def datetime_utc(moment: dt.datetime) -> str:
    """``January 15, 2027 at 12:00 UTC``."""
    return f"{long_date(moment)} at {time_utc(moment)}"


def timestamp(moment: dt.datetime, *, seconds: bool = False) -> str:
    """``2027-01-15 12:00`` (UTC), for the admin tables where rows are compared by time."""
    return f"{_utc(moment):%Y-%m-%d %H:%M:%S}" if seconds else f"{_utc(moment):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class DateRange:
    """Whole days from ``start`` to ``end``, both included, as the admin pages and reports ask."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), dt.UTC)

    @property
    def until(self) -> dt.datetime:
        if self.end == dt.date.max:  # the last day a date can hold has no next day
            return dt.datetime.max.replace(tzinfo=dt.UTC)
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.UTC)


def parse_range(start: str | None, end: str | None, today: dt.date, *, days: int = 30) -> DateRange:
    """``YYYY-MM-DD`` start and end as typed; the last ``days`` days when they are left out.
    Raises ValueError with a message for the person."""
    try:
        first = dt.date.fromisoformat(start or str(today - dt.timedelta(days)))
        last = dt.date.fromisoformat(end or str(today))
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD.") from None
    if last < first:
        raise ValueError("The end date is before the start date.")
    return DateRange(first, last)


def parse_open_range(start: str | None, end: str | None) -> DateRange | None:
    """``YYYY-MM-DD`` start and end, either of which may be left out for no limit on that
    side; None when both are (the learner's transcript shows everything by default).
    Raises ValueError with a message for the person."""
    if not (start or "").strip() and not (end or "").strip():
        return None
    try:
        first = dt.date.fromisoformat(start.strip()) if start and start.strip() else dt.date.min
        last = dt.date.fromisoformat(end.strip()) if end and end.strip() else dt.date.max
    except ValueError:
        raise ValueError("Dates must be written YYYY-MM-DD.") from None
    if last < first:
        raise ValueError("The end date is before the start date.")
    return DateRange(first, last)
