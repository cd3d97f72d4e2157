"""我也遇到 ("me too") in the residents' portal: on the community's public matters a neighbour may say
they have the same problem and take it back; every card shows the case's figure (linked duplicates
and residents' "me too"); the reporter, a closed case and staff get no button."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS, make_user
from grassroots.cases import actions
from grassroots.cases.models import CaseSupport
from grassroots.people import actions as people_actions

COMMUNITY = reverse("web:portal-community")
HTMX = {"HTTP_HX_REQUEST": "true"}


def support_url(case: Any) -> str:
    return reverse("web:portal-support", args=[case.number])


def button(body: str, case: Any) -> str:
    """The "me too" block of the case's card ("" if none)."""
    found = re.search(rf'<div class="me-too" id="me-too-{case.number}">.*?</div>', body, re.S)
    return found.group(0) if found else ""


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_neighbour_may_say_me_too_from_the_portal(
    persona: str, client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.routed()  # resident A's report, a 小事 of community C
    response = client_for(persona).post(support_url(case), {"next": COMMUNITY})
    if persona == "resident_b":
        assert response.status_code == 302
        assert CaseSupport.objects.filter(case=case).count() == 1
    elif persona == "resident_a":  # their own case: seen, refused with the reason
        assert response.status_code == 302
        assert not CaseSupport.objects.exists()
    else:  # the portal is for residents only
        assert response.status_code == 404
        assert not CaseSupport.objects.exists()


def test_a_neighbour_sees_the_button_with_the_figure_and_the_reporter_only_the_figure(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.routed()
    duplicate = bring.registered(title="灯又坏了")
    actions.mark_duplicate(duplicate, actor=ledger.community_worker, version=duplicate.version, original=case)

    neighbour = button(client_for("resident_b").get(COMMUNITY).content.decode(), case)
    assert 'aria-pressed="false"' in neighbour
    assert 'data-me-too="1"' in neighbour
    assert support_url(case) in neighbour

    reporter = button(client_for("resident_a").get(COMMUNITY).content.decode(), case)
    assert support_url(case) not in reporter
    assert 'data-me-too="1"' in reporter


def test_a_closed_case_shows_the_figure_without_the_button(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.rated()
    actions.support_case(case, actor=ledger.resident_b_user)
    actions.close_case(case, actor=ledger.community_worker, version=case.version)
    client = client_for("resident_b")
    shown = button(client.get(COMMUNITY).content.decode(), case)
    assert 'data-me-too="1"' in shown
    assert "<form" not in shown
    assert client.post(support_url(case), {"do": "withdraw"}).status_code == 302
    assert CaseSupport.objects.filter(case=case).exists()  # refused: the case is closed


def test_with_htmx_the_button_toggles_in_place(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    client = client_for("resident_b")
    said = client.post(support_url(case), {"do": "support"}, **HTMX)
    assert said.status_code == 200
    body = said.content.decode()
    assert body.lstrip().startswith(f'<div class="me-too" id="me-too-{case.number}">')
    assert 'aria-pressed="true"' in body
    assert 'data-me-too="1"' in body
    assert 'name="do" value="withdraw"' in body

    again = client.post(support_url(case), {"do": "support"}, **HTMX)  # a second tap elsewhere
    assert 'data-me-too="1"' in again.content.decode()
    assert CaseSupport.objects.count() == 1

    taken_back = client.post(support_url(case), {"do": "withdraw"}, **HTMX).content.decode()
    assert 'aria-pressed="false"' in taken_back
    assert 'data-me-too="0"' in taken_back
    assert not CaseSupport.objects.exists()


def test_without_javascript_it_posts_and_comes_back_to_the_same_page(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.triaged()
    client = client_for("resident_b")
    back = f"{COMMUNITY}?show=open&page=1"
    response = client.post(support_url(case), {"do": "support", "next": back})
    assert response.status_code == 302
    assert response["Location"] == f"{back}#me-too-{case.number}"
    page = client.get(back).content.decode()
    assert 'aria-pressed="true"' in button(page, case)
    # a foreign address is not followed
    response = client.post(support_url(case), {"do": "withdraw", "next": "https://example.com/"})
    assert response["Location"] == f"{COMMUNITY}#me-too-{case.number}"


def test_my_own_report_says_why_it_takes_no_me_too(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    response = client_for("resident_a").post(support_url(case), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "This is your own report." in response.content.decode()
    htmx = client_for("resident_a").post(support_url(case), HTTP_ACCEPT_LANGUAGE="en", **HTMX)
    assert "This is your own report." in htmx.content.decode()


def test_cases_outside_my_communitys_public_matters_are_not_found(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace, report: Any
) -> None:
    elsewhere = report(
        actor=ledger.district_admin, household=ledger.household_z, reporter=None, reporter_kind="anonymous"
    )
    elsewhere = actions.triage_case(
        elsewhere, actor=ledger.district_admin, version=elsewhere.version, triage_class="major", reason="公共"
    )
    private = bring.guided()
    for case in (elsewhere, private):
        assert client_for("resident_b").post(support_url(case)).status_code == 404
    assert client_for("resident_b").get(support_url(elsewhere)).status_code == 405
    assert not CaseSupport.objects.exists()


def test_my_own_case_page_shows_how_many_have_the_same_problem(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.in_progress()
    page = reverse("web:portal-case", args=[case.number])
    assert "data-me-too" not in client_for("resident_a").get(page).content.decode()
    actions.support_case(case, actor=ledger.resident_b_user)
    assert 'data-me-too="1"' in client_for("resident_a").get(page).content.decode()


def _queries(client: Any, url: str) -> int:
    client.get(url)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_community_view_reads_the_figures_in_a_constant_number_of_queries(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    neighbours = []
    for i in range(2):
        user = make_user(f"neighbour{i}")
        people_actions.register_resident(
            actor=ledger.root,
            household=ledger.household_y,
            name=f"邻居{i}",
            gender="male",
            birth_year=1980,
            user=user,
        )
        neighbours.append(user)

    def hot_case(i: int) -> None:
        case = bring.routed(title=f"第{i}件")
        duplicate = bring.registered(title=f"第{i}件重复")
        actions.mark_duplicate(
            duplicate, actor=ledger.community_worker, version=duplicate.version, original=case
        )
        for user in (ledger.resident_b_user, *neighbours):
            actions.support_case(case, actor=user)

    client = client_for("resident_b")
    for i in range(2):
        hot_case(i)
    small = _queries(client, COMMUNITY)
    for i in range(2, 8):
        hot_case(i)
    body = client.get(COMMUNITY).content.decode()
    assert body.count('data-me-too="4"') == 8
    assert _queries(client, COMMUNITY) == small
