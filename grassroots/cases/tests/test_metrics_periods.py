"""Months, quarters and years are calendar periods in local time (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.cases.metrics import Period, current_period, period_containing

SHANGHAI = timezone.get_default_timezone()


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("month", dt.date(2025, 2, 14), dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
        ("month", dt.date(2025, 12, 31), dt.date(2025, 12, 1), dt.date(2026, 1, 1)),
        ("quarter", dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1)),
        ("quarter", dt.date(2025, 6, 30), dt.date(2025, 4, 1), dt.date(2025, 7, 1)),
        ("quarter", dt.date(2025, 11, 5), dt.date(2025, 10, 1), dt.date(2026, 1, 1)),
        ("year", dt.date(2025, 7, 9), dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    ],
)
def test_a_day_lies_in_one_month_quarter_and_year(kind, day, start, end):
    period = period_containing(kind, day)

    assert (period.start, period.end) == (start, end)
    assert period.last_day == end - dt.timedelta(days=1)


def test_periods_begin_at_local_midnight():
    period = Period("month", dt.date(2025, 3, 1))

    # midnight in Shanghai is 16:00 UTC the day before
    assert period.start_at == dt.datetime(2025, 2, 28, 16, 0, tzinfo=dt.UTC)
    assert period.end_at == dt.datetime(2025, 3, 31, 16, 0, tzinfo=dt.UTC)


def test_a_moment_belongs_to_the_local_period_not_the_utc_one():
    moment = dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC)  # 04-01 01:00 in Shanghai

    assert period_containing("month", moment).start == dt.date(2025, 4, 1)
    assert period_containing("quarter", moment).start == dt.date(2025, 4, 1)


def test_a_period_is_complete_once_its_last_local_day_is_over():
    march = Period("month", dt.date(2025, 3, 1))

    assert not march.is_complete(dt.datetime(2025, 3, 31, 23, 59, tzinfo=SHANGHAI))
    assert march.is_complete(dt.datetime(2025, 4, 1, 0, 0, tzinfo=SHANGHAI))
    assert current_period("quarter", dt.datetime(2025, 4, 1, 0, 0, tzinfo=SHANGHAI)) == Period(
        "quarter", dt.date(2025, 4, 1)
    )


def test_an_unknown_period_kind_is_refused():
    with pytest.raises(ValueError, match="week"):
        period_containing("week", dt.date(2025, 3, 1))
