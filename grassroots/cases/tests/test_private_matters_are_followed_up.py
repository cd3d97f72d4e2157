"""私事 are guided, never dropped ("分流不是放任不管", docs/domain.md §3.1): the grid follows up;
one solved by mutual aid goes to the reporter's rating and closes; one where the resident still
has real difficulty is re-triaged into a 小事 and handled, with its history kept."""

from __future__ import annotations

import datetime as dt

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.sweep import sweep
from grassroots.notify.models import Notification


def test_a_private_matter_solved_by_mutual_aid_is_rated_and_closed(ledger, bring):
    case = bring.guided()
    assert (case.state, case.level, case.responsible_unit) == ("guided", "grid", ledger.grid_x)
    assert Notification.objects.filter(recipient=ledger.grid_manager_x, subject=case.number, kind="assigned")
    case = actions.follow_up_private(
        case,
        actor=ledger.grid_manager_x,
        version=case.version,
        solved=True,
        private_mode="mutual",
        note="楼栋志愿者每周帮忙打扫一次",
    )
    assert case.state == "awaiting_rating"
    assert case.private_mode == "mutual"
    # The follow-up confirms it solved: the grid manager verified it, nobody on the staff handled it.
    assert (case.verifier, case.handler) == (ledger.grid_manager_x, None)
    assert Notification.objects.filter(recipient=ledger.resident_a_user, kind="rating_requested").exists()
    case = actions.rate_case(
        case, actor=ledger.resident_a_user, version=case.version, satisfaction="satisfied"
    )
    assert Notification.objects.filter(recipient=ledger.grid_manager_x, kind="rated").exists()
    case = actions.close_case(case, actor=ledger.community_worker, version=case.version)
    assert (case.state, case.outcome) == ("closed", "solved")


def test_an_unrated_private_matter_is_closed_by_the_sweeper_when_the_window_ends(ledger, bring):
    case = bring.guided()
    case = actions.follow_up_private(
        case,
        actor=ledger.grid_manager_x,
        version=case.version,
        solved=True,
        private_mode="market",
        note="已请家政",
    )
    assert Case.objects.get(pk=case.pk).next_sweep_at == case.rating_due_at
    assert sweep(case.rating_due_at).closures == 1
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_a_private_matter_still_difficult_is_retriaged_into_a_community_matter_and_handled(ledger, bring):
    case = bring.guided()
    case = actions.follow_up_private(
        case,
        actor=ledger.grid_manager_x,
        version=case.version,
        solved=False,
        note="独居老人行动不便，子女在外地，互助无法持续",
    )
    assert (case.state, case.triage_class, case.level) == ("triaged", "private", "")
    case = actions.retriage_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        triage_class="community",
        category=ledger.cat_comm,
        reason="纳入社区居家养老服务",
    )
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)
    case = actions.accept_case(case, actor=ledger.community_worker, version=case.version)
    case = actions.resolve_case(
        case, actor=ledger.community_worker, version=case.version, resolution="安排助老员每周上门保洁"
    )
    case = actions.verify_case(case, actor=ledger.community_worker2, version=case.version)
    case = actions.rate_case(
        case, actor=ledger.resident_a_user, version=case.version, satisfaction="satisfied"
    )
    case = actions.close_case(case, actor=ledger.community_worker, version=case.version)
    assert (case.state, case.outcome, case.triage_class) == ("closed", "solved", "community")
    timeline = list(case.events.values_list("kind", "from_state", "to_state"))
    assert timeline == [
        ("register", "", "registered"),
        ("triage", "registered", "triaged"),
        ("guide", "triaged", "guided"),
        ("follow_up", "guided", "triaged"),
        ("retriage", "triaged", "triaged"),
        ("route", "triaged", "routed"),
        ("accept", "routed", "in_progress"),
        ("resolve", "in_progress", "resolved"),
        ("verify", "resolved", "awaiting_rating"),
        ("rate", "awaiting_rating", "awaiting_rating"),
        ("close", "awaiting_rating", "closed"),
    ]
    retriage = case.events.get(kind="retriage")
    assert retriage.data == {"from": "private", "to": "community"}
    assert retriage.note == "纳入社区居家养老服务"


def test_a_follow_up_that_is_overdue_puts_the_case_under_supervision(ledger, bring):
    case = bring.guided()
    result = sweep(case.follow_up_due_at + dt.timedelta(minutes=1))
    assert result.supervisions == 1
    case = Case.objects.get(pk=case.pk)
    assert (case.stage_color, case.supervision) == ("red", "normal")
