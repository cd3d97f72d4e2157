"""Each queue of the workbench lists exactly the cases the person's access gives them there, and
each tab's count is the length of its list.

The desk (``desk`` fixture, also used by the other workbench tests):

    reg_x        registered in grid X                          (to triage: community C and up)
    tri_y        triaged in grid Y, reported by resident B     (to triage: awaiting routing)
    reg_z        registered in grid Z (community C2)           (to triage: street S and up)
    reg_w        registered in grid W (street S2)              (to triage: district only)
    comm         in progress at community C, assigned to the community worker, case clock red
    grid_routed  routed to grid X, nobody assigned, stage clock yellow
    grid_prog    in progress at grid X, assigned to grid manager X
    dept         routed to 区住建局
    resolved     resolved at community C by the community worker (verified by others)
    reopened     reopened by resident A: back in progress with the community worker
    closed       closed as solved (in no queue)
"""

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Case

QUEUE_KEYS = ("to_triage", "mine", "unit", "yellow", "red", "verify", "reopened")


def build_desk(ledger, bring, report):
    """The desk of the module docstring, on the ledger's world (the other workbench tests use it)."""
    w = ledger
    caller = {"reporter": None, "reporter_name": "王先生"}
    cases = {
        "reg_x": bring.registered(),
        "tri_y": bring.triaged(actor=w.resident_b_user, household=w.household_y, reporter=w.resident_b),
        "reg_z": report(actor=w.street_staff, household=w.household_z, **caller),
        "reg_w": report(actor=w.district_admin, household=w.household_w, **caller),
        "comm": bring.in_progress("community"),
        "grid_routed": bring.routed("grid"),
        "grid_prog": bring.in_progress("grid"),
        "dept": bring.at_department(),
        "resolved": bring.resolved("community"),
        "closed": bring.closed(),
    }
    rated = bring.rated()
    cases["reopened"] = actions.reopen_case(
        rated, actor=w.resident_a_user, version=rated.version, comment="灯又坏了"
    )
    # Colours rise only through the sweeper; the desk sets them directly to have one of each.
    Case.objects.filter(pk=cases["comm"].pk).update(case_color="red")
    Case.objects.filter(pk=cases["grid_routed"].pk).update(stage_color="yellow")
    w.cases = {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}
    w.names = {case.number: name for name, case in w.cases.items()}
    return w


@pytest.fixture
def desk(ledger, bring, report):
    return build_desk(ledger, bring, report)


@pytest.fixture
def desk_client(desk, everyone):
    """``desk_client(persona)`` → a client signed in as one of the ledger's personas."""

    def make(name):
        client = Client()
        client.force_login(everyone[name])
        return client

    return make


def listed(desk, response):
    return {desk.names[row.number] for row in response.context["rows"]}


