"""Who may open and post the new-case page, its register search and the quick report, over every
persona: staff with any post register cases (as ``register_case`` counts staff); the quick report
is for grid managers and grid leaders only; everyone else is "not found", and nothing is written."""

import uuid

import pytest
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases.models import Case

NEW_CASE = {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "department_handler"}
NEW_CASE |= {"district_admin", "root"}
QUICK_REPORT = {"grid_manager_x", "grid_manager_y"}
EVERYONE = [*PERSONAS, "root"]
IN_GRID_X = {"lat": "26.005", "lng": "103.005"}


def new_case_data() -> dict[str, str]:
    return {
        "title": "路灯不亮",
        "description": "小区门口路灯坏了三天。",
        "channel": "service_day",
        "urgency": "normal",
        "reporter_kind": "anonymous",
        **IN_GRID_X,
        "idempotency_key": uuid.uuid4().hex,
    }


def quick_data() -> dict[str, str]:
    return {"note": "井盖缺失", "solved": "no", **IN_GRID_X, "idempotency_key": uuid.uuid4().hex}


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_new_case_page_opens_for_staff_only(rich_world, client_for, persona):
    client = client_for(persona)
    expected = 200 if persona in NEW_CASE else 404
    assert client.get(reverse("web:new-case")).status_code == expected
    assert client.post(reverse("web:new-case-find"), {"find": "桂苑"}).status_code == expected


@pytest.mark.parametrize("persona", EVERYONE)
def test_only_staff_register_a_case_from_the_page(rich_world, client_for, persona):
    response = client_for(persona).post(reverse("web:new-case"), new_case_data())
    if persona in NEW_CASE:
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.number}/"
    else:
        assert response.status_code == 404
        assert not Case.objects.exists()


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_quick_report_opens_for_grid_staff_only(rich_world, client_for, persona):
    expected = 200 if persona in QUICK_REPORT else 404
    assert client_for(persona).get(reverse("web:quick-report")).status_code == expected


@pytest.mark.parametrize("persona", EVERYONE)
def test_only_grid_staff_send_a_quick_report(rich_world, client_for, persona):
    response = client_for(persona).post(reverse("web:quick-report"), quick_data())
    if persona in QUICK_REPORT:
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("web:quick-report-done", args=[case.number])
    else:
        assert response.status_code == 404
        assert not Case.objects.exists()


def test_a_grid_leader_may_send_a_quick_report(ledger, client):
    client.force_login(ledger.grid_leader_x)
    assert client.get(reverse("web:quick-report")).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(rich_world, client_for):
    client = client_for("anonymous")
    for name in ("web:new-case", "web:new-case-find", "web:quick-report"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    assert client.post(reverse("web:new-case"), new_case_data()).status_code == 302
    assert not Case.objects.exists()


def test_the_confirmation_shows_only_ones_own_report(rich_world, client_for):
    client_for("grid_manager_x").post(reverse("web:quick-report"), quick_data())
    number = Case.objects.get().number
    url = reverse("web:quick-report-done", args=[number])
    assert client_for("grid_manager_x").get(url).status_code == 200
    for persona in EVERYONE:
        if persona != "grid_manager_x":
            assert client_for(persona).get(url).status_code == 404, persona
    assert (
        client_for("grid_manager_x").get(reverse("web:quick-report-done", args=["2099-999999"])).status_code
        == 404
    )


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_navigation_offers_the_pages_to_whoever_may_use_them(rich_world, client_for, persona):
    keys = {link.key for link in client_for(persona).get(reverse("web:home")).context["nav_links"]}
    assert ("new_case" in keys) == (persona in NEW_CASE)
    assert ("quick_report" in keys) == (persona in QUICK_REPORT)
