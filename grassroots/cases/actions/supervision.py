"""督办 and the sweeper: deadline colours, warnings, automatic escalation and supervision."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines
from grassroots.cases.actions._base import (
    _answerable,
    _apply,
    _check_state,
    _reason,
    _require,
    _sla,
    _tell,
)
from grassroots.cases.actions.closing import close_lapsed
from grassroots.cases.actions.handling import escalate_overdue
from grassroots.cases.choices import (
    OPEN_STATES,
    SUPERVISION_ORDER,
    Color,
    EventKind,
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
        _answerable(case),
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
    """Bring one case's warnings up to date at ``now`` (docs/domain.md §3.3):

    - colours: yellow at the configured fraction of a clock, red when it is breached; a colour only
      rises here (it drops only when a clock moves), and each rise tells the holders once;
    - automatic escalation, one level up, when the stage turns red and the category says so;
    - supervision (督办): a stage overdue → supervised; the whole case overdue → yellow card; still
      overdue ``red_card_after_days`` working days later → red card, each with a record;
    - closing (销号) a solved case whose rating window has ended.

    Runs in the caller's transaction, which should hold the case's row. Every write is versioned,
    so a case changed since it was read (by another sweeper or a person) raises ``Conflict`` and
    nothing of this sweep is kept. Returns what it did: ``stage-yellow``, ``stage-red``,
    ``case-yellow``, ``case-red``, ``escalated``, ``supervised``, ``yellow_card``, ``red_card``,
    ``closed``."""
    lapsed = case.rating_due_at is not None and now >= case.rating_due_at
    if lapsed and deadlines.closes_when_rating_window_ends(case):
        close_lapsed(case, now=now)
        return ["closed"]
    done: list[str] = []
    stage_before, case_before = case.stage_color, case.case_color
    new_stage = deadlines.worse(stage_before, deadlines.stage_colour(case, now))
    new_case = deadlines.worse(case_before, deadlines.case_colour(case, now))
    if (new_stage, new_case) != (stage_before, case_before):
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
        # The keys name the clock (its start or due moment) so that a restarted or moved clock warns
        # afresh, while a repeated sweep of the same crossing adds nothing.
        if new_stage != stage_before:
            stage_key = f"{case.stage_started_at:%Y%m%d%H%M%S}" if case.stage_started_at else "none"
            _tell(
                _answerable(case),
                case,
                Kind.RED if new_stage == Color.RED else Kind.YELLOW,
                f"stage-{stage_key}-{new_stage}",
                _("%(number)s: stage deadline %(colour)s")
                % {"number": case.number, "colour": Color(new_stage).label},
            )
            done.append(f"stage-{new_stage}")
        if new_case != case_before:
            case_key = f"{case.due_at:%Y%m%d%H%M%S}" if case.due_at else "none"
            _tell(
                _answerable(case),
                case,
                Kind.RED if new_case == Color.RED else Kind.YELLOW,
                f"case-{case_key}-{new_case}",
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
                    escalate_overdue(case, now=now)
                done.append("escalated")
            except ValidationError:
                pass  # nowhere to go (no department named): the supervision below still applies
        if _stricter(Supervision.NORMAL, case):
            _supervise(
                case,
                actor=None,
                version=case.version,
                level=Supervision.NORMAL,
                reason=_("Stage overdue."),
                now=now,
            )
            done.append("supervised")
    if new_case == Color.RED and case_before != Color.RED and _stricter(Supervision.YELLOW_CARD, case):
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
        and case.state in deadlines.CASE_CLOCK_STATES
        and case.red_card_at is not None
        and now >= case.red_card_at
        and _stricter(Supervision.RED_CARD, case)
    ):
        _supervise(
            case,
            actor=None,
            version=case.version,
            level=Supervision.RED_CARD,
            reason=_("Case overdue by %(days)s working days.") % {"days": _sla(case).red_card_after_days},
            now=now,
        )
        done.append("red_card")
    if not done:
        # Nothing crossed (the case was picked early, or a person moved its clock meanwhile): only
        # reschedule, under the same version check as every write.
        Case.objects.filter(pk=case.pk, version=case.version).update(
            next_sweep_at=deadlines.next_sweep_at(case)
        )
    return done


def _stricter(level: Supervision, case: Case) -> bool:
    """``level`` is stricter than the case's present supervision."""
    return SUPERVISION_ORDER.index(level) > SUPERVISION_ORDER.index(Supervision(case.supervision))
