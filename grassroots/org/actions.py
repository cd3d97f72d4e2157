"""Every change to the organisation: one function per act, each one transaction, checked and audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.core.errors import NotAllowed, ValidationError, only_fields
from grassroots.core.models import AuditAction, User
from grassroots.org import access, geo
from grassroots.org.choices import (
    ALLOWED_CHILDREN,
    GRID_CORE_ROLES,
    PARTY_ALLOWED_CHILDREN,
    ROLE_UNIT_KINDS,
    ROOT_KINDS,
    Role,
    UnitKind,
)
from grassroots.org.models import BoundaryRevision, Department, PartyOrg, Post, Unit

T = TypeVar("T")

UNIT_FIELDS = ("kind", "name", "code", "parent", "address", "lat", "lng", "sort_order", "is_active")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _unique_or_error(save: Callable[[], T], field: str, message: str) -> T:
    """Run ``save``; a unique-constraint race becomes the same field error the pre-check gives."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        raise ValidationError({field: [message]}) from None


def _next_code(parent: Unit | PartyOrg, model: type[Unit] | type[PartyOrg]) -> str:
    number = parent.children.count() + 1
    while model.objects.filter(code=f"{parent.code}-{number:03d}").exists():
        number += 1
    return f"{parent.code}-{number:03d}"


def bump_boundary_revision() -> None:
    # A random step, not +1: the number of a bump that rolled back must never come back, or a process
    # that built its locator inside that transaction (a dry run, a test) would keep serving it as current.
    step = secrets.randbelow(1 << 30) + 1
    if not BoundaryRevision.objects.filter(pk=1).update(revision=F("revision") + step):
        BoundaryRevision.objects.get_or_create(pk=1)  # the very first bump; safe if two race
        BoundaryRevision.objects.filter(pk=1).update(revision=F("revision") + step)


# -- units ------------------------------------------------------------------------------------------


