"""List endpoints cost a fixed number of queries, however many rows they answer (no N+1)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from grassroots.org import actions as org_actions
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.people import actions as people_actions

_serial = itertools.count(1)


def add_rows(w, n):
    """``n`` more rows of every kind, each with the related rows its list shows."""
    for _ in range(n):
        i = next(_serial)
        building = org_actions.create_unit(
            actor=w.root, kind=UnitKind.BUILDING, name=f"{i}号楼", parent=w.grid_x
        )
        household = people_actions.register_household(
            actor=w.root, grid=w.grid_x, building=building, address=f"桂苑社区{i}号楼"
        )
        resident = people_actions.register_resident(
            actor=w.root,
            household=household,
            name=f"居民{i}",
            gender="female",
            birth_year=1950,
            phone=f"139{i:08d}",
            tags=["elderly_alone", "low_income"],
        )
        group = org_actions.create_party_org(
            actor=w.root,
            kind=PartyOrgKind.GROUP,
            name=f"第{i}党小组",
            district=w.district,
            parent=w.branch,
            serves=w.grid_x,
        )
        member = people_actions.register_party_member(
            actor=w.root, party_org=group, name=f"党员{i}", gender="male", birth_year=1980, resident=resident
        )
        people_actions.register_with_community(actor=w.root, member=member, community=w.community)
        people_actions.register_organization(
            actor=w.root,
            unit=w.grid_x,
            category="in_area",
            name=f"驻区单位{i}",
            party_org=group,
            contact_phone=f"137{i:08d}",
        )
        people_actions.register_facility(
            actor=w.root, unit=w.community, kind="other", name=f"服务点{i}", lat=26.0, lng=103.0
        )
        org_actions.create_department(actor=w.root, district=w.district, name=f"部门{i}", code=f"D{i}")
        org_actions.assign_post(
            actor=w.root, user=make_user(f"volunteer{i}"), role=Role.VOLUNTEER, unit=w.community
        )


LISTS = [
    "/api/units/",
    "/api/departments/",
    "/api/party-orgs/",
    "/api/posts/",
    "/api/households/",
    "/api/residents/",
    "/api/party-members/",
    "/api/organizations/",
    "/api/facilities/",
    "/api/audit/",
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_queries_for_2_rows_as_for_20(client_for, rich_world, url):
    client = client_for("district_admin")
    add_rows(rich_world, 2)
    few, few_rows = queries_for(client, url)

    add_rows(rich_world, 18)
    many, many_rows = queries_for(client, url)

    assert many_rows >= few_rows + 18
    assert many == few
