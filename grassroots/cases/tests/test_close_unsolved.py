"""Closing unsolved (docs/domain.md §3.4): the level above may close a case that cannot be solved,
with a reason; it is its own outcome (not completed), and the reporter is told."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.notify.models import Notification


def test_the_level_above_closes_a_case_unsolved_with_a_reason(ledger, bring):
    case = bring.in_progress()
    case = actions.close_unsolved(
        case, actor=ledger.street_staff, version=case.version, reason="涉及产权纠纷，暂无法解决"
    )
    assert (case.state, case.outcome, case.closure_reason) == (
        "closed",
        "unsolved",
        "涉及产权纠纷，暂无法解决",
    )
    assert (case.responsible_unit, case.next_sweep_at) == (None, None)
    assert Notification.objects.filter(recipient=ledger.resident_a_user, kind="update", subject=case.number)


def test_the_holder_itself_cannot_close_its_case_unsolved(ledger, bring):
    case = bring.in_progress()
    with pytest.raises(NotAllowed):
        actions.close_unsolved(case, actor=ledger.community_worker, version=case.version, reason="办不了")


def test_closing_unsolved_needs_a_reason(ledger, bring):
    case = bring.in_progress()
    with pytest.raises(ValidationError):
        actions.close_unsolved(case, actor=ledger.street_staff, version=case.version, reason="")
