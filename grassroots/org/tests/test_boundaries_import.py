"""Importing boundaries from GeoJSON: all or nothing, with an error per feature."""

import json

import pytest
from shapely.geometry import shape

from conftest import square
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org import actions, geo
from grassroots.org.boundaries import import_boundaries
from grassroots.org.models import Unit


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def boundary_of(unit):
    unit.refresh_from_db()
    return shape(unit.boundary) if unit.boundary else None


def only_errors(report):
    return [error for result in report.features for error in result.errors] + report.errors


# -- the happy path ---------------------------------------------------------------------------------


def test_an_import_sets_each_units_boundary(world):
    data = collection(
        feature(square(103.00, 26.0, 0.008), code=world.grid_x.code),
        feature(square(103.01, 26.0, 0.008), code=world.grid_y.code),
    )
    report = import_boundaries(actor=world.root, data=data)
    assert report.ok, report.lines()
    assert report.applied
    assert [r.status for r in report.features] == ["updated", "updated"]
    assert boundary_of(world.grid_x).equals(shape(square(103.00, 26.0, 0.008)))
    assert boundary_of(world.grid_y).equals(shape(square(103.01, 26.0, 0.008)))
    # and locate follows
    assert geo.locate(26.009, 103.005) is None


def test_a_unit_can_be_named_by_parent_code_and_name(world):
    data = collection(
        feature(square(103.00, 26.0, 0.008), parent_code=world.community.code, name=world.grid_x.name)
    )
    report = import_boundaries(actor=world.root, data=data)
    assert report.ok, report.lines()
    assert report.features[0].code == world.grid_x.code
    assert boundary_of(world.grid_x).equals(shape(square(103.00, 26.0, 0.008)))


def test_the_same_boundary_again_is_left_unchanged_without_audit_noise(world):
    updates = AuditRecord.objects.filter(action=AuditAction.UPDATE)
    before = updates.count()
    report = import_boundaries(
        actor=world.root, data=collection(feature(square(103.0, 26.0), code=world.grid_x.code))
    )
    assert report.ok
    assert report.features[0].status == "unchanged"
    assert updates.count() == before


def test_each_boundary_change_is_audited_and_so_is_the_import(world):
    data = collection(feature(square(103.00, 26.0, 0.008), code=world.grid_x.code))
    import_boundaries(actor=world.community_worker, data=data)
    change = AuditRecord.objects.filter(target_id=world.grid_x.code, action=AuditAction.UPDATE).latest("pk")
    assert change.actor == world.community_worker
    assert change.changes == {"boundary": "set"}
    assert change.scope_path == world.grid_x.path
    summary = AuditRecord.objects.filter(action=AuditAction.IMPORT).get()
    assert summary.actor == world.community_worker
    assert summary.changes == {"created": 0, "updated": 1, "unchanged": 0}


def test_an_import_accepts_text_bytes_and_files(world, tmp_path):
    data = collection(feature(square(103.00, 26.0, 0.008), code=world.grid_x.code))
    text = json.dumps(data, ensure_ascii=False)
    assert import_boundaries(actor=world.root, data=text, dry_run=True).ok
    assert import_boundaries(actor=world.root, data=text.encode(), dry_run=True).ok
    path = tmp_path / "grids.geojson"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as upload:
        assert import_boundaries(actor=world.root, data=upload, dry_run=True).ok


def test_a_dry_run_reports_and_writes_nothing(world):
    before = AuditRecord.objects.count()
    data = collection(feature(square(103.00, 26.0, 0.008), code=world.grid_x.code))
    report = import_boundaries(actor=world.root, data=data, dry_run=True)
    assert report.ok
    assert not report.applied
    assert report.features[0].status == "updated"
    assert "Dry run" in report.summary()
    assert boundary_of(world.grid_x).equals(shape(square(103.0, 26.0)))
    assert AuditRecord.objects.count() == before


# -- creating missing units -----------------------------------------------------------------------------


def test_create_missing_adds_a_grid_under_its_parent(world):
    data = collection(feature(square(103.0, 26.01), parent_code=world.community.code, name="第三网格"))
    refused = import_boundaries(actor=world.root, data=data)
    assert not refused.ok
    assert "No unit named «第三网格»" in only_errors(refused)[0]

    report = import_boundaries(actor=world.community_worker, data=data, create_missing=True)
    assert report.ok, report.lines()
    grid = Unit.objects.get(parent=world.community, name="第三网格")
    assert grid.kind == "grid"  # the only kind a community allows
    assert report.features[0].status == "created"
    assert report.features[0].code == grid.code
    assert geo.locate_unit(26.015, 103.005) == grid


