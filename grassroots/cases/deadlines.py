"""Time limits and the two clocks of a case (docs/domain.md §3.3).

Limits come from the matter catalog (``TimeLimit`` rows: category → its parents → district
default, a given class before "any class"), else from the district's ``SlaSettings``; urgent and
critical cases get a fraction of them. A clock is a start, a yellow moment (the configured
fraction of the limit, default 70 %) and a due moment, all in working time. ``next_sweep_at`` is
the next moment at which the sweeper has something to do for a case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from grassroots.cases.choices import (
    Color,
    ExtensionStatus,
    HandlingMode,
    Outcome,
    State,
    Supervision,
    Urgency,
)
from grassroots.cases.models import Case, Extension, LimitStage, SlaSettings, TimeLimit
from grassroots.core.workdays import Calendars, WorkCalendar, add_working_days
from grassroots.org.models import Unit


@dataclass(frozen=True)
class Limits:
    response: Decimal
    handling: Decimal
    verification: Decimal


def sla_for(district: Unit | int) -> SlaSettings:
    district_id = district if isinstance(district, int) else district.pk
    sla, _ = SlaSettings.objects.get_or_create(district_id=district_id)
    return sla


def _fallback(stage: str, sla: SlaSettings) -> Limits:
    handling = {
        LimitStage.GRID: sla.grid_days,
        LimitStage.COMMUNITY: sla.community_days,
        LimitStage.STREET: sla.street_days,
        LimitStage.DEPARTMENT: sla.department_days,
        LimitStage.CASE: sla.case_days,
    }[LimitStage(stage)]
    return Limits(sla.response_days, handling, sla.verification_days)


def time_limits_of(district_id: int) -> list[TimeLimit]:
    """Every time limit a district has set (for many cases at once: ``limits_for``'s ``rows``)."""
    return list(TimeLimit.objects.filter(district_id=district_id))


def limits_for(
    case: Case, stage: str, sla: SlaSettings, *, rows: Sequence[TimeLimit] | None = None
) -> Limits:
    """The limits of ``case`` at ``stage`` (a level, or "case" for the whole case), urgency applied.
    ``rows``: the district's time limits already read (``time_limits_of``), else they are queried."""
    chain = case.category.lineage() if case.category_id and case.category else []
    if rows is None:
        rows = list(
            TimeLimit.objects.filter(district_id=case.district_id, stage=stage).filter(
                Q(category__in=[c.pk for c in chain]) | Q(category__isnull=True)
            )
        )
    else:
        wanted = {c.pk for c in chain} | {None}
        rows = [r for r in rows if r.stage == stage and r.category_id in wanted]
    classes = [case.triage_class, ""] if case.triage_class else [""]
    found = _fallback(stage, sla)
    for category in [*chain, None]:
        for triage_class in classes:
            match = next(
                (
                    r
                    for r in rows
                    if r.category_id == (category.pk if category else None) and r.triage_class == triage_class
                ),
                None,
            )
            if match is not None:
                found = Limits(match.response_days, match.handling_days, match.verification_days)
                break
        else:
            continue
        break
    factor = {Urgency.URGENT: sla.urgent_factor, Urgency.CRITICAL: sla.critical_factor}.get(
        Urgency(case.urgency), Decimal(1)
    )
    return Limits(found.response * factor, found.handling * factor, found.verification * factor)


def clock(start: dt.datetime, days: Decimal, sla: SlaSettings) -> tuple[dt.datetime, dt.datetime]:
    """(yellow moment, due moment) of a clock of ``days`` working days starting at ``start``."""
    calendar = WorkCalendar.covering(start, days)
    return (
        add_working_days(start, days * sla.yellow_fraction, calendar=calendar),
        add_working_days(start, days, calendar=calendar),
    )


def set_case_clock(
    case: Case,
    sla: SlaSettings,
    *,
    rows: Sequence[TimeLimit] | None = None,
    calendars: Calendars | None = None,
) -> None:
    """Response deadline and whole-case clock from ``received_at`` (recomputed at triage and
    re-triage, since limits depend on the class and category). Approved extensions stay granted:
    their days are added again. For many new cases at once, pass the district's time limits
    (``rows``) and one ``Calendars``: then nothing is read per case."""
    whole = limits_for(case, LimitStage.CASE, sla, rows=rows)
    extended = whole.handling + _extended_days(case)
    # One read of the holiday calendar for the four moments (the latest is the red card's).
    calendar = (calendars or Calendars()).covering(
        case.received_at, max(whole.response, extended) + sla.red_card_after_days
    )
    case.response_due_at = add_working_days(case.received_at, whole.response, calendar=calendar)
    case.yellow_at = add_working_days(
        case.received_at, whole.handling * sla.yellow_fraction, calendar=calendar
    )
    if extended != whole.handling:
        case.yellow_at = add_working_days(case.yellow_at, extended - whole.handling, calendar=calendar)
    case.due_at = add_working_days(case.received_at, extended, calendar=calendar)
    case.red_card_at = add_working_days(case.due_at, sla.red_card_after_days, calendar=calendar)


def _extended_days(case: Case) -> Decimal:
    if case.pk is None:
        return Decimal(0)
    days = Extension.objects.filter(case_id=case.pk, status=ExtensionStatus.APPROVED).values_list(
        "days", flat=True
    )
    return sum(days, Decimal(0))


def start_stage(case: Case, level: str, start: dt.datetime, sla: SlaSettings) -> None:
    """Start the stage clock for handling at ``level``."""
    handling = limits_for(case, level, sla).handling
    case.stage_started_at = start
    case.stage_yellow_at, case.stage_due_at = clock(start, handling, sla)
    case.stage_color = Color.NONE


# Colours in increasing severity.
_SEVERITY = {Color.NONE: 0, Color.YELLOW: 1, Color.RED: 2}


def worse(a: str, b: str) -> str:
    """The more severe of two colours."""
    return a if _SEVERITY[Color(a)] >= _SEVERITY[Color(b)] else b


def milder(a: str, b: str) -> str:
    """The less severe of two colours."""
    return a if _SEVERITY[Color(a)] <= _SEVERITY[Color(b)] else b


def stage_colour(case: Case, now: dt.datetime) -> str:
    """The stage clock's colour at ``now``; outside handling the last colour stays on record."""
    if case.stage_due_at is None or case.state not in (State.ROUTED, State.IN_PROGRESS, State.GUIDED):
        return case.stage_color
    if now >= case.stage_due_at:
        return Color.RED
    return Color.YELLOW if case.stage_yellow_at and now >= case.stage_yellow_at else Color.NONE


# The whole-case clock runs until the handler reports the case resolved.
CASE_CLOCK_STATES = frozenset(
    {State.REGISTERED, State.TRIAGED, State.GUIDED, State.ROUTED, State.IN_PROGRESS}
)


def case_colour(case: Case, now: dt.datetime) -> str:
    """The whole-case warning; once the case is resolved its last colour stays on record."""
    if case.state not in CASE_CLOCK_STATES or case.due_at is None:
        return case.case_color
    if now >= case.due_at:
        return Color.RED
    return Color.YELLOW if case.yellow_at and now >= case.yellow_at else Color.NONE


def settled_colours(case: Case, now: dt.datetime) -> dict[str, str]:
    """Colours after a clock moved (re-triage, an extension): a colour may drop to what the moved
    clock says, never rise. Rising is the sweeper's job, because a rise is announced to the holders
    and may bring supervision."""
    return {
        "stage_color": milder(case.stage_color, stage_colour(case, now)),
        "case_color": milder(case.case_color, case_colour(case, now)),
    }


def verified_enough(case: Case) -> bool:
    """Verified (核实), or solved on the spot, which is verified later by sampling if at all; a
    guided 私事 is verified by its follow-up (docs/domain.md §3.2, §3.4)."""
    return case.verified_at is not None or case.handling_mode == HandlingMode.ON_THE_SPOT


def reporter_had_last_word(case: Case, now: dt.datetime) -> bool:
    """The reporter rated, or the rating window ended, or there is no one to ask."""
    window_over = case.rating_due_at is not None and now >= case.rating_due_at
    reachable = bool(case.reporter_id and case.reporter and case.reporter.user_id) or bool(case.phone_cipher)
    return case.rated_at is not None or window_over or not reachable


def may_close(case: Case, now: dt.datetime) -> bool:
    """销号 is possible: awaiting the rating, verified enough, and the reporter had the last word."""
    return case.state == State.AWAITING_RATING and verified_enough(case) and reporter_had_last_word(case, now)


def closes_when_rating_window_ends(case: Case) -> bool:
    """An awaiting-rating case the sweeper closes when its rating window ends (docs/domain.md §3.4)."""
    return case.state == State.AWAITING_RATING and case.rating_due_at is not None and verified_enough(case)


def reopen_window_open(case: Case, now: dt.datetime) -> bool:
    """The reporter may reopen while awaiting the rating, or after a solved closure, until the
    rating window ends (default 7 days, ``SlaSettings.rating_window_days``; docs/domain.md §3.4)."""
    if case.rating_due_at is None or now >= case.rating_due_at:
        return False
    return case.state == State.AWAITING_RATING or (
        case.state == State.CLOSED and case.outcome == Outcome.SOLVED
    )


def next_sweep_at(case: Case) -> dt.datetime | None:
    """The next moment a clock crosses a threshold the case has not been marked with yet, or the
    rating window of a closable case ends; ``None`` when nothing is pending. After a sweep at
    ``now`` this is always later than ``now`` (or ``None``), so the sweeper never loops on a case."""
    if case.state == State.CLOSED:
        return None
    moments: list[dt.datetime | None] = []
    if case.state in (State.ROUTED, State.IN_PROGRESS, State.GUIDED):
        if case.stage_color == Color.NONE:
            moments.append(case.stage_yellow_at)
        elif case.stage_color == Color.YELLOW:
            moments.append(case.stage_due_at)
    if case.state in CASE_CLOCK_STATES:
        if case.case_color == Color.NONE:
            moments.append(case.yellow_at)
        elif case.case_color == Color.YELLOW:
            moments.append(case.due_at)
        elif case.supervision != Supervision.RED_CARD:
            moments.append(case.red_card_at)
    if closes_when_rating_window_ends(case):
        moments.append(case.rating_due_at)
    present = [m for m in moments if m is not None]
    return min(present) if present else None
