"""Who sees and who may act on which case (docs/domain.md §1, §3).

Reading: grid staff see their grid's cases, community and street staff their subtree, district
administrators their district; a department sees the cases routed or copied to it; residents see
their own cases (and, through ``public_cases_for``, their community's public matters without any
personal data); everyone sees the cases they entered or are assigned.

Acting: triage, routing and closing belong to the community, street and district staff above the
case; handling belongs to the case's assignee and the staff of its responsible unit or department
only ("a handler can act only on cases assigned to them or their unit"); verification to someone
above the case who did not resolve it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.cases.choices import Level, State, TriageClass
from grassroots.cases.models import Case, CaseDepartment, CommonProblem
from grassroots.core.tree import SEGMENT, subtree_q
from grassroots.org.access import AnyUser, active_posts, is_superuser, scope_paths
from grassroots.org.choices import TREE_SCOPE_ROLES, Role, UnitKind
from grassroots.org.models import Unit
from grassroots.people.access import own_resident

# Who triages, routes, rejects, merges and closes the cases under their unit (三事分流 is done by
# the residents' committee and above).
TRIAGE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who handles a case held at a level, at the responsible unit.
HANDLER_ROLES: dict[str, frozenset[str]] = {
    Level.GRID: frozenset({Role.GRID_MANAGER, Role.GRID_LEADER}),
    Level.COMMUNITY: frozenset({Role.COMMUNITY_STAFF}),
    Level.STREET: frozenset({Role.STREET_STAFF}),
}
# Who verifies: the triage roles above the case, and the grid leader of its grid (the on-site check).
VERIFIER_ROLES = TRIAGE_ROLES | {Role.GRID_LEADER}
# Who may solve on the spot (马上办) besides the triage roles: the staff of the case's own grid.
ON_THE_SPOT_ROLES = frozenset({Role.GRID_MANAGER, Role.GRID_LEADER})
# Levels above each level, for approving extensions and closing unsolved.
LEVEL_RANK: dict[str, int] = {Level.GRID: 0, Level.COMMUNITY: 1, Level.STREET: 2, Level.DEPARTMENT: 3}
ROLE_RANK: dict[str, int] = {
    Role.GRID_LEADER: 0,
    Role.COMMUNITY_STAFF: 1,
    Role.STREET_STAFF: 2,
    Role.DISTRICT_ADMIN: 4,
}


def _subtree_cases(unit: Unit) -> Q:
    """The cases whose unit lies under ``unit``, as a condition on the cases' own columns that an
    index on the cases table serves: a range on the joined units' path makes the database read
    every case in the city. A case's district is its unit's district (``cases.actions``), so a
    district's cases are those with its ``district_id`` (no join at all), a city's those of its
    districts, and below a district those of the subtree's units. The ids are listed, not a
    subquery: inside the OR of ``cases_visible_to`` PostgreSQL can combine indexes for a list
    but must scan every case to test a subquery."""
    if unit.district_id == unit.pk:
        return Q(district_id=unit.pk)
    if unit.district_id is None:  # a city: every unit under it lies in one of its districts
        return Q(district_id__in=_ids_under(unit, kind=UnitKind.DISTRICT))
    return Q(district_id=unit.district_id, unit_id__in=_ids_under(unit))


def _ids_under(unit: Unit, kind: str = "") -> list[int]:
    """Ids of the units (of ``kind``, if given) under ``unit``."""
    units = Unit.objects.filter(path__subtree=unit.path, **({"kind": kind} if kind else {}))
    return list(units.order_by("pk").values_list("pk", flat=True))


def _tree_q(user: AnyUser) -> Q:
    """The cases under the units where the user holds a tree-scope role; a unit under another of
    them adds nothing."""
    roots: list[Unit] = []
    units = {
        post.unit.pk: post.unit
        for post in active_posts(user)
        if post.role in TREE_SCOPE_ROLES and post.unit is not None
    }
    for unit in sorted(units.values(), key=lambda unit: unit.path):
        if not any(root.is_ancestor_of(unit) for root in roots):
            roots.append(unit)
    q = Q(pk__in=[])
    for root in roots:
        q |= _subtree_cases(root)
    return q


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    if is_superuser(user):
        return Case.objects.all()
    if not user.is_authenticated:
        return Case.objects.none()
    q = _tree_q(user) | Q(created_by=user) | Q(assignee=user)
    departments = [post.department_id for post in active_posts(user) if post.department_id]
    if departments:
        q |= Q(Exists(CaseDepartment.objects.filter(case=OuterRef("pk"), department_id__in=departments)))
    resident = own_resident(user)
    if resident is not None:
        q |= Q(reporter=resident)
    return Case.objects.filter(q)


def public_cases_for(user: AnyUser) -> QuerySet[Case]:
    """Public matters (大事, 小事) of the resident's community, for the public view: callers must
    show them without personal data and without the reporter's name."""
    resident = own_resident(user)
    if resident is None:
        return Case.objects.none()
    community_path = resident.grid.path[:-SEGMENT]
    return Case.objects.filter(
        unit__path__subtree=community_path,
        triage_class__in=[TriageClass.MAJOR, TriageClass.COMMUNITY],
        duplicate_of__isnull=True,
    ).exclude(state=State.REGISTERED)


