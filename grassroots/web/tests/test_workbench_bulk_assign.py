"""Bulk assignment from the workbench: one ``assign_case`` per selected case with the version the
list showed; each case is assigned or refused on its own, and the page reports which and why —
a case changed meanwhile is "changed by someone else", never overwritten."""

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.choices import EventKind
from grassroots.cases.models import Case, CaseEvent
from grassroots.web.tests.test_workbench_queues import build_desk


@pytest.fixture
def desk(ledger, bring, report):
    return build_desk(ledger, bring, report)


@pytest.fixture
def english(everyone):
    def make(name):
        client = Client(headers={"accept-language": "en"})
        client.force_login(everyone[name])
        return client

    return make


def shown(client, **params):
    """The list as the page shows it: {number: row}."""
    response = client.get(reverse("web:workbench"), params)
    assert response.status_code == 200
    return response, {row.number: row for row in response.context["rows"]}


def submit(client, rows, assignee, query="", **extra):
    data = {"case": [row.number for row in rows], "assignee": str(assignee.uid) if assignee else ""}
    data.update({f"version-{row.number}": row.version for row in rows})
    data.update(extra)
    url = reverse("web:workbench-assign") + (f"?{query}" if query else "")
    response = client.post(url, data)
    assert response.status_code == 200
    return response


def outcomes(response):
    report = response.context["report"]
    return {o.number: (o.done, o.message) for o in report.outcomes}


def test_a_community_worker_assigns_the_communitys_cases_to_a_colleague(desk, english):
    client = english("community_worker")
    _, rows = shown(client, tab="unit")
    picked = [rows[desk.cases["comm"].number], rows[desk.cases["reopened"].number]]
    assert all(row.assignable for row in picked)
    response = submit(client, picked, desk.community_worker2, query="tab=unit")
    assert outcomes(response) == {
        row.number: (True, f"Assigned to {desk.community_worker2.display_name}.") for row in picked
    }
    for row in picked:
        case = Case.objects.get(number=row.number)
        assert case.assignee == desk.community_worker2
        assert case.version == row.version + 1
        assert CaseEvent.objects.filter(
            case=case, kind=EventKind.ASSIGN, actor=desk.community_worker
        ).exists()
    # The page comes back on the same queue, as it is now.
    assert response.context["queue"].key == "unit"
    assert "Assigned: 2. Refused: 0." in response.content.decode()


def test_the_assignee_list_offers_the_people_who_hold_the_selected_cases(desk, english):
    response, _ = shown(english("community_worker"), tab="unit")
    offered = {person.uid for group in response.context["candidates"] for person in group.people}
    assert offered == {str(desk.community_worker.uid), str(desk.community_worker2.uid)}
    response, _ = shown(english("grid_leader_x"), tab="unit")
    offered = {person.uid for group in response.context["candidates"] for person in group.people}
    assert offered == {str(desk.grid_manager_x.uid), str(desk.grid_leader_x.uid)}


def test_someone_outside_the_holding_unit_is_refused_case_by_case(desk, english):
    """Grid X's routed case cannot go to a community worker; the community's case in the same
    submission still can."""
    client = english("community_worker")
    _, everything = shown(client, tab="yellow")
    _, unit = shown(client, tab="unit")
    grid_case = everything[desk.cases["grid_routed"].number]
    comm_case = unit[desk.cases["comm"].number]
    response = submit(client, [grid_case, comm_case], desk.community_worker2)
    assert outcomes(response) == {
        grid_case.number: (False, "Assign to someone of the unit or department that holds the case."),
        comm_case.number: (True, f"Assigned to {desk.community_worker2.display_name}."),
    }
    assert Case.objects.get(number=grid_case.number).assignee is None


def test_a_person_who_may_not_assign_is_refused_and_offered_no_checkbox(desk, english):
    client = english("grid_manager_x")
    _, rows = shown(client, tab="red")
    row = rows[desk.cases["comm"].number]
    assert not row.assignable
    before = Case.objects.get(number=row.number)
    response = submit(client, [row], desk.grid_manager_x)
    assert outcomes(response) == {row.number: (False, "You cannot assign this case.")}
    after = Case.objects.get(number=row.number)
    assert (after.version, after.assignee_id) == (before.version, before.assignee_id)


def test_a_case_the_person_cannot_see_is_not_found(desk, english):
    comm = desk.cases["comm"]
    client = english("grid_manager_y")
    response = client.post(
        reverse("web:workbench-assign"),
        {
            "case": [comm.number],
            f"version-{comm.number}": comm.version,
            "assignee": str(desk.grid_manager_y.uid),
        },
    )
    assert outcomes(response) == {comm.number: (False, "Not found.")}
    assert Case.objects.get(pk=comm.pk).version == comm.version


def test_a_case_in_a_state_without_assignment_is_refused(desk, english):
    reg = desk.cases["reg_x"]
    client = english("community_worker")
    response = client.post(
        reverse("web:workbench-assign"),
        {
            "case": [reg.number],
            f"version-{reg.number}": reg.version,
            "assignee": str(desk.community_worker2.uid),
        },
    )
    assert outcomes(response) == {reg.number: (False, "Not possible while the case is Registered.")}


def test_a_case_changed_since_the_list_was_shown_is_changed_by_someone_else(desk, english):
    client = english("community_worker")
    _, rows = shown(client, tab="unit")
    stale = rows[desk.cases["comm"].number]
    fresh = rows[desk.cases["reopened"].number]
    comm = Case.objects.get(number=stale.number)
    comm = actions.add_progress(comm, actor=desk.community_worker, version=comm.version, note="联系了物业")
    response = submit(client, [stale, fresh], desk.community_worker2, query="tab=unit")
    result = outcomes(response)
    assert result[stale.number] == (
        False,
        "Changed by someone else; it was not assigned. The list shows it as it is now.",
    )
    assert result[fresh.number][0] is True
    assert Case.objects.get(number=stale.number).assignee == desk.community_worker
    # The list that comes back carries the current version, so a second try goes through.
    again = {row.number: row for row in response.context["rows"]}
    assert again[stale.number].version == comm.version


def test_a_missing_version_is_refused_rather_than_written_blind(desk, english):
    comm = desk.cases["comm"]
    response = english("community_worker").post(
        reverse("web:workbench-assign"), {"case": [comm.number], "assignee": str(desk.community_worker2.uid)}
    )
    done, message = outcomes(response)[comm.number]
    assert not done
    assert "version" in message
    assert Case.objects.get(pk=comm.pk).assignee == desk.community_worker


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assignee": "x"}, "Select at least one case."),
        ({"case": ["2026-000001"]}, "Choose the person to assign the cases to."),
        ({"case": ["2026-000001"], "assignee": "not-a-uid"}, "Choose the person to assign the cases to."),
        (
            {"case": [f"2026-{n:06d}" for n in range(101)], "assignee": "x"},
            "Select at most 100 cases at a time.",
        ),
    ],
)
def test_an_incomplete_submission_says_what_is_missing(desk, english, data, message):
    response = english("community_worker").post(reverse("web:workbench-assign"), data)
    assert response.context["report"].error == message
    assert message in response.content.decode()


def test_the_bulk_form_posts_back_to_the_same_queue_and_filters(desk, english):
    response, _ = shown(english("community_worker"), tab="unit", q="楼道")
    body = response.content.decode()
    assert 'action="/workbench/assign/?q=%E6%A5%BC%E9%81%93&amp;tab=unit"' in body
