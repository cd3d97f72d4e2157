"""The response rate counts cases first acted on within the response limit (docs/domain.md §3.5):
``first_response_at`` is the moment of the first act by staff on the case — not the intake, not a
comment, not the reporter's own acts, not the sweeper — and it never moves afterwards."""

from __future__ import annotations

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.sweep import sweep


def test_the_first_triage_is_the_response_and_later_acts_do_not_move_it(ledger, bring):
    case = bring.registered()
    assert case.first_response_at is None
    case = actions.comment_case(case, actor=ledger.community_worker, version=case.version, note="已收到")
    assert case.first_response_at is None
    case = actions.triage_case(
        case, actor=ledger.community_worker, version=case.version, triage_class="community", reason="社区事务"
    )
    triaged = case.events.get(kind="triage").at
    assert Case.objects.get(pk=case.pk).first_response_at == triaged
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)
    assert Case.objects.get(pk=case.pk).first_response_at == triaged


def test_the_sweeper_does_not_respond(bring):
    case = bring.registered()
    sweep(case.due_at)
    case = Case.objects.get(pk=case.pk)
    assert case.case_color == "red"
    assert case.first_response_at is None


def test_a_case_first_handled_through_its_common_problem_has_responded(ledger, bring):
    a, b = bring.registered(), bring.registered()
    problem = actions.create_problem(actor=ledger.community_worker, title="照明", cases=[a, b])
    assert Case.objects.get(pk=a.pk).first_response_at is None
    actions.resolve_problem(
        problem, actor=ledger.community_worker, version=problem.version, resolution="统一更换"
    )
    assert Case.objects.get(pk=a.pk).first_response_at is not None


def test_closing_unsolved_untouched_case_counts_as_acting_on_it(ledger, bring):
    case = bring.registered()
    case = actions.close_unsolved(case, actor=ledger.street_staff, version=case.version, reason="无法解决")
    assert Case.objects.get(pk=case.pk).first_response_at == case.closed_at
