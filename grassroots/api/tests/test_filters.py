"""List filters (shared with the pages): they narrow the caller's scope and never widen it."""

import pytest

from conftest import ID_A, ID_B
from grassroots.people import actions as people_actions


def uids(response):
    assert response.status_code == 200, response.content
    return {row["uid"] for row in response.json()["results"]}


@pytest.fixture
def more_people(rich_world):
    w = rich_world
    w.elder = people_actions.register_resident(
        actor=w.root,
        household=w.household_x,
        name="张奶奶",
        gender="female",
        birth_year=1940,
        relation="parent",
        residency="permanent",
        tags=["elderly_alone", "low_income"],
    )
    w.child = people_actions.register_resident(
        actor=w.root,
        household=w.household_z,
        name="王小",
        gender="male",
        birth_year=2012,
        tags=["left_behind_child"],
    )
    return w


def test_residents_filter_by_unit_subtree(client_for, more_people):
    w = more_people
    client = client_for("district_admin")

    assert uids(client.get("/api/residents/", {"unit": w.community.code})) == {
        str(w.resident_a.uid),
        str(w.resident_b.uid),
        str(w.elder.uid),
    }
    assert uids(client.get("/api/residents/", {"unit": w.grid_z.code})) == {str(w.child.uid)}
    assert uids(client.get("/api/residents/", {"unit": "no-such-unit"})) == set()


def test_residents_filter_by_building_household_tag_gender_and_birth_year(client_for, more_people):
    w = more_people
    client = client_for("district_admin")

    assert uids(client.get("/api/residents/", {"building": w.building_x.code})) == {
        str(w.resident_a.uid),
        str(w.elder.uid),
    }
    assert uids(client.get("/api/residents/", {"household": str(w.household_z.uid)})) == {str(w.child.uid)}
    assert uids(client.get("/api/residents/", {"tag": "elderly_alone"})) == {str(w.elder.uid)}
    assert uids(client.get("/api/residents/", {"gender": "female"})) == {
        str(w.resident_b.uid),
        str(w.elder.uid),
    }
    assert uids(client.get("/api/residents/", {"birth_year_min": 1980, "birth_year_max": 1995})) == {
        str(w.resident_a.uid),
        str(w.resident_b.uid),
    }
    assert uids(client.get("/api/residents/", {"residency": "permanent"})) == {str(w.elder.uid)}
    assert uids(client.get("/api/residents/", {"q": "奶奶"})) == {str(w.elder.uid)}


def test_a_resident_with_several_tags_is_listed_once(client_for, more_people):
    response = client_for("district_admin").get("/api/residents/", {"tag": "low_income"})

    assert [row["uid"] for row in response.json()["results"]] == [str(more_people.elder.uid)]


def test_an_id_number_or_phone_is_found_by_exact_match_in_any_written_form(client_for, rich_world):
    client = client_for("district_admin")
    a = {str(rich_world.resident_a.uid)}

    def lookup(body):
        return uids(client.post("/api/residents/lookup/", body, format="json"))

    assert lookup({"id_number": ID_A}) == a
    assert lookup({"id_number": f" {ID_A[:9]} {ID_A[9:]} "}) == a
    assert lookup({"phone": "+86 138-1234-5678"}) == a
    assert lookup({"phone": "13812345670"}) == set()
    assert lookup({"phone": "+86 138-1234-5678", "gender": "female"}) == set()  # the other filters apply too


def test_a_lookup_does_not_reach_past_the_scope(client_for, rich_world):
    response = client_for("grid_manager_x").post("/api/residents/lookup/", {"id_number": ID_B}, format="json")
    assert uids(response) == set()


@pytest.mark.parametrize(("field", "value"), [("id_number", "530113199001011231"), ("phone", "12")])
def test_a_malformed_lookup_value_is_a_field_error(client_for, rich_world, field, value):
    response = client_for("district_admin").post("/api/residents/lookup/", {field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("field", ["id_number", "phone"])
@pytest.mark.parametrize("url", ["/api/residents/", "/api/party-members/", "/api/organizations/"])
def test_personal_numbers_are_refused_in_a_url(client_for, rich_world, url, field):
    response = client_for("district_admin").get(url, {field: "13812345678"})

    assert response.status_code == 400
    assert "lookup/" in response.json()[field][0]


def test_other_people_lists_filter_by_unit_and_their_own_vocabularies(client_for, rich_world):
    w = rich_world
    client = client_for("district_admin")

    assert uids(client.get("/api/households/", {"unit": w.grid_x.code})) == {str(w.household_x.uid)}
    assert uids(client.get("/api/party-members/", {"party_org": w.branch.code, "status": "full"})) == {
        str(w.member.uid)
    }
    assert uids(client.get("/api/organizations/", {"category": "social"})) == set()
    assert uids(client.post("/api/organizations/lookup/", {"phone": "13700001111"}, format="json")) == {
        str(w.organization.uid)
    }
    assert uids(client.get("/api/facilities/", {"kind": "party_service", "unit": w.street.code})) == {
        str(w.facility.uid)
    }
    assert uids(client.get("/api/facilities/", {"unit": w.street2.code})) == set()


def test_posts_filter_by_role_place_and_state(client_for, rich_world):
    w = rich_world
    client = client_for("district_admin")

    managers = client.get("/api/posts/", {"role": "grid_manager", "within": w.community.code}).json()[
        "results"
    ]
    at_department = client.get("/api/posts/", {"department": w.department.code}).json()["results"]

    assert {post["user"]["username"] for post in managers} == {"gm_x", "gm_y"}
    assert [post["user"]["username"] for post in at_department] == ["dh"]
    assert client.get("/api/posts/", {"active": "false"}).json()["results"] == []
