"""What every act on a case shares: the checked, versioned write with its event and audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines, tally
from grassroots.cases.choices import (
    Color,
    EventKind,
    Level,
    State,
    TriageClass,
)
from grassroots.cases.models import (
    Case,
    CaseDepartment,
    CaseEvent,
    Category,
)
from grassroots.core import audit
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.notify.models import Kind
from grassroots.notify.outbox import notify
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Department, Post, Unit

# Events that are not a response to the resident: the intake itself, the reporter's own acts, the
# sweeper's and supervisors' marks, and notes or links that do nothing for the resident. Any other
# act by a person is the first response when it comes first (response rate, docs/domain.md §3.5).
NOT_A_RESPONSE = frozenset(
    {
        EventKind.REGISTER,
        EventKind.RATE,
        EventKind.REOPEN,
        EventKind.COMMENT,
        EventKind.ATTACH,
        EventKind.WARN,
        EventKind.SUPERVISE,
        EventKind.JOIN_PROBLEM,
        EventKind.LEAVE_PROBLEM,
    }
)

MIN_REASON = 2


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _reason(value: str, field: str = "reason") -> str:
    text = (value or "").strip()
    if len(text) < MIN_REASON:
        raise ValidationError({field: [_("Say why (a few words at least).")]})
    return text


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise Conflict(
            _("The case was changed by someone else (version %(current)s, you had %(yours)s); reload it.")
            % {"current": case.version, "yours": version},
            current_version=case.version,
        )


def _check_state(case: Case, allowed: Iterable[State]) -> None:
    allowed = set(allowed)
    if case.state not in allowed:
        raise Conflict(
            _("Not possible while the case is %(state)s.") % {"state": State(case.state).label},
            current_version=case.version,
        )


def _apply(
    case: Case,
    *,
    actor: User | None,
    kind: EventKind,
    version: int | None,
    to_state: State | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Case:
    """Write ``fields`` (and the new state) if the case is still at ``version`` and in its state,
    then the event and the audit record. Raises ``Conflict`` if someone else got there first."""
    _check_version(case, version)
    now = now or timezone.now()
    from_state = case.state
    expected_version = case.version
    counted = tally.mark_before(case, expected_version)
    if actor is not None and kind not in NOT_A_RESPONSE and case.first_response_at is None:
        fields["first_response_at"] = now
    for name, value in fields.items():
        setattr(case, name, value)
    case.state = to_state or case.state
    # Colours change only through the sweeper (which notifies) or when a clock restarts (the
    # fields then say so); the next sweep is due whenever the next threshold lies.
    case.next_sweep_at = deadlines.next_sweep_at(case)
    changed = {
        **fields,
        "state": case.state,
        "next_sweep_at": case.next_sweep_at,
        "updated_at": timezone.now(),
    }
    updated = Case.objects.filter(pk=case.pk, version=expected_version, state=from_state).update(
        version=F("version") + 1, **changed
    )
    if not updated:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
        raise Conflict(_("The case was changed by someone else; reload it."), current_version=current)
    case.version = expected_version + 1
    tally.written(case, counted, changed)
    CaseEvent.objects.create(
        district_id=case.district_id,
        case=case,
        at=now,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
        version=case.version,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=case,
        target_id=case.number,
        scope_path=case.unit.path,
        changes={
            "event": str(kind),
            "state": [from_state, case.state],
            **({"note": note[:200]} if note else {}),
        },
    )
    return case


def _case_url(case: Case, *, for_reporter: bool = False) -> str:
    """Where a notice about the case leads: the reporter to their own page in the resident portal,
    everyone else to the case page."""
    return reverse("web:portal-case" if for_reporter else "web:case", args=[case.number])


def _tell(
    users: Iterable[User | None], case: Case, kind: Kind, occurrence: str, title: str, body: str = ""
) -> None:
    people = [user for user in users if user is not None]
    reporter_pk = case.reporter.user_id if people and case.reporter_id and case.reporter else None
    for for_reporter in (False, True):
        notify(
            [user for user in people if (user.pk == reporter_pk) == for_reporter],
            kind=kind,
            title=title,
            body=body,
            url=_case_url(case, for_reporter=for_reporter),
            subject=case.number,
            dedupe_key=f"case:{case.number}:{kind}:{occurrence}",
        )


def _staff_of(case: Case) -> list[User]:
    """Who holds the case now: the assignee, else the staff of the responsible unit or department."""
    if case.assignee_id:
        return [case.assignee] if case.assignee else []
    posts = Post.objects.active().select_related("user")
    if case.responsible_department_id:
        return [p.user for p in posts.filter(department_id=case.responsible_department_id)]
    if case.responsible_unit_id:
        roles = access.HANDLER_ROLES.get(case.level, frozenset())
        return [p.user for p in posts.filter(unit_id=case.responsible_unit_id, role__in=sorted(roles))]
    return []


def _answerable(case: Case) -> list[User]:
    """Who answers for the case's deadlines: its holders, or — while nobody holds it (awaiting
    triage or routing) — the community workers whose triage queue it is in."""
    holders = _staff_of(case)
    if holders or case.responsible_unit_id or case.responsible_department_id:
        return holders
    community = _unit_for_level(case, Level.COMMUNITY)
    if community is None:
        return []
    posts = Post.objects.active().filter(unit=community, role=Role.COMMUNITY_STAFF).select_related("user")
    return [p.user for p in posts]


def _reporter_user(case: Case) -> User | None:
    if case.reporter_id and case.reporter and case.reporter.user_id:
        return case.reporter.user
    return None


def _ancestor(unit: Unit, kinds: Iterable[str]) -> Unit | None:
    wanted = set(kinds)
    for node in unit.ancestors(include_self=True).order_by("-depth"):
        if node.kind in wanted:
            return node
    return None


def _unit_for_level(case: Case, level: Level) -> Unit | None:
    base = case.grid or case.unit
    if level == Level.GRID:
        return case.grid
    if level == Level.COMMUNITY:
        return _ancestor(base, {UnitKind.COMMUNITY, UnitKind.VILLAGE})
    if level == Level.STREET:
        return _ancestor(base, {UnitKind.STREET, UnitKind.TOWN})
    return None


def _sla(case: Case) -> Any:
    return deadlines.sla_for(case.district_id)


def _hold(case: Case, level: Level, *, department: Department | None, now: dt.datetime) -> dict[str, Any]:
    """Fields that put the case at ``level`` with a fresh stage clock."""
    unit = None if level == Level.DEPARTMENT else _unit_for_level(case, level)
    if level != Level.DEPARTMENT and unit is None:
        raise ValidationError(
            {"level": [_("The case lies in no %(level)s.") % {"level": Level(level).label}]}
        )
    if level == Level.DEPARTMENT and department is None:
        raise ValidationError({"department": [_("Choose the department that handles it.")]})
    if department is not None and department.district_id != case.district_id:
        raise ValidationError({"department": [_("That department belongs to another district.")]})
    case.level = level
    sla = _sla(case)
    deadlines.start_stage(case, level, now, sla)
    if department is not None:
        CaseDepartment.objects.get_or_create(
            case=case, department=department, defaults={"district_id": case.district_id}
        )
    return {
        "level": level,
        "responsible_unit": unit,
        "responsible_department": department if level == Level.DEPARTMENT else None,
        "assignee": None,
        "stage_started_at": case.stage_started_at,
        "stage_yellow_at": case.stage_yellow_at,
        "stage_due_at": case.stage_due_at,
        "stage_color": Color.NONE,
    }


def _case_clock(case: Case, now: dt.datetime) -> dict[str, Any]:
    """Fields of a recomputed whole-case clock (after the class, category or urgency changed).
    Its colour may drop with the new clock but not rise: the sweeper raises it, and says so."""
    deadlines.set_case_clock(case, _sla(case))
    return {
        "response_due_at": case.response_due_at,
        "yellow_at": case.yellow_at,
        "due_at": case.due_at,
        "red_card_at": case.red_card_at,
        "case_color": deadlines.milder(case.case_color, deadlines.case_colour(case, now)),
    }


def _release() -> dict[str, Any]:
    """Fields that take the case away from whoever held it (back to triage, or done)."""
    return {
        "responsible_unit": None,
        "responsible_department": None,
        "assignee": None,
        "level": "",
        "stage_started_at": None,
        "stage_yellow_at": None,
        "stage_due_at": None,
        "stage_color": Color.NONE,
    }


def _check_class(triage_class: str) -> None:
    if triage_class not in TriageClass.values:
        raise ValidationError({"triage_class": [_("Choose 大事, 小事 or 私事.")]})


def _check_category(case: Case, category: Category | None) -> None:
    if category is not None and category.district_id != case.district_id:
        raise ValidationError({"category": [_("That category belongs to another district's catalog.")]})


def _ask_rating(case: Case) -> None:
    reporter = _reporter_user(case)
    if reporter is not None:
        _tell(
            [reporter],
            case,
            Kind.RATING_REQUESTED,
            f"rating-{case.version}",
            _("Your request %(number)s has been handled: please rate the result") % {"number": case.number},
            case.resolution,
        )
    for duplicate in case.duplicates.select_related("reporter__user"):
        _tell(
            [_reporter_user(duplicate)],
            duplicate,
            Kind.UPDATE,
            f"original-resolved-{case.number}-{case.resolved_at:%Y%m%d%H%M%S}",
            _("The problem you reported (%(number)s) has been handled") % {"number": case.number},
            case.resolution,
        )
