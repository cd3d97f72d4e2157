"""三事分流: triage, routing by class, re-triage, guided self-resolution of 私事, rejection and merging."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines
from grassroots.cases.actions._base import (
    _apply,
    _ask_rating,
    _case_clock,
    _check_category,
    _check_class,
    _check_state,
    _check_version,
    _hold,
    _reason,
    _release,
    _reporter_user,
    _require,
    _sla,
    _staff_of,
    _tell,
)
from grassroots.cases.choices import (
    OPEN_STATES,
    EventKind,
    HandlingMode,
    Level,
    Outcome,
    PrivateMode,
    State,
    TriageClass,
    Urgency,
)
from grassroots.cases.models import (
    Case,
    Category,
)
from grassroots.core.errors import ValidationError
from grassroots.core.models import User
from grassroots.notify.models import Kind
from grassroots.org.models import Department


@transaction.atomic
def triage_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    triage_class: str,
    reason: str,
    category: Category | None = None,
    urgency: str | None = None,
) -> Case:
    """三事分流: classify a registered case as 大事, 小事 or 私事, with a reason (docs/domain.md §3.1)."""
    _require(access.can_triage(actor, case), _("You cannot triage this case."))
    _check_state(case, {State.REGISTERED})
    _check_class(triage_class)
    _check_category(case, category)
    reason = _reason(reason)
    if urgency is not None and urgency not in Urgency.values:
        raise ValidationError({"urgency": [_("Unknown urgency.")]})
    _check_version(case, version)
    now = timezone.now()
    case.category = category or case.category
    case.triage_class = triage_class
    case.urgency = urgency or case.urgency
    return _apply(
        case,
        actor=actor,
        kind=EventKind.TRIAGE,
        version=version,
        to_state=State.TRIAGED,
        note=reason,
        data={"class": triage_class, "category": case.category.code if case.category else None},
        now=now,
        triage_class=triage_class,
        triage_reason=reason,
        category=case.category,
        urgency=case.urgency,
        **_case_clock(case, now),
    )


@transaction.atomic
def retriage_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    triage_class: str,
    reason: str,
    category: Category | None = None,
) -> Case:
    """Change a case's class with a reason; it goes back to be routed anew, and the history keeps
    the old class (a 私事 with real difficulty becomes 小事 or 大事, docs/domain.md §3.1)."""
    _require(access.can_triage(actor, case), _("You cannot triage this case."))
    _check_state(case, {State.TRIAGED, State.GUIDED, State.ROUTED, State.IN_PROGRESS})
    _check_class(triage_class)
    _check_category(case, category)
    reason = _reason(reason)
    _check_version(case, version)
    now = timezone.now()
    previous = case.triage_class
    case.category = category or case.category
    case.triage_class = triage_class
    return _apply(
        case,
        actor=actor,
        kind=EventKind.RETRIAGE,
        version=version,
        to_state=State.TRIAGED,
        note=reason,
        data={"from": previous, "to": triage_class},
        now=now,
        triage_class=triage_class,
        triage_reason=reason,
        category=case.category,
        private_mode="",
        follow_up_due_at=None,
        planned_department=None,
        **_case_clock(case, now),
        **_release(),
    )


@transaction.atomic
def route_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    level: str | None = None,
    department: Department | None = None,
    private_mode: str = "",
    note: str = "",
) -> Case:
    """Send a triaged case to whoever handles its class (docs/domain.md §3.1–3.2):

    - 大事 to the street, which takes it to the responsible department (``department`` may be
      named now; by default the category's);
    - 小事 to the community's residents' committee, or down to the grid (``level="grid"``);
    - 私事 to guided self-resolution (self, mutual aid or market; ``private_mode``) with a follow-up
      by the grid (or the community, for a case with no grid).
    """
    _require(access.can_triage(actor, case), _("You cannot route this case."))
    _check_state(case, {State.TRIAGED})
    now = timezone.now()
    if case.triage_class == TriageClass.PRIVATE:
        if private_mode and private_mode not in PrivateMode.values:
            raise ValidationError({"private_mode": [_("Choose self, mutual aid or market services.")]})
        held = _hold(case, Level.GRID if case.grid_id else Level.COMMUNITY, department=None, now=now)
        # The follow-up of a guided 私事 is its stage clock.
        sla = _sla(case)
        held["stage_yellow_at"], follow_up = deadlines.clock(now, sla.follow_up_days, sla)
        held["stage_due_at"] = follow_up
        case = _apply(
            case,
            actor=actor,
            kind=EventKind.GUIDE,
            version=version,
            now=now,
            to_state=State.GUIDED,
            note=note,
            data={"private_mode": private_mode, "follow_up_by": follow_up.isoformat()},
            private_mode=private_mode,
            follow_up_due_at=follow_up,
            **held,
        )
        _tell(
            _staff_of(case),
            case,
            Kind.ASSIGNED,
            f"guide-{case.version}",
            _("Follow up %(number)s") % {"number": case.number},
        )
        return case
    if case.triage_class == TriageClass.MAJOR:
        chosen = Level(level) if level else Level.STREET
        if chosen not in (Level.STREET, Level.DEPARTMENT):
            raise ValidationError({"level": [_("A 大事 goes to the street or to a department.")]})
        department = department or (case.category.effective_department() if case.category else None)
        held = _hold(case, chosen, department=department if chosen == Level.DEPARTMENT else None, now=now)
        data = {"level": chosen, "department": department.code if department else None}
    else:
        chosen = Level(level) if level else Level.COMMUNITY
        if chosen not in (Level.GRID, Level.COMMUNITY):
            raise ValidationError({"level": [_("A 小事 goes to the community or one of its grids.")]})
        held = _hold(case, chosen, department=None, now=now)
        data = {"level": chosen}
    held["handling_mode"] = HandlingMode.RESPONSIBLE
    # A 大事 at the street is headed for a department; the street's escalation takes it there.
    held["planned_department"] = department if case.triage_class == TriageClass.MAJOR else None
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.ROUTE,
        version=version,
        now=now,
        to_state=State.ROUTED,
        note=note,
        data=data,
        **held,
    )
    _tell(
        _staff_of(case),
        case,
        Kind.ASSIGNED,
        f"route-{case.version}",
        _("New case %(number)s for you") % {"number": case.number},
        case.title,
    )
    return case


@transaction.atomic
def follow_up_private(
    case: Case, *, actor: User, version: int | None, solved: bool, private_mode: str = "", note: str
) -> Case:
    """Record the follow-up of a guided 私事: solved (by the resident, mutual aid or the market) goes
    to the reporter's rating; still in real difficulty goes back to triage for assistance under
    policy ("分流不是放任不管", docs/domain.md §3.1).

    No staff member handled a solved 私事, so the one who followed it up is its verifier (核实 that
    it is solved), not its handler; like any verified case it closes when the rating window ends."""
    _require(
        access.can_handle(actor, case) or access.can_triage(actor, case), _("You cannot follow up this case.")
    )
    _check_state(case, {State.GUIDED})
    note = _reason(note, "note")
    now = timezone.now()
    if solved:
        if private_mode not in PrivateMode.values:
            raise ValidationError(
                {"private_mode": [_("Say how it was solved: self, mutual aid or market services.")]}
            )
        case = _apply(
            case,
            actor=actor,
            kind=EventKind.FOLLOW_UP,
            version=version,
            to_state=State.AWAITING_RATING,
            note=note,
            data={"solved": True, "private_mode": private_mode},
            now=now,
            private_mode=private_mode,
            resolution=note,
            resolved_at=now,
            handler=None,
            verified_at=now,
            verifier=actor,
            rating_due_at=now + dt.timedelta(days=_sla(case).rating_window_days),
            **_release(),
        )
        _ask_rating(case)
        return case
    return _apply(
        case,
        actor=actor,
        kind=EventKind.FOLLOW_UP,
        version=version,
        to_state=State.TRIAGED,
        note=note,
        data={"solved": False},
        now=now,
        follow_up_due_at=None,
        **_release(),
    )


@transaction.atomic
def reject_case(case: Case, *, actor: User, version: int | None, outcome: str, reason: str) -> Case:
    """不予受理 / 不属实: close a case that is not the government's to handle, or not true, with a reason."""
    _require(
        access.can_triage(actor, case) or access.can_handle(actor, case), _("You cannot reject this case.")
    )
    _check_state(case, {State.REGISTERED, State.TRIAGED, State.ROUTED})
    if outcome not in (Outcome.NOT_RESPONSIBLE, Outcome.NOT_TRUE):
        raise ValidationError({"outcome": [_("Choose “not our responsibility” or “not true”.")]})
    reason = _reason(reason)
    now = timezone.now()
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.REJECT,
        version=version,
        to_state=State.CLOSED,
        note=reason,
        data={"outcome": outcome},
        now=now,
        outcome=outcome,
        closure_reason=reason,
        closed_at=now,
        **_release(),
    )
    _tell(
        [_reporter_user(case)],
        case,
        Kind.UPDATE,
        f"reject-{case.version}",
        _("Your request %(number)s was closed: %(outcome)s")
        % {"number": case.number, "outcome": Outcome(outcome).label},
        reason,
    )
    return case


