"""A common problem (共性问题, docs/domain.md §3.2) is handled once: resolving it
resolves its open members, someone other than the resolver verifies it, each member's reporter is
asked to rate their own case, and each member closes — on its rating, or by the sweeper when its
window lapses."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.sweep import sweep
from grassroots.core.errors import NotAllowed
from grassroots.notify.models import Notification


@pytest.fixture
def problem(ledger, bring):
    """Three cases about the same broken lights: A's and B's (registered), and one already routed."""
    a = bring.registered()
    b = bring.registered(household=ledger.household_y, reporter=ledger.resident_b)
    routed = bring.routed()
    problem = actions.create_problem(
        actor=ledger.community_worker, title="桂苑社区楼道照明普遍损坏", cases=[a, b, routed]
    )
    return problem, [a, b, routed]


def test_resolving_and_verifying_a_problem_asks_every_reporter_and_closes_every_member(ledger, problem):
    problem, members = problem
    problem = actions.resolve_problem(
        problem, actor=ledger.community_worker, version=problem.version, resolution="统一更换声控灯"
    )
    assert problem.state == "resolved"
    states = {c.state for c in Case.objects.filter(problem=problem)}
    assert states == {"resolved"}
    problem = actions.verify_problem(problem, actor=ledger.community_worker2, version=problem.version)
    assert problem.state == "verified"
    cases = list(Case.objects.filter(problem=problem).order_by("pk"))
    assert {c.state for c in cases} == {"awaiting_rating"}
    assert {c.handler for c in cases} == {ledger.community_worker}
    assert {c.verifier for c in cases} == {ledger.community_worker2}
    asked = set(
        Notification.objects.filter(kind="rating_requested").values_list("recipient__username", "subject")
    )
    assert asked == {
        ("resident_a", members[0].number),
        ("resident_b", members[1].number),
        ("resident_a", members[2].number),
    }

    # A rates and her case is closed by staff; B rates dissatisfied; the third is never rated.
    a, b, third = cases
    a = actions.rate_case(
        a, actor=ledger.resident_a_user, version=a.version, satisfaction="satisfied", score=5
    )
    a = actions.close_case(a, actor=ledger.community_worker, version=a.version)
    b = actions.rate_case(
        b, actor=ledger.resident_b_user, version=b.version, satisfaction="dissatisfied", score=2
    )
    result = sweep(third.rating_due_at)
    assert result.closures == 2  # B's and the unrated one, once their windows lapsed
    closed = Case.objects.filter(problem=problem)
    assert {(c.state, c.outcome) for c in closed} == {("closed", "solved")}
    assert sorted((c.satisfaction for c in closed), key=str) == ["", "dissatisfied", "satisfied"]


def test_the_resolver_of_a_problem_cannot_verify_it(ledger, problem, ledger_snapshot):
    problem, _ = problem
    problem = actions.resolve_problem(
        problem, actor=ledger.community_worker, version=problem.version, resolution="统一更换声控灯"
    )
    before = ledger_snapshot()
    with pytest.raises(NotAllowed):
        actions.verify_problem(problem, actor=ledger.community_worker, version=problem.version)
    assert ledger_snapshot() == before


def test_a_member_resolved_on_its_own_is_not_verified_by_its_handler_through_the_problem(
    ledger, problem, ledger_snapshot
):
    problem, members = problem
    routed = Case.objects.get(pk=members[2].pk)
    routed = actions.accept_case(routed, actor=ledger.community_worker2, version=routed.version)
    actions.resolve_case(
        routed, actor=ledger.community_worker2, version=routed.version, resolution="先修好了3单元"
    )
    problem = actions.resolve_problem(
        problem, actor=ledger.community_worker, version=problem.version, resolution="统一更换声控灯"
    )
    before = ledger_snapshot()
    with pytest.raises(NotAllowed, match="someone other than its handler"):
        actions.verify_problem(problem, actor=ledger.community_worker2, version=problem.version)
    assert ledger_snapshot() == before
    actions.verify_problem(problem, actor=ledger.street_staff, version=problem.version)
    assert set(Case.objects.filter(problem=problem).values_list("state", flat=True)) == {"awaiting_rating"}


def test_a_member_reopened_by_its_reporter_goes_back_to_handling_alone(ledger, problem):
    problem, _ = problem
    problem = actions.resolve_problem(
        problem, actor=ledger.community_worker, version=problem.version, resolution="统一更换声控灯"
    )
    actions.verify_problem(problem, actor=ledger.community_worker2, version=problem.version)
    b = Case.objects.get(problem=problem, reporter=ledger.resident_b)
    b = actions.reopen_case(b, actor=ledger.resident_b_user, version=b.version, comment="我家楼道还是不亮")
    assert b.state == "in_progress"
    others = Case.objects.filter(problem=problem).exclude(pk=b.pk)
    assert set(others.values_list("state", flat=True)) == {"awaiting_rating"}
