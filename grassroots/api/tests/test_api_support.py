"""我也遇到 ("me too") through the API: ``POST``/``DELETE cases/{number}/support/`` for a neighbour in
the community; 404 for a case the caller does not see at all, 403 for one they see but may not
support; the figure (linked duplicates and residents' "me too") in the public view and the detail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from grassroots.api.tests import case_states as states
from grassroots.cases import actions
from grassroots.cases.models import CaseSupport

# On a 小事 of grid X held by community C, reported for resident A by grid manager X.
EXPECTED = {
    "resident_b": 201,  # a neighbour in community C
    "resident_a": 403,  # the reporter
    "grid_manager_x": 403,  # staff who see the case: no resident
    "community_worker": 403,
    "street_staff": 403,
    "district_admin": 403,
    "root": 403,
    "grid_manager_y": 404,  # staff who do not see it
    "department_handler": 404,
    "nobody": 404,
}


def url(case):
    return f"/api/cases/{case.number}/support/"


def elsewhere(ledger, report):
    """A public matter of community C2."""
    case = report(
        actor=ledger.district_admin, household=ledger.household_z, reporter=None, reporter_name="刘"
    )
    return actions.triage_case(
        case, actor=ledger.district_admin, version=case.version, triage_class="major", reason="公共"
    )


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_who_may_say_me_too(client_for, ledger, report, persona):
    case = states.routed(ledger, report)
    client = client_for(persona)

    said = client.post(url(case))
    taken_back = client.delete(url(case))

    assert said.status_code == EXPECTED[persona]
    if persona == "resident_b":
        assert said.json() == {"number": case.number, "me_too": 1, "supported": True}
        assert taken_back.status_code == 204
    else:
        assert taken_back.status_code == EXPECTED[persona]
    if EXPECTED[persona] == 403:
        assert said.json()["code"] == "permission_denied"
    assert not CaseSupport.objects.exists()


def test_signed_out_callers_are_refused(client_for, ledger, report):
    case = states.routed(ledger, report)
    assert client_for("anonymous").post(url(case)).status_code in (401, 403)


def test_saying_it_twice_and_taking_back_twice_change_nothing_more(client_for, ledger, report):
    case = states.triaged(ledger, report)
    client = client_for("resident_b")
    assert client.post(url(case)).status_code == 201
    again = client.post(url(case))
    assert again.status_code == 201
    assert again.json()["me_too"] == 1
    assert CaseSupport.objects.count() == 1
    assert client.delete(url(case)).status_code == 204
    assert client.delete(url(case)).status_code == 204
    assert not CaseSupport.objects.exists()


def test_a_closed_case_is_refused_and_another_communitys_is_not_found(client_for, ledger, report):
    closed = states.triaged(ledger, report)
    actions.close_unsolved(closed, actor=ledger.community_worker, version=closed.version, reason="无法解决")
    client = client_for("resident_b")
    refused = client.post(url(closed), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "The case is closed."
    assert client.post(url(elsewhere(ledger, report))).status_code == 404
    assert client.post("/api/cases/2026-999999/support/").status_code == 404


def test_a_residents_own_private_matter_is_refused_not_hidden(client_for, ledger, report):
    own = states.guided(ledger, report)  # resident A's 私事: theirs, but no public matter
    assert client_for("resident_a").post(url(own)).status_code == 403
    assert client_for("resident_b").post(url(own)).status_code == 404


def test_the_public_view_and_the_detail_show_the_figure(client_for, ledger, report):
    case = states.triaged(ledger, report)
    duplicate = states.registered(ledger, report, title="又坏了")
    actions.mark_duplicate(duplicate, actor=ledger.community_worker, version=duplicate.version, original=case)
    client_for("resident_b").post(url(case))

    [row] = client_for("resident_b").get("/api/public-cases/").json()["results"]
    assert (row["number"], row["me_too"], row["supported"]) == (case.number, 2, True)
    [row] = client_for("resident_a").get("/api/public-cases/").json()["results"]
    assert (row["me_too"], row["supported"]) == (2, False)
    assert client_for("resident_b").get(f"/api/public-cases/{case.number}/").json()["me_too"] == 2

    detail = client_for("community_worker").get(f"/api/cases/{case.number}/").json()
    assert detail["me_too"] == 2
    assert client_for("community_worker").get(f"/api/cases/{duplicate.number}/").json()["me_too"] == 0


def test_the_public_view_reads_the_figures_in_a_constant_number_of_queries(client_for, ledger, report):
    client = client_for("resident_b")

    def grow(n):
        for i in range(n):
            case = states.triaged(ledger, report, title=f"第{i}件")
            actions.support_case(case, actor=ledger.resident_b_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = client.get("/api/public-cases/", {"page_size": 500}).json()["results"]
        assert all(row["me_too"] == 1 and row["supported"] for row in rows)
        return len(captured), len(rows)

    grow(2)
    few, few_rows = queries()
    grow(8)
    many, many_rows = queries()
    assert (few_rows, many_rows) == (2, 10)
    assert many == few


def test_the_endpoint_is_in_the_schema(client_for):
    from drf_spectacular.generators import SchemaGenerator

    operations = SchemaGenerator().get_schema(request=None, public=True)["paths"][
        "/api/cases/{number}/support/"
    ]
    assert set(operations) >= {"post", "delete"}
    assert "201" in operations["post"]["responses"]
    assert "204" in operations["delete"]["responses"]
