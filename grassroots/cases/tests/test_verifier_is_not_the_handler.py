"""核实 by someone other than the handler (docs/domain.md §3.4): whoever resolved a case may not
verify it, however senior; another verifier may, and a failed verification sends it back to
handling. The same holds for common problems and for on-the-spot cases verified by sampling."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.cases.acts import available_acts
from grassroots.cases.models import Case
from grassroots.core.errors import NotAllowed


@pytest.mark.parametrize("handler", ["community_worker", "root"])
def test_the_handler_cannot_verify_what_they_resolved(ledger, bring, everyone, handler, ledger_snapshot):
    case = bring.in_progress()
    user = everyone[handler]
    case = actions.resolve_case(case, actor=user, version=case.version, resolution="已更换")
    assert "verify" not in {a.name for a in available_acts(user, case)}
    before = ledger_snapshot()
    with pytest.raises(NotAllowed):
        actions.verify_case(case, actor=user, version=case.version)
    assert ledger_snapshot() == before
    case = actions.verify_case(case, actor=ledger.district_admin, version=case.version)
    assert (case.state, case.verifier, case.handler) == ("awaiting_rating", ledger.district_admin, user)


def test_a_grid_case_is_verified_by_the_grid_leader_not_the_grid_manager_who_solved_it(ledger, bring):
    case = bring.resolved("grid")
    assert case.handler == ledger.grid_manager_x
    with pytest.raises(NotAllowed):
        actions.verify_case(case, actor=ledger.grid_manager_x, version=case.version)
    case = actions.verify_case(case, actor=ledger.grid_leader_x, version=case.version)
    assert case.verifier == ledger.grid_leader_x


def test_a_failed_verification_sends_the_case_back_to_its_handler(ledger, bring):
    case = bring.resolved()
    case = actions.verify_case(
        case, actor=ledger.community_worker2, version=case.version, passed=False, note="现场查看仍不亮"
    )
    assert (case.state, case.resolved_at, case.assignee) == ("in_progress", None, ledger.community_worker)
    assert case.events.latest("id").kind == "verify_failed"


def test_an_on_the_spot_case_is_sampled_by_someone_else_once(ledger, bring):
    case = bring.on_the_spot()
    with pytest.raises(NotAllowed):
        actions.verify_case(case, actor=ledger.grid_manager_x, version=case.version)
    case = actions.verify_case(case, actor=ledger.community_worker, version=case.version)
    assert (case.state, case.verifier) == ("awaiting_rating", ledger.community_worker)
    assert case.events.latest("id").data == {"sampling": True}


def test_a_failed_sample_sends_an_on_the_spot_case_back_to_handling(ledger, bring):
    case = bring.on_the_spot()
    case = actions.verify_case(
        case, actor=ledger.community_worker, version=case.version, passed=False, note="抽查发现未修好"
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.level, case.assignee) == ("in_progress", "grid", ledger.grid_manager_x)
