"""The common-problems pages (docs/triage.md, "Common problems"): who sees the list and a
candidate, who may accept or dismiss it, the accept form's errors, and a constant query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from grassroots.cases.models import CommonProblem
from grassroots.triage import problems
from grassroots.triage.models import CandidateState, ProblemCandidate

SEEING = {"community_worker", "street_staff", "district_admin", "root"}


@pytest.fixture
def candidate(ledger: Any, leaks: list[Any]) -> ProblemCandidate:
    problems.refresh(ledger.district)
    return ProblemCandidate.objects.get(district=ledger.district)


def test_the_list_and_the_candidate_are_for_the_triage_roles_above_its_place(
    client_for: Any, candidate: ProblemCandidate
) -> None:
    for name in (*PERSONAS, "root"):
        client = client_for(name)
        listed = client.get("/problems/")
        page = client.get(f"/problems/{candidate.uid}/")
        if name in SEEING:
            assert listed.status_code == 200, name
            assert candidate.label in listed.content.decode()
            assert page.status_code == 200, name
            assert f"/problems/{candidate.uid}/accept/" in page.content.decode()
        else:
            assert (listed.status_code, page.status_code) == (404, 404), name


def test_the_candidate_page_lists_its_cases_and_figures(
    client_for: Any, candidate: ProblemCandidate, leaks: list[Any]
) -> None:
    html = client_for("community_worker").get(f"/problems/{candidate.uid}/").content.decode()
    for case in leaks:
        assert case.number in html
    assert "屋顶漏水" in html


def test_accepting_on_the_page_creates_the_problem(
    client_for: Any, candidate: ProblemCandidate, leaks: list[Any]
) -> None:
    response = client_for("community_worker").post(
        f"/problems/{candidate.uid}/accept/",
        {
            "version": candidate.version,
            "title": "屋顶漏水",
            "description": "",
            "cases": [c.number for c in leaks[:2]],
        },
    )
    assert response.status_code == 302
    problem = CommonProblem.objects.get()
    assert problem.title == "屋顶漏水"
    assert problem.cases.count() == 2
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.ACCEPTED


def test_a_bad_accept_shows_the_error_and_keeps_the_input(
    client_for: Any, candidate: ProblemCandidate, leaks: list[Any]
) -> None:
    client = client_for("community_worker")
    response = client.post(
        f"/problems/{candidate.uid}/accept/",
        {"version": candidate.version, "title": "", "description": "保留的说明", "cases": []},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "保留的说明" in html
    assert 'aria-invalid="true"' in html or "errorlist" in html
    response = client.post(
        f"/problems/{candidate.uid}/accept/",
        {"version": candidate.version, "title": "屋顶漏水", "cases": [leaks[0].number]},
    )
    assert response.status_code == 400  # one case is not a common problem
    assert not CommonProblem.objects.exists()


def test_a_stale_accept_is_refused_with_the_page_as_it_is_now(
    client_for: Any, candidate: ProblemCandidate, leaks: list[Any]
) -> None:
    response = client_for("community_worker").post(
        f"/problems/{candidate.uid}/accept/",
        {"version": candidate.version + 5, "title": "屋顶漏水", "cases": [c.number for c in leaks]},
    )
    assert response.status_code == 409
    assert "该候选已被他人修改" in response.content.decode()
    assert "屋顶漏水" in response.content.decode()
    assert not CommonProblem.objects.exists()


def test_dismissing_moves_the_candidate_off_the_proposed_list(
    client_for: Any, candidate: ProblemCandidate
) -> None:
    client = client_for("street_staff")
    client.post(f"/problems/{candidate.uid}/dismiss/", {})  # no version: refused, nothing decided
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.PROPOSED
    response = client.post(f"/problems/{candidate.uid}/dismiss/", {"version": candidate.version})
    assert response.status_code == 302
    assert candidate.label not in client.get("/problems/").content.decode()
    assert candidate.label in client.get("/problems/?state=dismissed").content.decode()


def test_the_list_costs_the_same_queries_for_more_candidates(
    client_for: Any, ledger: Any, report: Any, leaks: list[Any]
) -> None:
    client = client_for("district_admin")

    def count() -> int:
        problems.refresh(ledger.district)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/problems/").status_code == 200
        return len(queries)

    one = count()
    for k in range(3):
        report(title=f"井盖丢失{k}", description="学校门口井盖丢失，很危险", household=ledger.household_y)
    for _ in range(3):
        report(title="路面坑洼积水", description="门口路面坑洼积水，车辆颠簸", household=ledger.household_y)
    more = count()
    assert ProblemCandidate.objects.filter(state=CandidateState.PROPOSED).count() >= 2
    assert more == one
