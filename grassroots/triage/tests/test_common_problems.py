"""Candidate common problems (docs/triage.md, "Common problems"): found among open cases, with
their heat and label, proposed for escalation above the thresholds, accepted into a common problem
through the ledger's act or dismissed, and seen only within the user's scope."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from grassroots.cases import actions
from grassroots.cases.models import CommonProblem
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.triage import problems
from grassroots.triage.actions import accept_candidate, dismiss_candidate
from grassroots.triage.models import CandidateState, ProblemCandidate


def test_the_planted_reports_become_one_candidate_with_its_heat_and_label(
    ledger: SimpleNamespace, leaks: list[Any]
) -> None:
    result = problems.refresh(ledger.district)
    assert (result.cases, result.candidates) == (7, 1)
    (candidate,) = ProblemCandidate.objects.filter(district=ledger.district)
    members = set(candidate.members.values_list("case__number", flat=True))
    assert members == {case.number for case in leaks}
    assert (candidate.case_count, candidate.household_count, candidate.grid_count) == (4, 3, 2)
    assert candidate.unit == ledger.community
    assert candidate.label.startswith("桂苑社区：")
    assert "屋顶漏水" in candidate.label
    assert candidate.heat == 3
    assert not candidate.propose_major


def test_linked_duplicates_and_residents_me_too_add_to_the_heat(
    ledger: SimpleNamespace, leaks: list[Any], report: Any
) -> None:
    w = ledger
    dup = report(title="屋顶漏水", description="屋顶漏水", household=w.household_y, reporter=w.resident_b)
    actions.mark_duplicate(dup, actor=w.community_worker, version=dup.version, original=leaks[0])
    first = actions.triage_case(
        leaks[0].__class__.objects.get(pk=leaks[0].pk),
        actor=w.community_worker,
        version=leaks[0].version,
        triage_class="community",
        reason="按事项清单分流",
    )
    actions.support_case(first, actor=w.resident_b_user)
    problems.refresh(w.district)
    candidate = ProblemCandidate.objects.get(district=w.district)
    assert candidate.me_too_count == 2
    assert candidate.heat == candidate.household_count + 2


def test_a_candidate_over_the_thresholds_is_proposed_as_one_major_matter(
    ledger: SimpleNamespace, leaks: list[Any], settings: Any
) -> None:
    settings.TRIAGE_PROPOSE_GRIDS = 2
    problems.refresh(ledger.district)
    assert ProblemCandidate.objects.get(district=ledger.district).propose_major
    settings.TRIAGE_PROPOSE_GRIDS = 3
    settings.TRIAGE_PROPOSE_HOUSEHOLDS = 3
    problems.refresh(ledger.district)
    assert ProblemCandidate.objects.get(district=ledger.district).propose_major
    settings.TRIAGE_PROPOSE_HOUSEHOLDS = 4
    problems.refresh(ledger.district)
    assert not ProblemCandidate.objects.get(district=ledger.district).propose_major


def test_a_new_run_keeps_the_candidate_and_a_new_report_makes_a_decision_on_it_stale(
    ledger: SimpleNamespace, leaks: list[Any], report: Any
) -> None:
    problems.refresh(ledger.district)
    first = ProblemCandidate.objects.get(district=ledger.district)
    problems.refresh(ledger.district)
    again = ProblemCandidate.objects.get(district=ledger.district)
    assert (again.uid, again.version) == (first.uid, first.version)
    report(title="屋顶漏水", description="顶楼屋顶漏水，下雨就漏", household=ledger.household_y)
    problems.refresh(ledger.district)
    grown = ProblemCandidate.objects.get(district=ledger.district)
    assert grown.uid == first.uid
    assert grown.case_count == first.case_count + 1
    assert grown.version == first.version + 1
    with pytest.raises(Conflict):
        accept_candidate(grown, actor=ledger.community_worker, version=first.version)


def test_a_candidate_no_group_continues_is_removed(ledger: SimpleNamespace, leaks: list[Any]) -> None:
    problems.refresh(ledger.district)
    for case in leaks[1:]:
        actions.reject_case(
            case.__class__.objects.get(pk=case.pk),
            actor=ledger.community_worker,
            version=case.version,
            outcome="not_true",
            reason="不属实",
        )
    problems.refresh(ledger.district)
    assert not ProblemCandidate.objects.filter(district=ledger.district).exists()


def test_accepting_creates_the_common_problem_through_the_ledger(
    ledger: SimpleNamespace, leaks: list[Any]
) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    problem = accept_candidate(candidate, actor=ledger.community_worker, version=candidate.version)
    assert isinstance(problem, CommonProblem)
    assert problem.title == candidate.label
    assert set(problem.cases.values_list("number", flat=True)) == {c.number for c in leaks}
    candidate.refresh_from_db()
    assert (candidate.state, candidate.problem, candidate.decided_by) == (
        CandidateState.ACCEPTED,
        problem,
        ledger.community_worker,
    )
    # Cases in a problem are not grouped again.
    assert problems.refresh(ledger.district).candidates == 0


def test_staff_may_keep_only_some_members_and_name_the_problem(
    ledger: SimpleNamespace, leaks: list[Any]
) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    problem = accept_candidate(
        candidate, actor=ledger.community_worker, version=candidate.version, cases=leaks[:2], title="屋顶漏水"
    )
    assert problem.title == "屋顶漏水"
    assert problem.cases.count() == 2


def test_a_case_outside_the_candidate_cannot_be_slipped_in(
    ledger: SimpleNamespace, leaks: list[Any], report: Any
) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    stranger = report(title="别的事", description="别的事")
    with pytest.raises(ValidationError) as error:
        accept_candidate(
            candidate, actor=ledger.community_worker, version=candidate.version, cases=[leaks[0], stranger]
        )
    assert stranger.number in str(error.value.message_dict["cases"])
    assert not CommonProblem.objects.exists()


def test_only_the_triage_roles_at_or_above_the_place_decide(
    ledger: SimpleNamespace, leaks: list[Any], everyone: dict[str, Any]
) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    for name in ("grid_manager_x", "grid_leader_x", "resident_a", "housing_handler", "nobody"):
        with pytest.raises(NotAllowed):
            dismiss_candidate(candidate, actor=everyone[name], version=candidate.version)
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.PROPOSED
    dismiss_candidate(candidate, actor=everyone["street_staff"], version=candidate.version)


def test_a_stale_or_decided_candidate_is_a_conflict(ledger: SimpleNamespace, leaks: list[Any]) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    with pytest.raises(Conflict):
        dismiss_candidate(candidate, actor=ledger.community_worker, version=candidate.version + 1)
    dismiss_candidate(candidate, actor=ledger.community_worker, version=candidate.version)
    with pytest.raises(Conflict):
        accept_candidate(candidate, actor=ledger.community_worker2, version=None)
    assert not CommonProblem.objects.exists()


def test_a_dismissed_group_is_not_proposed_again_until_a_new_report_joins_it(
    ledger: SimpleNamespace, leaks: list[Any], report: Any
) -> None:
    problems.refresh(ledger.district)
    candidate = ProblemCandidate.objects.get(district=ledger.district)
    dismiss_candidate(candidate, actor=ledger.community_worker, version=candidate.version)
    result = problems.refresh(ledger.district)
    assert (result.candidates, result.skipped_dismissed) == (0, 1)
    report(title="屋顶漏水", description="3楼屋顶漏水，下雨就漏", household=ledger.household_y)
    assert problems.refresh(ledger.district).candidates == 1


def test_candidates_are_seen_within_the_scope_of_their_place(
    ledger: SimpleNamespace, leaks: list[Any], everyone: dict[str, Any]
) -> None:
    problems.refresh(ledger.district)
    seeing = {name for name, user in everyone.items() if problems.candidates_visible_to(user).exists()}
    assert seeing == {"community_worker", "community_worker2", "street_staff", "district_admin", "root"}


def test_the_command_refreshes_each_district_and_prints_the_hottest(
    ledger: SimpleNamespace, leaks: list[Any]
) -> None:
    out = StringIO()
    call_command("triage_problems", stdout=out)
    assert "candidates: 1" in out.getvalue()
    assert "屋顶漏水" in out.getvalue()
    assert ProblemCandidate.objects.filter(district=ledger.district).count() == 1
    with pytest.raises(CommandError):
        call_command("triage_problems", "--district", "NOPE", stdout=StringIO())
