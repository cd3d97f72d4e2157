"""Candidate common problems over the API (docs/triage.md, "Common problems"): the list in scope,
hottest first, the detail with its members, accept (201 with the new problem) and dismiss, 403 for
those who see but may not decide, 404 out of sight, 409 when stale."""

import pytest

from grassroots.cases.models import CommonProblem
from grassroots.triage import problems
from grassroots.triage.models import ProblemCandidate

LIST = "/api/triage/problems/"
SEEING = {"community_worker", "street_staff", "district_admin"}


@pytest.fixture
def candidate(ledger, leaks):
    problems.refresh(ledger.district)
    return ProblemCandidate.objects.get(district=ledger.district)


def test_the_list_shows_the_candidate_to_staff_above_its_place_only(client_for, candidate):
    for name in ("resident_a", "grid_manager_x", "grid_manager_y", "department_handler", "nobody", *SEEING):
        response = client_for(name).get(LIST)
        assert response.status_code == 200, (name, response.content)
        uids = (
            [row["uid"] for row in response.json()["results"]]
            if "results" in response.json()
            else [row["uid"] for row in response.json()]
        )
        assert (str(candidate.uid) in uids) == (name in SEEING), name


def test_the_detail_lists_the_members_with_their_figures(client_for, candidate, leaks):
    response = client_for("community_worker").get(f"{LIST}{candidate.uid}/")
    assert response.status_code == 200
    body = response.json()
    assert body["case_count"] == 4
    assert body["household_count"] == 3
    assert {m["number"] for m in body["members"]} == {c.number for c in leaks}
    assert body["members"][0]["similarity"] >= body["members"][-1]["similarity"]
    assert client_for("grid_manager_x").get(f"{LIST}{candidate.uid}/").status_code == 404


def test_accepting_creates_the_problem_and_answers_201(client_for, candidate, leaks):
    response = client_for("community_worker").post(
        f"{LIST}{candidate.uid}/accept/",
        {"version": candidate.version, "cases": [c.number for c in leaks[:3]], "title": "3号楼屋顶漏水"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "accepted"
    problem = CommonProblem.objects.get(uid=body["problem"])
    assert problem.title == "3号楼屋顶漏水"
    assert problem.cases.count() == 3


def test_a_bad_accept_is_a_field_error_and_writes_nothing(client_for, candidate):
    client = client_for("community_worker")
    response = client.post(f"{LIST}{candidate.uid}/accept/", {"cases": ["NOPE"]}, format="json")
    assert response.status_code == 400
    assert "cases" in response.json() or "version" in response.json()
    response = client.post(
        f"{LIST}{candidate.uid}/accept/", {"version": candidate.version, "category": "NOPE"}, format="json"
    )
    assert response.status_code == 400
    assert "category" in response.json()
    assert not CommonProblem.objects.exists()


def test_dismissing_is_for_the_triage_roles_and_a_second_decision_conflicts(client_for, candidate):
    url = f"{LIST}{candidate.uid}/dismiss/"
    assert client_for("grid_manager_x").post(url, {"version": 1}, format="json").status_code == 404
    response = client_for("street_staff").post(url, {"version": candidate.version}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "dismissed"
    again = client_for("community_worker").post(url, {"version": candidate.version + 1}, format="json")
    assert again.status_code == 409


def test_an_unknown_state_filter_is_a_field_error(client_for, candidate):
    response = client_for("community_worker").get(LIST, {"state": "maybe"})
    assert response.status_code == 400
    assert "state" in response.json()
