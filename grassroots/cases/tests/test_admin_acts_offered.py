"""A case's admin page offers one button per act the user may take now: exactly
``cases.acts.available_acts`` (plus attaching a photo where ``actions.attach_photo`` allows it), for
every persona and through the case's life; the buttons lead to forms that open."""

import re

import pytest
from django.urls import reverse

from grassroots.cases import actions, acts
from grassroots.cases.access import cases_visible_to, may_attach

PERSONAS = (
    "root",
    "grid_manager_x",
    "grid_manager_y",
    "grid_leader_x",
    "community_worker",
    "community_worker2",
    "street_staff",
    "housing_handler",
    "department_handler",
    "district_admin",
)


@pytest.fixture
def cases_in_every_state(ledger, report):
    """One case per stage of the ledger's paths."""
    w = ledger
    cw, cw2 = w.community_worker, w.community_worker2

    def triaged():
        case = report(category=w.cat_light)
        return actions.triage_case(
            case, actor=cw, version=case.version, triage_class="community", reason="社区事务"
        )

    def routed(**route):
        case = triaged()
        return actions.route_case(case, actor=cw, version=case.version, **route)

    def in_progress():
        case = routed()
        return actions.accept_case(case, actor=cw, version=case.version)

    def resolved():
        case = in_progress()
        return actions.resolve_case(case, actor=cw, version=case.version, resolution="修好了")

    def awaiting_rating():
        case = resolved()
        return actions.verify_case(case, actor=cw2, version=case.version)

    def closed():
        case = awaiting_rating()
        case = actions.rate_case(
            case, actor=cw, version=case.version, satisfaction="satisfied", by_phone=True
        )
        return actions.close_case(case, actor=cw, version=case.version)

    def extension_pending():
        case = routed(level="grid")
        case = actions.accept_case(case, actor=w.grid_manager_x, version=case.version)
        actions.request_extension(case, actor=w.grid_manager_x, version=case.version, days=2, reason="等材料")
        return case

    def at_department():
        case = report(category=w.cat_road, title="路面塌陷")
        case = actions.triage_case(case, actor=cw, version=case.version, triage_class="major", reason="道路")
        case = actions.route_case(case, actor=cw, version=case.version)
        return actions.escalate_case(case, actor=w.street_staff, version=case.version, reason="转区住建局")

    def guided():
        case = report(category=w.cat_clean, title="想找保洁")
        case = actions.triage_case(
            case, actor=cw, version=case.version, triage_class="private", reason="家务"
        )
        return actions.route_case(case, actor=cw, version=case.version, private_mode="market")

    stages = (
        triaged,
        routed,
        in_progress,
        resolved,
        awaiting_rating,
        closed,
        extension_pending,
        at_department,
        guided,
    )
    return {"registered": report(category=w.cat_light)} | {stage.__name__: stage() for stage in stages}


def buttons(response):
    """The act names linked from the page, and the page's ``acts`` context."""
    linked = set(re.findall(r'data-act="([a-z_]+)"', response.content.decode()))
    return linked, {act["name"] for act in response.context["acts"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_buttons_are_the_acts_the_persona_may_take_now(
    admin_personas, admin_client, cases_in_every_state, persona
):
    user = admin_personas[persona]
    client = admin_client(user)
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    for state, case in cases_in_every_state.items():
        response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
        if case.pk not in visible:
            assert response.status_code == 302, (persona, state)
            assert response["Location"] == reverse("admin:index")
            continue
        assert response.status_code == 200, (persona, state)
        case.refresh_from_db()
        expected = {act.name for act in acts.available_acts(user, case)}
        if may_attach(user, case):
            expected.add("attach_photo")
        linked, offered = buttons(response)
        assert linked == offered == expected, (persona, state)


def test_every_offered_button_opens_its_form(admin_personas, admin_client, cases_in_every_state):
    opened = set()
    for persona in PERSONAS:
        client = admin_client(admin_personas[persona])
        for case in cases_in_every_state.values():
            page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
            if page.status_code != 200:
                continue
            for act in page.context["acts"]:
                form = client.get(act["url"])
                assert form.status_code == 200, (persona, case.state, act["name"])
                assert form.context["form"]["version"].value() == case.version
                opened.add(act["name"])
    # Between them, the personas and states reach every act form of the admin.
    assert opened >= {act.name for act in acts.ACTS} - {"rate", "reopen", "close"} | {"attach_photo"}


def test_a_verifier_is_never_offered_to_verify_what_they_resolved(
    admin_personas, admin_client, cases_in_every_state
):
    case = cases_in_every_state["resolved"]
    assert case.handler == admin_personas["community_worker"]
    _, mine = buttons(
        admin_client(admin_personas["community_worker"]).get(
            reverse("admin:cases_case_change", args=[case.pk])
        )
    )
    _, theirs = buttons(
        admin_client(admin_personas["community_worker2"]).get(
            reverse("admin:cases_case_change", args=[case.pk])
        )
    )
    assert "verify" not in mine
    assert "verify" in theirs
