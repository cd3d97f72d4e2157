"""The tree endpoints: a nested tree and a flat subtree, both depth-limited and scoped."""

from grassroots.api import units


def codes(nodes):
    return [node["code"] for node in nodes]


def test_the_tree_nests_children_under_their_parents_to_the_levels_asked(client_for, rich_world):
    w = rich_world
    response = client_for("district_admin").get("/api/units/tree/", {"root": w.street.code, "levels": 2})

    assert response.status_code == 200
    [street] = response.json()
    assert street["code"] == w.street.code
    assert codes(street["children"]) == [w.community.code, w.community2.code]
    community = street["children"][0]
    assert codes(community["children"]) == [w.grid_x.code, w.grid_y.code]
    assert all(grid["children"] == [] for grid in community["children"])  # buildings are a level deeper
    assert community["children"][0]["has_boundary"] is True


def test_without_a_root_the_tree_starts_at_the_callers_own_units(client_for, rich_world):
    [root] = client_for("community_worker").get("/api/units/tree/", {"levels": 1}).json()

    assert root["code"] == rich_world.community.code
    assert codes(root["children"]) == [rich_world.grid_x.code, rich_world.grid_y.code]


def test_a_tree_root_outside_the_callers_scope_is_not_found(client_for, rich_world):
    response = client_for("grid_manager_x").get("/api/units/tree/", {"root": rich_world.community.code})

    assert response.status_code == 404


def test_a_tree_too_big_for_one_answer_asks_for_fewer_levels(client_for, rich_world, monkeypatch):
    monkeypatch.setattr(units, "TREE_MAX_NODES", 3)

    response = client_for("district_admin").get("/api/units/tree/", {"levels": 5})

    assert response.status_code == 400
    assert "levels" in response.json()


def test_the_subtree_is_flat_in_tree_order_and_limited_by_levels(client_for, rich_world):
    w = rich_world
    client = client_for("street_staff")

    one = client.get(f"/api/units/{w.street.code}/subtree/", {"levels": 1}).json()["results"]
    everything = client.get(f"/api/units/{w.street.code}/subtree/").json()["results"]

    assert codes(one) == [w.street.code, w.community.code, w.community2.code]
    assert codes(everything) == [
        w.street.code,
        w.community.code,
        w.grid_x.code,
        w.building_x.code,
        w.grid_y.code,
        w.community2.code,
        w.grid_z.code,
    ]
    assert everything[2]["parent"] == w.community.code


def test_the_subtree_of_a_unit_outside_the_scope_is_not_found(client_for, rich_world):
    response = client_for("grid_manager_x").get(f"/api/units/{rich_world.grid_y.code}/subtree/")

    assert response.status_code == 404


def test_a_bad_levels_value_is_a_field_error(client_for, rich_world):
    response = client_for("district_admin").get("/api/units/tree/", {"levels": "deep"})

    assert response.status_code == 400
    assert "levels" in response.json()


def test_units_filter_by_kind_parent_and_name(client_for, rich_world):
    w = rich_world
    client = client_for("district_admin")

    grids = client.get("/api/units/", {"kind": "grid", "page_size": 100}).json()["results"]
    under_c = client.get("/api/units/", {"parent": w.community.code}).json()["results"]
    named = client.get("/api/units/", {"q": "桂苑"}).json()["results"]

    assert set(codes(grids)) == {w.grid_x.code, w.grid_y.code, w.grid_z.code, w.grid_w.code}
    assert set(codes(under_c)) == {w.grid_x.code, w.grid_y.code}
    assert codes(named) == [w.community.code]
