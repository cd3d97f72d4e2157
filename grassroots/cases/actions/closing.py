"""Closing the loop: verification, the reporter's rating and reopening, closing (销号), closing unsolved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines
from grassroots.cases.actions._base import (
    _apply,
    _ask_rating,
    _check_state,
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
    Satisfaction,
    State,
)
from grassroots.cases.models import (
    Case,
)
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import User
from grassroots.notify.models import Kind


@transaction.atomic
def verify_case(case: Case, *, actor: User, version: int | None, passed: bool = True, note: str = "") -> Case:
    """核实 by someone other than the handler. Passed: the reporter is asked to rate. Failed: back to
    the handler. On-the-spot cases awaiting their rating can be verified by sampling."""
    _require(
        access.can_verify(actor, case), _("The case must be verified by someone other than its handler.")
    )
    now = timezone.now()
    if case.state == State.AWAITING_RATING and case.handling_mode == HandlingMode.ON_THE_SPOT:
        if case.verified_at is not None:
            raise Conflict(_("This case has already been verified."), current_version=case.version)
        if not passed:
            return _reopen_for_handling(
                case, actor=actor, version=version, kind=EventKind.VERIFY_FAILED, note=_reason(note, "note")
            )
        return _apply(
            case,
            actor=actor,
            kind=EventKind.VERIFY,
            version=version,
            now=now,
            note=note,
            data={"sampling": True},
            verified_at=now,
            verifier=actor,
        )
    _check_state(case, {State.RESOLVED})
    if not passed:
        return _apply(
            case,
            actor=actor,
            kind=EventKind.VERIFY_FAILED,
            version=version,
            now=now,
            to_state=State.IN_PROGRESS,
            note=_reason(note, "note"),
            resolved_at=None,
            verification_due_at=None,
        )
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.VERIFY,
        version=version,
        to_state=State.AWAITING_RATING,
        note=note,
        now=now,
        verified_at=now,
        verifier=actor,
        rating_due_at=now + dt.timedelta(days=_sla(case).rating_window_days),
    )
    _ask_rating(case)
    return case


@transaction.atomic
def request_rating(case: Case, *, actor: User, version: int | None, note: str = "") -> Case:
    """Ask the reporter again to rate (回访)."""
    _require(
        access.can_triage(actor, case) or access.can_handle(actor, case),
        _("You cannot ask for a rating here."),
    )
    _check_state(case, {State.AWAITING_RATING})
    case = _apply(case, actor=actor, kind=EventKind.REQUEST_RATING, version=version, note=note)
    _ask_rating(case)
    return case


@transaction.atomic
def rate_case(
    case: Case,
    *,
    actor: User,
    version: int | None,
    satisfaction: str,
    score: int | None = None,
    comment: str = "",
    by_phone: bool = False,
) -> Case:
    """The reporter rates the result (满意 / 基本满意 / 不满意, 1–5); staff may record a rating given
    on a phone call-back (``by_phone``). Dissatisfied reporters may reopen instead."""
    own = access.is_reporter(actor, case)
    _require(own or (by_phone and access.can_triage(actor, case)), _("Only the reporter rates the result."))
    _check_state(case, {State.AWAITING_RATING})
    if case.rated_at is not None:
        raise Conflict(_("This case has already been rated."), current_version=case.version)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": [_("Choose satisfied, basically satisfied or dissatisfied.")]})
    if score is not None and not 1 <= int(score) <= 5:
        raise ValidationError({"score": [_("A score is from 1 to 5.")]})
    now = timezone.now()
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.RATE,
        version=version,
        now=now,
        note=comment.strip(),
        data={"satisfaction": satisfaction, "score": score, "by_phone": by_phone},
        satisfaction=satisfaction,
        score=score,
        rating_comment=comment.strip(),
        rated_at=now,
    )
    _tell(
        [case.handler or case.verifier],
        case,
        Kind.RATED,
        f"rated-{case.version}",
        _("%(number)s was rated: %(satisfaction)s")
        % {"number": case.number, "satisfaction": Satisfaction(satisfaction).label},
    )
    return case


@transaction.atomic
def close_case(case: Case, *, actor: User, version: int | None, note: str = "") -> Case:
    """销号: strike a solved case off the ledger once the reporter has had the last word (rated, or
    the window passed, or there is no one to ask) and it was verified (or solved on the spot).
    The sweeper closes lapsed windows itself (``close_lapsed``)."""
    _require(access.can_triage(actor, case), _("You cannot close this case."))
    return _close(case, actor=actor, version=version, note=note, now=timezone.now())


def close_lapsed(case: Case, *, now: dt.datetime) -> Case:
    """The sweeper closes a solved case whose rating window ended at ``now`` (docs/domain.md §3.4).
    Runs in the caller's transaction."""
    return _close(case, actor=None, version=case.version, note="", now=now)


