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


def test_a_time_shows_in_the_zone_asked_for_and_names_it() -> None:
    new_york = dates.zone_named("America/New_York")
    assert dates.date_and_time(NOON, new_york) == "January 5, 2027 at 07:00 EST"
    summer = NOON.replace(month=7)
    assert dates.time_of_day(summer, new_york) == "08:00 EDT"
    assert dates.time_of_day(NOON, dates.zone_named("Asia/Kolkata")) == "17:30 IST"
    assert dates.time_of_day(NOON, dates.zone_named("UTC")) == "12:00 UTC"


def test_a_zone_with_no_letters_for_its_time_is_named_by_its_offset() -> None:
    assert dates.time_of_day(NOON, dates.zone_named("Asia/Dubai")) == "16:00 UTC+04"


def test_a_datetime_gives_its_date_in_the_zone() -> None:
    tokyo = dates.zone_named("Asia/Tokyo")
    late = dt.datetime(2027, 1, 5, 20, 0, tzinfo=dt.UTC)
    assert dates.long_date(late) == "January 5, 2027"
    assert dates.long_date(late, tokyo) == "January 6, 2027"
    assert dates.timestamp(late, zone=tokyo) == "2027-01-06 05:00"


def test_a_naive_datetime_is_taken_as_utc() -> None:
    naive = dt.datetime(2027, 1, 5, 12, 0)
    assert dates.time_of_day(naive, dates.zone_named("Europe/Paris")) == "13:00 CET"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", ""])
def test_only_names_of_the_time_zone_database_are_zones(name: str) -> None:
    with pytest.raises(ValueError, match="is not a time zone; give an IANA name"):
        dates.zone_named(name)


def test_a_zone_name_in_the_wrong_case_suggests_the_right_one() -> None:
    with pytest.raises(ValueError, match="did you mean Europe/London"):
        dates.zone_named("europe/london")


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
