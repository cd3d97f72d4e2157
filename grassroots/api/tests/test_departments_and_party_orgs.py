"""Departments and party organisations through the API."""

from grassroots.org.models import PartyOrg


def test_a_district_administrator_adds_and_renames_a_department(client_for, rich_world):
    client = client_for("district_admin")

    created = client.post(
        "/api/departments/",
        {"district": rich_world.district.code, "name": "区城管局", "code": "CG"},
        format="json",
    )
    renamed = client.patch(
        "/api/departments/CG/", {"name": "区城市管理局", "short_name": "城管"}, format="json"
    )

    assert created.status_code == 201, created.content
    assert created.json()["district"] == rich_world.district.code
    assert renamed.json()["name"] == "区城市管理局"


def test_a_department_code_in_use_is_a_field_error(client_for, rich_world):
    response = client_for("district_admin").post(
        "/api/departments/",
        {"district": rich_world.district.code, "name": "另一个局", "code": "MZ"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"code"}


def test_a_party_group_takes_its_district_from_its_branch(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/party-orgs/",
        {
            "kind": "group",
            "name": "第一党小组",
            "parent": rich_world.branch.code,
            "serves": rich_world.grid_x.code,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == rich_world.branch.code
    assert body["district"] == rich_world.district.code
    assert PartyOrg.objects.get(code=body["code"]).district == rich_world.district


def test_a_party_organisation_with_no_place_at_all_is_a_field_error(client_for, rich_world):
    response = client_for("district_admin").post(
        "/api/party-orgs/", {"kind": "working_committee", "name": "党工委", "code": "PW"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"district"}


def test_a_party_organisation_of_the_wrong_kind_under_its_parent_is_a_field_error(client_for, rich_world):
    response = client_for("district_admin").post(
        "/api/party-orgs/",
        {"kind": "working_committee", "name": "党工委", "parent": rich_world.branch.code},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"kind"}