def _check_unit_fields(
    *, kind: str, name: str, parent: Unit | None, code: str, exclude_pk: int | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in UnitKind.values:
        errors["kind"] = [_("Unknown unit kind.")]
    elif parent is None and kind not in ROOT_KINDS:
        errors["parent"] = [_("Only a city or a district can stand at the top of the tree.")]
    elif parent is not None and kind not in ALLOWED_CHILDREN[parent.kind]:
        errors["kind"] = [
            _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": UnitKind(kind).label, "parent": UnitKind(parent.kind).label}
        ]
    elif kind == UnitKind.COURTYARD and parent is not None:
        village = parent.parent if parent.kind == UnitKind.GRID else None
        if village is None or village.kind != UnitKind.VILLAGE:
            errors["kind"] = [
                _("Courtyards (院坝/组) belong to villages: place them under a village's grid.")
            ]
    name = name.strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    else:
        siblings = Unit.objects.filter(parent=parent, name=name)
        if exclude_pk:
            siblings = siblings.exclude(pk=exclude_pk)
        if siblings.exists():
            errors["name"] = [_("Another unit under the same parent already has this name.")]
    if code:
        clash = Unit.objects.filter(code=code)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["code"] = [_("This code is already in use.")]
    return errors


def _district_of(kind: str, parent: Unit | None) -> Unit | None:
    if parent is None or kind == UnitKind.DISTRICT:
        return None  # a district points at itself once saved; a city at nothing
    return parent if parent.kind == UnitKind.DISTRICT else parent.district


@transaction.atomic
def create_unit(
    *,
    actor: User,
    kind: str,
    name: str,
    parent: Unit | None = None,
    code: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    boundary: dict[str, Any] | None = None,
    sort_order: int = 0,
) -> Unit:
    """Add a unit under ``parent`` (docs/domain.md §2). Roots (city, district) need a superuser."""
    if parent is None:
        _require(access.is_superuser(actor), _("Only a system administrator can create a top-level unit."))
    else:
        _require(access.can_add_under(actor, parent), _("You cannot change the structure here."))
    errors = _check_unit_fields(kind=kind, name=name, parent=parent, code=code)
    if parent is None and not code:
        errors.setdefault("code", []).append(
            _("A top-level unit needs a code (e.g. its administrative code).")
        )
    geometry = None
    if boundary is not None:
        try:
            geometry = geo.parse_boundary(boundary)
        except ValidationError as exc:
            errors["boundary"] = exc.messages
    if errors:
        raise ValidationError(errors)
    unit = Unit(
        kind=kind,
        name=name.strip(),
        parent=parent,
        code=code or _next_code(parent, Unit),  # type: ignore[arg-type]
        district=_district_of(kind, parent),
        address=address,
        lat=lat,
        lng=lng,
        boundary=geo.to_geojson(geometry) if geometry is not None else None,
        sort_order=sort_order,
    )
    _unique_or_error(
        lambda: Unit.add_node(unit), "name", _("Another unit under the same parent already has this name.")
    )
    if kind == UnitKind.DISTRICT:
        unit.district = unit
        Unit.objects.filter(pk=unit.pk).update(district=unit)
    if geometry is not None:
        bump_boundary_revision()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=unit,
        scope_path=unit.path,
        changes=audit.snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def update_unit(*, actor: User, unit: Unit, **fields: Any) -> Unit:
    """Change a unit's name, code, address, position, order or active flag (not its place: ``move_unit``)."""
    _require(access.can_administer(actor, unit), _("You cannot change this unit."))
    allowed = {"name", "code", "address", "lat", "lng", "sort_order", "is_active"}
    only_fields(fields, allowed)
    before = audit.snapshot(unit, UNIT_FIELDS)
    errors = _check_unit_fields(
        kind=unit.kind,
        name=fields.get("name", unit.name),
        parent=unit.parent,
        code=fields.get("code", ""),
        exclude_pk=unit.pk,
    )
    errors.pop("kind", None)
    errors.pop("parent", None)
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    _unique_or_error(
        lambda: unit.save(), "name", _("Another unit under the same parent already has this name.")
    )
    if "is_active" in fields and unit.boundary is not None:
        bump_boundary_revision()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=unit,
        scope_path=unit.path,
        changes=audit.diff(before, audit.snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def move_unit(*, actor: User, unit: Unit, new_parent: Unit) -> Unit:
    """Re-hang a unit and its subtree under another parent of the right kind, in the same district."""
    _require(
        access.can_administer(actor, unit) and access.can_add_under(actor, new_parent),
        _("You cannot move this unit there."),
    )
    if unit.is_ancestor_of(new_parent):
        raise ValidationError({"parent": [_("A unit cannot be moved under itself or its own subtree.")]})
    if _district_of(unit.kind, new_parent) != unit.district:
        raise ValidationError({"parent": [_("A unit can only move within its district.")]})
    errors = _check_unit_fields(
        kind=unit.kind, name=unit.name, parent=new_parent, code="", exclude_pk=unit.pk
    )
    if errors:
        raise ValidationError(errors)
    old_parent = unit.parent
    unit.move_under(new_parent)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=unit,
        scope_path=unit.path,
        changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
    )
    return unit


@transaction.atomic
def set_boundary(*, actor: User, unit: Unit, boundary: dict[str, Any] | str | None) -> Unit:
    """Set (or clear, with None) a unit's boundary; every process's locator rebuilds after commit."""
    _require(access.can_administer(actor, unit), _("You cannot change this unit's boundary."))
    try:
        geometry = geo.parse_boundary(boundary) if boundary is not None else None
    except ValidationError as exc:
        raise ValidationError({"boundary": exc.messages}) from None
    unit.boundary = geo.to_geojson(geometry) if geometry is not None else None
    if geometry is not None and unit.lat is None:
        point = geometry.representative_point()
        unit.lat, unit.lng = round(point.y, 7), round(point.x, 7)
    unit.save(update_fields=["boundary", "lat", "lng", "updated_at"])
    bump_boundary_revision()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=unit,
        scope_path=unit.path,
        changes={"boundary": "set" if geometry is not None else "cleared"},
    )
    return unit


