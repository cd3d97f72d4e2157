"""Common problems (共性问题): similar cases handled once (docs/domain.md §3.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access
from grassroots.cases.actions._base import (
    _apply,
    _ask_rating,
    _reason,
    _release,
    _require,
    _sla,
)
from grassroots.cases.choices import (
    OPEN_STATES,
    EventKind,
    ProblemState,
    State,
)
from grassroots.cases.models import (
    Case,
    Category,
    CommonProblem,
)
from grassroots.core import audit
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.core.tree import common_ancestor_path
from grassroots.org.models import Unit


def _check_problem_scope(actor: User, cases: Sequence[Case]) -> None:
    for case in cases:
        _require(
            access.can_triage(actor, case), _("You cannot link case %(number)s.") % {"number": case.number}
        )


@transaction.atomic
def create_problem(
    *, actor: User, title: str, cases: Sequence[Case], description: str = "", category: Category | None = None
) -> CommonProblem:
    """共性问题: link similar open cases so that they are handled once (docs/domain.md §3.2)."""
    if not title.strip():
        raise ValidationError({"title": [_("A title is required.")]})
    if len(cases) < 2:
        raise ValidationError({"cases": [_("A common problem links at least two cases.")]})
    districts = {case.district_id for case in cases}
    if len(districts) != 1:
        raise ValidationError({"cases": [_("The cases lie in different districts.")]})
    _check_problem_scope(actor, cases)
    for case in cases:
        if not case.is_open or case.problem_id is not None:
            raise ValidationError(
                {"cases": [_("Case %(number)s is closed or already in a problem.") % {"number": case.number}]}
            )
    # The problem belongs to the smallest unit containing all its cases.
    common = common_ancestor_path(case.unit.path for case in cases)
    unit = Unit.objects.get(path=common) if common else cases[0].district
    problem = CommonProblem.objects.create(
        district_id=cases[0].district_id,
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        category=category,
        created_by=actor,
    )
    for case in cases:
        _apply(
            case,
            actor=actor,
            kind=EventKind.JOIN_PROBLEM,
            version=case.version,
            data={"problem": str(problem.uid)},
            problem=problem,
        )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=problem,
        scope_path=unit.path,
        changes={"cases": [case.number for case in cases]},
    )
    return problem


@transaction.atomic
def link_to_problem(problem: CommonProblem, case: Case, *, actor: User, version: int | None) -> Case:
    _check_problem_scope(actor, [case])
    if problem.state != ProblemState.OPEN:
        raise Conflict(_("The problem is already resolved."))
    if case.problem_id is not None or not case.is_open:
        raise ValidationError({"case": [_("The case is closed or already in a problem.")]})
    if case.district_id != problem.district_id:
        raise ValidationError({"case": [_("The case is in another district.")]})
    return _apply(
        case,
        actor=actor,
        kind=EventKind.JOIN_PROBLEM,
        version=version,
        data={"problem": str(problem.uid)},
        problem=problem,
    )


@transaction.atomic
def unlink_from_problem(case: Case, *, actor: User, version: int | None) -> Case:
    _check_problem_scope(actor, [case])
    if case.problem_id is None:
        raise ValidationError({"case": [_("The case is not part of a problem.")]})
    return _apply(
        case,
        actor=actor,
        kind=EventKind.LEAVE_PROBLEM,
        version=version,
        data={"problem": str(case.problem.uid) if case.problem else None},
        problem=None,
    )


@transaction.atomic
def resolve_problem(
    problem: CommonProblem, *, actor: User, version: int | None, resolution: str
) -> CommonProblem:
    """The problem is handled once: every open member is resolved with the same account of what
    was done, then waits for the problem's verification (docs/domain.md §3.2)."""
    members = _lock_problem(problem, version, ProblemState.OPEN)
    _check_problem_scope(actor, members)
    resolution = _reason(resolution, "resolution")
    now = timezone.now()
    CommonProblem.objects.filter(pk=problem.pk).update(
        state=ProblemState.RESOLVED,
        resolution=resolution,
        resolved_at=now,
        resolved_by=actor,
        version=F("version") + 1,
    )
    for case in members:
        if case.state in (State.RESOLVED, State.AWAITING_RATING):
            continue
        _apply(
            case,
            actor=actor,
            kind=EventKind.RESOLVE,
            version=case.version,
            to_state=State.RESOLVED,
            note=resolution,
            data={"problem": str(problem.uid)},
            now=now,
            resolution=resolution,
            resolved_at=now,
            handler=actor,
            **_release(),
        )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=problem,
        scope_path=problem.unit.path,
        changes={"state": [ProblemState.OPEN, ProblemState.RESOLVED], "cases": len(members)},
    )
    problem.refresh_from_db()
    return problem


@transaction.atomic
def verify_problem(
    problem: CommonProblem, *, actor: User, version: int | None, note: str = ""
) -> CommonProblem:
    """Someone other than the resolver verifies the problem (and other than whoever resolved any
    member on its own); each member goes to its own reporter's rating and then closes like any
    case (docs/domain.md §3.2, §3.4)."""
    if problem.resolved_by_id == actor.pk:
        raise NotAllowed(_("The problem must be verified by someone other than the one who resolved it."))
    members = _lock_problem(problem, version, ProblemState.RESOLVED)
    _check_problem_scope(actor, members)
    for case in members:
        if case.state == State.RESOLVED:
            _require(
                access.can_verify(actor, case),
                _("Case %(number)s must be verified by someone other than its handler.")
                % {"number": case.number},
            )
    now = timezone.now()
    CommonProblem.objects.filter(pk=problem.pk).update(
        state=ProblemState.VERIFIED, verified_at=now, version=F("version") + 1
    )
    for case in members:
        if case.state != State.RESOLVED:
            continue
        case = _apply(
            case,
            actor=actor,
            kind=EventKind.VERIFY,
            version=case.version,
            to_state=State.AWAITING_RATING,
            note=note,
            data={"problem": str(problem.uid)},
            now=now,
            verified_at=now,
            verifier=actor,
            rating_due_at=now + dt.timedelta(days=_sla(case).rating_window_days),
        )
        _ask_rating(case)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=problem,
        scope_path=problem.unit.path,
        changes={"state": [ProblemState.RESOLVED, ProblemState.VERIFIED]},
    )
    problem.refresh_from_db()
    return problem


def _lock_problem(problem: CommonProblem, version: int | None, state: ProblemState) -> list[Case]:
    """The open member cases, after checking the problem is still at ``version`` and in ``state``."""
    current = CommonProblem.objects.select_for_update().get(pk=problem.pk)
    if (version is not None and version != current.version) or current.state != state:
        raise Conflict(
            _("The problem was changed by someone else; reload it."), current_version=current.version
        )
    return list(
        problem.cases.filter(state__in=sorted(OPEN_STATES))
        .select_related("unit", "reporter__user")
        .order_by("pk")
    )
