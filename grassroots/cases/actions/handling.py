"""Handling a case at its level: assignment, acceptance, progress, resolution, return, escalation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines
from grassroots.cases.actions._base import (
    _apply,
    _ask_rating,
    _check_class,
    _check_state,
    _check_version,
    _hold,
    _reason,
    _release,
    _require,
    _sla,
    _staff_of,
    _tell,
    _unit_for_level,
)
from grassroots.cases.choices import (
    LEVEL_ORDER,
    EventKind,
    ExtensionStatus,
    HandlingMode,
    Level,
    State,
    TriageClass,
    Urgency,
)
from grassroots.cases.models import (
    Case,
    Extension,
)
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.notify.models import Kind
from grassroots.org.choices import Role
from grassroots.org.models import Department, Post


@transaction.atomic
def assign_case(case: Case, *, actor: User, version: int | None, assignee: User) -> Case:
    """Give the case to one person of the responsible unit or department (grid leaders assign within
    their grid, docs/domain.md §1)."""
    _require(
        access.can_handle(actor, case) or access.can_triage(actor, case), _("You cannot assign this case.")
    )
    _check_state(case, {State.ROUTED, State.IN_PROGRESS, State.GUIDED})
    posts = Post.objects.active().filter(user=assignee)
    if case.responsible_department_id:
        eligible = posts.filter(department_id=case.responsible_department_id).exists()
    else:
        roles = sorted(access.HANDLER_ROLES.get(case.level, frozenset()))
        eligible = posts.filter(unit=case.responsible_unit, role__in=roles).exists()
    if not eligible:
        raise ValidationError(
            {"assignee": [_("Assign to someone of the unit or department that holds the case.")]}
        )
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.ASSIGN,
        version=version,
        data={"assignee": assignee.username},
        assignee=assignee,
    )
    _tell(
        [assignee],
        case,
        Kind.ASSIGNED,
        f"assign-{case.version}",
        _("Case %(number)s assigned to you") % {"number": case.number},
        case.title,
    )
    return case


@transaction.atomic
def accept_case(case: Case, *, actor: User, version: int | None, note: str = "") -> Case:
    """受理: the responsible unit or department takes the case on."""
    _require(access.can_handle(actor, case), _("Only the unit or department holding the case can accept it."))
    _check_state(case, {State.ROUTED})
    return _apply(
        case,
        actor=actor,
        kind=EventKind.ACCEPT,
        version=version,
        to_state=State.IN_PROGRESS,
        note=note,
        assignee=case.assignee or actor,
    )


@transaction.atomic
def add_progress(case: Case, *, actor: User, version: int | None, note: str) -> Case:
    """A progress note while handling (办理情况)."""
    _require(access.can_handle(actor, case), _("Only the handler can record progress."))
    _check_state(case, {State.IN_PROGRESS, State.GUIDED})
    return _apply(case, actor=actor, kind=EventKind.PROGRESS, version=version, note=_reason(note, "note"))


@transaction.atomic
def resolve_case(case: Case, *, actor: User, version: int | None, resolution: str) -> Case:
    """办结: the handler says what was done; someone else verifies it next."""
    _require(access.can_handle(actor, case), _("Only the handler can resolve the case."))
    _check_state(case, {State.IN_PROGRESS})
    resolution = _reason(resolution, "resolution")
    now = timezone.now()
    limits = deadlines.limits_for(case, case.level or Level.COMMUNITY, _sla(case))
    return _apply(
        case,
        actor=actor,
        kind=EventKind.RESOLVE,
        version=version,
        now=now,
        to_state=State.RESOLVED,
        note=resolution,
        resolution=resolution,
        resolved_at=now,
        handler=actor,
        verification_due_at=deadlines.add_working_days(now, limits.verification),
    )


@transaction.atomic
def solve_on_the_spot(
    case: Case, *, actor: User, version: int | None, resolution: str, triage_class: str = ""
) -> Case:
    """马上办: whoever received it solves it at once and says what was done; it still gets verified
    later, by sampling or by the reporter's rating (docs/domain.md §3.2)."""
    _require(access.can_solve_on_the_spot(actor, case), _("You cannot solve this case on the spot."))
    _check_state(case, {State.REGISTERED, State.TRIAGED})
    resolution = _reason(resolution, "resolution")
    if triage_class:
        _check_class(triage_class)
    now = timezone.now()
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.SOLVE_ON_SPOT,
        version=version,
        now=now,
        to_state=State.AWAITING_RATING,
        note=resolution,
        triage_class=triage_class or case.triage_class or TriageClass.COMMUNITY,
        handling_mode=HandlingMode.ON_THE_SPOT,
        resolution=resolution,
        resolved_at=now,
        handler=actor,
        rating_due_at=now + dt.timedelta(days=_sla(case).rating_window_days),
        **_release(),
    )
    _ask_rating(case)
    return case


