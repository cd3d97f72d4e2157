"""The holiday calendar is edited by district administrators and superusers (it is one calendar
for the deployment); a make-up working day falls on a weekend, and a date has one entry."""

import datetime as dt

import pytest

from conftest import PERSONAS
from grassroots.cases import catalog
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditRecord, DayKind, Holiday

NATIONAL_DAY = dt.date(2026, 10, 1)


def test_a_district_administrator_adds_changes_and_removes_entries(world):
    admin = world.district_admin
    holiday = catalog.add_holiday(actor=admin, date=NATIONAL_DAY, kind=DayKind.OFF, name="国庆")
    catalog.update_holiday(actor=admin, holiday=holiday, name="国庆节")
    catalog.remove_holiday(actor=admin, holiday=holiday)

    assert not Holiday.objects.exists()
    records = AuditRecord.objects.filter(target_type="core.holiday", target_id="2026-10-01")
    assert [r.action for r in records.order_by("id")] == ["create", "update", "delete"]
    assert {r.scope_path for r in records} == {""}  # deployment-wide: read by superusers


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "district_admin"])
def test_nobody_else_edits_the_calendar(world, personas, persona):
    holiday = catalog.add_holiday(actor=world.root, date=NATIONAL_DAY, kind=DayKind.OFF)
    user = personas[persona]
    with pytest.raises(NotAllowed):
        catalog.add_holiday(actor=user, date=dt.date(2026, 10, 2), kind=DayKind.OFF)
    with pytest.raises(NotAllowed):
        catalog.update_holiday(actor=user, holiday=holiday, name="x")
    with pytest.raises(NotAllowed):
        catalog.remove_holiday(actor=user, holiday=holiday)


def test_a_make_up_working_day_falls_on_a_weekend(world):
    with pytest.raises(ValidationError) as caught:
        catalog.add_holiday(actor=None, date=dt.date(2026, 10, 9), kind=DayKind.WORKDAY)  # a Friday
    assert set(caught.value.message_dict) == {"kind"}
    catalog.add_holiday(actor=None, date=dt.date(2026, 10, 10), kind=DayKind.WORKDAY)  # a Saturday


def test_a_date_has_one_entry_and_the_kind_is_known(world):
    catalog.add_holiday(actor=None, date=NATIONAL_DAY, kind=DayKind.OFF)
    with pytest.raises(ValidationError) as caught:
        catalog.add_holiday(actor=None, date=NATIONAL_DAY, kind=DayKind.OFF)
    assert set(caught.value.message_dict) == {"date"}
    with pytest.raises(ValidationError) as caught:
        catalog.add_holiday(actor=None, date=dt.date(2026, 10, 2), kind="half_day", name="x" * 51)
    assert set(caught.value.message_dict) == {"kind", "name"}
