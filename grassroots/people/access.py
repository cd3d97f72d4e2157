"""Scoped reads of people data. Pages, API, exports and admin all start from these functions.

Staff see the union of their posts' subtrees (``org.access.scope_paths``); residents see their
own household; department handlers see no personal records until cases are routed to them
(docs/domain.md §1). Everything else is "not found".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grassroots.core.tree import SEGMENT, subtree_q
from grassroots.org.access import AnyUser, active_posts, is_superuser, scope_paths
from grassroots.org.choices import UnitKind
from grassroots.people.models import Facility, Household, Organization, PartyMember, Resident


def own_resident(user: AnyUser) -> Resident | None:
    """The active resident record linked to this account, if any."""
    if not user.is_authenticated:
        return None
    # Cached on the user object for the request; "no resident" is cached too (most users are staff).
    if hasattr(user, "_grassroots_resident"):
        cached: Resident | None = user._grassroots_resident
        return cached
    found = Resident.objects.filter(user=user, is_active=True).select_related("grid").first()
    setattr(user, "_grassroots_resident", found)  # noqa: B010
    return found


def forget_resident(user: AnyUser | None) -> None:
    """Drop the cached resident of ``user`` (after an account was linked or unlinked)."""
    if user is not None and hasattr(user, "_grassroots_resident"):
        delattr(user, "_grassroots_resident")


def _own_household_q(user: AnyUser, field: str) -> Q:
    resident = own_resident(user)
    return Q(**{field: resident.household_id}) if resident else Q(pk__in=[])


def households_visible_to(user: AnyUser) -> QuerySet[Household]:
    if is_superuser(user):
        return Household.objects.all()
    return Household.objects.filter(subtree_q("grid__path", scope_paths(user)) | _own_household_q(user, "pk"))


def residents_visible_to(user: AnyUser) -> QuerySet[Resident]:
    if is_superuser(user):
        return Resident.objects.all()
    return Resident.objects.filter(
        subtree_q("grid__path", scope_paths(user)) | _own_household_q(user, "household_id")
    )


def party_members_visible_to(user: AnyUser) -> QuerySet[PartyMember]:
    """Members counted in the user's scope or registered (双报到) with a community in it; a member
    also sees their own record."""
    if is_superuser(user):
        return PartyMember.objects.all()
    paths = scope_paths(user)
    own = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    return PartyMember.objects.filter(
        subtree_q("unit__path", paths) | subtree_q("registered_community__path", paths) | own
    )


def organizations_visible_to(user: AnyUser) -> QuerySet[Organization]:
    if is_superuser(user):
        return Organization.objects.all()
    return Organization.objects.filter(subtree_q("unit__path", scope_paths(user)))


def facilities_visible_to(user: AnyUser) -> QuerySet[Facility]:
    """Facilities are public service points: anyone with a post sees those of their post's subtree
    and, at a grid, of the grid's community (the 一有七中心 serve the whole community); a department
    sees its district's, a resident those of their own community."""
    if is_superuser(user):
        return Facility.objects.all()
    paths = [
        post.unit.path[:-SEGMENT] if post.unit.kind == UnitKind.GRID else post.unit.path
        for post in active_posts(user)
        if post.unit is not None
    ]
    paths += [post.department.district.path for post in active_posts(user) if post.department is not None]
    resident = own_resident(user)
    if resident is not None and resident.grid.parent_id:
        paths.append(resident.grid.path[:-SEGMENT])  # the grid's community
    return Facility.objects.filter(subtree_q("unit__path", paths))