EXPECTED = {
    "grid_manager_x": {
        "mine": {"grid_prog"},
        "unit": {"grid_routed", "grid_prog"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "reopened": {"reopened"},
    },
    "grid_manager_y": {},
    "grid_leader_x": {
        "unit": {"grid_routed", "grid_prog"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "verify": {"resolved"},
        "reopened": {"reopened"},
    },
    "community_worker": {
        "to_triage": {"reg_x", "tri_y"},
        "mine": {"comm", "reopened"},
        "unit": {"comm", "reopened"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "reopened": {"reopened"},
    },
    "community_worker2": {
        "to_triage": {"reg_x", "tri_y"},
        "unit": {"comm", "reopened"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "verify": {"resolved"},
        "reopened": {"reopened"},
    },
    "street_staff": {
        "to_triage": {"reg_x", "tri_y", "reg_z"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "verify": {"resolved"},
        "reopened": {"reopened"},
    },
    "housing_handler": {"unit": {"dept"}},
    "department_handler": {},
    "district_admin": {
        "to_triage": {"reg_x", "tri_y", "reg_z", "reg_w"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "verify": {"resolved"},
        "reopened": {"reopened"},
    },
    "root": {
        "to_triage": {"reg_x", "tri_y", "reg_z", "reg_w"},
        "yellow": {"grid_routed"},
        "red": {"comm"},
        "verify": {"resolved"},
        "reopened": {"reopened"},
    },
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_queue_lists_exactly_the_cases_the_persona_has_there(desk, desk_client, persona):
    client = desk_client(persona)
    seen = {}
    for key in QUEUE_KEYS:
        response = client.get(reverse("web:workbench"), {"tab": key})
        assert response.status_code == 200
        assert response.context["queue"].key == key
        seen[key] = listed(desk, response)
    assert seen == {key: EXPECTED[persona].get(key, set()) for key in QUEUE_KEYS}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_tab_counts_the_length_of_its_list(desk, desk_client, persona):
    client = desk_client(persona)
    counts = {tab.key: tab.count for tab in client.get(reverse("web:workbench")).context["tabs"]}
    assert counts == {key: len(EXPECTED[persona].get(key, ())) for key in QUEUE_KEYS}
    for key in QUEUE_KEYS:
        response = client.get(reverse("web:workbench"), {"tab": key})
        assert response.context["count"] == counts[key] == len(response.context["rows"])


def test_a_queue_never_shows_a_case_outside_what_the_person_may_read(desk, desk_client, everyone):
    from grassroots.cases.access import cases_visible_to

    for persona, queues in EXPECTED.items():
        numbers = cases_visible_to(everyone[persona]).values_list("number", flat=True)
        visible = {desk.names[number] for number in numbers}
        for names in queues.values():
            assert names <= visible, persona


def test_the_closed_case_is_in_no_queue(desk, desk_client):
    client = desk_client("root")
    for key in QUEUE_KEYS:
        assert "closed" not in listed(desk, client.get(reverse("web:workbench"), {"tab": key}))


def test_without_a_tab_the_first_queue_with_work_opens(desk, desk_client):
    assert desk_client("community_worker").get(reverse("web:workbench")).context["queue"].key == "to_triage"
    assert desk_client("grid_manager_x").get(reverse("web:workbench")).context["queue"].key == "mine"
    assert desk_client("housing_handler").get(reverse("web:workbench")).context["queue"].key == "unit"
    # Nothing anywhere: the first tab.
    assert desk_client("department_handler").get(reverse("web:workbench")).context["queue"].key == "to_triage"


def test_an_unknown_tab_opens_the_default_queue(desk, desk_client):
    response = desk_client("community_worker").get(reverse("web:workbench"), {"tab": "everything"})
    assert response.status_code == 200
    assert response.context["queue"].key == "to_triage"


def test_my_units_queue_follows_the_post_chosen_in_the_unit_switcher(desk, desk_client, everyone):
    """A community worker who is also a grid manager of X: "my unit's" is the community's cases while
    working as community worker, grid X's after switching; the other queues do not change."""
    from grassroots.org import actions as org_actions
    from grassroots.org.choices import Role

    worker = everyone["community_worker"]
    grid_post = org_actions.assign_post(
        actor=desk.root, user=worker, role=Role.GRID_MANAGER, unit=desk.grid_x
    )
    client = desk_client("community_worker")
    url = reverse("web:workbench")
    assert listed(desk, client.get(url, {"tab": "unit"})) == {"comm", "reopened"}
    before = listed(desk, client.get(url, {"tab": "to_triage"}))
    client.post(reverse("web:switch-post"), {"post": grid_post.pk, "next": url})
    assert listed(desk, client.get(url, {"tab": "unit"})) == {"grid_routed", "grid_prog"}
    assert listed(desk, client.get(url, {"tab": "to_triage"})) == before


def test_rows_link_to_the_case_page_by_number(desk, desk_client):
    response = desk_client("community_worker").get(reverse("web:workbench"), {"tab": "to_triage"})
    number = desk.cases["reg_x"].number
    assert f'href="/cases/{number}/"' in response.content.decode()


def test_rows_show_the_deadline_colour_and_supervision(desk, desk_client):
    Case.objects.filter(pk=desk.cases["comm"].pk).update(supervision="yellow_card")
    response = desk_client("community_worker").get(
        reverse("web:workbench"), {"tab": "red"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    (row,) = response.context["rows"]
    assert row.color == "red"
    assert row.supervision == "yellow"
    assert row.supervision_label == "Yellow card"
    body = response.content.decode()
    assert 'class="chip red"' in body
    assert "Yellow card" in body
