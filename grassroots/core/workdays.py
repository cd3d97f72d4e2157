"""Working-day arithmetic over the holiday calendar (docs/domain.md §3.3).

A working day is a weekday that the calendar does not mark as a day off, or a weekend day that it
marks as a make-up working day (调休上班). Working time runs continuously through working days
(00:00–24:00 local time) and stops on other days, so "within 5 working days" from Friday 15:00
ends on the following Friday 15:00, and a holiday week pushes it back by the days off. Limits may
be fractional (0.5 working days = 12 working hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from grassroots.core.models import DayKind, Holiday

DAY = dt.timedelta(days=1)
# How far ahead a calendar is loaded for one computation; longer limits load more.
_MARGIN_DAYS = 60


@dataclass(frozen=True)
class WorkCalendar:
    """The calendar entries of a date range, loaded once (one query) for a computation."""

    overrides: dict[dt.date, bool]  # date → is a working day
    first: dt.date | None = None  # the dates loaded (None: not loaded from the database)
    last: dt.date | None = None

    @classmethod
    def load(cls, start: dt.date, end: dt.date) -> WorkCalendar:
        rows = Holiday.objects.filter(date__range=(start, end)).values_list("date", "kind")
        return cls({day: kind == DayKind.WORKDAY for day, kind in rows}, start, end)

    @staticmethod
    def span(start: dt.datetime, days: Decimal | float | int) -> tuple[dt.date, dt.date]:
        """The dates that any limit of up to ``days`` working days from ``start`` may reach."""
        first = _local(start).date()
        return first, first + DAY * (int(Decimal(str(days))) * 3 + _MARGIN_DAYS)

    @classmethod
    def covering(cls, start: dt.datetime, days: Decimal | float | int) -> WorkCalendar:
        """The calendar that any limit of up to ``days`` working days from ``start`` needs."""
        return cls.load(*cls.span(start, days))

    def covers(self, first: dt.date, last: dt.date) -> bool:
        return self.first is not None and self.last is not None and self.first <= first and last <= self.last

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5


class Calendars:
    """The calendar for many computations (an import's thousands of clocks): read once for a
    stretch of dates, and read again, wider, only when a computation reaches beyond it."""

    # Read this many days beyond what was asked, so clocks that start later still fit.
    AHEAD = 120

    def __init__(self) -> None:
        self.calendar: WorkCalendar | None = None

    def covering(self, start: dt.datetime, days: Decimal | float | int) -> WorkCalendar:
        first, last = WorkCalendar.span(start, days)
        known = self.calendar
        if known is not None and known.covers(first, last):
            return known
        if known is not None and known.first is not None and known.last is not None:
            first, last = min(first, known.first), max(last, known.last)
        self.calendar = WorkCalendar.load(first, last + DAY * self.AHEAD)
        return self.calendar


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def _midnight(day: dt.date, tzinfo: dt.tzinfo | None) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tzinfo)


def add_working_days(
    start: dt.datetime, days: Decimal | float | int, *, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """The moment ``days`` working days after ``start``."""
    amount = Decimal(str(days))
    if amount < 0:
        raise ValueError("a time limit cannot be negative")
    start = _local(start)
    remaining = dt.timedelta(seconds=float(amount * 86400))
    calendar = calendar or WorkCalendar.covering(start, amount)
    cursor = start
    while True:
        day = cursor.date()
        if calendar.is_working_day(day):
            end_of_day = _midnight(day + DAY, cursor.tzinfo)
            available = end_of_day - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            cursor = end_of_day
        else:
            cursor = _midnight(day + DAY, cursor.tzinfo)


def working_days_between(
    start: dt.datetime, end: dt.datetime, *, calendar: WorkCalendar | None = None
) -> Decimal:
    """Working time from ``start`` to ``end`` in (fractional) working days; negative if end < start."""
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    start, end = _local(start), _local(end)
    calendar = calendar or WorkCalendar.load(start.date(), end.date())
    total = dt.timedelta()
    cursor = start
    while cursor < end:
        day = cursor.date()
        next_midnight = _midnight(day + DAY, cursor.tzinfo)
        if calendar.is_working_day(day):
            total += min(end, next_midnight) - cursor
        cursor = next_midnight
    return (Decimal(total.total_seconds()) / Decimal(86400)).quantize(Decimal("0.0001"))