@transaction.atomic
def return_case(case: Case, *, actor: User, version: int | None, reason: str) -> Case:
    """退回: the unit or department says the case is not theirs; it goes back to triage with the reason."""
    _require(access.can_handle(actor, case), _("Only the unit or department holding the case can return it."))
    _check_state(case, {State.ROUTED, State.IN_PROGRESS})
    reason = _reason(reason)
    held_by = (
        case.responsible_department.code
        if case.responsible_department
        else (case.responsible_unit.code if case.responsible_unit else None)
    )
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.RETURN,
        version=version,
        to_state=State.REGISTERED,
        note=reason,
        data={"from": held_by},
        **_release(),
    )
    community = _unit_for_level(case, Level.COMMUNITY)
    triagers = Post.objects.active().filter(role=Role.COMMUNITY_STAFF, unit=community).select_related("user")
    _tell(
        [p.user for p in triagers],
        case,
        Kind.RETURNED,
        f"return-{case.version}",
        _("%(number)s was returned for triage") % {"number": case.number},
        reason,
    )
    return case


@transaction.atomic
def escalate_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    reason: str,
    to_level: str | None = None,
    department: Department | None = None,
) -> Case:
    """三级联动: take the case one level up (grid → community → street → department), with a reason.
    Urgent cases of categories that allow it may skip levels; the skipped levels are copied (抄送).
    The sweeper escalates (through ``escalate_overdue``) when the catalog says so and a stage is
    overdue."""
    _require(
        access.can_handle(actor, case) or access.can_supervise(actor, case),
        _("You cannot escalate this case."),
    )
    return _escalate(
        case,
        actor=actor,
        version=version,
        reason=reason,
        to_level=to_level,
        department=department,
        now=timezone.now(),
    )


def escalate_overdue(case: Case, *, now: dt.datetime) -> Case:
    """The sweeper's automatic escalation of an overdue stage, one level up (docs/domain.md §3.2).
    Runs in the caller's transaction."""
    return _escalate(
        case,
        actor=None,
        version=case.version,
        reason=_("Stage overdue: escalated automatically."),
        to_level=None,
        department=None,
        now=now,
    )


def _escalate(
    case: Case,
    *,
    actor: User | None,
    version: int | None,
    reason: str,
    to_level: str | None,
    department: Department | None,
    now: dt.datetime,
) -> Case:
    _check_state(case, {State.ROUTED, State.IN_PROGRESS})
    reason = _reason(reason)
    current = LEVEL_ORDER.index(Level(case.level)) if case.level else -1
    if current >= len(LEVEL_ORDER) - 1:
        raise Conflict(_("The case is already with a district department."), current_version=case.version)
    target = Level(to_level) if to_level else LEVEL_ORDER[current + 1]
    target_index = LEVEL_ORDER.index(target)
    if target_index <= current:
        raise ValidationError({"to_level": [_("Escalation goes up.")]})
    skipped = LEVEL_ORDER[current + 1 : target_index]
    if skipped:
        may_skip = (
            case.urgency != Urgency.NORMAL and case.category is not None and case.category.urgent_may_skip
        )
        if not may_skip:
            raise ValidationError(
                {"to_level": [_("Only urgent cases of categories that allow it may skip levels.")]}
            )
    if target == Level.DEPARTMENT:
        department = (
            department
            or case.planned_department
            or (case.category.effective_department() if case.category else None)
        )
    held = _hold(case, target, department=department, now=now)
    copied_units = [u for u in (_unit_for_level(case, level) for level in skipped) if u is not None]
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.ESCALATE,
        version=version,
        to_state=State.ROUTED,
        note=reason,
        now=now,
        data={
            "to": target,
            "department": department.code if department and target == Level.DEPARTMENT else None,
            "copied": [u.code for u in copied_units],
        },
        **held,
    )
    _tell(
        _staff_of(case),
        case,
        Kind.ASSIGNED,
        f"escalate-{case.version}",
        _("%(number)s escalated to you") % {"number": case.number},
        reason,
    )
    if copied_units:
        copies = Post.objects.active().filter(
            unit__in=copied_units, role__in=[Role.COMMUNITY_STAFF, Role.STREET_STAFF]
        )
        _tell(
            [p.user for p in copies.select_related("user")],
            case,
            Kind.COPIED,
            f"copy-{case.version}",
            _("Copy: %(number)s escalated past your level") % {"number": case.number},
            reason,
        )
    return case


