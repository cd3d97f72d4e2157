"""Every role has a demo account that signs in and is attached to a real post or record."""

from __future__ import annotations

import pytest

from grassroots.core.models import User
from grassroots.demo import accounts
from grassroots.org.choices import GRID_CORE_ROLES, Role, UnitKind
from grassroots.org.models import Post
from grassroots.people.models import PartyMember, Resident

PREFIX = "demo"


@pytest.mark.parametrize("role", [r.code for r in accounts.DEMO_ROLES])
def test_every_role_has_a_demo_account_that_can_sign_in(tiny, client, role):
    assert client.login(username=accounts.username(PREFIX, role), password=accounts.DEMO_PASSWORD)


def test_staff_demo_accounts_hold_their_role(tiny):
    for role in accounts.DEMO_ROLES:
        if role.code == accounts.RESIDENT:
            continue
        user = User.objects.get(username=accounts.username(PREFIX, role.code))
        assert Post.objects.active().filter(user=user, role=role.code).exists(), role.code


def test_the_demo_grid_staff_are_that_grids_core_posts(tiny):
    grid = Post.objects.get(user__username="demo_grid_manager").unit
    assert grid is not None
    assert grid.kind == UnitKind.GRID
    core = Post.objects.active().filter(unit=grid, role__in=GRID_CORE_ROLES)
    assert {p.user.username for p in core} == {f"demo_{r}" for r in GRID_CORE_ROLES}
    assert core.get(is_primary=True).user.username == "demo_grid_leader"


def test_the_demo_resident_and_party_member_have_their_records(tiny):
    resident = Resident.objects.get(user__username="demo_resident")
    assert resident.relation == "head"
    member = PartyMember.objects.get(user__username="demo_party_member")
    assert member.resident is not None
    post = Post.objects.get(user__username="demo_party_member", role=Role.PARTY_MEMBER)
    assert post.unit is not None
    assert post.unit.kind in {UnitKind.COMMUNITY, UnitKind.VILLAGE}
    assert post.unit.is_ancestor_of(member.resident.grid)


def test_other_generated_users_cannot_sign_in(tiny):
    others = User.objects.exclude(username__in=accounts.usernames(PREFIX))
    assert others.count() > 50
    assert not any(user.has_usable_password() for user in others)


def test_without_debug_the_demo_accounts_get_no_usable_password(db, settings):
    from grassroots.demo.tests.tiny import load

    settings.DEBUG = False
    load()
    users = User.objects.filter(username__in=accounts.usernames(PREFIX))
    assert users.count() == len(accounts.DEMO_ROLES)
    assert not any(user.has_usable_password() for user in users)