def test_create_missing_can_create_a_community_and_its_grids_in_one_file(world):
    data = collection(
        feature(square(103.0, 26.02, 0.01), code="G-NEW", parent_code="C-NEW", name="新一网格"),
        feature(
            square(103.0, 26.02, 0.02),
            code="C-NEW",
            parent_code=world.street.code,
            name="新社区",
            kind="community",
        ),
    )
    report = import_boundaries(actor=world.street_staff, data=data, create_missing=True)
    assert report.ok, report.lines()
    community = Unit.objects.get(code="C-NEW")
    assert Unit.objects.get(code="G-NEW").parent == community


# -- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        (square(103.0, 26.0), "must be a GeoJSON FeatureCollection, not Polygon"),
        ({"type": "FeatureCollection"}, "no list of features"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(world, data, message):
    report = import_boundaries(actor=world.root, data=data)
    assert not report.ok
    assert message in report.errors[0]


def assert_feature_error(world, geometry, message, **properties):
    properties = properties or {"code": world.grid_x.code}
    report = import_boundaries(actor=world.root, data=collection(feature(geometry, **properties)))
    assert not report.ok
    assert not report.applied
    result = report.features[0]
    assert result.status == "failed"
    assert any(message in error for error in result.errors), result.errors
    line = report.lines()[0]
    assert line.startswith("features[0]")
    return result


def test_a_feature_without_geometry_is_an_error(world):
    assert_feature_error(world, None, "no geometry")


def test_a_geometry_that_is_not_a_polygon_is_an_error(world):
    assert_feature_error(world, {"type": "Point", "coordinates": [103.0, 26.0]}, "not Point")


def test_a_self_intersecting_polygon_is_an_error_that_says_where(world):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[103.0, 26.0], [103.01, 26.01], [103.01, 26.0], [103.0, 26.01], [103.0, 26.0]]],
    }
    result = assert_feature_error(world, bowtie, "Self-intersection")
    assert "103.005" in result.errors[0]
    assert "26.005" in result.errors[0]


def test_coordinates_out_of_range_are_an_error(world):
    assert_feature_error(world, square(203.0, 26.0), "outside longitude/latitude range")


def test_swapped_coordinates_are_recognised(world):
    swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in square(103.0, 26.0)["coordinates"][0]]]}
    assert_feature_error(world, swapped, "look swapped")


def test_an_unknown_code_is_an_error(world):
    result = assert_feature_error(world, square(103.0, 26.0), "No unit has the code NOPE", code="NOPE")
    assert result.label == "features[0] NOPE"


def test_a_feature_naming_no_unit_is_an_error(world):
    assert_feature_error(world, square(103.0, 26.0), "names no unit", name="无名")


def test_a_wrong_kind_is_an_error(world):
    assert_feature_error(
        world,
        square(103.0, 26.0),
        "says this unit is a Community, but it is a Grid",
        code=world.grid_x.code,
        kind="community",
    )


def test_the_same_unit_twice_is_an_error(world):
    data = collection(
        feature(square(103.0, 26.0), code=world.grid_x.code),
        feature(square(103.0, 26.0), code=world.grid_x.code),
    )
    report = import_boundaries(actor=world.root, data=data)
    assert not report.ok
    assert "already given a boundary by features[0]" in report.features[1].errors[0]


def test_overlapping_grids_in_the_file_are_an_error_naming_both_and_the_area(world):
    data = collection(
        feature(square(103.000, 26.0), code=world.grid_x.code),
        feature(square(103.005, 26.0), code=world.grid_y.code),  # half over X
    )
    report = import_boundaries(actor=world.root, data=data)
    assert not report.ok
    assert report.features[0].errors == []
    (error,) = report.features[1].errors
    assert world.grid_x.code in error
    # 0.005° × 0.01° at 26°N ≈ 553,000 m²
    area = int(error.split("about ")[1].split(" m²")[0].replace(",", ""))
    assert 540_000 < area < 565_000
    assert report.lines()[0].startswith(f"features[1] {world.grid_y.code}")


def test_a_grid_overlapping_one_in_the_database_is_an_error_even_across_communities(world):
    # X (community C) moved half onto Z (community C2), which is not in the file
    result = assert_feature_error(world, square(103.015, 26.0), world.grid_z.code)
    assert "already in the database" in result.errors[0]


