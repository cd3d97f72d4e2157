"""Every admin change list costs a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from grassroots.core.validators import id_check_character
from grassroots.org import actions as org_actions
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.people import actions as people_actions

CHANGE_LISTS = (
    "org_unit",
    "org_department",
    "org_partyorg",
    "org_post",
    "people_household",
    "people_resident",
    "people_partymember",
    "people_organization",
    "people_facility",
    "core_auditrecord",
    "core_user",
)


def queries(client, admin_name):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(f"admin:{admin_name}_changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world, start, n):
    """``n`` more of everything under the community, numbered from ``start``."""
    root = world.root
    branch = org_actions.create_party_org(
        actor=root,
        kind=PartyOrgKind.BRANCH,
        name=f"支部{start}",
        district=world.district,
        serves=world.community,
        code=f"P{start}",
    )
    org_actions.create_department(actor=root, district=world.district, name=f"局{start}", code=f"D{start}")
    for i in range(start, start + n):
        grid = org_actions.create_unit(
            actor=root, kind=UnitKind.GRID, name=f"网格{i}", parent=world.community
        )
        org_actions.assign_post(actor=root, user=make_user(f"staff{i}"), role=Role.GRID_MANAGER, unit=grid)
        household = people_actions.register_household(actor=root, grid=grid, address=f"新楼{i}号")
        first17 = f"530113199{i % 10}0101{i:03d}"[:17]
        resident = people_actions.register_resident(
            actor=root,
            household=household,
            name=f"居民{i}",
            gender="male" if int(first17[16]) % 2 else "female",
            birth_year=int(first17[6:10]),
            id_number=first17 + id_check_character(first17),
            phone=f"1390000{i:04d}",
            tags=["veteran", "disability"],
        )
        people_actions.register_party_member(
            actor=root, party_org=branch, name=f"党员{i}", gender="male", birth_year=1980, resident=resident
        )
        people_actions.register_organization(
            actor=root, unit=grid, category="shop", name=f"商店{i}", contact_phone=f"1370000{i:04d}"
        )
        people_actions.register_facility(
            actor=root, unit=grid, kind="other", name=f"设施{i}", lat=26.0, lng=103.0
        )


@pytest.mark.parametrize("admin_name", CHANGE_LISTS)
def test_a_change_list_costs_the_same_queries_for_more_rows(rich_world, client_for, admin_name):
    persona = "root" if admin_name == "core_user" else "district_admin"
    client = client_for(persona)
    before = queries(client, admin_name)
    grow(rich_world, 100, 3)
    middle = queries(client, admin_name)
    grow(rich_world, 200, 6)
    assert queries(client, admin_name) == middle == before