def _holds(user: AnyUser, unit: Unit, roles: frozenset[str], *, include_self: bool = True) -> bool:
    return any(
        post.role in roles
        and post.unit is not None
        and post.unit.is_ancestor_of(unit, include_self=include_self)
        for post in active_posts(user)
    )


def is_reporter(user: AnyUser, case: Case) -> bool:
    """The resident the case is about, signed in as themselves."""
    resident = own_resident(user)
    return resident is not None and case.reporter_id == resident.pk


def can_support(user: AnyUser, case: Case, *, public: bool | None = None) -> bool:
    """我也遇到: a resident says they have the same problem — on an open public matter of their own
    community (``public_cases_for``) that they did not report themselves (docs/ledger.md "Me
    too"). ``public`` spares the query for a case already read from ``public_cases_for(user)``."""
    if not case.is_open or is_reporter(user, case):
        return False
    if public is None:
        public = public_cases_for(user).filter(pk=case.pk).exists()
    return public


def can_triage(user: AnyUser, case: Case) -> bool:
    return holds_triage_role(user, case.unit)


def holds_triage_role(user: AnyUser, unit: Unit) -> bool:
    """Triage, routing and merging into common problems belong to the triage roles at or above."""
    return is_superuser(user) or _holds(user, unit, TRIAGE_ROLES)


def can_solve_on_the_spot(user: AnyUser, case: Case) -> bool:
    """马上办: whoever received it solves it at once — the triage roles above the case, or the grid
    staff of the case's own unit (docs/domain.md §3.2)."""
    return can_triage(user, case) or any(
        post.unit_id == case.unit_id and post.role in ON_THE_SPOT_ROLES for post in active_posts(user)
    )


def can_handle(user: AnyUser, case: Case) -> bool:
    """The assignee, or staff of the responsible unit (at its level's roles) or department."""
    if is_superuser(user):
        return True
    if not user.is_authenticated:
        return False
    if case.assignee_id is not None and case.assignee_id == user.pk:
        return True
    for post in active_posts(user):
        if case.responsible_department_id and post.department_id == case.responsible_department_id:
            return True
        if (
            case.responsible_unit_id
            and post.unit_id == case.responsible_unit_id
            and post.role in HANDLER_ROLES.get(case.level, frozenset())
        ):
            return True
    return False


def may_attach(user: AnyUser, case: Case) -> bool:
    """Who may add photos to a case: the reporter, whoever entered it, and anyone who may triage or
    handle it."""
    return (
        is_reporter(user, case)
        or (user.is_authenticated and case.created_by_id == user.pk)
        or can_triage(user, case)
        or can_handle(user, case)
    )


def can_verify(user: AnyUser, case: Case) -> bool:
    """核实: someone with a verifier role above the case (or its grid's leader), and never the
    person who resolved it (docs/domain.md §3.4)."""
    if not user.is_authenticated or (case.handler_id is not None and case.handler_id == user.pk):
        return False
    return is_superuser(user) or _holds(user, case.unit, VERIFIER_ROLES)


def can_supervise(user: AnyUser, case: Case) -> bool:
    """Above the case's current level: approves extensions, closes unsolved."""
    if is_superuser(user):
        return True
    level_rank = LEVEL_RANK.get(case.level, 0) if case.level else 0
    return any(
        post.unit is not None
        and post.role in ROLE_RANK
        and ROLE_RANK[post.role] > level_rank
        and post.unit.is_ancestor_of(case.unit)
        for post in active_posts(user)
    )


def can_report_in(user: AnyUser, unit: Unit) -> bool:
    """Staff register cases anywhere in the districts they work in."""
    if is_superuser(user):
        return True
    for post in active_posts(user):
        place = (
            post.unit if post.unit is not None else (post.department.district if post.department else None)
        )
        if place is not None and (place.district_id or place.pk) == unit.district_id:
            return True
        if place is not None and place.is_ancestor_of(unit):
            return True
    return False


def problems_visible_to(user: AnyUser) -> QuerySet[CommonProblem]:
    """Common problems whose unit lies in the user's scope (docs/domain.md §3.2)."""
    if is_superuser(user):
        return CommonProblem.objects.all()
    return CommonProblem.objects.filter(subtree_q("unit__path", scope_paths(user)))


def may_see_reporter(user: AnyUser, case: Case) -> bool:
    """Who the reporter is, and their masked contact, are for the reporter and for staff who hold
    the case in their scope (its units' staff, its departments, its assignee, whoever entered it);
    the public view never shows them (docs/domain.md §3, §8)."""
    if not user.is_authenticated:
        return False
    if is_superuser(user) or is_reporter(user, case):
        return True
    if user.pk in (case.created_by_id, case.assignee_id):
        return True
    posts = active_posts(user)
    if any(
        post.role in TREE_SCOPE_ROLES and post.unit is not None and post.unit.is_ancestor_of(case.unit)
        for post in posts
    ):
        return True
    departments = [post.department_id for post in posts if post.department_id]
    return bool(departments) and (
        case.responsible_department_id in departments
        or CaseDepartment.objects.filter(case=case, department_id__in=departments).exists()
    )
