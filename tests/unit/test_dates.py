"""The one date formatter: what every page, message and certificate prints for a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from quizapp import dates

NOON = dt.datetime(2027, 1, 5, 12, 0, 7, tzinfo=dt.UTC)
TEMPLATES = Path(dates.__file__).parent


def test_long_dates_have_no_leading_zero_and_english_months() -> None:
    assert dates.long_date(dt.date(2027, 1, 5)) == "January 5, 2027"
    assert dates.long_date(dt.date(2026, 12, 31)) == "December 31, 2026"


def test_a_datetime_prints_its_utc_date_and_time() -> None:
    late_on_the_4th = NOON.astimezone(dt.timezone(dt.timedelta(hours=-13)))
    assert late_on_the_4th.day == 4
    assert dates.long_date(late_on_the_4th) == "January 5, 2027"
    assert dates.time_utc(late_on_the_4th) == "12:00 UTC"
    assert dates.datetime_utc(NOON) == "January 5, 2027 at 12:00 UTC"


def test_timestamps_for_admin_tables() -> None:
    assert dates.timestamp(NOON) == "2027-01-05 12:00"
    assert dates.timestamp(NOON, seconds=True) == "2027-01-05 12:00:07"


def test_templates_format_dates_only_through_the_filters() -> None:
    calls = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.glob("**/templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "strftime" in line
    ]
    assert calls == []


def test_a_period_defaults_to_the_last_30_days_and_refuses_what_it_cannot_read() -> None:
    today = dt.date(2027, 1, 15)
    assert dates.parse_range(None, "", today) == dates.DateRange(dt.date(2026, 12, 16), today)
    period = dates.parse_range("2027-01-01", "2027-01-01", today)
    assert (period.since, period.until) == (
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 2, tzinfo=dt.UTC),
    )
    with pytest.raises(ValueError, match=r"^Dates must be written YYYY-MM-DD\.$"):
        dates.parse_range("01/02/2027", None, today)
    with pytest.raises(ValueError, match=r"^The end date is before the start date\.$"):
        dates.parse_range("2027-01-10", "2027-01-09", today)


def test_an_open_period_has_no_limit_on_a_side_left_blank() -> None:
    assert dates.parse_open_range(None, " ") is None
    since = dates.parse_open_range("2027-01-01", None)
    assert since == dates.DateRange(dt.date(2027, 1, 1), dt.date.max)
    assert since is not None and since.until == dt.datetime.max.replace(tzinfo=dt.UTC)
    until = dates.parse_open_range("", "2026-12-31")
    assert until is not None and until.since == dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert until.until == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match=r"^Dates must be written YYYY-MM-DD\.$"):
        dates.parse_open_range("2027-02-30", None)
    with pytest.raises(ValueError, match=r"^The end date is before the start date\.$"):
        dates.parse_open_range("2027-01-10", "2027-01-09")
