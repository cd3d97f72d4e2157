"""督办 and the sweeper: deadline colours, warnings, automatic escalation and supervision."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines
from grassroots.cases.actions._base import (
    _apply,
    _check_state,
    _reason,
    _require,
    _sla,
    _staff_of,
    _tell,
)
from grassroots.cases.actions.closing import close_case
from grassroots.cases.actions.handling import escalate_case
from grassroots.cases.choices import (
    OPEN_STATES,
    SUPERVISION_ORDER,
    Color,
    EventKind,
    HandlingMode,
    Level,
    State,
    Supervision,
)
from grassroots.cases.models import (
    Case,
    SupervisionRecord,
)
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import User
from grassroots.notify.models import Kind


def _supervise(
    case: Case, *, actor: User | None, version: int | None, level: Supervision, reason: str, now: dt.datetime
) -> Case:
    if SUPERVISION_ORDER.index(level) <= SUPERVISION_ORDER.index(Supervision(case.supervision)):
        raise Conflict(
            _("The case is already under that supervision or a stricter one."), current_version=case.version
        )
    SupervisionRecord.objects.create(
        district_id=case.district_id,
        case=case,
        level=level,
        reason=reason,
        issued_by=actor,
        at=now,
        responsible_unit=case.responsible_unit,
        responsible_department=case.responsible_department,
    )
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.SUPERVISE,
        version=version,
        note=reason,
        data={"level": level},
        now=now,
        supervision=level,
    )
    _tell(
        _staff_of(case),
        case,
        Kind.SUPERVISED,
        f"supervise-{level}",
        _("%(number)s is under supervision: %(level)s")
        % {"number": case.number, "level": Supervision(level).label},
        reason,
    )
    return case


@transaction.atomic
def supervise_case(case: Case, *, actor: User, version: int | None, level: str, reason: str) -> Case:
    """督办 by an administrator above the case."""
    _require(access.can_supervise(actor, case), _("You cannot supervise this case."))
    _check_state(case, OPEN_STATES)
    if level not in (Supervision.NORMAL, Supervision.YELLOW_CARD, Supervision.RED_CARD):
        raise ValidationError({"level": [_("Choose a supervision level.")]})
    return _supervise(
        case,
        actor=actor,
        version=version,
        level=Supervision(level),
        reason=_reason(reason),
        now=timezone.now(),
    )


def sweep_case(case: Case, *, now: dt.datetime) -> list[str]:
    """Bring one case's warnings up to date at ``now``: colours, yellow/red notifications, automatic
    escalation where the catalog says so, supervision (督办: a stage overdue → supervised; the whole
    case overdue → yellow card; overdue by ``red_card_after_days`` more → red card), and closing
    solved cases whose rating window has passed. Runs in the caller's transaction; a stale version
    (another sweeper or a person got there first) raises ``Conflict``. Returns what it did."""
    done: list[str] = []
    sla = _sla(case)
    window_over = case.state == State.AWAITING_RATING and case.rating_due_at and now >= case.rating_due_at
    if window_over and (case.handling_mode == HandlingMode.ON_THE_SPOT or case.verified_at is not None):
        close_case(case, actor=None, version=case.version)
        return ["closed"]
    new_stage = deadlines.stage_colour(case, now)
    new_case = deadlines.case_colour(case, now)
    if (new_stage, new_case) != (case.stage_color, case.case_color):
        stage_before, case_before = case.stage_color, case.case_color
        _apply(
            case,
            actor=None,
            kind=EventKind.WARN,
            version=case.version,
            now=now,
            data={"stage": new_stage, "case": new_case},
            stage_color=new_stage,
            case_color=new_case,
        )
        stage_key = f"{case.stage_started_at:%Y%m%d%H%M%S}" if case.stage_started_at else "none"
        if new_stage != stage_before and new_stage:
            kind = Kind.RED if new_stage == Color.RED else Kind.YELLOW
            _tell(
                _staff_of(case),
                case,
                kind,
                f"stage-{stage_key}-{new_stage}",
                _("%(number)s: stage deadline %(colour)s")
                % {"number": case.number, "colour": Color(new_stage).label},
            )
            done.append(f"stage-{new_stage}")
        if new_case != case_before and new_case:
            kind = Kind.RED if new_case == Color.RED else Kind.YELLOW
            _tell(
                _staff_of(case),
                case,
                kind,
                f"case-{new_case}",
                _("%(number)s: case deadline %(colour)s")
                % {"number": case.number, "colour": Color(new_case).label},
            )
            done.append(f"case-{new_case}")
        if new_stage == Color.RED and stage_before != Color.RED:
            if (
                case.category is not None
                and case.category.auto_escalate
                and case.state in (State.ROUTED, State.IN_PROGRESS)
                and case.level != Level.DEPARTMENT
            ):
                try:
                    with transaction.atomic():
                        escalate_case(
                            case,
                            actor=None,
                            version=case.version,
                            reason=_("Stage overdue: escalated automatically."),
                        )
                    done.append("escalated")
                except ValidationError:
                    pass  # no unit or department above (e.g. no department named): supervision still applies
            if SUPERVISION_ORDER.index(Supervision(case.supervision)) < SUPERVISION_ORDER.index(
                Supervision.NORMAL
            ):
                _supervise(
                    case,
                    actor=None,
                    version=case.version,
                    level=Supervision.NORMAL,
                    reason=_("Stage overdue."),
                    now=now,
                )
                done.append("supervised")
        if (
            new_case == Color.RED
            and case_before != Color.RED
            and case.supervision in (Supervision.NONE, Supervision.NORMAL)
        ):
            _supervise(
                case,
                actor=None,
                version=case.version,
                level=Supervision.YELLOW_CARD,
                reason=_("Case overdue."),
                now=now,
            )
            done.append("yellow_card")
    if (
        case.case_color == Color.RED
        and case.red_card_at is not None
        and now >= case.red_card_at
        and case.supervision != Supervision.RED_CARD
        and case.state in OPEN_STATES
    ):
        _supervise(
            case,
            actor=None,
            version=case.version,
            level=Supervision.RED_CARD,
            reason=_("Case overdue by %(days)s working days.") % {"days": sla.red_card_after_days},
            now=now,
        )
        done.append("red_card")
    if not done:
        # Nothing crossed (e.g. a threshold moved by an extension): just reschedule.
        Case.objects.filter(pk=case.pk, version=case.version).update(
            next_sweep_at=deadlines.next_sweep_at(case)
        )
    return done
