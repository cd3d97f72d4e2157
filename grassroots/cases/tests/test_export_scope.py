"""An export holds exactly the cases its maker may read (``cases_visible_to``), persona by persona."""

from __future__ import annotations

import csv
import io

import pytest

from grassroots.cases import actions
from grassroots.cases.export import export_cases
from grassroots.cases.models import Case


def numbers(user):
    data = b"".join(export_cases(user, fmt="csv").chunks).decode("utf-8-sig")
    return {row[0] for row in list(csv.reader(io.StringIO(data)))[1:]}


@pytest.fixture
def spread(ledger, report):
    """One case in grid X (resident A), one in grid Y (resident B), one in grid W (street S2)."""
    admin = ledger.district_admin
    return {
        "x": report(actor=admin).number,
        "y": report(actor=admin, household=ledger.household_y, reporter=ledger.resident_b).number,
        "w": report(actor=admin, household=ledger.household_w, reporter=None, reporter_name="孙八").number,
    }


EXPECTED = {
    "resident_a": {"x"},
    "resident_b": {"y"},
    "grid_manager_x": {"x"},
    "grid_manager_y": {"y"},
    "community_worker": {"x", "y"},
    "street_staff": {"x", "y"},
    "department_handler": set(),
    "district_admin": {"x", "y", "w"},
    "nobody": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_exports_only_the_cases_they_may_read(personas, spread, persona):
    assert numbers(personas[persona]) == {spread[key] for key in EXPECTED[persona]}


def test_a_department_exports_the_cases_routed_to_it(ledger, report, personas):
    case = report(actor=ledger.district_admin, category=ledger.cat_road)
    case = actions.triage_case(
        case, actor=ledger.community_worker, version=case.version, triage_class="major", reason="道路属住建"
    )
    actions.route_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        level="department",
        department=ledger.housing,
    )

    assert numbers(ledger.housing_handler) == {case.number}
    assert numbers(personas["department_handler"]) == set()


def test_a_callers_own_queryset_narrows_the_export_but_never_widens_it(ledger, spread):
    everything = Case.objects.all()
    in_y_or_w = Case.objects.filter(number__in=[spread["y"], spread["w"]])

    def exported(user, queryset):
        data = b"".join(export_cases(user, fmt="csv", queryset=queryset).chunks).decode("utf-8-sig")
        return {row[0] for row in list(csv.reader(io.StringIO(data)))[1:]}

    assert exported(ledger.grid_manager_x, everything) == {spread["x"]}
    assert exported(ledger.community_worker, in_y_or_w) == {spread["y"]}
