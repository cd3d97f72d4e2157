"""An act in a state where it is not possible, or on a stale version, is a ``Conflict`` (409 in the
API) even for the superuser, and changes nothing: no new version, no state change, no event, no
notification (docs/domain.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.core.errors import Conflict

Call = Callable[[Case, Any], object]


def triage(case: Case, u: Any) -> object:
    return actions.triage_case(
        case, actor=u, version=case.version, triage_class="community", reason="社区事务"
    )


def solve_on_the_spot(case: Case, u: Any) -> object:
    return actions.solve_on_the_spot(case, actor=u, version=case.version, resolution="当场修好")


def route(case: Case, u: Any) -> object:
    return actions.route_case(case, actor=u, version=case.version)


def retriage(case: Case, u: Any) -> object:
    return actions.retriage_case(case, actor=u, version=case.version, triage_class="major", reason="市政设施")


def follow_up(case: Case, u: Any) -> object:
    return actions.follow_up_private(
        case, actor=u, version=case.version, solved=True, private_mode="self", note="已自行解决"
    )


def accept(case: Case, u: Any) -> object:
    return actions.accept_case(case, actor=u, version=case.version)


def progress(case: Case, u: Any) -> object:
    return actions.add_progress(case, actor=u, version=case.version, note="已联系")


def resolve(case: Case, u: Any) -> object:
    return actions.resolve_case(case, actor=u, version=case.version, resolution="已更换")


def return_(case: Case, u: Any) -> object:
    return actions.return_case(case, actor=u, version=case.version, reason="不属本单位")


def escalate(case: Case, u: Any) -> object:
    return actions.escalate_case(case, actor=u, version=case.version, reason="无法协调")


def extend(case: Case, u: Any) -> object:
    return actions.request_extension(case, actor=u, version=case.version, days=1, reason="等待配件")


def verify(case: Case, u: Any) -> object:
    return actions.verify_case(case, actor=u, version=case.version)


def request_rating(case: Case, u: Any) -> object:
    return actions.request_rating(case, actor=u, version=case.version)


def rate(case: Case, u: Any) -> object:
    return actions.rate_case(case, actor=u, version=case.version, satisfaction="satisfied", by_phone=True)


def close(case: Case, u: Any) -> object:
    return actions.close_case(case, actor=u, version=case.version)


def reopen(case: Case, u: Any) -> object:
    return actions.reopen_case(case, actor=u, version=case.version, comment="没修好", by_phone=True)


def reject(case: Case, u: Any) -> object:
    return actions.reject_case(case, actor=u, version=case.version, outcome="not_true", reason="不属实")


def close_unsolved(case: Case, u: Any) -> object:
    return actions.close_unsolved(case, actor=u, version=case.version, reason="无法解决")


def supervise(case: Case, u: Any) -> object:
    return actions.supervise_case(case, actor=u, version=case.version, level="normal", reason="督办")


def assign(case: Case, u: Any) -> object:
    return actions.assign_case(case, actor=u, version=case.version, assignee=u)


# (act, state the case is brought to, where the act is not possible)
WRONG_STATE: list[tuple[str, Call, str]] = [
    ("triage", triage, "triaged"),
    ("solve on the spot", solve_on_the_spot, "routed"),
    ("route", route, "registered"),
    ("retriage", retriage, "registered"),
    ("follow up", follow_up, "routed"),
    ("assign", assign, "registered"),
    ("accept", accept, "in_progress"),
    ("add progress", progress, "routed"),
    ("resolve", resolve, "routed"),
    ("return", return_, "registered"),
    ("escalate", escalate, "registered"),
    ("escalate beyond the department", escalate, "at_department"),
    ("request an extension", extend, "registered"),
    ("verify", verify, "in_progress"),
    ("verify twice", verify, "awaiting_rating"),
    ("ask for a rating", request_rating, "resolved"),
    ("rate", rate, "resolved"),
    ("rate twice", rate, "rated"),
    ("close", close, "resolved"),
    ("close before the reporter had the last word", close, "awaiting_rating"),
    ("close a closed case", close, "closed"),
    ("reopen", reopen, "in_progress"),
    ("reject", reject, "in_progress"),
    ("close unsolved", close_unsolved, "closed"),
    ("supervise", supervise, "closed"),
]


def _snapshot(case: Case) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case.pk)
    return case.version, case.state, case.events.count()


@pytest.mark.parametrize(
    ("act", "state"), [(a, s) for _, a, s in WRONG_STATE], ids=[n for n, _, _ in WRONG_STATE]
)
def test_an_act_in_the_wrong_state_is_a_conflict_and_changes_nothing(
    act, state, ledger, bring, ledger_snapshot
):
    case = getattr(bring, state)()
    before = ledger_snapshot()
    with pytest.raises(Conflict):
        act(Case.objects.get(pk=case.pk), ledger.root)
    assert ledger_snapshot() == before


# (act, state in which the act is possible)
IN_STATE: list[tuple[str, Call, str]] = [
    ("triage", triage, "registered"),
    ("solve on the spot", solve_on_the_spot, "registered"),
    ("route", route, "triaged"),
    ("retriage", retriage, "routed"),
    ("follow up", follow_up, "guided"),
    ("accept", accept, "routed"),
    ("add progress", progress, "in_progress"),
    ("resolve", resolve, "in_progress"),
    ("return", return_, "routed"),
    ("escalate", escalate, "routed"),
    ("request an extension", extend, "in_progress"),
    ("verify", verify, "resolved"),
    ("ask for a rating", request_rating, "awaiting_rating"),
    ("rate", rate, "awaiting_rating"),
    ("close", close, "rated"),
    ("reopen", reopen, "awaiting_rating"),
    ("reject", reject, "registered"),
    ("close unsolved", close_unsolved, "routed"),
    ("supervise", supervise, "routed"),
]


@pytest.mark.parametrize(("act", "state"), [(a, s) for _, a, s in IN_STATE], ids=[n for n, _, _ in IN_STATE])
def test_an_act_on_a_stale_version_is_a_conflict_and_the_other_change_stands(
    act, state, ledger, bring, ledger_snapshot
):
    case = getattr(bring, state)()
    stale = Case.objects.get(pk=case.pk)
    # Someone else writes first: a comment bumps the version without changing the state.
    actions.comment_case(
        Case.objects.get(pk=case.pk), actor=ledger.district_admin, version=case.version, note="请核查"
    )
    before = ledger_snapshot()
    with pytest.raises(Conflict) as raised:
        act(stale, ledger.root)
    assert raised.value.current_version == stale.version + 1
    assert ledger_snapshot() == before


def test_deciding_an_extension_twice_is_a_conflict(ledger, bring, ledger_snapshot):
    case = bring.in_progress()
    extension = actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=2, reason="等待配件"
    )
    case = actions.decide_extension(
        extension, actor=ledger.street_staff, version=Case.objects.get(pk=case.pk).version, approve=False
    )
    before = ledger_snapshot()
    with pytest.raises(Conflict):
        actions.decide_extension(extension, actor=ledger.district_admin, version=case.version, approve=True)
    assert ledger_snapshot() == before


def test_a_second_extension_request_while_one_is_pending_is_a_conflict(ledger, bring, ledger_snapshot):
    case = bring.in_progress()
    actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=2, reason="等待配件"
    )
    case = Case.objects.get(pk=case.pk)
    before = ledger_snapshot()
    with pytest.raises(Conflict):
        extend(case, ledger.community_worker)
    assert ledger_snapshot() == before


def test_a_refused_act_leaves_no_trace_in_the_timeline(ledger, bring):
    case = bring.routed()
    events = list(Case.objects.get(pk=case.pk).events.values_list("kind", flat=True))
    with pytest.raises(Conflict):
        resolve(Case.objects.get(pk=case.pk), ledger.root)
    assert list(Case.objects.get(pk=case.pk).events.values_list("kind", flat=True)) == events
    assert events == ["register", "triage", "route"]
