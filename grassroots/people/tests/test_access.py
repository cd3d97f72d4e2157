"""Who sees which people records: the union of their posts' subtrees, or their own household."""

import pytest

from grassroots.org.access import audit_records_visible_to, units_visible_to
from grassroots.people import access

# persona → the households (by fixture name) they see
HOUSEHOLDS = {
    "resident_a": {"household_x"},
    "resident_b": {"household_y"},
    "grid_manager_x": {"household_x"},
    "grid_manager_y": {"household_y"},
    "community_worker": {"household_x", "household_y"},
    "street_staff": {"household_x", "household_y", "household_z"},
    "department_handler": set(),
    "district_admin": {"household_x", "household_y", "household_z", "household_w"},
    "nobody": set(),
}


@pytest.mark.parametrize(("persona", "expected"), HOUSEHOLDS.items())
def test_households_visible_to(world, personas, persona, expected):
    seen = set(access.households_visible_to(personas[persona]).values_list("pk", flat=True))
    assert seen == {getattr(world, name).pk for name in expected}


@pytest.mark.parametrize(("persona", "expected"), HOUSEHOLDS.items())
def test_residents_follow_their_households(world, personas, persona, expected):
    seen = set(access.residents_visible_to(personas[persona]).values_list("household_id", flat=True))
    assert seen == {getattr(world, name).pk for name in expected} & {
        world.household_x.pk,
        world.household_y.pk,
    }


def test_a_superuser_sees_everything(world):
    assert access.households_visible_to(world.root).count() == 4


def test_a_user_with_two_posts_sees_the_union(world):
    from grassroots.org import actions
    from grassroots.org.choices import Role

    actions.assign_post(
        actor=world.root, user=world.grid_manager_x, role=Role.GRID_MANAGER, unit=world.grid_w
    )
    seen = set(access.households_visible_to(world.grid_manager_x).values_list("pk", flat=True))
    assert seen == {world.household_x.pk, world.household_w.pk}


def test_an_ended_post_no_longer_opens_its_grid(world):
    from grassroots.org import actions
    from grassroots.org.models import Post

    actions.end_post(actor=world.root, post=Post.objects.get(user=world.grid_manager_x))
    assert not access.households_visible_to(world.grid_manager_x).exists()


def test_micro_grid_workers_see_no_personal_records(world):
    from conftest import make_user
    from grassroots.org import actions
    from grassroots.org.choices import Role

    rider = make_user("rider")
    actions.assign_post(actor=world.root, user=rider, role=Role.MICRO_GRID_WORKER, unit=world.grid_x)
    assert not access.residents_visible_to(rider).exists()
    assert world.grid_x in units_visible_to(rider)


def test_departments_see_their_district_tree_but_no_residents(world):
    assert (
        units_visible_to(world.department_handler).count() == units_visible_to(world.district_admin).count()
    )
    assert not access.residents_visible_to(world.department_handler).exists()


def test_facilities_of_the_own_community_are_visible_to_its_residents(world):
    from grassroots.people import actions

    mine = actions.register_facility(
        actor=world.root, unit=world.community, kind="health", name="社区卫生服务站", lat=26.005, lng=103.005
    )
    other = actions.register_facility(
        actor=world.root, unit=world.community3, kind="health", name="桥北卫生服务站", lat=26.005, lng=103.035
    )
    visible = set(access.facilities_visible_to(world.resident_a_user))
    assert mine in visible
    assert other not in visible


def test_audit_records_are_read_by_district_admins_only(world):
    assert audit_records_visible_to(world.district_admin).exists()
    for persona in ("community_worker", "street_staff", "grid_manager_x", "resident_a", "department_handler"):
        assert not audit_records_visible_to(
            getattr(world, persona if persona != "resident_a" else "resident_a_user")
        ).exists()
