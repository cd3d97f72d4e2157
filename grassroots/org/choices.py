"""Vocabulary of the organisation: unit kinds, roles, party organisation kinds (docs/domain.md §1–2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")
    COURTYARD = "courtyard", _("Courtyard")
    BUILDING = "building", _("Building")


# Which kinds may hang under which (docs/domain.md §2). Courtyards (院坝/组) belong to villages: they
# sit under a village's grids so that every household still lies in exactly one grid.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    UnitKind.CITY: frozenset({UnitKind.DISTRICT}),
    UnitKind.DISTRICT: frozenset({UnitKind.STREET, UnitKind.TOWN}),
    UnitKind.STREET: frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    UnitKind.TOWN: frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    UnitKind.COMMUNITY: frozenset({UnitKind.GRID}),
    UnitKind.VILLAGE: frozenset({UnitKind.GRID}),
    UnitKind.GRID: frozenset({UnitKind.BUILDING, UnitKind.COURTYARD}),
    UnitKind.COURTYARD: frozenset({UnitKind.BUILDING}),
    UnitKind.BUILDING: frozenset(),
}
ROOT_KINDS = frozenset({UnitKind.CITY, UnitKind.DISTRICT})
# Where a unit of each kind sits, for "the level of" questions (street and town are one level).
LEVEL: dict[str, int] = {
    UnitKind.CITY: 0,
    UnitKind.DISTRICT: 1,
    UnitKind.STREET: 2,
    UnitKind.TOWN: 2,
    UnitKind.COMMUNITY: 3,
    UnitKind.VILLAGE: 3,
    UnitKind.GRID: 4,
    UnitKind.COURTYARD: 5,
    UnitKind.BUILDING: 5,
}
# Units that own records and appear in statistics tables; buildings and courtyards are places.
ADMINISTRATIVE_KINDS = frozenset(k for k, level in LEVEL.items() if level <= 4)
PLACE_KINDS = frozenset({UnitKind.BUILDING, UnitKind.COURTYARD})


class Role(models.TextChoices):
    """A user's role at a unit (docs/domain.md §1). Residents are linked through their resident record."""

    GRID_MANAGER = "grid_manager", _("Grid manager")
    GRID_LEADER = "grid_leader", _("Grid leader")
    PARTY_GUIDE = "party_guide", _("Party-building guide")
    POLICE_OFFICER = "police_officer", _("Community police officer")
    SUNK_CADRE = "sunk_cadre", _("Sunk cadre")
    MICRO_GRID_WORKER = "micro_grid_worker", _("Mobile micro-grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community worker")
    STREET_STAFF = "street_staff", _("Street staff")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")


# 一长两员: the three posts every grid has; exactly one of them is the grid's primary owner.
GRID_CORE_ROLES = frozenset({Role.GRID_LEADER, Role.PARTY_GUIDE, Role.GRID_MANAGER})
# Others attached to a grid (docs/domain.md §2).
GRID_ATTACHED_ROLES = frozenset({Role.POLICE_OFFICER, Role.SUNK_CADRE, Role.MICRO_GRID_WORKER})
GRID_ROLES = GRID_CORE_ROLES | GRID_ATTACHED_ROLES
# Where each role's post may be held.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    **{role: frozenset({UnitKind.GRID}) for role in GRID_ROLES},
    Role.COMMUNITY_STAFF: frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    Role.STREET_STAFF: frozenset({UnitKind.STREET, UnitKind.TOWN}),
    Role.DISTRICT_ADMIN: frozenset({UnitKind.DISTRICT, UnitKind.CITY}),
    Role.PARTY_MEMBER: frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    Role.VOLUNTEER: frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE}),
    Role.DEPARTMENT_HANDLER: frozenset(),  # held at a department, not at a unit
}
# Roles whose post opens the subtree of its unit to reading people data. Micro-grid workers
# (couriers, riders) report what they see but never read residents' records; party members and
# volunteers see public tasks only (later modules).
TREE_SCOPE_ROLES = frozenset(
    {
        Role.GRID_MANAGER,
        Role.GRID_LEADER,
        Role.PARTY_GUIDE,
        Role.POLICE_OFFICER,
        Role.SUNK_CADRE,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISTRICT_ADMIN,
    }
)
# Roles that may register and edit households, residents and organisations in their subtree.
PEOPLE_EDITOR_ROLES = frozenset(
    {Role.GRID_MANAGER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN}
)
# Roles that may change the structure (units, boundaries, posts) strictly below their unit.
STRUCTURE_ADMIN_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})


class PartyOrgKind(models.TextChoices):
    """党工委 → 大党委 → 支部 → 党小组 (docs/domain.md §2), with the usual intermediate general branch."""

    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Joint community party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


PARTY_ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    PartyOrgKind.WORKING_COMMITTEE: frozenset(
        {PartyOrgKind.COMMUNITY_COMMITTEE, PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.BRANCH}
    ),
    PartyOrgKind.COMMUNITY_COMMITTEE: frozenset({PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.BRANCH}),
    PartyOrgKind.GENERAL_BRANCH: frozenset({PartyOrgKind.BRANCH}),
    PartyOrgKind.BRANCH: frozenset({PartyOrgKind.GROUP}),
    PartyOrgKind.GROUP: frozenset(),
}
