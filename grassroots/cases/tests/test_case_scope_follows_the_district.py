"""Who sees which case when the tree holds a city with several districts: a post's subtree is read
through the cases' own district column (so that the district-led indexes serve it), and that must
show exactly the cases under the post — never a neighbouring district's, and still the cases a
person entered or is assigned in a district they have since left.

On top of the ledger's world (district 示范区, a root of its own):

    city 春城市 ─ district 东区 ─ street 东一街道 ─ community 东一社区 ─ grid g1
                │              └ street 东二街道 ─ community 东二社区 ─ grid g2
                └ district 西区 ─ street 西一街道 ─ community 西一社区 ─ grid w1

    d1_g1     in g1, entered by g1's grid manager
    d1_g2     in g2, entered by 东区's administrator
    d2_w1     in w1 (西区), entered by w1's grid manager
    moved     in g1, entered by a police officer of g1 who has since moved to 西区 (grid leader of w1)
    assigned  in g2, with that same person as its assignee
    home_x    in grid X of 示范区, resident A's report
    road      resident A's 大事 in grid X, routed to 区住建局
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conftest import make_user
from grassroots.cases import actions
from grassroots.cases.access import cases_visible_to
from grassroots.cases.models import Case
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Post


@pytest.fixture
def city(ledger: SimpleNamespace, bring: Any, report: Any) -> SimpleNamespace:
    w = ledger
    root = w.root
    create = org_actions.create_unit
    w.city = create(actor=root, kind=UnitKind.CITY, name="春城市", code="530100")
    w.d1 = create(actor=root, kind=UnitKind.DISTRICT, name="东区", parent=w.city)
    w.d2 = create(actor=root, kind=UnitKind.DISTRICT, name="西区", parent=w.city)
    s1 = create(actor=root, kind=UnitKind.STREET, name="东一街道", parent=w.d1)
    s2 = create(actor=root, kind=UnitKind.STREET, name="东二街道", parent=w.d1)
    sw = create(actor=root, kind=UnitKind.STREET, name="西一街道", parent=w.d2)
    c1 = create(actor=root, kind=UnitKind.COMMUNITY, name="东一社区", parent=s1)
    c2 = create(actor=root, kind=UnitKind.COMMUNITY, name="东二社区", parent=s2)
    cw = create(actor=root, kind=UnitKind.COMMUNITY, name="西一社区", parent=sw)
    g1 = create(actor=root, kind=UnitKind.GRID, name="第一网格", parent=c1)
    g2 = create(actor=root, kind=UnitKind.GRID, name="第一网格", parent=c2)
    w1 = create(actor=root, kind=UnitKind.GRID, name="第一网格", parent=cw)

    people = {
        "city_admin": (Role.DISTRICT_ADMIN, w.city),
        "d1_admin": (Role.DISTRICT_ADMIN, w.d1),
        "d1_street": (Role.STREET_STAFF, s1),
        "d1_community": (Role.COMMUNITY_STAFF, c1),
        "d1_grid_manager": (Role.GRID_MANAGER, g1),
        "d2_grid_manager": (Role.GRID_MANAGER, w1),
        "mover": (Role.POLICE_OFFICER, g1),
    }
    w.people = {}
    for name, (role, unit) in people.items():
        w.people[name] = user = make_user(name)
        org_actions.assign_post(actor=root, user=user, role=role, unit=unit)

    def enter(actor: Any, unit: Any) -> Case:
        case, _ = actions.register_case(
            actor=actor,
            title="路灯不亮",
            description="小区门口路灯不亮。",
            channel="grid_patrol",
            unit=unit,
            reporter=None,
            reporter_name="王先生",
        )
        return case

    w.city_cases = {
        "d1_g1": enter(w.people["d1_grid_manager"], g1),
        "d1_g2": enter(w.people["d1_admin"], g2),
        "d2_w1": enter(w.people["d2_grid_manager"], w1),
        "moved": enter(w.people["mover"], g1),
        "assigned": enter(w.people["d1_admin"], g2),
        "home_x": report(),
        "road": bring.at_department(),
    }
    # The police officer of g1 moves to 西区; the case of g2 keeps them as its assignee (set
    # directly: assigning needs a handler post at g2, which is beside the point here).
    mover = w.people["mover"]
    org_actions.end_post(actor=root, post=Post.objects.active().get(user=mover))
    org_actions.assign_post(actor=root, user=mover, role=Role.GRID_LEADER, unit=w1)
    Case.objects.filter(pk=w.city_cases["assigned"].pk).update(assignee=mover)
    return w


CITY = {"d1_g1", "d1_g2", "d2_w1", "moved", "assigned"}
SEES = {
    "city_admin": CITY,
    "d1_admin": {"d1_g1", "d1_g2", "moved", "assigned"},
    "d1_street": {"d1_g1", "moved"},
    "d1_community": {"d1_g1", "moved"},
    "d1_grid_manager": {"d1_g1", "moved"},
    "d2_grid_manager": {"d2_w1"},
    "mover": {"d2_w1", "moved", "assigned"},
    "district_admin": {"home_x", "road"},
    "grid_manager_x": {"home_x", "road"},
    "housing_handler": {"road"},
    "department_handler": set(),
    "resident_a": {"home_x", "road"},
    "resident_b": set(),
    "nobody": set(),
    "root": CITY | {"home_x", "road"},
}


def test_each_persona_sees_exactly_the_cases_under_their_posts_and_their_own(city, everyone):
    users = {**everyone, **city.people}
    names = {case.pk: name for name, case in city.city_cases.items()}
    seen = {
        persona: {names[pk] for pk in cases_visible_to(users[persona]).values_list("pk", flat=True)}
        for persona in SEES
    }
    assert seen == SEES


def test_a_person_with_posts_in_two_districts_sees_both(city):
    d1_admin = city.people["d1_admin"]
    org_actions.assign_post(actor=city.root, user=d1_admin, role=Role.DISTRICT_ADMIN, unit=city.d2)
    names = {case.pk: name for name, case in city.city_cases.items()}
    seen = {names[pk] for pk in cases_visible_to(d1_admin).values_list("pk", flat=True)}
    assert seen == CITY


def test_a_district_posts_cases_are_selected_on_the_cases_district_column(city):
    """The tree test names the cases' own district, which the district-led indexes serve; without
    it the database reads every case in the city to compare the units' paths."""
    sql = str(cases_visible_to(city.people["d1_admin"]).query)
    assert f'"cases_case"."district_id" = {city.d1.pk}' in sql


def test_a_city_posts_cases_are_selected_on_the_districts_of_the_city(city):
    sql = str(cases_visible_to(city.people["city_admin"]).query)
    districts = ", ".join(str(pk) for pk in sorted((city.d1.pk, city.d2.pk)))
    assert f'"cases_case"."district_id" IN ({districts})' in sql


def test_a_grid_posts_cases_are_selected_on_the_cases_district_and_unit_columns(city):
    sql = str(cases_visible_to(city.people["d1_grid_manager"]).query)
    assert f'"cases_case"."district_id" = {city.d1.pk}' in sql
    grid = city.people["d1_grid_manager"].posts.get().unit
    assert f'"cases_case"."unit_id" IN ({grid.pk})' in sql  # a list, not a subquery: see _subtree_cases
