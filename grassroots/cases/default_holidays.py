"""The official holiday arrangements of the People's Republic of China, as calendar data
(``core.models.Holiday``), and ``load_holidays`` (docs/domain.md §3.3: the calendar is data).

Sources, the State Council General Office's yearly notices (国务院办公厅关于……年部分节假日安排的通知):

- 2025: 国办发明电〔2024〕12号 of 12 November 2024 (the first year under the November 2024 revision
  of 《全国年节及纪念日放假办法》: New Year's Eve of the lunar calendar and 2 May became holidays);
- 2026: the notice of 4 November 2025.

Every day of each holiday span is stored as a day off (weekend days inside the span too, so the
calendar reads like the notice) and every make-up working day (调休上班) as a working day. Later
years are added here when their notice is published, or entered in the admin or the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from grassroots.cases import catalog
from grassroots.core.models import DayKind, Holiday, User


@dataclass(frozen=True)
class Arrangement:
    """One holiday of a notice: the days off (first and last, inclusive) and the make-up days."""

    name: str
    first: dt.date
    last: dt.date
    workdays: tuple[dt.date, ...] = ()


D = dt.date

ARRANGEMENTS: dict[int, tuple[Arrangement, ...]] = {
    2025: (
        Arrangement("元旦", D(2025, 1, 1), D(2025, 1, 1)),
        Arrangement("春节", D(2025, 1, 28), D(2025, 2, 4), (D(2025, 1, 26), D(2025, 2, 8))),
        Arrangement("清明节", D(2025, 4, 4), D(2025, 4, 6)),
        Arrangement("劳动节", D(2025, 5, 1), D(2025, 5, 5), (D(2025, 4, 27),)),
        Arrangement("端午节", D(2025, 5, 31), D(2025, 6, 2)),
        Arrangement("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8), (D(2025, 9, 28), D(2025, 10, 11))),
    ),
    2026: (
        Arrangement("元旦", D(2026, 1, 1), D(2026, 1, 3), (D(2026, 1, 4),)),
        Arrangement("春节", D(2026, 2, 15), D(2026, 2, 23), (D(2026, 2, 14), D(2026, 2, 28))),
        Arrangement("清明节", D(2026, 4, 4), D(2026, 4, 6)),
        Arrangement("劳动节", D(2026, 5, 1), D(2026, 5, 5), (D(2026, 5, 9),)),
        Arrangement("端午节", D(2026, 6, 19), D(2026, 6, 21)),
        Arrangement("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
        Arrangement("国庆节", D(2026, 10, 1), D(2026, 10, 7), (D(2026, 9, 20), D(2026, 10, 10))),
    ),
}
YEARS = tuple(sorted(ARRANGEMENTS))


def calendar_entries(year: int) -> list[tuple[dt.date, str, str]]:
    """``(date, kind, name)`` of every entry of ``year``'s notice, in date order."""
    rows: list[tuple[dt.date, str, str]] = []
    for arrangement in ARRANGEMENTS[year]:
        day = arrangement.first
        while day <= arrangement.last:
            rows.append((day, DayKind.OFF, arrangement.name))
            day += dt.timedelta(days=1)
        rows += [(day, DayKind.WORKDAY, f"{arrangement.name}调休上班") for day in arrangement.workdays]
    return sorted(rows)


@dataclass
class HolidayLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_holidays(*, actor: User | None, years: tuple[int, ...] = YEARS) -> HolidayLoad:
    """Write the shipped arrangements of ``years`` through the calendar actions. Idempotent: an
    entry already there is left alone, or corrected if its kind or name differ; entries of other
    dates (local additions) are kept."""
    report = HolidayLoad()
    for year in years:
        rows = calendar_entries(year)
        existing = {h.date: h for h in Holiday.objects.filter(date__in=[day for day, _k, _n in rows])}
        for day, kind, name in rows:
            holiday = existing.get(day)
            if holiday is None:
                catalog.add_holiday(actor=actor, date=day, kind=kind, name=name)
                report.created += 1
            elif (holiday.kind, holiday.name) == (kind, name):
                report.unchanged += 1
            else:
                catalog.update_holiday(actor=actor, holiday=holiday, kind=kind, name=name)
                report.updated += 1
    return report
