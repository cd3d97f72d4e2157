"""Who can change each object: those the action allows (2xx); those who see it but may not change
it are refused (403); those who cannot see it get "not found" (404) — never a 500."""

from typing import Any

import pytest

from conftest import PERSONAS
from grassroots.core.models import AuditRecord

EDIT_X = {"grid_manager_x", "community_worker", "street_staff", "district_admin"}
EDIT_C = {"community_worker", "street_staff", "district_admin"}
ADMIN_X = {"community_worker", "street_staff", "district_admin"}

# name: (method, url from the world, body, who may, who sees but may not[, other answers by persona])
WRITERS: dict[str, tuple[Any, ...]] = {
    "rename a unit": (
        "patch",
        lambda w: f"/api/units/{w.grid_x.code}/",
        {"address": "桂苑路1号"},
        ADMIN_X,
        {"grid_manager_x", "department_handler"},
    ),
    "draw a unit's boundary": (
        "put",
        lambda w: f"/api/units/{w.grid_x.code}/boundary/",
        {"type": "Polygon", "coordinates": [[[103, 26], [103.01, 26], [103.01, 26.01], [103, 26]]]},
        ADMIN_X,
        {"grid_manager_x", "department_handler"},
    ),
    "move a unit": (
        "post",
        lambda w: f"/api/units/{w.grid_y.code}/move/",
        lambda w: {"parent": w.community2.code},
        {"street_staff", "district_admin"},
        {"department_handler"},
        # They see grid Y but not community C2, which the body names: "no such parent".
        {"community_worker": 400, "grid_manager_y": 400},
    ),
    "change a department": (
        "patch",
        lambda w: f"/api/departments/{w.department.code}/",
        {"short_name": "民政"},
        {"district_admin"},
        {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "department_handler"},
    ),
    "rename a party organisation": (
        "patch",
        lambda w: f"/api/party-orgs/{w.branch.code}/",
        {"name": "桂苑社区第一党支部"},
        {"community_worker", "street_staff", "district_admin"},
        {"grid_manager_x", "grid_manager_y"},
    ),
    "end a post": (
        "post",
        lambda w: f"/api/posts/{w.grid_manager_x.posts.get().pk}/end/",
        {},
        ADMIN_X,
        {"grid_manager_x", "department_handler"},
    ),
    "change a household": (
        "patch",
        lambda w: f"/api/households/{w.household_x.uid}/",
        {"door": "1单元102"},
        EDIT_X,
        {"resident_a"},
    ),
    "change a resident": (
        "patch",
        lambda w: f"/api/residents/{w.resident_a.uid}/",
        {"residency": "permanent", "tags": ["veteran", "disability"]},
        EDIT_X,
        {"resident_a"},
    ),
    "change a party member": (
        "patch",
        lambda w: f"/api/party-members/{w.member.uid}/",
        {"workplace": "区税务局"},
        EDIT_C,
        set(),
    ),
    "change an organisation": (
        "patch",
        lambda w: f"/api/organizations/{w.organization.uid}/",
        {"kind": "便利店", "contact_phone": "13700003333"},
        EDIT_X,
        set(),
    ),
    "change a facility": (
        "patch",
        lambda w: f"/api/facilities/{w.facility.uid}/",
        {"opening_hours": "9:00-17:00"},
        EDIT_C,
        {"resident_a", "resident_b", "department_handler", "grid_manager_x", "grid_manager_y"},
    ),
    "reveal a resident's phone": (
        "post",
        lambda w: f"/api/residents/{w.resident_a.uid}/reveal/",
        {"field": "phone", "purpose": "上门走访核实联系方式"},
        EDIT_X,
        {"resident_a"},
    ),
    "reveal a party member's ID number": (
        "post",
        lambda w: f"/api/party-members/{w.member.uid}/reveal/",
        {"field": "id_number", "purpose": "党员信息核对"},
        EDIT_C,
        set(),
    ),
    "reveal an organisation's contact phone": (
        "post",
        lambda w: f"/api/organizations/{w.organization.uid}/reveal/",
        {"field": "phone", "purpose": "联系驻区单位负责人"},
        EDIT_X,
        set(),
    ),
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
@pytest.mark.parametrize("act", WRITERS)
def test_a_write_succeeds_only_for_those_allowed_and_is_403_or_404_for_the_others(
    client_for, rich_world, act, persona
):
    method, url, body, allowed, refused, *special = WRITERS[act]
    body = body(rich_world) if callable(body) else body
    audit_before = AuditRecord.objects.count()

    response = getattr(client_for(persona), method)(url(rich_world), body, format="json")

    if persona == "root" or persona in allowed:
        assert response.status_code == 200, response.content
        assert AuditRecord.objects.count() == audit_before + 1
    elif special and persona in special[0]:
        assert response.status_code == special[0][persona], response.content
        assert AuditRecord.objects.count() == audit_before
    else:
        assert response.status_code == (403 if persona in refused else 404), response.content
        assert AuditRecord.objects.count() == audit_before


# name: (list url, body from the world, who may, who sees the place but may not change it)
CREATORS: dict[str, tuple[Any, ...]] = {
    "unit": (
        "/api/units/",
        lambda w: {"kind": "grid", "name": "第三网格", "parent": w.community.code},
        {"community_worker", "street_staff", "district_admin"},
        {"department_handler"},
    ),
    "department": (
        "/api/departments/",
        lambda w: {"district": w.district.code, "name": "区城管局", "code": "CG"},
        {"district_admin"},
        {"department_handler"},
    ),
    "party organisation": (
        "/api/party-orgs/",
        lambda w: {"kind": "group", "name": "第一党小组", "parent": w.branch.code, "serves": w.grid_x.code},
        {"community_worker", "street_staff", "district_admin"},
        {"grid_manager_x"},
    ),
    "post": (
        "/api/posts/",
        lambda w: {"user": str(w.nobody.uid), "role": "grid_leader", "unit": w.grid_x.code},
        {"community_worker", "street_staff", "district_admin"},
        {"grid_manager_x", "department_handler"},
    ),
    "household": (
        "/api/households/",
        lambda w: {"grid": w.grid_x.code, "address": "桂苑社区1栋1单元103"},
        EDIT_X,
        {"department_handler"},
    ),
    "resident": (
        "/api/residents/",
        lambda w: {
            "household": str(w.household_x.uid),
            "name": "张小明",
            "gender": "male",
            "birth_year": 2015,
        },
        EDIT_X,
        {"resident_a"},
    ),
    "party member": (
        "/api/party-members/",
        lambda w: {"party_org": w.branch.code, "name": "刘洋", "gender": "female", "birth_year": 1988},
        EDIT_C,
        {"grid_manager_x", "grid_manager_y"},
    ),
    "organisation": (
        "/api/organizations/",
        lambda w: {"unit": w.grid_x.code, "category": "social", "name": "桂苑志愿者协会"},
        EDIT_X,
        {"department_handler"},
    ),
    "facility": (
        "/api/facilities/",
        lambda w: {
            "unit": w.community.code,
            "kind": "day_care",
            "name": "日间照料中心",
            "lat": 26.0,
            "lng": 103.0,
        },
        EDIT_C,
        {"department_handler"},
    ),
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
@pytest.mark.parametrize("kind", CREATORS)
def test_creating_is_201_for_those_allowed_403_for_a_visible_place_and_400_for_an_unseen_one(
    client_for, rich_world, kind, persona
):
    """A place the caller cannot see is named in the body, so it is a field error that reads
    exactly like a place that does not exist."""
    url, body, allowed, refused = CREATORS[kind]

    response = client_for(persona).post(url, body(rich_world), format="json")

    if persona == "root" or persona in allowed:
        assert response.status_code == 201, response.content
    elif persona in refused:
        assert response.status_code == 403, response.content
    else:
        assert response.status_code == 400, response.content
        assert "does not exist" in str(response.json()) or "不存在" in str(response.json())