@transaction.atomic
def mark_duplicate(case: Case, *, actor: User, version: int | None, original: Case, note: str = "") -> Case:
    """Close a case as a duplicate of another; its reporter then follows the original's updates
    (told when the original is resolved). The link always goes to the root original, and the
    case's own duplicates move to it too, so that chains never form."""
    _require(access.can_triage(actor, case), _("You cannot merge this case."))
    _check_state(case, OPEN_STATES)
    visible = access.cases_visible_to(actor)
    while original.duplicate_of_id is not None:  # link to the root, never to another duplicate
        original = original.duplicate_of  # type: ignore[assignment]
    if not visible.filter(pk=original.pk).exists():
        raise ValidationError({"original": [_("No such case.")]})
    if original.pk == case.pk:
        raise ValidationError({"original": [_("A case cannot duplicate itself.")]})
    if original.district_id != case.district_id:
        raise ValidationError({"original": [_("The original case is in another district.")]})
    _check_version(case, version)
    now = timezone.now()
    if case.duplicates.exists():
        case.duplicates.update(duplicate_of=original)  # its own duplicates follow the original too
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.MARK_DUPLICATE,
        version=version,
        to_state=State.CLOSED,
        note=note,
        data={"original": original.number},
        now=now,
        duplicate_of=original,
        outcome=Outcome.DUPLICATE,
        closure_reason=note,
        closed_at=now,
        **_release(),
    )
    _tell(
        [_reporter_user(case)],
        case,
        Kind.UPDATE,
        f"duplicate-{case.version}",
        _("Your request %(number)s is handled together with %(original)s")
        % {"number": case.number, "original": original.number},
    )
    return case
