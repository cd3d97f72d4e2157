"""不予受理 / 不属实: a case can be rejected as not our responsibility or as not
true, with a reason; each is its own outcome so that the rates stay honest, and the reporter is
told."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.core.errors import ValidationError
from grassroots.notify.models import Notification


@pytest.mark.parametrize("outcome", ["not_responsible", "not_true"])
def test_a_rejected_case_is_closed_with_its_outcome_and_the_reporter_is_told(ledger, bring, outcome):
    case = bring.registered()
    case = actions.reject_case(
        case, actor=ledger.community_worker, version=case.version, outcome=outcome, reason="经核查"
    )
    assert (case.state, case.outcome, case.closure_reason) == ("closed", outcome, "经核查")
    assert case.next_sweep_at is None
    assert Notification.objects.filter(recipient=ledger.resident_a_user, kind="update", subject=case.number)


def test_a_department_may_reject_what_was_routed_to_it(ledger, bring):
    case = bring.at_department()
    case = actions.reject_case(
        case,
        actor=ledger.housing_handler,
        version=case.version,
        outcome="not_responsible",
        reason="属企业自有道路",
    )
    assert case.outcome == "not_responsible"


def test_rejection_has_only_those_two_outcomes_and_needs_a_reason(ledger, bring):
    case = bring.registered()
    with pytest.raises(ValidationError):
        actions.reject_case(
            case, actor=ledger.community_worker, version=case.version, outcome="solved", reason="x理由"
        )
    with pytest.raises(ValidationError):
        actions.reject_case(
            case, actor=ledger.community_worker, version=case.version, outcome="not_true", reason=""
        )
