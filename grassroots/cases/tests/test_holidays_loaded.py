"""``manage.py load_holidays`` writes the official 2025 and 2026 arrangements (days off and make-up
working days) and is safe to run again; deadlines in working days then skip the holidays and count
the make-up days."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core.management import call_command

from grassroots.cases import actions, catalog
from grassroots.cases.default_holidays import ARRANGEMENTS, calendar_entries
from grassroots.cases.models import Category
from grassroots.core.models import AuditRecord, DayKind, Holiday
from grassroots.core.workdays import add_working_days, working_days_between

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_holidays", *args, stdout=out)
    return out.getvalue()


def test_the_shipped_arrangements_are_consistent():
    for year, arrangements in ARRANGEMENTS.items():
        for arrangement in arrangements:
            assert arrangement.first.year == year
            assert arrangement.first <= arrangement.last
            assert all(day.weekday() >= 5 for day in arrangement.workdays), arrangement.name
    days = [day for day, _kind, _name in calendar_entries(2026)]
    assert len(days) == len(set(days))


def test_both_years_are_loaded_and_loading_again_changes_nothing(db):
    output = load()
    count, records = Holiday.objects.count(), AuditRecord.objects.count()
    again = load()

    assert "added" in output
    assert count == len(calendar_entries(2025)) + len(calendar_entries(2026))
    assert Holiday.objects.count() == count
    assert AuditRecord.objects.count() == records
    assert "0 entries added, 0 corrected" in again
    assert Holiday.objects.get(date=dt.date(2025, 10, 8)).kind == DayKind.OFF
    assert Holiday.objects.get(date=dt.date(2025, 9, 28)).kind == DayKind.WORKDAY
    assert Holiday.objects.get(date=dt.date(2026, 2, 28)).name == "春节调休上班"


def test_one_year_can_be_loaded_and_a_wrong_entry_is_corrected(db):
    catalog.add_holiday(actor=None, date=dt.date(2026, 10, 10), kind=DayKind.OFF, name="错")
    load("--year", "2026")

    assert not Holiday.objects.filter(date__year=2025).exists()
    assert Holiday.objects.get(date=dt.date(2026, 10, 10)).kind == DayKind.WORKDAY


def test_a_deadline_across_national_day_skips_the_holiday_and_counts_the_make_up_day(db):
    start = at(2025, 9, 30, 10)  # Tuesday, the last working day before the holiday
    assert add_working_days(start, 3) == at(2025, 10, 3, 10)  # no calendar: only weekends
    load()

    # 30 Sep 14 h, then 1–8 Oct off, 9 and 10 Oct, and Saturday 11 Oct worked (调休上班) until 10:00
    assert add_working_days(start, 3) == at(2025, 10, 11, 10)
    assert working_days_between(start, at(2025, 10, 9, 10)) == 1
    # the Sunday before it, 28 Sep, is a make-up working day too
    assert add_working_days(at(2025, 9, 27, 12), 1) == at(2025, 9, 29, 0)


def test_a_case_received_before_the_holiday_is_due_after_it(world):
    load()
    light = catalog.create_category(actor=None, district=world.district, code="L", name="楼道照明")
    catalog.set_time_limit(actor=None, district=world.district, category=light, stage="case", handling_days=5)

    case, _ = actions.register_case(
        actor=world.grid_manager_x,
        title="楼道灯坏了",
        description="晚上看不见",
        channel="grid_patrol",
        household=world.household_x,
        category=Category.objects.get(pk=light.pk),
        received_at=at(2025, 9, 30, 9),
    )

    # 1 working day to respond: 30 Sep 9:00 → 9 Oct 9:00 (15 h on 30 Sep, then 9 h on 9 Oct)
    assert case.response_due_at == at(2025, 10, 9, 9)
    # 5 working days: 30 Sep, 9, 10, 11 (make-up Saturday), 13, 14 Oct → 14 Oct 9:00
    assert case.due_at == at(2025, 10, 14, 9)
