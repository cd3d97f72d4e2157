"""Who sees and changes which part of the tree (docs/domain.md §1).

A user sees the union of the subtrees of their posts; there is no other path to data. Every
``*_visible_to`` function in the project is built from ``scope_paths`` here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from grassroots.core.models import AuditRecord, User
from grassroots.core.tree import subtree_q
from grassroots.org.choices import (
    LEVEL,
    PEOPLE_EDITOR_ROLES,
    STRUCTURE_ADMIN_ROLES,
    TREE_SCOPE_ROLES,
    Role,
)
from grassroots.org.models import Department, PartyOrg, Post, Unit

AnyUser = User | AnonymousUser

_CACHE_ATTR = "_grassroots_active_posts"


def active_posts(user: AnyUser) -> list[Post]:
    """The user's active posts with their units and departments, cached on the user object."""
    if not user.is_authenticated:
        return []
    cached: list[Post] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Post.objects.active().filter(user=user).select_related("unit", "department__district"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_posts(user: AnyUser) -> None:
    """Drop the cached posts (after this user's posts changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


# Party members and volunteers hold posts too, but take public tasks, not cases (docs/domain.md §1).
STAFF_ROLES = frozenset(Role) - {Role.PARTY_MEMBER, Role.VOLUNTEER}


def is_staff(user: AnyUser) -> bool:
    """Holds a staff post (any role but party member and volunteer), or administers the system."""
    if not user.is_authenticated:
        return False
    return is_superuser(user) or any(post.role in STAFF_ROLES for post in active_posts(user))


def scope_paths(user: AnyUser, roles: Iterable[str] = TREE_SCOPE_ROLES) -> list[str]:
    """Paths of the units where the user holds one of ``roles``."""
    wanted = set(roles)
    return [post.unit.path for post in active_posts(user) if post.role in wanted and post.unit is not None]


def has_role(user: AnyUser, *roles: str) -> bool:
    wanted = set(roles)
    return any(post.role in wanted for post in active_posts(user))


def departments_of(user: AnyUser) -> list[Department]:
    return [post.department for post in active_posts(user) if post.department is not None]


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Units in the subtrees of the user's posts; department handlers see their district's tree.

    Unit names and boundaries are not personal data, so every post (party members and volunteers
    included) opens its subtree; people data behind the units is scoped separately.
    """
    if is_superuser(user):
        return Unit.objects.all()
    paths = [post.unit.path for post in active_posts(user) if post.unit is not None]
    paths += [post.department.district.path for post in active_posts(user) if post.department is not None]
    return Unit.objects.filter(subtree_q("path", paths))


def party_orgs_visible_to(user: AnyUser) -> QuerySet[PartyOrg]:
    """Party organisations serving a unit in the user's scope or one above it (a grid's party guide
    works with the community's branches); a district administrator also sees the district's
    organisations that serve no particular unit. Party organisations are not personal data."""
    if is_superuser(user):
        return PartyOrg.objects.all()
    paths = scope_paths(user)
    above = {pk for post in active_posts(user) if post.unit is not None for pk in post.unit.ancestor_pks()}
    return PartyOrg.objects.filter(
        subtree_q("serves__path", paths) | subtree_q("district__path", paths) | Q(serves_id__in=above)
    )


def _holds_above(user: AnyUser, unit: Unit, roles: Iterable[str], *, include_self: bool) -> bool:
    wanted = set(roles)
    for post in active_posts(user):
        if post.role not in wanted or post.unit is None:
            continue
        if post.unit.is_ancestor_of(unit, include_self=include_self):
            return True
    return False


def can_read_people_in(user: AnyUser, unit: Unit) -> bool:
    return is_superuser(user) or _holds_above(user, unit, TREE_SCOPE_ROLES, include_self=True)


def can_edit_people_in(user: AnyUser, unit: Unit) -> bool:
    """Register and change households, residents, party members, organisations and facilities."""
    return is_superuser(user) or _holds_above(user, unit, PEOPLE_EDITOR_ROLES, include_self=True)


def can_administer(user: AnyUser, unit: Unit) -> bool:
    """Change the structure at ``unit``: its children, boundaries and posts.

    Community and street staff shape what lies strictly below them; a district administrator also
    edits the district (or city) unit itself.
    """
    if is_superuser(user):
        return True
    for post in active_posts(user):
        if post.role not in STRUCTURE_ADMIN_ROLES or post.unit is None:
            continue
        include_self = post.role == Role.DISTRICT_ADMIN
        if post.unit.is_ancestor_of(unit, include_self=include_self):
            return True
    return False


def can_add_under(user: AnyUser, parent: Unit) -> bool:
    """Create a unit under ``parent`` (the new unit lies strictly below the actor's post)."""
    return is_superuser(user) or _holds_above(user, parent, STRUCTURE_ADMIN_ROLES, include_self=True)


def can_manage_departments(user: AnyUser, district: Unit) -> bool:
    return is_superuser(user) or _holds_above(user, district, {Role.DISTRICT_ADMIN}, include_self=True)


def highest_level(user: AnyUser) -> int | None:
    """The level of the user's highest post (0 = city … 4 = grid), for home pages and defaults."""
    levels = [LEVEL[post.unit.kind] for post in active_posts(user) if post.unit is not None]
    return min(levels) if levels else None


def audit_records_visible_to(user: AnyUser) -> QuerySet[AuditRecord]:
    """Audit records of the subtrees where the user is a district administrator (docs/domain.md §8)."""
    if is_superuser(user):
        return AuditRecord.objects.all()
    return AuditRecord.objects.filter(subtree_q("scope_path", scope_paths(user, {Role.DISTRICT_ADMIN})))


def departments_visible_to(user: AnyUser) -> QuerySet[Department]:
    """Departments of the districts the user works in: they sit beside the tree and take work from
    anywhere in their district (docs/domain.md §2), so every post in a district sees them all."""
    if is_superuser(user):
        return Department.objects.all()
    posts = active_posts(user)
    district_ids = {
        post.unit.district_id for post in posts if post.unit is not None and post.unit.district_id
    }
    district_ids |= {post.department.district_id for post in posts if post.department is not None}
    # A post at a city (or a district) also covers the districts below it.
    paths = [post.unit.path for post in posts if post.unit is not None]
    return Department.objects.filter(Q(district_id__in=district_ids) | subtree_q("district__path", paths))


def posts_visible_to(user: AnyUser) -> QuerySet[Post]:
    """Posts at units the user sees, and department posts of the districts whose tree they see.

    Who holds which post is the staff directory, not personal data, so it follows the unit tree
    (``units_visible_to``) rather than the people scope.
    """
    if is_superuser(user):
        return Post.objects.all()
    visible = units_visible_to(user)
    return Post.objects.filter(Q(unit__in=visible) | Q(department__district__in=visible))