# -- departments --------------------------------------------------------------------------------------


@transaction.atomic
def create_department(
    *, actor: User, district: Unit, name: str, code: str, short_name: str = ""
) -> Department:
    """Add a district department (职能部门)."""
    _require(
        access.can_manage_departments(actor, district), _("You cannot manage this district's departments.")
    )
    errors: dict[str, list[str]] = {}
    if district.kind != UnitKind.DISTRICT:
        errors["district"] = [_("Departments belong to a district.")]
    if not name.strip():
        errors["name"] = [_("A name is required.")]
    elif Department.objects.filter(district=district, name=name.strip()).exists():
        errors["name"] = [_("This district already has a department with this name.")]
    if not code.strip():
        errors["code"] = [_("A code is required.")]
    elif Department.objects.filter(code=code.strip()).exists():
        errors["code"] = [_("This code is already in use.")]
    if errors:
        raise ValidationError(errors)
    department = _unique_or_error(
        lambda: Department.objects.create(
            district=district, name=name.strip(), code=code.strip(), short_name=short_name.strip()
        ),
        "name",
        _("This district already has a department with this name."),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=department,
        scope_path=district.path,
        changes={"name": [None, department.name], "code": [None, department.code]},
    )
    return department


# -- party organisations ------------------------------------------------------------------------------


@transaction.atomic
def create_party_org(
    *,
    actor: User,
    kind: str,
    name: str,
    district: Unit,
    parent: PartyOrg | None = None,
    serves: Unit | None = None,
    code: str = "",
) -> PartyOrg:
    """Add a party organisation under ``parent`` (党工委 → 大党委 → 支部 → 党小组), serving ``serves``."""
    place = serves or district
    _require(access.can_add_under(actor, place), _("You cannot manage party organisations here."))
    errors: dict[str, list[str]] = {}
    if parent is not None and kind not in PARTY_ALLOWED_CHILDREN.get(parent.kind, frozenset()):
        errors["kind"] = [_("This kind of party organisation cannot be placed under that one.")]
    if parent is not None and parent.district_id != district.pk:
        errors["parent"] = [_("The parent organisation belongs to another district.")]
    if serves is not None and serves.district_id != district.pk:
        errors["serves"] = [_("The served unit lies in another district.")]
    if not name.strip():
        errors["name"] = [_("A name is required.")]
    elif PartyOrg.objects.filter(parent=parent, district=district, name=name.strip()).exists():
        errors["name"] = [_("Another organisation under the same parent already has this name.")]
    if code and PartyOrg.objects.filter(code=code).exists():
        errors["code"] = [_("This code is already in use.")]
    if parent is None and not code:
        errors.setdefault("code", []).append(_("A top-level organisation needs a code."))
    if errors:
        raise ValidationError(errors)
    org = PartyOrg(
        kind=kind,
        name=name.strip(),
        district=district,
        parent=parent,
        serves=serves,
        code=code or _next_code(parent, PartyOrg),  # type: ignore[arg-type]
    )
    _unique_or_error(
        lambda: PartyOrg.add_node(org),
        "name",
        _("Another organisation under the same parent already has this name."),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=org,
        scope_path=place.path,
        changes={"kind": [None, kind], "name": [None, org.name]},
    )
    return org


# -- posts --------------------------------------------------------------------------------------------


def _primary_of(unit: Unit) -> Post | None:
    return Post.objects.active().filter(unit=unit, is_primary=True).select_for_update().first()


def _post_scope(post: Post) -> str:
    if post.unit is not None:
        return post.unit.path
    assert post.department is not None
    return post.department.district.path


