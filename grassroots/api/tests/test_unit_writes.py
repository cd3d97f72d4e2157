"""Creating, changing and moving units through the API: the actions' rules, as 400 field errors."""

from conftest import square
from grassroots.org.models import Unit


def test_a_community_worker_adds_a_grid_with_its_boundary(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/units/",
        {
            "kind": "grid",
            "name": "第三网格",
            "parent": rich_world.community.code,
            "boundary": square(103.05, 26.0),
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == rich_world.community.code
    assert body["district"] == rich_world.district.code
    assert body["has_boundary"] is True
    assert Unit.objects.get(code=body["code"]).name == "第三网格"


def test_a_unit_without_a_name_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/units/", {"kind": "grid", "parent": rich_world.community.code}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_a_unit_of_the_wrong_kind_for_its_parent_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/units/",
        {"kind": "street", "name": "新街道", "parent": rich_world.community.code},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"kind"}


def test_a_sibling_with_the_same_name_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/units/",
        {"kind": "grid", "name": rich_world.grid_x.name, "parent": rich_world.community.code},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_a_unit_with_an_invalid_boundary_is_a_field_error_with_the_reason(client_for, rich_world):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[103, 26], [103.01, 26.01], [103.01, 26], [103, 26.01], [103, 26]]],
    }

    response = client_for("community_worker").post(
        "/api/units/",
        {"kind": "grid", "name": "第三网格", "parent": rich_world.community.code, "boundary": bowtie},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"boundary"}
    assert not Unit.objects.filter(name="第三网格").exists()


def test_a_code_already_in_use_is_a_field_error_on_update(client_for, rich_world):
    response = client_for("community_worker").patch(
        f"/api/units/{rich_world.grid_x.code}/", {"code": rich_world.grid_y.code}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"code"}


def test_an_out_of_range_latitude_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").patch(
        f"/api/units/{rich_world.grid_x.code}/", {"lat": 123}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"lat"}


def test_put_is_not_offered_because_updates_change_only_the_fields_given(client_for, rich_world):
    response = client_for("community_worker").put(
        f"/api/units/{rich_world.grid_x.code}/", {"name": "新名字"}, format="json"
    )

    assert response.status_code == 405


def test_moving_a_grid_rehangs_its_subtree(client_for, rich_world):
    w = rich_world
    client = client_for("street_staff")
    # Grid Z of C2 is also called 第一网格: rename X first, names are unique per parent.
    client.patch(f"/api/units/{w.grid_x.code}/", {"name": "第五网格"}, format="json")

    response = client.post(f"/api/units/{w.grid_x.code}/move/", {"parent": w.community2.code}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["parent"] == w.community2.code
    w.building_x.refresh_from_db()
    assert w.building_x.path.startswith(w.community2.path)


def test_moving_a_unit_under_its_own_subtree_is_a_field_error(client_for, rich_world):
    w = rich_world
    response = client_for("street_staff").post(
        f"/api/units/{w.community.code}/move/", {"parent": w.grid_x.code}, format="json"
    )

    assert response.status_code == 400
    assert "parent" in response.json()
