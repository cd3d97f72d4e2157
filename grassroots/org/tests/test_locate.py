"""locate(lat, lng): the grid at a point, the fallback unit, the batch form, and rebuilds (docs/domain.md §2).

Grids X, Y, Z, W of the ``world`` fixture are 0.01° squares side by side at lat 26.00–26.01,
lng 103.00–103.04, created in that order (so X has the lowest id).
"""

import math

import numpy as np
import pytest
import shapely
from django.db import transaction

from conftest import square
from grassroots.org import actions, geo
from grassroots.org.models import BoundaryRevision


def ring(lng, lat, size):
    return [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]


def located(lat, lng):
    return geo.locate(lat, lng)


def test_a_point_inside_a_grid_is_in_that_grid(world):
    assert located(26.005, 103.005) == geo.Located(world.grid_x.pk, True)
    assert located(26.005, 103.035) == geo.Located(world.grid_w.pk, True)


def test_a_point_on_an_outer_edge_belongs_to_the_grid(world):
    assert located(26.0, 103.005).unit_id == world.grid_x.pk
    assert located(26.01, 103.035).unit_id == world.grid_w.pk


def test_a_point_on_a_shared_edge_goes_to_the_grid_with_the_lowest_id(world):
    assert world.grid_x.pk < world.grid_y.pk < world.grid_z.pk
    assert located(26.005, 103.01).unit_id == world.grid_x.pk
    assert located(26.005, 103.02).unit_id == world.grid_y.pk
    assert located(26.005, 103.03).unit_id == world.grid_z.pk


def test_the_tie_break_follows_ids_not_the_order_boundaries_were_set(world):
    # Y's boundary is written after Z's: Y still wins on their shared edge.
    actions.set_boundary(actor=world.root, unit=world.grid_z, boundary=square(103.02, 26.0))
    actions.set_boundary(actor=world.root, unit=world.grid_y, boundary=square(103.01, 26.0))
    assert located(26.005, 103.02).unit_id == world.grid_y.pk


def test_a_point_on_a_vertex_belongs_to_a_grid(world):
    assert located(26.0, 103.0).unit_id == world.grid_x.pk  # outer corner
    assert located(26.01, 103.02).unit_id == world.grid_y.pk  # corner shared by Y and Z


def test_a_point_in_no_grid_and_no_enclosing_boundary_is_none(world):
    assert located(26.02, 103.005) is None
    assert located(0, 0) is None


def test_a_point_in_no_grid_falls_back_to_the_smallest_enclosing_unit(world):
    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(102.99, 25.99, 0.04))
    actions.set_boundary(actor=world.root, unit=world.street, boundary=square(102.95, 25.95, 0.2))
    actions.set_boundary(actor=world.root, unit=world.district, boundary=square(102.0, 25.0, 2.0))
    assert located(26.02, 103.005) == geo.Located(world.community.pk, False)
    assert located(26.10, 103.10) == geo.Located(world.street.pk, False)
    assert located(25.5, 102.5) == geo.Located(world.district.pk, False)
    # the grid still wins inside the community
    assert located(26.005, 103.005) == geo.Located(world.grid_x.pk, True)


def test_a_point_in_a_hole_of_a_grid_is_not_in_that_grid(world):
    with_hole = {
        "type": "Polygon",
        "coordinates": [ring(103.0, 26.0, 0.01), ring(103.004, 26.004, 0.002)],
    }
    actions.set_boundary(actor=world.root, unit=world.grid_x, boundary=with_hole)
    assert located(26.005, 103.005) is None
    assert located(26.004, 103.005).unit_id == world.grid_x.pk  # the hole's edge is the grid's edge
    assert located(26.001, 103.001).unit_id == world.grid_x.pk

    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(102.99, 25.99, 0.04))
    assert located(26.005, 103.005) == geo.Located(world.community.pk, False)


def test_a_grid_may_be_a_multipolygon(world):
    two_parts = {
        "type": "MultiPolygon",
        "coordinates": [[ring(103.02, 26.0, 0.01)], [ring(103.10, 26.10, 0.005)]],
    }
    actions.set_boundary(actor=world.root, unit=world.grid_z, boundary=two_parts)
    assert located(26.102, 103.102).unit_id == world.grid_z.pk
    assert located(26.005, 103.025).unit_id == world.grid_z.pk
    assert located(26.05, 103.05) is None


