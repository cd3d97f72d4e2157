"""Who reads which case: listed and retrievable for exactly the personas whose posts (or own
report) cover it, "not found" for everyone else (docs/domain.md §1, §3)."""

import pytest

from conftest import PERSONAS
from grassroots.api.tests import case_states as states
from grassroots.cases import actions

# case: (how it is made, who sees it)
CASES = {
    "reported at X by grid manager X for resident A": (
        lambda w, report: states.registered(w, report),
        {"resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"},
    ),
    "reported at Y by the community worker": (
        lambda w, report: report(actor=w.community_worker, household=w.household_y, reporter=w.resident_b),
        {"resident_b", "grid_manager_y", "community_worker", "street_staff", "district_admin"},
    ),
    "reported at W (other street) by the district admin": (
        lambda w, report: report(
            actor=w.district_admin, household=w.household_w, reporter=None, reporter_name="刘女士"
        ),
        {"district_admin"},
    ),
    "a 大事 at X routed to 民政局": (
        lambda w, report: _routed_to_department(w, report),
        {
            "resident_a",
            "grid_manager_x",
            "community_worker",
            "street_staff",
            "district_admin",
            "department_handler",
        },
    ),
}


def _routed_to_department(w, report):
    case = states.triaged(w, report, triage_class="major")
    return actions.route_case(
        case, actor=w.community_worker, version=case.version, level="department", department=w.department
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_case_is_seen_by_exactly_the_personas_it_belongs_to(client_for, ledger, report, name):
    make, readers = CASES[name]
    case = make(ledger, report)

    listed = {}
    retrieved = {}
    for persona in PERSONAS:
        client = client_for(persona)
        rows = client.get("/api/cases/", {"page_size": 500}).json()["results"]
        listed[persona] = case.number in {row["number"] for row in rows}
        retrieved[persona] = client.get(f"/api/cases/{case.number}/").status_code

    assert {p for p, seen in listed.items() if seen} == readers
    assert retrieved == {p: 200 if p in readers else 404 for p in PERSONAS}


def test_an_unknown_number_and_a_malformed_one_are_not_found(client_for, ledger):
    client = client_for("district_admin")

    assert client.get("/api/cases/2026-999999/").status_code == 404
    assert client.get("/api/cases/not-a-number/").status_code == 404


def test_signed_out_clients_see_nothing(client_for, ledger, report):
    case = report()

    assert client_for("anonymous").get("/api/cases/").status_code == 401
    assert client_for("anonymous").get(f"/api/cases/{case.number}/").status_code == 401
