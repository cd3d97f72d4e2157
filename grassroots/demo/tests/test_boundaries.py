"""Boundaries nest exactly and never overlap; every place lies inside its grid; locate finds it."""

from __future__ import annotations

import itertools

import shapely
from shapely.geometry import shape

from grassroots.demo import plan
from grassroots.org import geo
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people.models import Facility, Organization


def polygons(kind: str) -> dict[int, shapely.Geometry]:
    return {u.pk: shape(u.boundary) for u in Unit.objects.filter(kind=kind)}


def assert_partition(children: list[shapely.Geometry], parent: shapely.Geometry) -> None:
    """Valid, pairwise interior-disjoint, inside the parent and covering it."""
    for child in children:
        assert child.is_valid
        assert parent.covers(child)
    for a, b in itertools.combinations(children, 2):
        assert not a.relate_pattern(b, "T********"), "interiors overlap"
    assert shapely.union_all(children).symmetric_difference(parent).area < 1e-12


def test_grid_polygons_are_valid_disjoint_and_tile_their_community(tiny):
    grids = Unit.objects.filter(kind=UnitKind.GRID).select_related("parent")
    by_community: dict[int, list[shapely.Geometry]] = {}
    for grid in grids:
        assert grid.parent_id is not None
        by_community.setdefault(grid.parent_id, []).append(shape(grid.boundary))
    communities = {u.pk: shape(u.boundary) for u in Unit.objects.filter(pk__in=by_community)}
    for community_id, children in by_community.items():
        assert_partition(children, communities[community_id])
    all_grids = [shape(g.boundary) for g in grids]
    assert shapely.coverage_is_valid(all_grids)


def test_communities_tile_their_street_and_streets_their_district(tiny):
    for parent in Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.STREET, UnitKind.TOWN]):
        children = [shape(u.boundary) for u in parent.children.all()]
        assert_partition(children, shape(parent.boundary))


def test_buildings_and_courtyards_lie_inside_their_grid(tiny):
    places = Unit.objects.filter(kind__in=[UnitKind.BUILDING, UnitKind.COURTYARD]).select_related("parent")
    kinds = set()
    for place in places:
        kinds.add(place.kind)
        assert place.parent is not None
        assert place.lat is not None
        assert place.lng is not None
        assert place.parent.kind == UnitKind.GRID
        assert shape(place.parent.boundary).contains(shapely.Point(place.lng, place.lat))
    assert kinds == {UnitKind.BUILDING, UnitKind.COURTYARD}


def test_locate_puts_every_building_in_its_own_grid(tiny):
    places = list(Unit.objects.filter(kind__in=[UnitKind.BUILDING, UnitKind.COURTYARD]))
    found = geo.build_locator().locate_many([p.lat or 0.0 for p in places], [p.lng or 0.0 for p in places])
    assert found.tolist() == [p.parent_id for p in places]


def test_facilities_and_organisations_lie_inside_their_unit(tiny):
    spots: list[tuple[Unit, float | None, float | None]]
    spots = [(f.unit, f.lng, f.lat) for f in Facility.objects.select_related("unit")]
    spots += [(o.unit, o.lng, o.lat) for o in Organization.objects.select_related("unit")]
    assert len(spots) > 30
    for unit, lng, lat in spots:
        assert shape(unit.boundary).contains(shapely.Point(lng, lat)), unit.name


def test_the_default_district_plan_is_a_valid_nested_coverage_near_dongchuan():
    root = plan.build(plan.DISTRICT, plan.DEFAULT_SEED)
    grids = [n for n in root.walk() if n.kind == UnitKind.GRID]
    assert len(grids) == 100
    assert shapely.coverage_is_valid([g.region.polygon for g in grids])
    for node in root.walk():
        for child in node.children:
            assert shapely.covers(node.region.polygon, child.region.polygon)
    minx, miny, maxx, maxy = shapely.bounds(root.region.polygon)
    assert 103.1 < minx < maxx < 103.3
    assert 26.0 < miny < maxy < 26.2
    assert 2 < (maxx - minx) * 100 < 8  # a few kilometres across
