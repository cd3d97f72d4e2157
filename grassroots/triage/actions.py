"""Staff decide on candidate common problems (docs/triage.md, "Common problems"): accept one — the
common problem is created through the ledger's own act — or dismiss it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access
from grassroots.cases.actions import create_problem
from grassroots.cases.models import Case, Category, CommonProblem
from grassroots.core import audit
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import AuditAction, User
from grassroots.triage.models import CandidateMember, CandidateState, ProblemCandidate


def may_decide(user: User, candidate: ProblemCandidate) -> bool:
    """Whoever may link cases into a common problem at the candidate's place: the triage roles at
    or above it (docs/domain.md §3.2)."""
    return access.holds_triage_role(user, candidate.unit)


def _lock(candidate: ProblemCandidate, version: int | None) -> ProblemCandidate:
    locked = ProblemCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.state != CandidateState.PROPOSED:
        raise Conflict(_("The candidate was already decided."))
    if version is not None and version != locked.version:
        raise Conflict(_("The candidate was changed by someone else."))
    return locked


def _decide(candidate: ProblemCandidate, actor: User, state: CandidateState, **fields: object) -> None:
    ProblemCandidate.objects.filter(pk=candidate.pk).update(
        state=state, decided_by=actor, decided_at=timezone.now(), version=F("version") + 1, **fields
    )
    candidate.refresh_from_db()


@transaction.atomic
def accept_candidate(
    candidate: ProblemCandidate,
    *,
    actor: User,
    version: int | None,
    cases: Sequence[Case] | None = None,
    title: str = "",
    description: str = "",
    category: Category | None = None,
) -> CommonProblem:
    """Create the common problem from the candidate's cases that staff keep (all its open ones by
    default), titled with the candidate's label unless given one, filed under the category most of
    its cases share unless given one."""
    if not may_decide(actor, candidate):
        raise NotAllowed(_("You cannot decide on this candidate."))
    candidate = _lock(candidate, version)
    member_ids = set(CandidateMember.objects.filter(candidate=candidate).values_list("case_id", flat=True))
    if cases is None:
        cases = list(Case.objects.filter(pk__in=member_ids, problem__isnull=True).select_related("unit"))
        cases = [case for case in cases if case.is_open]
    strangers = [case.number for case in cases if case.pk not in member_ids]
    if strangers:
        raise ValidationError(
            {"cases": [_("Not in this candidate: %(numbers)s.") % {"numbers": ", ".join(strangers)}]}
        )
    if category is None:
        counts = Counter(case.category_id for case in cases if case.category_id is not None)
        if counts:
            category = Category.objects.get(pk=counts.most_common(1)[0][0])
    problem = create_problem(
        actor=actor,
        title=title.strip() or candidate.label,
        cases=list(cases),
        description=description,
        category=category,
    )
    _decide(candidate, actor, CandidateState.ACCEPTED, problem=problem)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=candidate,
        scope_path=candidate.unit.path,
        changes={"state": CandidateState.ACCEPTED, "problem": str(problem.uid)},
    )
    return problem


@transaction.atomic
def dismiss_candidate(candidate: ProblemCandidate, *, actor: User, version: int | None) -> ProblemCandidate:
    """Not one problem: the candidate is kept as dismissed, and the same cases are not proposed
    together again within the grouping window."""
    if not may_decide(actor, candidate):
        raise NotAllowed(_("You cannot decide on this candidate."))
    candidate = _lock(candidate, version)
    _decide(candidate, actor, CandidateState.DISMISSED)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=candidate,
        scope_path=candidate.unit.path,
        changes={"state": CandidateState.DISMISSED},
    )
    return candidate