def test_a_deactivated_grid_drops_out(world):
    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(102.99, 25.99, 0.04))
    actions.update_unit(actor=world.root, unit=world.grid_x, is_active=False)
    assert located(26.005, 103.005) == geo.Located(world.community.pk, False)
    # its shared edge now belongs to Y alone
    assert located(26.005, 103.01).unit_id == world.grid_y.pk


def test_buildings_never_answer_a_lookup(world):
    actions.set_boundary(actor=world.root, unit=world.building_x, boundary=square(103.2, 26.2, 0.001))
    assert located(26.2005, 103.2005) is None


def test_bad_coordinates_are_in_no_unit(world):
    assert located(math.nan, 103.005) is None
    assert located(26.005, math.inf) is None


def test_locate_unit_returns_the_unit(world):
    assert geo.locate_unit(26.005, 103.015) == world.grid_y
    assert geo.locate_unit(26.5, 103.5) is None


def test_the_batch_form_is_aligned_with_its_input(world):
    actions.set_boundary(actor=world.root, unit=world.community, boundary=square(102.99, 25.99, 0.04))
    lats = [26.005, 26.005, 26.02, 30.0, math.nan, 26.005]
    lngs = [103.005, 103.01, 103.005, 110.0, 103.0, 103.035]
    expected = [world.grid_x.pk, world.grid_x.pk, -world.community.pk, 0, 0, world.grid_w.pk]
    assert geo.locate_many(lats, lngs).tolist() == expected
    assert geo.get_locator().locate_many(np.array(lats), np.array(lngs)).tolist() == expected
    singles = [geo.locate(lat, lng) for lat, lng in zip(lats, lngs, strict=True)]
    assert [0 if s is None else (s.unit_id if s.is_grid else -s.unit_id) for s in singles] == expected


def test_the_batch_form_takes_empty_input_and_refuses_ragged_input(world):
    assert geo.locate_many([], []).tolist() == []
    with pytest.raises(ValueError, match="same length"):
        geo.locate_many([26.0, 26.1], [103.0])


def test_the_locator_is_built_once_per_revision(world):
    assert geo.get_locator() is geo.get_locator()


def test_a_boundary_change_through_the_action_is_seen_by_the_next_lookup(world):
    before = geo.get_locator()
    assert located(26.005, 103.045) is None
    actions.set_boundary(actor=world.root, unit=world.grid_w, boundary=square(103.04, 26.0))
    assert geo.get_locator() is not before
    assert located(26.005, 103.045).unit_id == world.grid_w.pk
    assert located(26.005, 103.035) is None


def test_a_change_committed_by_another_process_is_seen_through_the_revision(world):
    locator = geo.get_locator()
    # Another worker writes the boundary and bumps the revision; this process's cache is untouched.
    type(world.grid_w).objects.filter(pk=world.grid_w.pk).update(boundary=square(103.04, 26.0))
    assert geo.get_locator() is locator  # no bump, no rebuild
    actions.bump_boundary_revision()
    assert located(26.005, 103.045).unit_id == world.grid_w.pk


class Abort(Exception):
    pass


def rolled_back(change):
    """Run ``change`` in a transaction that then rolls back; return what it returned."""
    seen = []

    def run():
        with transaction.atomic():
            seen.append(change())
            raise Abort

    with pytest.raises(Abort):
        run()
    return seen[0]


def test_a_rolled_back_revision_number_is_never_reused(world):
    before = BoundaryRevision.objects.get().revision

    def bump():
        actions.bump_boundary_revision()
        return BoundaryRevision.objects.get().revision

    lost = rolled_back(bump)
    assert BoundaryRevision.objects.get().revision == before
    assert bump() not in (before, lost)


def test_a_locator_built_inside_a_rolled_back_change_is_not_kept(world):
    def move_w_and_look():
        actions.set_boundary(actor=world.root, unit=world.grid_w, boundary=square(103.04, 26.0))
        return located(26.005, 103.045)

    assert rolled_back(move_w_and_look).unit_id == world.grid_w.pk
    actions.set_boundary(actor=world.root, unit=world.grid_z, boundary=square(103.02, 26.0))
    assert located(26.005, 103.045) is None
    assert located(26.005, 103.035).unit_id == world.grid_w.pk


