"""Registering and changing people through the API: the actions' checks come back as 400 field errors."""

import pytest

from conftest import ID_A
from grassroots.core import pii
from grassroots.people.models import Household, Resident

ID_C = "530113201501010015"  # valid, male, born 2015


def new_resident(**extra):
    return {"name": "张小明", "gender": "male", "birth_year": 2015, **extra}


def test_a_grid_manager_registers_a_resident_and_gets_the_masked_record_back(client_for, rich_world):
    response = client_for("grid_manager_x").post(
        "/api/residents/",
        new_resident(
            household=str(rich_world.household_x.uid), id_number=ID_C, phone="138 1111 2222", tags=["veteran"]
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == "5301**********0015"
    assert body["phone_masked"] == "138****2222"
    assert body["tags"] == ["veteran"]
    assert body["grid"]["code"] == rich_world.grid_x.code
    assert "id_number" not in body
    assert "phone" not in body
    resident = Resident.objects.get(uid=body["uid"])
    assert resident.id_number_hash == pii.blind_index(ID_C, kind="id_number")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"id_number": "530113201501010016"}, "id_number"),  # wrong check character
        ({"id_number": "5301132015"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        ({"gender": "other"}, "gender"),
        ({"id_number": ID_C, "birth_year": 2014}, "birth_year"),  # disagrees with the ID number
        ({"id_number": ID_A}, "id_number"),  # already registered in the district
        ({"tags": ["unknown_tag"]}, "tags"),
        ({"household": "00000000-0000-0000-0000-000000000000"}, "household"),
    ],
)
def test_bad_resident_input_is_a_field_error(client_for, rich_world, extra, field):
    body = {**new_resident(household=str(rich_world.household_x.uid)), **extra}

    response = client_for("grid_manager_x").post("/api/residents/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Resident.objects.count() == 2


def test_a_resident_without_a_name_is_a_field_error(client_for, rich_world):
    body = new_resident(household=str(rich_world.household_x.uid))
    del body["name"]

    response = client_for("grid_manager_x").post("/api/residents/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_changing_only_the_phone_keeps_the_id_number(client_for, rich_world):
    response = client_for("grid_manager_x").patch(
        f"/api/residents/{rich_world.resident_a.uid}/", {"phone": "+86 139 0000 1111"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["phone_masked"] == "139****1111"
    assert response.json()["id_number_masked"] == rich_world.resident_a.id_number_masked


def test_a_bad_phone_on_update_is_a_field_error(client_for, rich_world):
    response = client_for("grid_manager_x").patch(
        f"/api/residents/{rich_world.resident_a.uid}/", {"phone": "0000"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"phone"}


def test_moving_a_resident_to_a_household_out_of_sight_is_a_field_error(client_for, rich_world):
    response = client_for("grid_manager_x").patch(
        f"/api/residents/{rich_world.resident_a.uid}/",
        {"household": str(rich_world.household_y.uid)},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"household"}


def test_a_household_needs_an_address_and_a_building_in_its_grid(client_for, rich_world):
    client = client_for("community_worker")

    no_address = client.post("/api/households/", {"grid": rich_world.grid_y.code}, format="json")
    wrong_building = client.post(
        "/api/households/",
        {"grid": rich_world.grid_y.code, "building": rich_world.building_x.code, "address": "桂苑社区2栋"},
        format="json",
    )

    assert no_address.status_code == 400
    assert set(no_address.json()) == {"address"}
    assert wrong_building.status_code == 400
    assert set(wrong_building.json()) == {"building"}
    assert Household.objects.count() == 4


def test_a_party_member_with_a_bad_id_number_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/party-members/",
        {
            "party_org": rich_world.branch.code,
            "name": "刘洋",
            "gender": "male",
            "birth_year": 1988,
            "id_number": "X",
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"id_number"}


def test_an_organisation_with_a_bad_contact_phone_is_a_field_error(client_for, rich_world):
    response = client_for("grid_manager_x").post(
        "/api/organizations/",
        {"unit": rich_world.grid_x.code, "category": "shop", "name": "新店", "contact_phone": "abc"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"contact_phone"}


def test_a_facility_needs_its_location(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/facilities/",
        {"unit": rich_world.community.code, "kind": "health", "name": "卫生服务站", "lat": 26.0},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"lng"}


def test_a_malformed_public_id_in_the_url_is_not_found(client_for, rich_world):
    assert client_for("district_admin").get("/api/residents/not-a-uuid/").status_code == 404
    assert client_for("district_admin").get("/api/posts/abc/").status_code == 404
