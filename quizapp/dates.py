"""Dates and times as the site prints them ("January 15, 2027 at 07:00 EST"), whatever the
server's locale: the one formatter for templates (registered as Jinja filters in
:mod:`quizapp.web`), certificates and messages. ``strftime('%B')`` would follow the locale and
``%-d`` exists only in glibc, so templates call these instead.

Times are stored in UTC and shown in the site's time zone (the ``TIME_ZONE`` setting, an IANA
name such as ``America/New_York``; UTC by default), always naming the zone, so a learner in
another zone can tell. A naive datetime is taken to be UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

UTC_NAME = "UTC"


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone ``name`` (``America/New_York``), or ValueError saying what to write.

    Only names of the time zone database count: ZoneInfo would also open a file path.
    """
    if name in _zone_names() or name == UTC_NAME:
        return zoneinfo.ZoneInfo(name)
    near = sorted(known for known in _zone_names() if known.lower() == name.strip().lower())
    hint = f"; did you mean {near[0]}?" if near else ""
    raise ValueError(
        f"{name!r} is not a time zone; give an IANA name such as America/New_York, "
        f"Europe/London or UTC{hint}"
    )


def _in(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(zone)


def zone_abbreviation(moment: dt.datetime, zone: dt.tzinfo = dt.UTC) -> str:
    """``EST``, ``CEST`` or ``UTC``; a zone that has no letters for it is ``UTC+04``."""
    name = _in(moment, zone).tzname() or UTC_NAME
    return f"{UTC_NAME}{name}" if name[0] in "+-" else name


def long_date(day: dt.date, zone: dt.tzinfo = dt.UTC) -> str:
    """``January 15, 2027``; a datetime gives its date in ``zone``."""
    if isinstance(day, dt.datetime):
        day = _in(day, zone)
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def time_of_day(moment: dt.datetime, zone: dt.tzinfo = dt.UTC) -> str:
    """``07:00 EST``."""
    return f"{_in(moment, zone):%H:%M} {zone_abbreviation(moment, zone)}"


def date_and_time(moment: dt.datetime, zone: dt.tzinfo = dt.UTC) -> str:
    """``January 15, 2027 at 07:00 EST``."""
    return f"{long_date(moment, zone)} at {time_of_day(moment, zone)}"


def time_utc(moment: dt.datetime) -> str:
    """``12:00 UTC``."""
    return time_of_day(moment)


def datetime_utc(moment: dt.datetime) -> str:
    """``January 15, 2027 at 12:00 UTC``."""
    return date_and_time(moment)


def timestamp(moment: dt.datetime, *, seconds: bool = False, zone: dt.tzinfo = dt.UTC) -> str:
    """``2027-01-15 12:00`` in ``zone``, for the admin tables where rows are compared by time;
    the table's heading names the zone."""
    local = _in(moment, zone)
    return f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"


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