# -- the bucket raster against the polygons, without a database --------------------------------


def brute_force(units, xs, ys):
    """The rules, slowly: lowest grid id that intersects, else the smallest fallback unit."""
    grids = sorted((u for u in units if u[1] == "grid"), key=lambda u: u[0])
    others = sorted((u for u in units if u[1] in geo.FALLBACK_KINDS), key=lambda u: (u[2].area, u[0]))
    out = []
    for x, y in zip(xs, ys, strict=True):
        point = shapely.Point(x, y)
        hit = next((uid for uid, _, g in grids if g.intersects(point)), None)
        if hit is None:
            hit = next((-uid for uid, _, g in others if g.intersects(point)), 0)
        out.append(hit)
    return out


def checkerboard():
    """Squares of mixed sizes sharing edges and corners, one with a hole, one in two parts,
    two overlapping (bad data: the lower id must still win), a gap, and a community around them."""
    units = []
    uid = 100
    for i in range(6):
        for j in range(6):
            if (i, j) == (3, 3):
                continue  # a gap: falls back to the community
            size = 0.01
            geom = shapely.box(103 + i * size, 26 + j * size, 103 + (i + 1) * size, 26 + (j + 1) * size)
            if (i, j) == (1, 1):
                geom = geom.difference(shapely.box(103.013, 26.013, 103.017, 26.017))
            if (i, j) == (4, 4):
                geom = shapely.MultiPolygon([geom, shapely.box(103.0135, 26.0135, 103.0165, 26.0165)])
            units.append((uid, "grid", geom))
            uid -= 1  # ids run against position, so the tie-break is not the build order
    # a small grid split into tiny cells, next to the big ones
    for k in range(4):
        units.append((200 + k, "grid", shapely.box(103.06, 26 + k * 0.0005, 103.0605, 26 + (k + 1) * 0.0005)))
    units.append((300, "grid", shapely.box(103.045, 26.045, 103.055, 26.055)))  # overlaps (4,4), (5,5) …
    units.append((1, "community", shapely.box(102.99, 25.99, 103.07, 26.07)))
    units.append((2, "street", shapely.box(102.9, 25.9, 103.2, 26.2)))
    units.append((3, "building", shapely.box(103.1, 26.1, 103.11, 26.11)))
    return units


def test_the_bucket_raster_gives_exactly_the_polygon_answer(world):
    units = checkerboard()
    locator = geo.Locator(units)
    assert locator.buckets is not None
    rng = np.random.default_rng(7)
    xs = list(rng.uniform(102.95, 103.1, 3000))
    ys = list(rng.uniform(25.95, 26.1, 3000))
    # every vertex, and points on edges (exact in binary at these coordinates or not: both must agree)
    for _, _, geom in units:
        for x, y in shapely.get_coordinates(geom):
            xs.append(x)
            ys.append(y)
        for x, y in shapely.get_coordinates(shapely.segmentize(geom.boundary, 0.0013)):
            xs.append(x)
            ys.append(y)
    expected = brute_force(units, xs, ys)
    assert locator.locate_many(np.array(ys), np.array(xs)).tolist() == expected
    singles = [locator.locate(y, x) for x, y in zip(xs, ys, strict=True)]
    assert [0 if s is None else (s.unit_id if s.is_grid else -s.unit_id) for s in singles] == expected
    # the raster did answer most points by itself, or it would be pointless
    assert locator.buckets.marked_share < 0.5


def test_a_locator_without_grids_still_falls_back(world):
    locator = geo.Locator([(1, "community", shapely.box(0, 0, 1, 1))])
    assert locator.buckets is None
    assert locator.locate(0.5, 0.5) == geo.Located(1, False)
    assert locator.locate_many([0.5, 2], [0.5, 2]).tolist() == [-1, 0]
    assert geo.Locator([]).locate(0.5, 0.5) is None


def test_an_unreadable_stored_boundary_is_left_out_not_fatal(world):
    type(world.grid_y).objects.filter(pk=world.grid_y.pk).update(
        boundary={"type": "Polygon", "coordinates": "x"}
    )
    actions.bump_boundary_revision()
    assert located(26.005, 103.015) is None
    assert located(26.005, 103.005).unit_id == world.grid_x.pk
