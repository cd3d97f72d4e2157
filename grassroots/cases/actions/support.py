"""我也遇到 ("me too"): a resident says they have the same problem as a public case of their community.

A support is not an act on the case: it changes neither its state nor its version, and writes no
timeline event (the case's handlers would see their version go stale for every neighbour's tap).
It is one row per resident and case, audited, and it counts in the case's heat
(``cases.heat``, docs/ledger.md "Me too").
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grassroots.cases import access
from grassroots.cases.models import Case, CaseSupport
from grassroots.core import audit
from grassroots.core.errors import NotAllowed
from grassroots.core.models import AuditAction, User
from grassroots.people.access import own_resident


def _check(case: Case, actor: User) -> None:
    """The rule of ``access.can_support``, each part with its own reason."""
    if own_resident(actor) is None:
        raise NotAllowed(_("Only residents can say they have the same problem."))
    if access.is_reporter(actor, case):
        raise NotAllowed(_("This is your own report."))
    if not access.public_cases_for(actor).filter(pk=case.pk).exists():
        raise NotAllowed(_("You can only do this on the public matters of your own community."))
    if not case.is_open:
        raise NotAllowed(_("The case is closed."))


def _audit(case: Case, actor: User, action: AuditAction) -> None:
    audit.record(
        actor=actor,
        action=action,
        target_type="cases.casesupport",
        target_id=case.number,
        label=str(case),
        scope_path=case.unit.path,
        changes={"case": case.number, "support": action == AuditAction.CREATE},
    )


@transaction.atomic
def support_case(case: Case, *, actor: User) -> CaseSupport:
    """我也遇到: the actor, a resident, has the same problem as ``case``, an open public matter of
    their own community that they did not report (``access.can_support``). Saying it twice changes
    nothing and returns the first support; two taps at once still make one row (the database's
    unique constraint decides, and the loser reads the winner's row)."""
    _check(case, actor)
    existing = CaseSupport.objects.filter(case=case, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            support = CaseSupport.objects.create(district_id=case.district_id, case=case, user=actor)
    except IntegrityError:
        return CaseSupport.objects.get(case=case, user=actor)
    _audit(case, actor, AuditAction.CREATE)
    return support


@transaction.atomic
def withdraw_support(case: Case, *, actor: User) -> None:
    """Take back one's "me too" on ``case`` (same rule as ``support_case``); taking back a support
    that does not exist changes nothing."""
    _check(case, actor)
    deleted, _rows = CaseSupport.objects.filter(case=case, user=actor).delete()
    if deleted:
        _audit(case, actor, AuditAction.DELETE)
