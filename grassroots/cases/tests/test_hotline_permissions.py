"""Only staff who may report cases in a district import a hotline ledger into it."""

from __future__ import annotations

import io

import pytest

from grassroots.cases.hotline import import_hotline
from grassroots.cases.models import Case
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

ROW = {"工单编号": "R1", "来电时间": "2024-03-05 09:30", "诉求内容": "内容", "所属网格": "集义社区"}


def run(ledger, user, data, district=None):
    return import_hotline(io.BytesIO(data), actor=user, district=district or ledger.district)


@pytest.mark.parametrize(
    "persona",
    ["grid_manager_x", "community_worker", "street_staff", "department_handler", "district_admin"],
)
def test_staff_of_the_district_import_into_it(ledger, personas, hotline_file, persona):
    report = run(ledger, personas[persona], hotline_file([ROW]))

    assert report.created == 1
    assert Case.objects.get().created_by == personas[persona]


@pytest.mark.parametrize("persona", ["resident_a", "nobody"])
def test_people_without_report_rights_cannot_import(ledger, personas, hotline_file, persona):
    with pytest.raises(NotAllowed):
        run(ledger, personas[persona], hotline_file([ROW]))

    assert not Case.objects.exists()


def test_a_grid_manager_cannot_import_for_another_district(ledger, hotline_file):
    other = org_actions.create_unit(actor=ledger.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")

    with pytest.raises(NotAllowed):
        run(ledger, ledger.grid_manager_x, hotline_file([ROW]), district=other)

    assert not Case.objects.exists()


def test_the_target_must_be_a_district(ledger, hotline_file):
    with pytest.raises(ValidationError) as caught:
        run(ledger, ledger.district_admin, hotline_file([ROW]), district=ledger.street)

    assert "district" in caught.value.message_dict
