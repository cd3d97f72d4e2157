"""What each map layer shows to whom (docs/domain.md §1, §7): boundaries of the units one sees, case
markers and counts of the cases one sees (``cases_visible_to``), facilities as people access allows.

    grid X: case x (red, located), case x2 (yellow, no location), a closed case (located)
    grid Y: case y            grid Z: case z            grid W: case w
    community C (no grid: its fallback queue): case c
    facilities: F at community C, F2 at community C2, F3 at community C3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.cases.access import cases_visible_to
from grassroots.cases.choices import OPEN_STATES
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.people import actions as people_actions


@pytest.fixture
def scene(rich_world: SimpleNamespace, put_case: Any) -> SimpleNamespace:
    w = rich_world
    now = timezone.now()
    ago = now - dt.timedelta(days=2)

    def case(unit: Any, lng: float | None, **fields: Any) -> Any:
        located = {"lat": 26.005, "lng": lng} if lng is not None else {}
        return put_case(unit, received_at=ago, **located, **fields)

    w.case_x = case(w.grid_x, 103.005, state="in_progress", case_color="red")
    w.case_x2 = case(w.grid_x, None, state="registered", stage_color="yellow")
    w.case_closed = case(w.grid_x, 103.006, outcome="solved")
    w.case_y = case(w.grid_y, 103.015, state="routed")
    w.case_z = case(w.grid_z, 103.025, state="in_progress")
    w.case_w = case(w.grid_w, 103.035, state="in_progress")
    w.case_c = case(w.community, 103.012, state="registered")
    w.facility2 = people_actions.register_facility(
        actor=w.root, unit=w.community2, kind="health", name="集义卫生服务站", lat=26.006, lng=103.025
    )
    w.facility3 = people_actions.register_facility(
        actor=w.root, unit=w.community3, kind="day_care", name="桥北日间照料中心", lat=26.006, lng=103.035
    )
    return w


HOME = {
    "grid_manager_x": "grid_x",
    "grid_manager_y": "grid_y",
    "community_worker": "community",
    "street_staff": "street",
    "district_admin": "district",
    "root": "district",
}


def layer(client: Client, name: str, unit: Any) -> dict[str, Any]:
    response = client.get(reverse(f"web:map-layer-{name}", args=[unit.code]))
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def props(collection: dict[str, Any], key: str) -> set[Any]:
    return {feature["properties"][key] for feature in collection["features"]}


CASES = {
    "grid_manager_x": {"case_x"},
    "grid_manager_y": {"case_y"},
    "community_worker": {"case_x", "case_y", "case_c"},
    "street_staff": {"case_x", "case_y", "case_c", "case_z"},
    "district_admin": {"case_x", "case_y", "case_c", "case_z", "case_w"},
    "root": {"case_x", "case_y", "case_c", "case_z", "case_w"},
}


@pytest.mark.parametrize("persona", list(HOME))
def test_case_markers_are_the_open_located_cases_one_sees_under_the_unit_shown(
    scene: SimpleNamespace, client_for: Callable[[str], Client], user_of: Callable[[str], Any], persona: str
) -> None:
    unit = getattr(scene, HOME[persona])
    data = layer(client_for(persona), "cases", unit)
    expected = {getattr(scene, name).number for name in CASES[persona]}
    assert props(data, "number") == expected
    # The same rule as the ledger's: visible, open, located, under the unit.
    ruled = set(
        cases_visible_to(user_of(persona))
        .filter(unit__path__subtree=unit.path, state__in=OPEN_STATES, lat__isnull=False)
        .values_list("number", flat=True)
    )
    assert ruled == expected
    assert data["unlocated"] == (1 if "case_x" in CASES[persona] else 0)


def test_markers_are_limited_to_the_unit_shown_even_for_a_district_administrator(
    scene: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    data = layer(client_for("district_admin"), "cases", scene.community)
    assert props(data, "number") == {scene.case_x.number, scene.case_y.number, scene.case_c.number}


def test_a_marker_carries_number_title_state_deadline_colour_and_the_case_link(
    scene: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    client = client_for("grid_manager_x")
    response = client.get(reverse("web:map-layer-cases", args=[scene.grid_x.code]), HTTP_ACCEPT_LANGUAGE="en")
    (feature,) = response.json()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [103.005, 26.005]}
    assert feature["properties"] == {
        "number": scene.case_x.number,
        "title": scene.case_x.title,
        "state": "In progress",
        "color": "red",
        "url": f"/cases/{scene.case_x.number}/",
    }


GRIDS = {
    "grid_manager_x": {"grid_x"},
    "grid_manager_y": {"grid_y"},
    "community_worker": {"grid_x", "grid_y"},
    "street_staff": {"grid_x", "grid_y", "grid_z"},
    "district_admin": {"grid_x", "grid_y", "grid_z", "grid_w"},
    "root": {"grid_x", "grid_y", "grid_z", "grid_w"},
}
# Open and overdue cases per grid; the community's own case is in no grid.
GRID_COUNTS = {"grid_x": (2, 1), "grid_y": (1, 0), "grid_z": (1, 0), "grid_w": (1, 0)}


@pytest.mark.parametrize("persona", list(HOME))
def test_grids_are_shaded_by_the_open_and_overdue_cases_in_each(
    scene: SimpleNamespace, client_for: Callable[[str], Client], persona: str
) -> None:
    data = layer(client_for(persona), "grids", getattr(scene, HOME[persona]))
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(by_code) == {getattr(scene, name).code for name in GRIDS[persona]}
    for name in GRIDS[persona]:
        found = by_code[getattr(scene, name).code]
        assert (found["open"], found["overdue"]) == GRID_COUNTS[name], name
    assert data["too_many"] is False


def test_the_boundaries_layer_is_the_unit_and_its_children_with_their_cases(
    scene: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = scene
    data = layer(client_for("district_admin"), "units", w.district)
    rows = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(rows) == {w.district.code, w.street.code, w.street2.code}
    assert rows[w.district.code]["role"] == "self"
    assert (rows[w.district.code]["open"], rows[w.district.code]["overdue"]) == (6, 1)
    assert (rows[w.street.code]["open"], rows[w.street.code]["overdue"]) == (5, 1)
    assert (rows[w.street2.code]["open"], rows[w.street2.code]["overdue"]) == (1, 0)
    assert {r["role"] for code, r in rows.items() if code != w.district.code} == {"child"}
    assert [crumb["code"] for crumb in data["crumbs"]] == [w.district.code]

    data = layer(client_for("community_worker"), "units", w.community)
    rows = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(rows) == {w.community.code, w.grid_x.code, w.grid_y.code}
    assert rows[w.grid_x.code]["grid"] is True
    assert (rows[w.community.code]["open"], rows[w.grid_x.code]["open"], rows[w.grid_y.code]["open"]) == (
        4,
        2,
        1,
    )
    # The breadcrumb starts at the highest unit the community worker sees.
    assert [crumb["code"] for crumb in data["crumbs"]] == [w.community.code]


def test_a_grid_shows_itself_without_children_and_its_buildings_stay_off_the_drill_down(
    scene: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    data = layer(client_for("grid_manager_x"), "units", scene.grid_x)
    assert [f["properties"]["code"] for f in data["features"]] == [scene.grid_x.code]


FACILITIES = {
    "grid_manager_x": {"桂苑党群服务中心"},
    "grid_manager_y": {"桂苑党群服务中心"},
    "community_worker": {"桂苑党群服务中心"},
    "street_staff": {"桂苑党群服务中心", "集义卫生服务站"},
    "district_admin": {"桂苑党群服务中心", "集义卫生服务站", "桥北日间照料中心"},
    "root": {"桂苑党群服务中心", "集义卫生服务站", "桥北日间照料中心"},
}


@pytest.mark.parametrize("persona", list(HOME))
def test_facilities_are_those_of_the_unit_shown_and_at_a_grid_those_of_its_community(
    scene: SimpleNamespace, client_for: Callable[[str], Client], persona: str
) -> None:
    data = layer(client_for(persona), "facilities", getattr(scene, HOME[persona]))
    assert props(data, "name") == FACILITIES[persona]
    assert {entry["kind"] for entry in data["kinds"]} == props(data, "kind")


def test_a_micro_grid_worker_sees_the_grid_but_only_the_cases_they_entered(
    scene: SimpleNamespace, put_case: Any, django_user_model: Any
) -> None:
    w = scene
    rider = django_user_model.objects.create_user(username="rider")
    org_actions.assign_post(actor=w.root, user=rider, role=Role.MICRO_GRID_WORKER, unit=w.grid_x)
    own = put_case(
        w.grid_x, received_at=timezone.now(), lat=26.004, lng=103.004, state="registered", created_by=rider
    )
    client = Client()
    client.force_login(rider)
    assert props(layer(client, "units", w.grid_x), "code") == {w.grid_x.code}
    assert props(layer(client, "cases", w.grid_x), "number") == {own.number}
    (grid,) = layer(client, "grids", w.grid_x)["features"]
    assert (grid["properties"]["open"], grid["properties"]["overdue"]) == (1, 0)
    panel = client.get(reverse("web:map-panel", args=[w.grid_x.code]))
    assert panel.context["panel_households"] is None  # they read no people data
    assert [row.number for row in panel.context["panel_cases"]] == [own.number]
