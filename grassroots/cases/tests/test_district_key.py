"""Every table that grows with the city carries its district, and none of its rows points at a row
of another district (docs/scaling.md: the district is the distribution key; such a table can be
distributed, with the tables it points at co-located or kept as reference tables)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import models
from django.db.models import F, Q

from grassroots.cases import actions
from grassroots.cases.models import (
    Attachment,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseSupport,
    CaseTally,
    CommonProblem,
    DistrictSplitTally,
    Extension,
    MetricSnapshot,
    SplitTally,
    SupervisionRecord,
)
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people import actions as people_actions
from grassroots.people.models import CareTag, Facility, Household, Organization, PartyMember, Resident
from grassroots.triage import problems
from grassroots.triage.models import CandidateMember, ProblemCandidate

# The tables that grow with the population and the ledger (docs/scaling.md, "Distributed").
DISTRIBUTED: list[type[models.Model]] = [
    Case,
    CaseEvent,
    CaseDepartment,
    CaseSupport,
    Attachment,
    Extension,
    SupervisionRecord,
    CommonProblem,
    MetricSnapshot,
    CaseTally,
    SplitTally,
    DistrictSplitTally,
    ProblemCandidate,
    CandidateMember,
    Household,
    Resident,
    CareTag,
    PartyMember,
    Organization,
    Facility,
]


def district_scoped_links(model: type[models.Model]) -> list[str]:
    """The foreign keys of ``model`` to rows that themselves belong to a district."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.name != "district"
        and any(f.name == "district" for f in field.related_model._meta.concrete_fields)
    ]


@pytest.mark.parametrize("model", DISTRIBUTED, ids=lambda m: m._meta.label)
def test_each_growing_table_has_a_required_district(model: type[models.Model]) -> None:
    field = model._meta.get_field("district")
    assert isinstance(field, models.ForeignKey)
    assert field.related_model is Unit
    assert not field.null


@pytest.fixture
def two_districts(ledger: SimpleNamespace, bring: SimpleNamespace, report: Any) -> SimpleNamespace:
    """The ledger's district with cases in many states, a common problem and a candidate, and a
    second district with a case of its own."""
    w = ledger
    bring.closed()
    bring.at_department()
    bring.resolved("grid")
    leaks = [
        report(title="屋顶漏水", description=f"{n}楼屋顶漏水，天花板发霉", household=w.household_y)
        for n in range(3, 9)
    ]
    actions.create_problem(actor=w.community_worker, title="屋顶漏水", cases=leaks[:2])
    problems.refresh(w.district)
    other = org_actions.create_unit(actor=w.root, kind=UnitKind.DISTRICT, name="邻区", code="530199")
    street = org_actions.create_unit(actor=w.root, kind=UnitKind.STREET, name="邻街道", parent=other)
    community = org_actions.create_unit(actor=w.root, kind=UnitKind.COMMUNITY, name="邻社区", parent=street)
    grid = org_actions.create_unit(actor=w.root, kind=UnitKind.GRID, name="邻网格", parent=community)
    household = people_actions.register_household(actor=w.root, grid=grid, address="邻社区1栋101")
    actions.register_case(
        actor=w.root, title="路灯不亮", description="门口路灯不亮", channel="grid_patrol", household=household
    )
    w.other = other
    return w


def test_no_row_points_at_a_row_of_another_district(two_districts: SimpleNamespace) -> None:
    assert Case.objects.filter(district=two_districts.other).exists()
    assert ProblemCandidate.objects.exists()
    crossing = {}
    for model in DISTRIBUTED:
        for link in district_scoped_links(model):
            rows = model._default_manager.filter(**{f"{link}__isnull": False}).exclude(
                Q(**{f"{link}__district": F("district")})
            )
            if rows.exists():
                crossing[f"{model._meta.label}.{link}"] = rows.count()
    assert crossing == {}
