"""No API answer carries a plaintext ID number or phone, only the masked forms (docs/domain.md §8).
The one exception is ``reveal`` (see test_reveal.py)."""

import pytest

from conftest import PLAINTEXT

READS = [
    "/api/residents/",
    "/api/party-members/",
    "/api/organizations/",
    "/api/households/",
    "/api/facilities/",
    "/api/audit/",
    "/api/auth/me/",
    "/api/units/",
    "/api/posts/",
]


def assert_no_plaintext(response):
    text = response.content.decode()
    leaked = [value for value in PLAINTEXT if value in text]
    assert not leaked, f"{response.wsgi_request.path} shows {leaked}"


@pytest.mark.parametrize("persona", ["root", "district_admin", "grid_manager_x", "resident_a"])
def test_lists_and_records_show_personal_data_only_masked(client_for, rich_world, persona):
    w = rich_world
    client = client_for(persona)
    details = [
        f"/api/residents/{w.resident_a.uid}/",
        f"/api/residents/{w.resident_b.uid}/",
        f"/api/party-members/{w.member.uid}/",
        f"/api/organizations/{w.organization.uid}/",
    ]
    for url in READS + details:
        assert_no_plaintext(client.get(url, {"page_size": 500}))


def test_masked_values_are_what_the_records_show(client_for, rich_world):
    client = client_for("district_admin")

    resident = client.get(f"/api/residents/{rich_world.resident_a.uid}/").json()
    organization = client.get(f"/api/organizations/{rich_world.organization.uid}/").json()

    assert resident["id_number_masked"] == "5301**********1230"
    assert resident["phone_masked"] == "138****5678"
    assert organization["contact_phone_masked"] == "137****1111"


def test_an_exact_lookup_by_id_number_or_phone_answers_without_echoing_it(client_for, rich_world):
    client = client_for("district_admin")

    by_id = client.post("/api/residents/lookup/", {"id_number": PLAINTEXT[0]}, format="json")
    by_phone = client.post("/api/party-members/lookup/", {"phone": "136 0000 2222"}, format="json")

    assert [row["uid"] for row in by_id.json()["results"]] == [str(rich_world.resident_a.uid)]
    assert [row["uid"] for row in by_phone.json()["results"]] == [str(rich_world.member.uid)]
    assert_no_plaintext(by_id)
    assert_no_plaintext(by_phone)


def test_writes_accept_plaintext_but_answer_masked(client_for, rich_world):
    client = client_for("district_admin")

    changed = client.patch(
        f"/api/residents/{rich_world.resident_b.uid}/",
        {"phone": "13987654321", "id_number": PLAINTEXT[1]},
        format="json",
    )
    created = client.post(
        "/api/organizations/",
        {"unit": rich_world.grid_y.code, "category": "shop", "name": "新店", "contact_phone": "13700001111"},
        format="json",
    )
    failed = client.post(
        "/api/residents/",
        {
            "household": str(rich_world.household_y.uid),
            "name": "重复",
            "gender": "male",
            "birth_year": 1990,
            "id_number": PLAINTEXT[0],
        },
        format="json",
    )

    assert changed.status_code == 200, changed.content
    assert created.status_code == 201, created.content
    assert failed.status_code == 400  # the ID number is already registered: the error does not repeat it
    for response in (changed, created, failed):
        assert_no_plaintext(response)
    assert_no_plaintext(client.get("/api/audit/", {"page_size": 500}))
