"""Who sees which case: grid staff their grid, community and street staff their
subtree, a department what was routed to it, district administrators and root everything,
residents their own; ``public_cases_for`` shows a resident the public matters of their own
community only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.cases import actions
from grassroots.cases.access import cases_visible_to, public_cases_for
from grassroots.cases.tests.conftest import LEDGER_PERSONAS


@pytest.fixture
def cases(ledger, bring, report):
    """x: A's case in grid X (entered by grid manager X); y: B's own report in grid Y; z: a case in
    grid Z (community C2) entered by the street staff; w: a case in grid W (street S2) entered by
    the district administrator; road: A's 大事 in grid X routed to 区住建局; spot: a caller's case
    in grid X that the grid leader solved on the spot."""
    w = ledger
    caller = {"reporter": None, "reporter_name": "王先生"}
    spot = report(actor=w.grid_leader_x, **caller)
    spot = actions.solve_on_the_spot(spot, actor=w.grid_leader_x, version=spot.version, resolution="换了灯泡")
    return {
        "x": bring.registered(),
        "y": report(actor=w.resident_b_user, household=w.household_y, reporter=w.resident_b),
        "z": report(actor=w.street_staff, household=w.household_z, **caller),
        "w": report(actor=w.district_admin, household=w.household_w, **caller),
        "road": bring.at_department(),
        "spot": spot,
    }


EVERYTHING = {"x", "y", "z", "w", "road", "spot"}
SEES = {
    "resident_a": {"x", "road"},
    "resident_b": {"y"},
    "grid_manager_x": {"x", "road", "spot"},
    "grid_manager_y": {"y"},
    "grid_leader_x": {"x", "road", "spot"},
    "community_worker": {"x", "y", "road", "spot"},
    "community_worker2": {"x", "y", "road", "spot"},
    "street_staff": {"x", "y", "z", "road", "spot"},
    "housing_handler": {"road"},
    "department_handler": set(),
    "district_admin": EVERYTHING,
    "nobody": set(),
    "root": EVERYTHING,
}


def test_each_persona_sees_exactly_their_cases(cases, everyone):
    names = {case.pk: name for name, case in cases.items()}
    seen = {
        persona: {names[pk] for pk in cases_visible_to(everyone[persona]).values_list("pk", flat=True)}
        for persona in LEDGER_PERSONAS
    }
    assert seen == SEES


def test_an_anonymous_visitor_sees_no_case(cases):
    assert not cases_visible_to(AnonymousUser()).exists()
    assert not public_cases_for(AnonymousUser()).exists()


def test_a_resident_sees_the_public_matters_of_their_own_community(ledger, cases, everyone):
    z = cases["z"]
    actions.triage_case(
        z, actor=ledger.street_staff, version=z.version, triage_class="community", reason="社区事务"
    )
    y = cases["y"]
    actions.triage_case(
        y, actor=ledger.community_worker, version=y.version, triage_class="private", reason="家务"
    )
    public_a = set(public_cases_for(everyone["resident_a"]).values_list("pk", flat=True))
    # Community C's 大事 and 小事: the road routed to the department and the lamp solved on the spot;
    # not A's untriaged case, not B's 私事, not community C2's triaged 小事.
    assert public_a == {cases["road"].pk, cases["spot"].pk}
    assert set(public_cases_for(everyone["resident_b"]).values_list("pk", flat=True)) == public_a
    assert not public_cases_for(everyone["community_worker"]).exists()  # staff have no public view


def test_a_duplicate_is_not_shown_in_public_beside_its_original(ledger, cases, everyone):
    x = cases["x"]
    actions.mark_duplicate(x, actor=ledger.community_worker, version=x.version, original=cases["road"])
    assert set(public_cases_for(everyone["resident_b"]).values_list("pk", flat=True)) == {
        cases["road"].pk,
        cases["spot"].pk,
    }


def test_a_department_keeps_seeing_a_case_it_returned(ledger, cases, everyone):
    road = cases["road"]
    actions.return_case(road, actor=ledger.housing_handler, version=road.version, reason="不属本局")
    assert cases_visible_to(everyone["housing_handler"]).filter(pk=road.pk).exists()


def test_a_department_sees_a_case_once_it_is_escalated_to_it(ledger, bring, everyone):
    case = bring.triaged("major", category=ledger.cat_road)
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)  # to the street
    assert not cases_visible_to(everyone["housing_handler"]).filter(pk=case.pk).exists()
    actions.escalate_case(case, actor=ledger.street_staff, version=case.version, reason="需住建局")
    assert cases_visible_to(everyone["housing_handler"]).filter(pk=case.pk).exists()
    assert not cases_visible_to(everyone["department_handler"]).filter(pk=case.pk).exists()