@transaction.atomic
def assign_post(
    *,
    actor: User,
    user: User,
    role: str,
    unit: Unit | None = None,
    department: Department | None = None,
    is_primary: bool | None = None,
    title: str = "",
    started_on: dt.date | None = None,
) -> Post:
    """Give ``user`` a role at a unit (or a department). The first of a grid's 一长两员 becomes its
    primary owner; ``is_primary=True`` hands the primary over from whoever holds it."""
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if role == Role.DEPARTMENT_HANDLER:
        if department is None:
            raise ValidationError({"department": [_("A department handler's post needs a department.")]})
        _require(
            access.can_manage_departments(actor, department.district), _("You cannot staff this department.")
        )
        unit = None
    else:
        if unit is None:
            raise ValidationError({"unit": [_("This post needs a unit.")]})
        _require(access.can_administer(actor, unit), _("You cannot assign posts here."))
        department = None
        if unit.kind not in ROLE_UNIT_KINDS[role]:
            errors["unit"] = [
                _("A %(role)s post is held at a %(kinds)s.")
                % {
                    "role": Role(role).label,
                    "kinds": " / ".join(str(UnitKind(k).label) for k in sorted(ROLE_UNIT_KINDS[role])),
                }
            ]
    if is_primary and role not in GRID_CORE_ROLES:
        errors["is_primary"] = [
            _("Only a grid leader, party-building guide or grid manager can be the primary owner.")
        ]
    active = Post.objects.active().filter(user=user, role=role, unit=unit, department=department)
    if active.exists():
        errors["user"] = [_("This person already holds this post.")]
    if (
        role in (Role.GRID_LEADER, Role.PARTY_GUIDE)
        and Post.objects.active().filter(unit=unit, role=role).exists()
    ):
        errors["role"] = [
            _("This grid already has a %(role)s; end that post first.") % {"role": Role(role).label}
        ]
    if errors:
        raise ValidationError(errors)

    make_primary = False
    if role in GRID_CORE_ROLES and unit is not None:
        current = _primary_of(unit)
        if is_primary and current is not None:
            Post.objects.filter(pk=current.pk).update(is_primary=False)
        make_primary = bool(is_primary) or (current is None and is_primary is not False)
    post = _unique_or_error(
        lambda: Post.objects.create(
            user=user,
            role=role,
            unit=unit,
            department=department,
            is_primary=make_primary,
            title=title,
            started_on=started_on or timezone.localdate(),
        ),
        "user",
        _("This post changed at the same time; reload and try again."),
    )
    access.forget_posts(user)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=post,
        scope_path=_post_scope(post),
        changes={"user": [None, user.username], "role": [None, role], "is_primary": [None, make_primary]},
    )
    return post


@transaction.atomic
def end_post(*, actor: User, post: Post, ended_on: dt.date | None = None) -> Post:
    """End a post. If it was the grid's primary, the primary passes to the grid leader, else the
    party-building guide, else the longest-serving grid manager, so a staffed grid keeps one."""
    place_ok = (
        access.can_administer(actor, post.unit)
        if post.unit is not None
        else post.department is not None and access.can_manage_departments(actor, post.department.district)
    )
    _require(place_ok, _("You cannot end this post."))
    if post.ended_on is not None:
        raise ValidationError({"ended_on": [_("This post has already ended.")]})
    ended_on = ended_on or timezone.localdate()
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": [_("A post cannot end before it started.")]})
    was_primary = post.is_primary
    Post.objects.filter(pk=post.pk).update(is_primary=False, ended_on=ended_on)
    post.is_primary, post.ended_on = False, ended_on
    successor = None
    if was_primary and post.unit is not None:
        order = {Role.GRID_LEADER: 0, Role.PARTY_GUIDE: 1, Role.GRID_MANAGER: 2}
        candidates = sorted(
            Post.objects.active().filter(unit=post.unit, role__in=sorted(GRID_CORE_ROLES)),
            key=lambda p: (order[Role(p.role)], p.started_on, p.pk),
        )
        if candidates:
            successor = candidates[0]
            Post.objects.filter(pk=successor.pk).update(is_primary=True)
    access.forget_posts(post.user)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=post,
        scope_path=_post_scope(post),
        changes={
            "ended_on": [None, ended_on.isoformat()],
            **({"primary_to": [post.user.username, successor.user.username]} if successor else {}),
        },
    )
    return post


