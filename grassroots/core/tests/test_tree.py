import pytest

from grassroots.core.tree import SEGMENT, pks_of, segment, subtree_q
from grassroots.org import actions
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


def test_segments_are_fixed_width_and_sort_like_the_numbers():
    assert len(segment(1)) == SEGMENT
    assert segment(35) < segment(36) < segment(1295) < segment(1296)
    assert pks_of(segment(7) + segment(123456)) == [7, 123456]


def test_paths_nest_and_subtree_lookup_finds_exactly_the_subtree(world):
    assert world.grid_x.path.startswith(world.community.path)
    assert world.grid_x.depth == world.community.depth + 1
    under_community = set(
        Unit.objects.filter(path__subtree=world.community.path).values_list("pk", flat=True)
    )
    assert under_community == {world.community.pk, world.grid_x.pk, world.grid_y.pk, world.building_x.pk}
    under_street2 = set(Unit.objects.filter(path__subtree=world.street2.path).values_list("pk", flat=True))
    assert world.grid_x.pk not in under_street2
    assert world.grid_w.pk in under_street2


def test_subtree_lookup_works_across_a_join(world):
    from grassroots.people.models import Household

    found = set(Household.objects.filter(grid__path__subtree=world.street.path).values_list("pk", flat=True))
    assert found == {world.household_x.pk, world.household_y.pk, world.household_z.pk}


def test_subtree_q_merges_nested_roots_and_matches_nothing_without_roots(world):
    q = subtree_q("path", [world.community.path, world.grid_x.path])
    assert len(q.children) == 1
    assert not Unit.objects.filter(subtree_q("path", [])).exists()


def test_subtree_lookup_refuses_a_value_that_is_not_a_path():
    with pytest.raises(ValueError, match="path"):
        list(Unit.objects.filter(path__subtree="0001%"))


def test_moving_a_subtree_rewrites_every_descendant_path(world):
    actions.move_unit(actor=world.root, unit=world.community, new_parent=world.street2)
    world.grid_x.refresh_from_db()
    world.building_x.refresh_from_db()
    assert world.grid_x.path.startswith(world.street2.path)
    assert world.building_x.path.startswith(world.grid_x.path)
    assert world.building_x.depth == world.grid_x.depth + 1 == 4
    assert set(Unit.objects.filter(path__subtree=world.street.path)) == {
        world.street,
        world.community2,
        world.grid_z,
    }


def test_a_unit_cannot_be_moved_into_its_own_subtree(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.move_unit(actor=world.root, unit=world.community, new_parent=world.grid_x)
    assert Unit.objects.get(pk=world.community.pk).parent_id == world.street.pk


def test_ancestors_are_listed_root_first(world):
    assert list(world.building_x.ancestors()) == [world.district, world.street, world.community, world.grid_x]
    assert world.community.is_ancestor_of(world.building_x)
    assert not world.community.is_ancestor_of(world.grid_w)


def test_tree_with_many_children_keeps_paths_unique(world):
    grids = Unit.add_nodes(
        [
            Unit(
                kind=UnitKind.GRID,
                name=f"批量网格{i}",
                code=f"BULK-{i}",
                parent=world.community,
                district=world.district,
            )
            for i in range(30)
        ]
    )
    paths = [g.path for g in grids]
    assert len(set(paths)) == 30
    assert all(
        p.startswith(world.community.path)
        for p in Unit.objects.filter(code__startswith="BULK-").values_list("path", flat=True)
    )
