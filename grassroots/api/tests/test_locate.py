"""Locate through the API: the grid, else the enclosing unit, else null — and only units the caller
may see; the batch answer is aligned with the points sent (docs/domain.md §2)."""

import pytest

from conftest import square
from grassroots.api import units
from grassroots.org import actions as org_actions

IN_X = [26.005, 103.005]
IN_Y = [26.005, 103.015]
IN_C_ONLY = [26.03, 103.03]  # inside community C's boundary, in no grid
NOWHERE = [30.0, 110.0]


@pytest.fixture
def located_world(rich_world):
    org_actions.set_boundary(
        actor=rich_world.root, unit=rich_world.community, boundary=square(103.0, 26.0, 0.05)
    )
    return rich_world


def locate(client, point):
    response = client.get("/api/units/locate/", {"lat": point[0], "lng": point[1]})
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_a_point_in_a_grid_answers_the_grid(client_for, located_world):
    result = locate(client_for("grid_manager_x"), IN_X)

    assert result == {"code": located_world.grid_x.code, "name": "第一网格", "kind": "grid", "is_grid": True}


def test_a_point_in_no_grid_answers_the_enclosing_unit_flagged_as_not_a_grid(client_for, located_world):
    result = locate(client_for("community_worker"), IN_C_ONLY)

    assert result["code"] == located_world.community.code
    assert result["is_grid"] is False


def test_a_point_outside_every_boundary_answers_null(client_for, located_world):
    assert locate(client_for("district_admin"), NOWHERE) is None


def test_a_unit_outside_the_callers_scope_answers_null(client_for, located_world):
    client = client_for("grid_manager_y")

    assert locate(client, IN_X) is None
    assert locate(client, IN_C_ONLY) is None
    assert locate(client, IN_Y)["code"] == located_world.grid_y.code


def test_the_batch_answer_is_aligned_with_the_points_and_scoped(client_for, located_world):
    w = located_world
    points = [IN_X, NOWHERE, IN_C_ONLY, IN_Y, IN_X]

    wide = client_for("community_worker").post("/api/units/locate/", {"points": points}, format="json")
    narrow = client_for("grid_manager_x").post("/api/units/locate/", {"points": points}, format="json")

    assert wide.status_code == 200
    assert [r and (r["code"], r["is_grid"]) for r in wide.json()["results"]] == [
        (w.grid_x.code, True),
        None,
        (w.community.code, False),
        (w.grid_y.code, True),
        (w.grid_x.code, True),
    ]
    assert [r and r["code"] for r in narrow.json()["results"]] == [
        w.grid_x.code,
        None,
        None,
        None,
        w.grid_x.code,
    ]


def test_an_empty_batch_answers_an_empty_list(client_for, located_world):
    response = client_for("community_worker").post("/api/units/locate/", {"points": []}, format="json")

    assert response.json() == {"results": []}


def test_a_batch_over_the_limit_is_refused(client_for, located_world, monkeypatch):
    monkeypatch.setattr(units, "LOCATE_MAX_POINTS", 2)

    response = client_for("community_worker").post(
        "/api/units/locate/", {"points": [IN_X, IN_X, IN_X]}, format="json"
    )

    assert response.status_code == 400
    assert "points" in response.json()


@pytest.mark.parametrize(
    "points",
    [
        "26,103",
        [[26.0]],
        [[26.0, 103.0, 5.0]],
        [["north", "east"]],
        [[26.0, 103.0], [103.0, 26.0]],  # the second is (lng, lat): latitude out of range
    ],
)
def test_malformed_batch_points_are_a_field_error(client_for, located_world, points):
    response = client_for("community_worker").post("/api/units/locate/", {"points": points}, format="json")

    assert response.status_code == 400
    assert "points" in response.json()


def test_a_single_locate_needs_both_coordinates(client_for, located_world):
    response = client_for("community_worker").get("/api/units/locate/", {"lat": 26.0})

    assert response.status_code == 400
    assert "lng" in response.json()
