"""Only staff have a workbench: residents and accounts without a staff post get "not found" (404)
for the page and for bulk assignment alike, and are not offered it in the navigation; anonymous
visitors are sent to sign in."""

import pytest
from django.urls import reverse

from conftest import PERSONAS, make_user
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role

STAFF = {
    "grid_manager_x",
    "grid_manager_y",
    "community_worker",
    "street_staff",
    "department_handler",
    "district_admin",
    "root",
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_only_staff_open_the_workbench(rich_world, client_for, persona):
    response = client_for(persona).get(reverse("web:workbench"))
    assert response.status_code == (200 if persona in STAFF else 404)


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_only_staff_may_post_a_bulk_assignment(rich_world, client_for, persona):
    response = client_for(persona).post(reverse("web:workbench-assign"), {"case": ["1999-000001"]})
    assert response.status_code == (200 if persona in STAFF else 404)


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_navigation_offers_the_workbench_to_staff_only(rich_world, client_for, persona):
    page = client_for(persona).get(reverse("web:home"))
    offered = any(link.key == "workbench" for link in page.context["nav_links"])
    assert offered == (persona in STAFF)


def test_an_anonymous_visitor_is_sent_to_sign_in(rich_world, client_for):
    response = client_for("anonymous").get(reverse("web:workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_a_party_member_or_volunteer_post_does_not_open_the_workbench(rich_world, client_for):
    from django.test import Client

    for role in (Role.PARTY_MEMBER, Role.VOLUNTEER):
        user = make_user(f"u_{role}")
        org_actions.assign_post(actor=rich_world.root, user=user, role=role, unit=rich_world.community)
        client = Client()
        client.force_login(user)
        assert client.get(reverse("web:workbench")).status_code == 404


def test_an_ended_post_no_longer_opens_the_workbench(rich_world, client_for):
    post = rich_world.grid_manager_y.posts.get()
    org_actions.end_post(actor=rich_world.root, post=post)
    assert client_for("grid_manager_y").get(reverse("web:workbench")).status_code == 404


def test_the_page_takes_no_other_method(rich_world, client_for):
    client = client_for("community_worker")
    assert client.post(reverse("web:workbench")).status_code == 405
    assert client.get(reverse("web:workbench-assign")).status_code == 405
