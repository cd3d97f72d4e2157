"""退回 (docs/domain.md §3.2): the unit or department holding a misrouted case returns it with a
reason; it goes back to triage, the triagers are told, and it can be routed anew."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.core.errors import ValidationError
from grassroots.notify.models import Notification


def test_a_department_returns_a_misrouted_case_to_triage(ledger, bring):
    case = bring.at_department()
    case = actions.return_case(
        case, actor=ledger.housing_handler, version=case.version, reason="属小区物业维修范围"
    )
    assert (case.state, case.level, case.responsible_department, case.responsible_unit) == (
        "registered",
        "",
        None,
        None,
    )
    event = case.events.get(kind="return")
    assert (event.note, event.data["from"], event.from_state) == ("属小区物业维修范围", "ZJ", "routed")
    told = set(
        Notification.objects.filter(kind="returned", subject=case.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"cw", "cw2"}
    case = actions.triage_case(
        case, actor=ledger.community_worker, version=case.version, triage_class="community", reason="物业维修"
    )
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)
    assert (case.state, case.responsible_unit) == ("routed", ledger.community)


def test_a_return_needs_a_reason(ledger, bring):
    case = bring.routed()
    with pytest.raises(ValidationError) as raised:
        actions.return_case(case, actor=ledger.community_worker, version=case.version, reason=" ")
    assert "reason" in raised.value.message_dict
