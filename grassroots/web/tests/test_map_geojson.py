"""The layers are valid GeoJSON (RFC 7946), small, and follow boundary changes at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import shapely
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import shape

from conftest import square
from grassroots.org import actions as org_actions
from grassroots.web.views import map as map_views

PROPERTIES = {
    "units": {"code", "name", "kind", "kind_label", "role", "grid", "open", "overdue"},
    "grids": {"code", "name", "open", "overdue"},
    "cases": {"number", "title", "state", "color", "url"},
    "facilities": {"name", "kind", "kind_label", "address", "hours", "phone"},
}


@pytest.fixture
def located(rich_world: SimpleNamespace, put_case: Any) -> SimpleNamespace:
    w = rich_world
    put_case(w.grid_x, received_at=timezone.now() - dt.timedelta(days=1), lat=26.005, lng=103.005)
    put_case(w.grid_y, received_at=timezone.now(), lat=26.005, lng=103.015, state="in_progress")
    return w


def densified_square(lng: float, lat: float, size: float = 0.01, per_side: int = 500) -> dict[str, Any]:
    """A square drawn with ``per_side`` points on each side: the same shape, many more vertices."""
    geom = shapely.segmentize(shape(square(lng, lat, size)), size / per_side)
    return dict(shapely.geometry.mapping(geom))


def vertices(geometry: dict[str, Any]) -> int:
    return int(shapely.get_num_coordinates(shape(geometry)))


@pytest.mark.parametrize("name", list(PROPERTIES))
def test_every_layer_is_a_feature_collection_of_valid_features(
    located: SimpleNamespace, client_for: Callable[[str], Client], name: str
) -> None:
    response = client_for("district_admin").get(
        reverse(f"web:map-layer-{name}", args=[located.district.code])
    )
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["features"]
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert set(feature["properties"]) == PROPERTIES[name]
        geometry = feature["geometry"]
        if geometry is None:  # a unit without a boundary or position
            assert name == "units"
            continue
        geom = shape(geometry)
        assert geom.is_valid
        assert not geom.is_empty
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180
        assert -90 <= miny <= maxy <= 90
        if geometry["type"] == "Polygon":  # RFC 7946: exterior rings counter-clockwise
            assert shapely.geometry.polygon.orient(geom, 1.0).equals_exact(geom, 0)


def test_polygons_are_simplified_for_the_level_shown_and_neighbours_still_fit(
    world: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = world
    org_actions.set_boundary(actor=w.root, unit=w.grid_x, boundary=densified_square(103.00, 26.0))
    org_actions.set_boundary(actor=w.root, unit=w.grid_y, boundary=densified_square(103.01, 26.0))
    stored = vertices(w.grid_x.boundary)
    assert stored > 1000

    data = client_for("district_admin").get(reverse("web:map-layer-grids", args=[w.district.code])).json()
    shapes = {f["properties"]["code"]: f["geometry"] for f in data["features"]}
    assert vertices(shapes[w.grid_x.code]) < 20
    x, y = shape(shapes[w.grid_x.code]), shape(shapes[w.grid_y.code])
    assert x.symmetric_difference(shape(square(103.00, 26.0))).area < 1e-9
    # Shared edges stay shared: no overlap and no gap between the two grids.
    assert x.intersection(y).area == 0
    assert x.union(y).area == pytest.approx(2 * 0.01 * 0.01, rel=1e-6)


def test_a_boundary_change_is_served_at_once_and_unchanged_boundaries_are_not_read_again(
    world: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = world
    client = client_for("community_worker")
    url = reverse("web:map-layer-grids", args=[w.community.code])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    # The second answer comes with the same revision: the boundaries are not read again.
    assert len(again.captured_queries) == len(first.captured_queries) - 1

    org_actions.set_boundary(actor=w.root, unit=w.grid_x, boundary=square(103.00, 26.0, size=0.005))
    data = client.get(url).json()
    moved = next(f for f in data["features"] if f["properties"]["code"] == w.grid_x.code)
    assert shape(moved["geometry"]).area == pytest.approx(0.005 * 0.005)


def test_a_unit_moved_into_view_brings_its_boundary_without_waiting_for_the_cache(
    world: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = world
    client = client_for("district_admin")
    url = reverse("web:map-layer-grids", args=[w.community.code])
    assert len(client.get(url).json()["features"]) == 2
    org_actions.update_unit(actor=w.root, unit=w.grid_z, name="第三网格")  # names are unique per parent
    org_actions.move_unit(actor=w.root, unit=w.grid_z, new_parent=w.community)
    data = client.get(url).json()
    moved = next(f for f in data["features"] if f["properties"]["code"] == w.grid_z.code)
    assert moved["geometry"] is not None


def test_an_unchanged_layer_is_answered_not_modified(
    located: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    client = client_for("street_staff")
    url = reverse("web:map-layer-cases", args=[located.street.code])
    first = client.get(url)
    assert first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_too_many_grids_are_not_shaded_and_too_many_markers_are_cut(
    located: SimpleNamespace, client_for: Callable[[str], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(map_views, "MAX_GRIDS", 3)
    monkeypatch.setattr(map_views, "MAX_MARKERS", 1)
    client = client_for("district_admin")
    grids = client.get(reverse("web:map-layer-grids", args=[located.district.code])).json()
    assert (grids["too_many"], grids["features"]) == (True, [])
    grids = client.get(reverse("web:map-layer-grids", args=[located.street.code])).json()
    assert (grids["too_many"], len(grids["features"])) == (False, 3)
    cases = client.get(reverse("web:map-layer-cases", args=[located.district.code])).json()
    assert cases["truncated"] is True
    assert len(cases["features"]) == 1


def test_an_inactive_grid_is_not_drawn(world: SimpleNamespace, client_for: Callable[[str], Client]) -> None:
    w = world
    org_actions.update_unit(actor=w.root, unit=w.grid_y, is_active=False)
    client = client_for("community_worker")
    for name in ("web:map-layer-units", "web:map-layer-grids"):
        data = client.get(reverse(name, args=[w.community.code])).json()
        assert w.grid_y.code not in {f["properties"]["code"] for f in data["features"]}
