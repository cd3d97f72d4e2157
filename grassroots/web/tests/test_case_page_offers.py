"""The case page offers exactly the acts the person may take now (``cases.acts.available_acts``),
plus the photo upload where ``actions.attach_photo`` allows it — for every persona and through the
case's life; each offered form carries the version the page shows, and ``?act=`` unfolds one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases import actions, acts
from grassroots.cases.access import cases_visible_to, may_attach


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cases_in_every_state(ledger, bring):
    w = ledger

    def extension_pending():
        case = bring.in_progress("grid")
        actions.request_extension(
            case, actor=w.grid_manager_x, version=case.version, days=2, reason="等待材料"
        )
        return case

    return {
        "registered": bring.registered(),
        "triaged": bring.triaged(),
        "routed": bring.routed(),
        "in_progress": bring.in_progress(),
        "at_grid": bring.in_progress("grid"),
        "resolved": bring.resolved(),
        "awaiting_rating": bring.awaiting_rating(),
        "rated": bring.rated(),
        "closed": bring.closed(),
        "guided": bring.guided(),
        "at_department": bring.at_department(),
        "on_the_spot": bring.on_the_spot(),
        "extension_pending": extension_pending(),
    }


@pytest.mark.parametrize("persona", [*PERSONAS, "community_worker2", "grid_leader_x", "housing_handler"])
def test_the_forms_are_the_acts_the_persona_may_take_now(ledger, personas, cases_in_every_state, persona):
    user = personas.get(persona) or getattr(ledger, persona)
    client = client_of(user)
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    for state, case in cases_in_every_state.items():
        page = client.get(reverse("web:case", args=[case.number]))
        if case.pk not in visible:
            assert page.status_code == 404, (persona, state)
            continue
        assert page.status_code == 200, (persona, state)
        case.refresh_from_db()
        expected = {act.name for act in acts.available_acts(user, case)}
        shown = set(re.findall(r'data-act="([a-z_]+)"', page.content.decode()))
        offered = {act.name for act in page.context["acts"]}
        if may_attach(user, case):
            expected.add("attach_photo")
            offered.add("attach_photo")
        assert shown == offered == expected, (persona, state)
        for act in page.context["acts"]:
            assert act.form["version"].value() == case.version, (persona, state, act.name)


def test_every_act_is_offered_to_someone_somewhere(ledger, personas, cases_in_every_state):
    seen = set()
    for user in [*personas.values(), ledger.community_worker2, ledger.grid_leader_x]:
        client = client_of(user)
        for case in cases_in_every_state.values():
            page = client.get(reverse("web:case", args=[case.number]))
            if page.status_code == 200:
                seen |= {act.name for act in page.context["acts"]}
    assert seen == {act.name for act in acts.ACTS}


def test_an_act_named_in_the_address_opens_unfolded(ledger, cases_in_every_state):
    case = cases_in_every_state["registered"]
    page = client_of(ledger.community_worker).get(reverse("web:case", args=[case.number]), {"act": "triage"})
    opened = [act.name for act in page.context["acts"] if act.open]
    assert opened == ["triage"]
    assert re.search(r'<details class="act" id="act-triage" data-act="triage" open>', page.content.decode())