@transaction.atomic
def request_extension(
    case: Case, *, actor: User, version: int | None, days: Decimal | float | int, reason: str
) -> Extension:
    """Ask for more working days; the level above decides."""
    _require(access.can_handle(actor, case), _("Only the handler can ask for an extension."))
    _check_state(case, {State.ROUTED, State.IN_PROGRESS, State.GUIDED})
    try:
        amount = Decimal(str(days))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or not Decimal("0.5") <= amount <= 60 or amount != round(amount, 2):
        raise ValidationError({"days": [_("Ask for between 0.5 and 60 working days.")]})
    reason = _reason(reason)
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(
            _("An extension request is already waiting for a decision."), current_version=case.version
        )
    now = timezone.now()
    _apply(
        case,
        actor=actor,
        kind=EventKind.REQUEST_EXTENSION,
        version=version,
        now=now,
        note=reason,
        data={"days": str(amount)},
    )
    return Extension.objects.create(
        district_id=case.district_id,
        case=case,
        days=amount,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )


@transaction.atomic
def decide_extension(
    extension: Extension, *, actor: User, version: int | None, approve: bool, note: str = ""
) -> Case:
    """Approve (the stage and case deadlines move by the working days asked, and a warning colour
    drops if the moved clock says so) or refuse an extension; the level above decides, never the
    one who asked (docs/domain.md §3.3)."""
    case = Case.objects.select_for_update().get(pk=extension.case_id)
    _require(access.can_supervise(actor, case), _("The level above decides extensions."))
    if extension.requested_by_id == actor.pk:
        raise NotAllowed(_("You cannot decide your own extension request."))
    _check_state(case, {State.ROUTED, State.IN_PROGRESS, State.GUIDED})
    _check_version(case, version)
    now = timezone.now()
    if not Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=now,
        decision_note=note,
    ):
        raise Conflict(_("This request has already been decided."), current_version=case.version)
    if not approve:
        case = _apply(case, actor=actor, kind=EventKind.REFUSE_EXTENSION, version=version, now=now, note=note)
    else:
        days = extension.days
        moved: dict[str, Any] = {}
        for name in (
            "stage_yellow_at",
            "stage_due_at",
            "yellow_at",
            "due_at",
            "red_card_at",
            "follow_up_due_at",
        ):
            value = getattr(case, name)
            if value is not None:
                moved[name] = deadlines.add_working_days(value, days)
                setattr(case, name, moved[name])
        moved.update(deadlines.settled_colours(case, now))
        case = _apply(
            case,
            actor=actor,
            kind=EventKind.APPROVE_EXTENSION,
            version=version,
            note=note,
            data={"days": str(days)},
            now=now,
            **moved,
        )
    _tell(
        [extension.requested_by],
        case,
        Kind.EXTENSION,
        f"extension-{extension.pk}",
        (_("Extension approved for %(number)s") if approve else _("Extension refused for %(number)s"))
        % {"number": case.number},
        note,
    )
    return case


@transaction.atomic
def comment_case(case: Case, *, actor: User, version: int | None, note: str) -> Case:
    """A note on the timeline from anyone who may triage or handle the case."""
    _require(
        access.can_triage(actor, case) or access.can_handle(actor, case),
        _("You cannot comment on this case."),
    )
    return _apply(case, actor=actor, kind=EventKind.COMMENT, version=version, note=_reason(note, "note"))
