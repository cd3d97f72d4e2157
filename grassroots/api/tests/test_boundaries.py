"""Boundaries through the API: GeoJSON in and out, clear reasons for bad geometry (docs/domain.md §2)."""

import json

from conftest import square
from grassroots.core.models import AuditRecord


def test_a_boundary_comes_out_as_a_geojson_feature(client_for, rich_world):
    body = client_for("grid_manager_x").get(f"/api/units/{rich_world.grid_x.code}/boundary/").json()

    assert body["type"] == "Feature"
    assert body["id"] == rich_world.grid_x.code
    assert body["geometry"]["type"] == "Polygon"
    assert body["properties"]["name"] == rich_world.grid_x.name


def test_a_new_boundary_is_stored_audited_and_used_by_locate(client_for, rich_world):
    client = client_for("community_worker")
    url = f"/api/units/{rich_world.grid_x.code}/boundary/"

    response = client.put(url, square(103.10, 26.0), format="json")

    assert response.status_code == 200, response.content
    assert response.json()["geometry"]["coordinates"][0][0] == [103.10, 26.0]
    assert AuditRecord.objects.filter(target_id=rich_world.grid_x.code, changes={"boundary": "set"}).exists()
    located = client.get("/api/units/locate/", {"lat": 26.005, "lng": 103.105}).json()["result"]
    assert located["code"] == rich_world.grid_x.code


def test_a_feature_sent_as_geojson_is_accepted(client_for, rich_world):
    feature = {"type": "Feature", "properties": {}, "geometry": square(103.10, 26.0)}

    response = client_for("community_worker").put(
        f"/api/units/{rich_world.grid_x.code}/boundary/",
        json.dumps(feature),
        content_type="application/geo+json",
    )

    assert response.status_code == 200, response.content


def test_a_self_intersecting_polygon_is_refused_with_the_reason(client_for, rich_world):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[103, 26], [103.01, 26.01], [103.01, 26], [103, 26.01], [103, 26]]],
    }

    response = client_for("community_worker").put(
        f"/api/units/{rich_world.grid_x.code}/boundary/", bowtie, format="json"
    )

    assert response.status_code == 400
    [reason] = response.json()["boundary"]
    assert "Self-intersection" in reason
    rich_world.grid_x.refresh_from_db()
    assert rich_world.grid_x.boundary["coordinates"][0][0] == [103.0, 26.0]


def test_a_point_is_not_a_boundary(client_for, rich_world):
    response = client_for("community_worker").put(
        f"/api/units/{rich_world.grid_x.code}/boundary/",
        {"type": "Point", "coordinates": [103, 26]},
        format="json",
    )

    assert response.status_code == 400
    assert "Point" in response.json()["boundary"][0]


def test_a_form_encoded_boundary_is_an_unsupported_media_type(client_for, rich_world):
    response = client_for("community_worker").put(
        f"/api/units/{rich_world.grid_x.code}/boundary/",
        "type=Polygon",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415


def test_deleting_the_boundary_clears_it(client_for, rich_world):
    client = client_for("community_worker")
    url = f"/api/units/{rich_world.grid_x.code}/boundary/"

    assert client.delete(url).status_code == 204

    assert client.get(url).json()["geometry"] is None
    assert client.get(f"/api/units/{rich_world.grid_x.code}/").json()["has_boundary"] is False