@transaction.atomic
def set_primary(*, actor: User, post: Post) -> Post:
    """Make ``post`` its grid's primary owner (the previous primary stays on as staff)."""
    _require(
        post.unit is not None and access.can_administer(actor, post.unit), _("You cannot change this grid.")
    )
    if post.role not in GRID_CORE_ROLES or post.ended_on is not None:
        raise ValidationError(
            {
                "is_primary": [
                    _("Only an active grid leader, party-building guide or grid manager can be primary.")
                ]
            }
        )
    assert post.unit is not None
    current = _primary_of(post.unit)
    if current is not None and current.pk == post.pk:
        return post
    if current is not None:
        Post.objects.filter(pk=current.pk).update(is_primary=False)
    Post.objects.filter(pk=post.pk).update(is_primary=True)
    post.is_primary = True
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=post,
        scope_path=post.unit.path,
        changes={"is_primary": [False, True], **({"previous": current.user.username} if current else {})},
    )
    return post


@transaction.atomic
def update_department(*, actor: User, department: Department, **fields: Any) -> Department:
    """Rename a department, change its short name or code, or deactivate it."""
    _require(
        access.can_manage_departments(actor, department.district), _("You cannot manage this department.")
    )
    allowed = {"name", "short_name", "code", "is_active"}
    only_fields(fields, allowed)
    before = audit.snapshot(department, allowed)
    errors: dict[str, list[str]] = {}
    name = str(fields.get("name", department.name)).strip()
    code = str(fields.get("code", department.code)).strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif (
        Department.objects.filter(district=department.district, name=name).exclude(pk=department.pk).exists()
    ):
        errors["name"] = [_("This district already has a department with this name.")]
    if not code:
        errors["code"] = [_("A code is required.")]
    elif Department.objects.filter(code=code).exclude(pk=department.pk).exists():
        errors["code"] = [_("This code is already in use.")]
    if errors:
        raise ValidationError(errors)
    for key, value in fields.items():
        setattr(department, key, value.strip() if isinstance(value, str) else value)
    _unique_or_error(department.save, "name", _("This district already has a department with this name."))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=department,
        scope_path=department.district.path,
        changes=audit.diff(before, audit.snapshot(department, allowed)),
    )
    return department


@transaction.atomic
def update_party_org(*, actor: User, org: PartyOrg, **fields: Any) -> PartyOrg:
    """Rename a party organisation, change the unit it serves, or deactivate it."""
    place = org.serves or org.district
    _require(access.can_add_under(actor, place), _("You cannot manage this party organisation."))
    allowed = {"name", "serves", "is_active"}
    only_fields(fields, allowed)
    before = audit.snapshot(org, allowed)
    errors: dict[str, list[str]] = {}
    name = str(fields.get("name", org.name)).strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif (
        PartyOrg.objects.filter(parent=org.parent, district=org.district, name=name)
        .exclude(pk=org.pk)
        .exists()
    ):
        errors["name"] = [_("Another organisation under the same parent already has this name.")]
    serves = fields.get("serves", org.serves)
    if serves is not None:
        if serves.district_id != org.district_id:
            errors["serves"] = [_("The served unit lies in another district.")]
        elif serves != org.serves and not access.can_add_under(actor, serves):
            errors["serves"] = [_("You cannot link organisations to that unit.")]
    if errors:
        raise ValidationError(errors)
    org.name, org.serves = name, serves
    if "is_active" in fields:
        org.is_active = bool(fields["is_active"])
    _unique_or_error(org.save, "name", _("Another organisation under the same parent already has this name."))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=org,
        scope_path=(org.serves or org.district).path,
        changes=audit.diff(before, audit.snapshot(org, allowed)),
    )
    return org
