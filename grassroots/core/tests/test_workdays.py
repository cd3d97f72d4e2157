"""Working-day arithmetic over the holiday calendar (docs/domain.md §3.3): weekends are off,
calendar entries mark weekdays off and make-up working days (调休上班), and working time runs
through working days only.

The calendar is the real 2025 National Day / Mid-Autumn arrangement: 1–8 October off, Sunday
28 September and Saturday 11 October worked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from grassroots.core.models import DayKind, Holiday
from grassroots.core.workdays import WorkCalendar, add_working_days, working_days_between

SH = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SH)


@pytest.fixture
def national_day(db):
    for n in range(1, 9):
        Holiday.objects.create(date=dt.date(2025, 10, n), kind=DayKind.OFF, name="国庆节、中秋节")
    Holiday.objects.create(date=dt.date(2025, 9, 28), kind=DayKind.WORKDAY, name="国庆调休")
    Holiday.objects.create(date=dt.date(2025, 10, 11), kind=DayKind.WORKDAY, name="国庆调休")


def test_one_working_day_from_friday_afternoon_ends_on_monday_afternoon(db):
    assert add_working_days(at("2025-09-19", 15), 1) == at("2025-09-22", 15)


def test_five_working_days_from_friday_end_the_next_friday(db):
    assert add_working_days(at("2025-09-12", 15), 5) == at("2025-09-19", 15)


def test_a_holiday_week_stops_the_clock(national_day):
    # Tuesday 30 September 10:00: 14 hours that day, then nothing until Thursday 9 October.
    assert add_working_days(at("2025-09-30", 10), 2) == at("2025-10-10", 10)


def test_a_saturday_make_up_day_counts_as_working(national_day):
    assert add_working_days(at("2025-10-10", 12), 1) == at("2025-10-11", 12)


def test_without_the_make_up_day_the_same_clock_runs_to_monday(db):
    assert add_working_days(at("2025-10-10", 12), 1) == at("2025-10-13", 12)


def test_a_sunday_make_up_day_counts_as_working(national_day):
    # Friday 26 September 18:00: 6 hours that day, Saturday off, Sunday 28 worked.
    assert add_working_days(at("2025-09-26", 18), Decimal("0.5")) == at("2025-09-28", 6)


def test_fractional_days_are_working_hours(db):
    assert add_working_days(at("2025-09-15", 8), Decimal("0.5")) == at("2025-09-15", 20)
    assert add_working_days(at("2025-09-15", 0), Decimal("2.1")) == at("2025-09-17", 2, 24)


def test_a_clock_started_on_a_day_off_starts_with_the_next_working_day(national_day):
    assert add_working_days(at("2025-10-04", 10), 1) == at("2025-10-10", 0)


def test_a_negative_limit_is_refused(db):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(at("2025-09-15", 8), -1)


def test_working_time_between_two_moments_skips_weekends_and_holidays(national_day):
    assert working_days_between(at("2025-09-19", 15), at("2025-09-22", 15)) == Decimal("1.0000")
    assert working_days_between(at("2025-09-30", 10), at("2025-10-10", 10)) == Decimal("2.0000")
    assert working_days_between(at("2025-10-04", 0), at("2025-10-06", 12)) == Decimal("0.0000")
    assert working_days_between(at("2025-10-10", 12), at("2025-10-11", 12)) == Decimal("1.0000")
    assert working_days_between(at("2025-09-15", 6), at("2025-09-15", 18)) == Decimal("0.5000")


def test_working_time_backwards_is_negative(national_day):
    assert working_days_between(at("2025-10-10", 10), at("2025-09-30", 10)) == Decimal("-2.0000")


@pytest.mark.parametrize("days", ["0.25", "0.7", "1", "2.1", "3.5", "7", "15"])
def test_adding_then_measuring_gives_back_the_same_days(national_day, days):
    start = at("2025-09-26", 16, 30)
    assert working_days_between(start, add_working_days(start, Decimal(days))) == Decimal(days)


def test_a_calendar_loaded_once_answers_without_queries(national_day, django_assert_num_queries):
    calendar = WorkCalendar.load(dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    with django_assert_num_queries(0):
        assert add_working_days(at("2025-09-30", 10), 2, calendar=calendar) == at("2025-10-10", 10)
        assert not calendar.is_working_day(dt.date(2025, 10, 1))
        assert calendar.is_working_day(dt.date(2025, 10, 11))
        assert not calendar.is_working_day(dt.date(2025, 10, 12))
