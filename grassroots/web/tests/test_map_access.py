"""Who may open the map, its layers and its panel, and at which units (docs/domain.md §1, §7).

Staff with a post at a unit and the system administrator use the map; residents, department
handlers (whose posts sit beside the tree) and users without posts get "not found", as does a
unit code outside one's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.web import nav

MAP_USERS = ("grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "district_admin", "root")
KEPT_OUT = ("resident_a", "resident_b", "department_handler", "nobody")
LAYERS = ("web:map-layer-units", "web:map-layer-grids", "web:map-layer-cases", "web:map-layer-facilities")
# The unit each persona's map opens at: the unit of their (highest) post.
HOME_UNIT = {
    "grid_manager_x": "grid_x",
    "grid_manager_y": "grid_y",
    "community_worker": "community",
    "street_staff": "street",
    "district_admin": "district",
    "root": "district",
}
# Units each persona sees (their post's subtree); every other administrative unit is not found.
UNITS = (
    "district",
    "street",
    "street2",
    "community",
    "community2",
    "community3",
    "grid_x",
    "grid_y",
    "grid_z",
    "grid_w",
)
SEES = {
    "grid_manager_x": {"grid_x"},
    "grid_manager_y": {"grid_y"},
    "community_worker": {"community", "grid_x", "grid_y"},
    "street_staff": {"street", "community", "community2", "grid_x", "grid_y", "grid_z"},
    "district_admin": set(UNITS),
    "root": set(UNITS),
}


def test_the_map_is_built_from_personas_of_every_kind() -> None:
    assert set(MAP_USERS) | set(KEPT_OUT) == {*PERSONAS, "root"}


@pytest.mark.parametrize("persona", MAP_USERS)
def test_staff_with_a_post_at_a_unit_open_the_map_at_their_unit(
    rich_world: SimpleNamespace, client_for: Callable[[str], Client], persona: str
) -> None:
    response = client_for(persona).get(reverse("web:map"))
    assert response.status_code == 200
    assert response.context["unit"] == getattr(rich_world, HOME_UNIT[persona])
    assert response.context["nav"] == "map"


@pytest.mark.parametrize("persona", KEPT_OUT)
def test_residents_department_handlers_and_people_without_posts_find_no_map(
    rich_world: SimpleNamespace, client_for: Callable[[str], Client], persona: str
) -> None:
    client = client_for(persona)
    assert client.get(reverse("web:map")).status_code == 404
    for unit in UNITS:
        code = getattr(rich_world, unit).code
        assert client.get(reverse("web:map-unit", args=[code])).status_code == 404
        assert client.get(reverse("web:map-panel", args=[code])).status_code == 404
        for layer in LAYERS:
            assert client.get(reverse(layer, args=[code])).status_code == 404, (layer, unit)


@pytest.mark.parametrize("persona", MAP_USERS)
def test_each_unit_page_layer_and_panel_answers_inside_the_scope_and_is_not_found_outside(
    rich_world: SimpleNamespace, client_for: Callable[[str], Client], persona: str
) -> None:
    client = client_for(persona)
    for unit in UNITS:
        code = getattr(rich_world, unit).code
        expected = 200 if unit in SEES[persona] else 404
        assert client.get(reverse("web:map-unit", args=[code])).status_code == expected, unit
        assert client.get(reverse("web:map-panel", args=[code])).status_code == expected, unit
        for layer in LAYERS:
            assert client.get(reverse(layer, args=[code])).status_code == expected, (layer, unit)


def test_an_unknown_code_and_a_building_are_not_found(
    rich_world: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    client = client_for("district_admin")
    assert client.get(reverse("web:map-unit", args=["no-such-unit"])).status_code == 404
    # Buildings are places inside a grid, not units of the map's drill-down.
    building = rich_world.building_x.code
    assert client.get(reverse("web:map-unit", args=[building])).status_code == 404
    assert client.get(reverse("web:map-layer-units", args=[building])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(rich_world: SimpleNamespace) -> None:
    client = Client()
    for url in (
        reverse("web:map"),
        reverse("web:map-layer-cases", args=[rich_world.district.code]),
        reverse("web:map-panel", args=[rich_world.grid_x.code]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


def test_the_unit_switcher_chooses_where_the_map_opens(
    rich_world: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = rich_world
    post = org_actions.assign_post(
        actor=w.root, user=w.community_worker, role=Role.GRID_LEADER, unit=w.grid_y
    )
    client = client_for("community_worker")
    assert client.get(reverse("web:map")).context["unit"] == w.community
    client.post(reverse("web:switch-post"), {"post": post.pk, "next": "/map/"})
    assert client.get(reverse("web:map")).context["unit"] == w.grid_y


def test_party_members_and_volunteers_find_no_map_but_a_micro_grid_worker_does(
    rich_world: SimpleNamespace, django_user_model: Any
) -> None:
    w = rich_world
    member = django_user_model.objects.create_user(username="pm")
    org_actions.assign_post(actor=w.root, user=member, role=Role.PARTY_MEMBER, unit=w.community)
    org_actions.assign_post(actor=w.root, user=member, role=Role.VOLUNTEER, unit=w.community)
    rider = django_user_model.objects.create_user(username="rider")
    org_actions.assign_post(actor=w.root, user=rider, role=Role.MICRO_GRID_WORKER, unit=w.grid_x)
    client = Client()
    client.force_login(member)
    assert client.get(reverse("web:map")).status_code == 404
    client.force_login(rider)
    response = client.get(reverse("web:map"))
    assert response.status_code == 200
    assert response.context["unit"] == w.grid_x


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_map_is_offered_in_the_navigation_to_exactly_those_who_may_open_it(
    rf: Any, user_of: Callable[[str], Any], persona: str
) -> None:
    request = rf.get("/")
    user = user_of(persona)
    request.user = user
    offered = any(link.key == "map" for link in nav.links_for(request, user))
    assert offered is (persona in MAP_USERS)
