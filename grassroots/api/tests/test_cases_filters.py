"""The ledger's list filters (cases.filters.CaseFilter) over HTTP: each narrows what the caller
already sees, and the work queues list what the rules give the caller to do."""

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.api.tests import case_states as states
from grassroots.cases import actions
from grassroots.cases.models import Case


def numbers(client, **params):
    response = client.get("/api/cases/", {"page_size": 500, **params})
    assert response.status_code == 200, response.json()
    return {row["number"] for row in response.json()["results"]}


@pytest.fixture
def admin(client_for):
    return client_for("district_admin")


def test_state_takes_several_values_and_open_excludes_closed(admin, ledger, report):
    registered = states.registered(ledger, report)
    triaged = states.triaged(ledger, report)
    closed = states.closed(ledger, report)

    assert numbers(admin, state=["registered", "triaged"]) == {registered.number, triaged.number}
    assert numbers(admin, open="true") == {registered.number, triaged.number}
    assert numbers(admin, open="false") == {closed.number}
    assert admin.get("/api/cases/", {"state": "bogus"}).status_code == 400


def test_class_category_with_its_sub_categories_and_channel(admin, ledger, report):
    light = states.triaged(ledger, report, category=ledger.cat_light)
    community = states.triaged(ledger, report, category=ledger.cat_comm)
    road = states.triaged(ledger, report, triage_class="major", category=ledger.cat_road, channel="hotline")

    assert numbers(admin, triage_class="major") == {road.number}
    assert numbers(admin, category="SQ") == {light.number, community.number}
    assert numbers(admin, category="SQ-01") == {light.number}
    assert numbers(admin, category="nope") == set()
    assert numbers(admin, channel="hotline") == {road.number}


def test_unit_takes_a_subtree(admin, ledger, report):
    at_x = states.registered(ledger, report)
    at_y = report(household=ledger.household_y, reporter=ledger.resident_b)
    at_w = report(
        actor=ledger.district_admin, household=ledger.household_w, reporter=None, reporter_name="刘"
    )

    assert numbers(admin, unit=ledger.grid_x.code) == {at_x.number}
    assert numbers(admin, unit=ledger.community.code) == {at_x.number, at_y.number}
    assert numbers(admin, unit=ledger.street2.code) == {at_w.number}
    assert numbers(admin, unit="unknown") == set()


def test_a_unit_outside_the_callers_scope_matches_nothing(client_for, ledger, report):
    report(actor=ledger.district_admin, household=ledger.household_w, reporter=None, reporter_name="刘")

    assert numbers(client_for("community_worker"), unit=ledger.grid_w.code) == set()


def test_overdue_colours_and_supervision(admin, ledger, report):
    plain = states.routed(ledger, report)
    yellow = states.routed(ledger, report)
    red = states.routed(ledger, report)
    Case.objects.filter(pk=yellow.pk).update(stage_color="yellow")
    Case.objects.filter(pk=red.pk).update(case_color="red")
    red.refresh_from_db()
    actions.supervise_case(
        red, actor=ledger.street_staff, version=red.version, level="red_card", reason="严重超期"
    )

    assert numbers(admin, stage_color="yellow") == {yellow.number}
    assert numbers(admin, case_color="red") == {red.number}
    assert numbers(admin, color=["yellow", "red"]) == {yellow.number, red.number}
    assert numbers(admin, supervision="red_card") == {red.number}
    assert numbers(admin, supervised="true") == {red.number}
    assert plain.number in numbers(admin, supervised="false")


def test_date_ranges(admin, ledger, report):
    now = timezone.now()
    old = report(received_at=now - dt.timedelta(days=40))
    new = report(received_at=now)
    closed = states.closed(ledger, report)
    today = timezone.localdate().isoformat()
    long_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()

    assert numbers(admin, received_before=long_ago) == {old.number}
    assert numbers(admin, received_after=long_ago) == {new.number, closed.number}
    assert numbers(admin, closed_after=today, closed_before=today) == {closed.number}
    assert old.number in numbers(admin, due_before=today)


def test_text_search_over_number_title_and_description(admin, ledger, report):
    lamp = report(title="路灯坏了", description="门口")
    drain = report(title="下水道", description="2栋下水道堵塞，路面积水")

    assert numbers(admin, q="路灯") == {lamp.number}
    assert numbers(admin, q="积水") == {drain.number}
    assert numbers(admin, q=drain.number) == {drain.number}


def test_assignee_me(client_for, ledger, report):
    mine = states.in_progress(ledger, report)  # accepting assigns it to the community worker
    states.routed(ledger, report)

    assert numbers(client_for("community_worker"), assignee="me") == {mine.number}
    assert numbers(client_for("street_staff"), assignee="me") == set()
    assert numbers(client_for("district_admin"), assignee=str(ledger.community_worker.uid)) == {mine.number}


def test_queues_list_what_waits_for_the_caller(client_for, ledger, report):
    waiting = states.registered(ledger, report)
    held = states.routed(ledger, report)
    to_verify = states.resolved(ledger, report)
    guided = states.guided(ledger, report)  # followed up by grid X
    worker, worker2, gm_x = (
        client_for("community_worker"),
        client_for("community_worker"),
        client_for("grid_manager_x"),
    )
    worker2.force_login(ledger.community_worker2)

    assert numbers(worker, queue="to_triage") == {waiting.number}
    assert numbers(gm_x, queue="to_triage") == set()
    assert numbers(worker, queue="held_by_me") == {held.number}
    assert numbers(gm_x, queue="held_by_me") == {guided.number}
    # the community worker resolved it: someone else verifies
    assert numbers(worker, queue="to_verify") == set()
    assert numbers(worker2, queue="to_verify") == {to_verify.number}


def test_a_department_holds_what_is_routed_to_it(client_for, ledger, report):
    case = states.triaged(ledger, report, triage_class="major")
    actions.route_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        level="department",
        department=ledger.department,
    )

    assert numbers(client_for("department_handler"), queue="held_by_me") == {case.number}
    assert numbers(client_for("department_handler"), department="MZ") == {case.number}
