"""Who can read each endpoint: an object is listed and retrievable for exactly the personas whose
posts cover it, and "not found" (404, absent from the list) for everyone else (docs/domain.md §1)."""

from typing import Any

import pytest

from conftest import PERSONAS

STAFF = {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "department_handler"}

# name: (list url, detail url from the world, the object's id in list rows, who sees it besides root)
READERS: dict[str, tuple[Any, ...]] = {
    "unit grid X": (
        "/api/units/",
        lambda w: f"/api/units/{w.grid_x.code}/",
        ("code", lambda w: w.grid_x.code),
        {"grid_manager_x", "community_worker", "street_staff", "department_handler", "district_admin"},
    ),
    "unit grid W (other street)": (
        "/api/units/",
        lambda w: f"/api/units/{w.grid_w.code}/",
        ("code", lambda w: w.grid_w.code),
        {"department_handler", "district_admin"},
    ),
    "department": (
        "/api/departments/",
        lambda w: f"/api/departments/{w.department.code}/",
        ("code", lambda w: w.department.code),
        STAFF | {"district_admin"},
    ),
    "party organisation serving C": (
        "/api/party-orgs/",
        lambda w: f"/api/party-orgs/{w.branch.code}/",
        ("code", lambda w: w.branch.code),
        # grid staff work with the branches of their community
        {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "district_admin"},
    ),
    "post at grid X": (
        "/api/posts/",
        lambda w: f"/api/posts/{w.grid_manager_x.posts.get().pk}/",
        ("id", lambda w: w.grid_manager_x.posts.get().pk),
        {"grid_manager_x", "community_worker", "street_staff", "department_handler", "district_admin"},
    ),
    "household in X": (
        "/api/households/",
        lambda w: f"/api/households/{w.household_x.uid}/",
        ("uid", lambda w: str(w.household_x.uid)),
        {"resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"},
    ),
    "resident A": (
        "/api/residents/",
        lambda w: f"/api/residents/{w.resident_a.uid}/",
        ("uid", lambda w: str(w.resident_a.uid)),
        {"resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"},
    ),
    "resident B": (
        "/api/residents/",
        lambda w: f"/api/residents/{w.resident_b.uid}/",
        ("uid", lambda w: str(w.resident_b.uid)),
        {"resident_b", "grid_manager_y", "community_worker", "street_staff", "district_admin"},
    ),
    "party member counted at C": (
        "/api/party-members/",
        lambda w: f"/api/party-members/{w.member.uid}/",
        ("uid", lambda w: str(w.member.uid)),
        {"community_worker", "street_staff", "district_admin"},
    ),
    "organisation in X": (
        "/api/organizations/",
        lambda w: f"/api/organizations/{w.organization.uid}/",
        ("uid", lambda w: str(w.organization.uid)),
        {"grid_manager_x", "community_worker", "street_staff", "district_admin"},
    ),
    "facility of C": (
        "/api/facilities/",
        lambda w: f"/api/facilities/{w.facility.uid}/",
        ("uid", lambda w: str(w.facility.uid)),
        {
            "resident_a",
            "resident_b",
            "grid_manager_x",  # the 一有七中心 serve the whole community, grids included
            "grid_manager_y",
            "community_worker",
            "street_staff",
            "department_handler",
            "district_admin",
        },
    ),
    "statistics of C": (
        None,
        lambda w: f"/api/units/{w.community.code}/statistics/",
        None,
        {"community_worker", "street_staff", "district_admin"},
    ),
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
@pytest.mark.parametrize("resource", READERS)
def test_an_object_is_readable_exactly_by_the_personas_whose_scope_covers_it(
    client_for, rich_world, resource, persona
):
    list_url, detail_url, identity, readers = READERS[resource]
    client = client_for(persona)
    can_read = persona == "root" or persona in readers

    detail = client.get(detail_url(rich_world))
    assert detail.status_code == (200 if can_read else 404), detail.content

    if list_url is not None:
        key, value = identity
        listed = client.get(list_url, {"page_size": 500})
        assert listed.status_code == 200
        ids = {row[key] for row in listed.json()["results"]}
        assert (value(rich_world) in ids) is can_read


@pytest.mark.parametrize("resource", READERS)
def test_anonymous_callers_are_asked_to_sign_in(client_for, rich_world, resource):
    list_url, detail_url, _, _ = READERS[resource]
    client = client_for("anonymous")
    assert client.get(detail_url(rich_world)).status_code == 401
    if list_url is not None:
        assert client.get(list_url).status_code == 401
