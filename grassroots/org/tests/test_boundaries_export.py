"""Exporting boundaries as GeoJSON, and the export → import round trip."""

import json

from shapely.geometry import shape

from conftest import square
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org import actions
from grassroots.org.boundaries import export_boundaries, import_boundaries


def codes(collection):
    return [f["properties"]["code"] for f in collection["features"]]


def test_the_export_is_a_feature_collection_of_units_with_boundaries(world):
    collection = export_boundaries(actor=world.root)
    assert collection["type"] == "FeatureCollection"
    # only the four grids have boundaries in the fixture
    assert sorted(codes(collection)) == sorted(
        g.code for g in (world.grid_x, world.grid_y, world.grid_z, world.grid_w)
    )
    first = next(f for f in collection["features"] if f["properties"]["code"] == world.grid_x.code)
    assert first["type"] == "Feature"
    assert first["properties"] == {
        "code": world.grid_x.code,
        "name": world.grid_x.name,
        "kind": "grid",
        "parent_code": world.community.code,
    }
    assert shape(first["geometry"]).equals(shape(square(103.0, 26.0)))
    json.dumps(collection)  # plain JSON all the way down


def test_the_export_takes_a_root_and_kinds(world):
    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(103.0, 26.0, 0.02))
    community = export_boundaries(actor=world.root, root=world.community)
    assert codes(community) == [world.community.code, world.grid_x.code, world.grid_y.code]
    grids = export_boundaries(actor=world.root, root=world.community, kinds=["grid"])
    assert codes(grids) == [world.grid_x.code, world.grid_y.code]


def test_the_export_is_scoped_to_what_the_actor_sees(world):
    assert sorted(codes(export_boundaries(actor=world.community_worker))) == sorted(
        [world.grid_x.code, world.grid_y.code]
    )
    assert codes(export_boundaries(actor=world.grid_manager_x)) == [world.grid_x.code]
    assert codes(export_boundaries(actor=world.nobody)) == []


def test_the_export_is_audited(world):
    export_boundaries(actor=world.community_worker, kinds=["grid"])
    record = AuditRecord.objects.filter(action=AuditAction.EXPORT).get()
    assert record.actor == world.community_worker
    assert record.changes == {"features": 2, "kinds": ["grid"]}
    assert record.scope_path == world.community.path


def test_an_export_imports_back_unchanged(world):
    exported = export_boundaries(actor=world.root)
    report = import_boundaries(actor=world.root, data=json.dumps(exported))
    assert report.ok, report.lines()
    assert {r.status for r in report.features} == {"unchanged"}


def test_an_export_restores_cleared_boundaries(world):
    exported = export_boundaries(actor=world.root, root=world.street)
    for grid in (world.grid_x, world.grid_y, world.grid_z):
        actions.set_boundary(actor=world.root, unit=grid, boundary=None)
    report = import_boundaries(actor=world.street_staff, data=exported)
    assert report.ok, report.lines()
    assert report.count("updated") == 3
    for grid, lng in ((world.grid_x, 103.0), (world.grid_y, 103.01), (world.grid_z, 103.02)):
        grid.refresh_from_db()
        assert shape(grid.boundary).equals(shape(square(lng, 26.0)))