def _close(case: Case, *, actor: User | None, version: int | None, note: str, now: dt.datetime) -> Case:
    _check_state(case, {State.AWAITING_RATING})
    if not deadlines.verified_enough(case):
        raise Conflict(_("The case has not been verified."), current_version=case.version)
    if not deadlines.reporter_had_last_word(case, now):
        raise Conflict(
            _("The reporter has not rated yet and the rating window is still open."),
            current_version=case.version,
        )
    return _apply(
        case,
        actor=actor,
        kind=EventKind.CLOSE,
        version=version,
        to_state=State.CLOSED,
        note=note,
        now=now,
        outcome=Outcome.SOLVED,
        closed_at=now,
    )


def _reopen_for_handling(
    case: Case,
    *,
    actor: User | None,
    version: int | None,
    kind: EventKind,
    note: str,
    data: dict[str, Any] | None = None,
    **extra: Any,
) -> Case:
    """Back to handling at the level (and by the person) that handled it, with a fresh stage clock."""
    now = timezone.now()
    level = Level(case.level) if case.level else (Level.GRID if case.grid_id else Level.COMMUNITY)
    department = case.responsible_department
    handler = case.handler
    held = _hold(case, level, department=department, now=now)
    held["assignee"] = handler if handler is not None else None
    return _apply(
        case,
        actor=actor,
        kind=kind,
        version=version,
        to_state=State.IN_PROGRESS,
        note=note,
        data=data,
        now=now,
        resolved_at=None,
        verified_at=None,
        verifier=None,
        rating_due_at=None,
        verification_due_at=None,
        handling_mode=HandlingMode.RESPONSIBLE,
        satisfaction="",
        score=None,
        rating_comment="",
        rated_at=None,
        closed_at=None,
        outcome="",
        **held,
        **extra,
    )


@transaction.atomic
def reopen_case(
    case: Case, *, actor: User, version: int | None, comment: str, by_phone: bool = False
) -> Case:
    """The reporter says it is not solved: within the window (while awaiting the rating, or after a
    solved closure, until the rating window ends) the case goes back to its handler, who is told.
    A comment is required; staff may record a reopening asked for on a phone call-back
    (``by_phone``). Docs/domain.md §3.4."""
    own = access.is_reporter(actor, case)
    _require(
        own or (by_phone and access.can_triage(actor, case)), _("Only the reporter can reopen the case.")
    )
    now = timezone.now()
    if not deadlines.reopen_window_open(case, now):
        raise Conflict(_("The window for reopening this case has passed."), current_version=case.version)
    comment = _reason(comment, "comment")
    handler = case.handler
    case = _reopen_for_handling(
        case,
        actor=actor,
        version=version,
        kind=EventKind.REOPEN,
        note=comment,
        data={"by_phone": by_phone} if by_phone else None,
        reopen_count=case.reopen_count + 1,
    )
    _tell(
        [handler, *_staff_of(case)],
        case,
        Kind.REOPENED,
        f"reopen-{case.version}",
        _("%(number)s was reopened by the reporter") % {"number": case.number},
        comment,
    )
    return case


@transaction.atomic
def close_unsolved(case: Case, *, actor: User, version: int | None, reason: str) -> Case:
    """Close a case that cannot be solved, with the reason; it counts as not completed."""
    _require(access.can_supervise(actor, case), _("The level above decides to close a case unsolved."))
    _check_state(case, OPEN_STATES)
    reason = _reason(reason)
    now = timezone.now()
    case = _apply(
        case,
        actor=actor,
        kind=EventKind.CLOSE_UNSOLVED,
        version=version,
        to_state=State.CLOSED,
        note=reason,
        now=now,
        outcome=Outcome.UNSOLVED,
        closure_reason=reason,
        closed_at=now,
        **_release(),
    )
    _tell(
        [_reporter_user(case)],
        case,
        Kind.UPDATE,
        f"unsolved-{case.version}",
        _("Your request %(number)s was closed without a solution") % {"number": case.number},
        reason,
    )
    return case
