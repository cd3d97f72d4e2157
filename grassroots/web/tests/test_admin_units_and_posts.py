"""The organisation admin: the unit tree in tree order, boundaries in and out as GeoJSON, posts
assigned, ended and made primary through the actions."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import square
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org.models import Post, Unit


def test_units_are_listed_in_tree_order_indented_by_depth(rich_world, client_for):
    response = client_for("district_admin").get(reverse("admin:org_unit_changelist"))
    units = list(response.context["cl"].result_list)
    assert [u.path for u in units] == sorted(u.path for u in units)
    flags = {u.pk: response.context["cl"].model_admin.has_boundary(u) for u in units}
    assert flags[rich_world.grid_x.pk] is True
    assert flags[rich_world.building_x.pk] is False
    body = response.content.decode()
    assert f'padding-inline-start:{rich_world.grid_x.depth * 1.5}em">{rich_world.grid_x.name}' in body


def test_units_filter_by_kind_and_search_by_code(rich_world, client_for):
    client = client_for("district_admin")
    url = reverse("admin:org_unit_changelist")
    grids = client.get(url, {"kind__exact": "grid"}).context["cl"].result_list
    assert {u.pk for u in grids} == {
        rich_world.grid_x.pk,
        rich_world.grid_y.pk,
        rich_world.grid_z.pk,
        rich_world.grid_w.pk,
    }
    found = client.get(url, {"q": rich_world.community.code}).context["cl"].result_list
    assert rich_world.community.pk in {u.pk for u in found}
    assert rich_world.community3.pk not in {u.pk for u in found}


def unit_data(unit, **overrides):
    data = {
        "name": unit.name,
        "parent": unit.parent_id,
        "code": unit.code,
        "sort_order": unit.sort_order,
        "is_active": "on" if unit.is_active else "",
        "address": unit.address,
        "lat": "" if unit.lat is None else unit.lat,
        "lng": "" if unit.lng is None else unit.lng,
        "boundary": json.dumps(unit.boundary) if unit.boundary else "",
    }
    data.update(overrides)
    return data


def test_an_invalid_boundary_is_an_error_on_the_boundary_field(rich_world, client_for):
    grid = rich_world.grid_x
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[103, 26], [103.01, 26.01], [103.01, 26], [103, 26.01], [103, 26]]],
    }
    response = client_for("community_worker").post(
        reverse("admin:org_unit_change", args=[grid.pk]), unit_data(grid, boundary=json.dumps(bowtie))
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["boundary"]
    grid.refresh_from_db()
    assert grid.boundary["coordinates"][0][0] == [103.0, 26.0]


def test_a_new_boundary_goes_through_set_boundary(rich_world, client_for):
    grid = rich_world.grid_x
    smaller = square(103.001, 26.001, 0.005)
    response = client_for("community_worker").post(
        reverse("admin:org_unit_change", args=[grid.pk]), unit_data(grid, boundary=json.dumps(smaller))
    )
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.boundary["coordinates"][0][0] == [103.001, 26.001]
    record = AuditRecord.objects.filter(target_id=grid.code).latest("id")
    assert record.changes == {"boundary": "set"}


def test_exporting_boundaries_gives_a_feature_collection_of_the_selected_subtree(rich_world, client_for):
    response = client_for("community_worker").post(
        reverse("admin:org_unit_changelist"),
        {"action": "export_geojson", "_selected_action": [rich_world.grid_x.pk, rich_world.grid_y.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in data["features"]} == {
        rich_world.grid_x.code,
        rich_world.grid_y.code,
    }
    assert (
        AuditRecord.objects.filter(action=AuditAction.EXPORT, actor=rich_world.community_worker).count() == 2
    )


def test_importing_boundaries_checks_first_then_writes_all(rich_world, client_for):
    client = client_for("community_worker")
    url = reverse("admin:org_unit_import_boundaries")
    assert client.get(url).status_code == 200
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": rich_world.grid_x.code},
                "geometry": square(103.0, 26.0, 0.008),
            }
        ],
    }

    def upload():
        return SimpleUploadedFile("grids.geojson", json.dumps(collection).encode(), "application/geo+json")

    checked = client.post(url, {"file": upload(), "dry_run": "on"})
    assert checked.status_code == 200
    assert checked.context["report"].ok
    assert not checked.context["report"].applied
    applied = client.post(url, {"file": upload()})
    assert applied.context["report"].applied
    rich_world.grid_x.refresh_from_db()
    assert rich_world.grid_x.boundary["coordinates"][0][2] == [103.008, 26.008]


def test_an_import_outside_the_scope_is_reported_and_writes_nothing(rich_world, client_for):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": rich_world.grid_w.code},
                "geometry": square(103.03, 26.0, 0.008),
            }
        ],
    }
    upload = SimpleUploadedFile("w.geojson", json.dumps(collection).encode(), "application/geo+json")
    response = client_for("community_worker").post(
        reverse("admin:org_unit_import_boundaries"), {"file": upload}
    )
    assert response.status_code == 200
    assert not response.context["report"].ok
    rich_world.grid_w.refresh_from_db()
    assert rich_world.grid_w.boundary["coordinates"][0][2] == [103.04, 26.01]


def test_grid_managers_cannot_import_boundaries(rich_world, client_for):
    assert client_for("grid_manager_x").get(reverse("admin:org_unit_import_boundaries")).status_code == 403


def test_a_post_is_assigned_by_user_name(rich_world, client_for):
    response = client_for("community_worker").post(
        reverse("admin:org_post_add"),
        {
            "username": "nobody",
            "role": "grid_leader",
            "unit": rich_world.grid_x.pk,
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(user=rich_world.nobody)
    assert (post.role, post.unit_id) == ("grid_leader", rich_world.grid_x.pk)
    assert AuditRecord.objects.filter(target_type="org.post", target_id=str(post.pk), source="admin").exists()


def test_an_unknown_user_name_is_a_field_error(rich_world, client_for):
    response = client_for("community_worker").post(
        reverse("admin:org_post_add"),
        {
            "username": "ghost",
            "role": "grid_leader",
            "unit": rich_world.grid_x.pk,
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["username"]


def test_posts_are_ended_and_made_primary_by_admin_actions(rich_world, client_for):
    client = client_for("community_worker")
    url = reverse("admin:org_post_changelist")
    client.post(
        reverse("admin:org_post_add"),
        {
            "username": "nobody",
            "role": "grid_leader",
            "unit": rich_world.grid_x.pk,
            "started_on": "2026-01-05",
        },
    )
    leader = Post.objects.get(user=rich_world.nobody)
    manager = Post.objects.get(user=rich_world.grid_manager_x)
    assert manager.is_primary
    assert not leader.is_primary
    client.post(url, {"action": "make_primary", "_selected_action": [leader.pk]})
    leader.refresh_from_db()
    manager.refresh_from_db()
    assert leader.is_primary
    assert not manager.is_primary
    client.post(url, {"action": "end_selected", "_selected_action": [leader.pk]})
    leader.refresh_from_db()
    manager.refresh_from_db()
    assert leader.ended_on is not None
    assert manager.is_primary  # the primary passed on


def test_a_unit_stays_in_place_when_its_new_parent_is_refused(rich_world, client_for):
    grid = rich_world.grid_x
    response = client_for("community_worker").post(
        reverse("admin:org_unit_change", args=[grid.pk]), unit_data(grid, parent=rich_world.community2.pk)
    )
    assert response.status_code == 200
    grid.refresh_from_db()
    assert grid.parent_id == rich_world.community.pk
    assert Unit.objects.get(pk=grid.pk).path.startswith(rich_world.community.path)
