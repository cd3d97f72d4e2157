import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import make_user
from grassroots.core.errors import NotAllowed
from grassroots.org import actions
from grassroots.org.choices import Role
from grassroots.org.models import Post


def primaries(grid):
    return list(Post.objects.active().filter(unit=grid, is_primary=True))


def test_the_first_of_the_three_grid_posts_becomes_primary(world):
    post = Post.objects.get(user=world.grid_manager_x)
    assert post.is_primary
    leader = actions.assign_post(
        actor=world.root, user=make_user("gl"), role=Role.GRID_LEADER, unit=world.grid_x
    )
    assert not leader.is_primary
    assert primaries(world.grid_x) == [post]


def test_the_database_refuses_a_second_primary(world):
    other = make_user("gl")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            user=other,
            role=Role.GRID_LEADER,
            unit=world.grid_x,
            is_primary=True,
            started_on=timezone.localdate(),
        )


def test_primary_must_be_one_of_the_three_grid_posts(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            user=make_user("cop"),
            role=Role.POLICE_OFFICER,
            unit=world.grid_y,
            is_primary=True,
            started_on=timezone.localdate(),
        )


def test_making_another_post_primary_hands_the_primary_over(world):
    leader = actions.assign_post(
        actor=world.root, user=make_user("gl"), role=Role.GRID_LEADER, unit=world.grid_x
    )
    actions.set_primary(actor=world.community_worker, post=leader)
    assert primaries(world.grid_x) == [leader]


def test_ending_the_primary_post_passes_the_primary_on(world):
    guide = actions.assign_post(
        actor=world.root, user=make_user("pg"), role=Role.PARTY_GUIDE, unit=world.grid_x
    )
    manager_post = Post.objects.get(user=world.grid_manager_x)
    actions.end_post(actor=world.community_worker, post=manager_post)
    assert primaries(world.grid_x) == [guide]
    actions.end_post(actor=world.community_worker, post=guide)
    assert primaries(world.grid_x) == []  # nobody left to own it


def test_a_grid_has_one_leader_and_one_guide(world):
    actions.assign_post(actor=world.root, user=make_user("gl1"), role=Role.GRID_LEADER, unit=world.grid_x)
    with pytest.raises(ValidationError) as excinfo:
        actions.assign_post(actor=world.root, user=make_user("gl2"), role=Role.GRID_LEADER, unit=world.grid_x)
    assert "role" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            user=make_user("gl3"), role=Role.GRID_LEADER, unit=world.grid_x, started_on=timezone.localdate()
        )


def test_posts_are_held_at_the_right_kind_of_unit(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.assign_post(
            actor=world.root, user=make_user("u"), role=Role.GRID_MANAGER, unit=world.community
        )
    assert "unit" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        actions.assign_post(actor=world.root, user=make_user("v"), role=Role.DEPARTMENT_HANDLER)


def test_department_posts_name_a_department_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            user=make_user("d"),
            role=Role.DEPARTMENT_HANDLER,
            unit=world.grid_x,
            started_on=timezone.localdate(),
        )


def test_police_sunk_cadres_and_micro_grid_workers_attach_to_grids(world):
    for role in (Role.POLICE_OFFICER, Role.SUNK_CADRE, Role.MICRO_GRID_WORKER):
        post = actions.assign_post(
            actor=world.community_worker, user=make_user(role), role=role, unit=world.grid_x
        )
        assert not post.is_primary


def test_only_administrators_above_the_grid_assign_its_posts(world):
    with pytest.raises(NotAllowed):
        actions.assign_post(
            actor=world.grid_manager_x, user=make_user("u"), role=Role.GRID_MANAGER, unit=world.grid_x
        )
    with pytest.raises(NotAllowed):
        actions.assign_post(
            actor=world.community_worker, user=make_user("w"), role=Role.GRID_MANAGER, unit=world.grid_w
        )


def test_holding_the_same_post_twice_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.assign_post(
            actor=world.root, user=world.grid_manager_x, role=Role.GRID_MANAGER, unit=world.grid_x
        )
    assert "user" in excinfo.value.message_dict


def test_a_post_ends_once_and_not_before_it_started(world):
    post = Post.objects.get(user=world.grid_manager_y)
    with pytest.raises(ValidationError):
        actions.end_post(actor=world.root, post=post, ended_on=post.started_on.replace(year=2000))
    actions.end_post(actor=world.root, post=post)
    with pytest.raises(ValidationError):
        actions.end_post(actor=world.root, post=post)