def test_grids_that_only_share_edges_or_overlap_by_a_sliver_are_fine(world):
    sliver = square(103.0, 26.0, 0.01)
    sliver["coordinates"][0][1][0] = 103.01000002  # ~2 mm into Y along 1.1 km: a few m²
    sliver["coordinates"][0][2][0] = 103.01000002
    data = collection(
        feature(sliver, code=world.grid_x.code), feature(square(103.01, 26.0), code=world.grid_y.code)
    )
    report = import_boundaries(actor=world.root, data=data)
    assert report.ok, report.lines()
    # the sliver is there, just below the tolerance
    strict = import_boundaries(actor=world.root, data=data, overlap_tolerance_m2=0)
    assert "by about 2 m²" in strict.features[1].errors[0]


def test_a_grid_outside_its_parents_boundary_is_only_a_warning(world):
    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(103.0, 26.0, 0.02))
    data = collection(feature(square(103.0, 25.995), code=world.grid_x.code))
    report = import_boundaries(actor=world.root, data=data)
    assert report.ok
    assert report.applied
    assert "outside its parent's boundary" in report.features[0].warnings[0]
    assert any("warning" in line for line in report.lines())


# -- all or nothing -------------------------------------------------------------------------------------


def test_one_bad_feature_means_nothing_changes(world):
    before = AuditRecord.objects.count()
    data = collection(
        feature(square(103.00, 26.0, 0.008), code=world.grid_x.code),
        feature(None, code=world.grid_y.code),
    )
    report = import_boundaries(actor=world.root, data=data)
    assert not report.ok
    assert "1 of 2 features have errors" in report.summary()
    assert boundary_of(world.grid_x).equals(shape(square(103.0, 26.0)))
    assert AuditRecord.objects.count() == before


def test_a_failure_while_writing_rolls_back_the_writes_before_it(world):
    before = AuditRecord.objects.count()
    data = collection(
        feature(square(103.00, 26.0, 0.008), code=world.grid_x.code),
        # a new code, but the name is taken under that parent: only create_unit finds out
        feature(square(103.0, 26.02), code="NEW-1", parent_code=world.community.code, name=world.grid_y.name),
    )
    report = import_boundaries(actor=world.root, data=data, create_missing=True)
    assert not report.ok
    assert "already has this name" in report.features[1].errors[0]
    assert report.features[0].status == ""  # not written after all
    assert boundary_of(world.grid_x).equals(shape(square(103.0, 26.0)))
    assert not Unit.objects.filter(code="NEW-1").exists()
    assert AuditRecord.objects.count() == before


# -- who may import what ----------------------------------------------------------------------------------


def test_a_community_worker_imports_the_grids_of_their_community(world):
    data = collection(
        feature(square(103.00, 26.0, 0.008), code=world.grid_x.code),
        feature(square(103.01, 26.0, 0.008), code=world.grid_y.code),
    )
    assert import_boundaries(actor=world.community_worker, data=data).ok


def test_a_community_worker_cannot_import_grids_of_another_community(world):
    data = collection(
        feature(square(103.00, 26.0, 0.008), code=world.grid_x.code),
        feature(square(103.02, 26.0, 0.008), code=world.grid_z.code),
    )
    report = import_boundaries(actor=world.community_worker, data=data)
    assert not report.ok
    # Z lies outside the worker's scope: unknown, exactly as a code that does not exist
    assert report.features[1].errors == [f"No unit has the code {world.grid_z.code}."]
    assert boundary_of(world.grid_x).equals(shape(square(103.0, 26.0)))


def test_a_community_worker_cannot_redraw_their_own_community(world):
    data = collection(feature(square(103.0, 26.0, 0.02), code=world.community.code))
    report = import_boundaries(actor=world.community_worker, data=data)
    assert report.features[0].errors == ["You cannot change this unit's boundary."]


def test_a_grid_manager_cannot_import_even_their_own_grid(world):
    data = collection(feature(square(103.00, 26.0, 0.008), code=world.grid_x.code))
    report = import_boundaries(actor=world.grid_manager_x, data=data)
    assert report.features[0].errors == ["You cannot change this unit's boundary."]


def test_creating_units_needs_the_right_to_administer_the_parent(world):
    data = collection(feature(square(103.02, 26.01), parent_code=world.community2.code, name="新网格"))
    report = import_boundaries(actor=world.community_worker, data=data, create_missing=True)
    assert not report.ok
    assert f"No unit has the code {world.community2.code}." in report.features[0].errors
