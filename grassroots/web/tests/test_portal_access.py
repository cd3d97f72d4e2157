"""Who may use the residents' portal: residents with a resident record, and only for their own
cases. Everyone else — staff included, who work from the workbench and the case pages — gets
"not found" (404), like a page that does not exist; a visitor who is not signed in is sent to
sign in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS
from grassroots.web import nav

RESIDENTS = ("resident_a", "resident_b")
OTHERS = (*(name for name in PERSONAS if name not in RESIDENTS), "root")
PAGES = ("web:portal", "web:portal-report", "web:portal-community")


@pytest.mark.parametrize("persona", RESIDENTS)
@pytest.mark.parametrize("page", PAGES)
def test_residents_open_every_portal_page(client_for: Any, persona: str, page: str) -> None:
    assert client_for(persona).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("persona", OTHERS)
@pytest.mark.parametrize("page", PAGES)
def test_people_without_a_resident_record_find_no_portal(client_for: Any, persona: str, page: str) -> None:
    assert client_for(persona).get(reverse(page)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(client_for: Any, page: str) -> None:
    response = client_for("anonymous").get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_reporter_alone_opens_their_case(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    url = reverse("web:portal-case", args=[case.number])
    assert client_for("resident_a").get(url).status_code == 200
    for persona in (*OTHERS, "resident_b"):
        assert client_for(persona).get(url).status_code == 404, persona


def test_another_residents_case_cannot_be_rated_reopened_or_given_photos(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()
    client = client_for("resident_b")
    for name, data in (
        ("web:portal-rate", {"version": case.version, "satisfaction": "dissatisfied"}),
        ("web:portal-reopen", {"version": case.version, "comment": "还是不亮"}),
        ("web:portal-photos", {"version": case.version}),
    ):
        assert client.post(reverse(name, args=[case.number]), data).status_code == 404, name
    case.refresh_from_db()
    assert case.rated_at is None
    assert case.reopen_count == 0


def test_staff_cannot_act_through_the_portal_even_on_cases_they_may_triage(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()
    response = client_for("community_worker").post(
        reverse("web:portal-rate", args=[case.number]), {"version": case.version, "satisfaction": "satisfied"}
    )
    assert response.status_code == 404


def test_an_unknown_case_number_is_not_found(client_for: Any, world: SimpleNamespace) -> None:
    response = client_for("resident_a").get(reverse("web:portal-case", args=["2099-999999"]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_portal_is_offered_in_the_navigation_to_residents_only(
    rf: Any, user_of: Any, persona: str
) -> None:
    user = user_of(persona)
    request = rf.get("/")
    request.user = user
    offered = "portal" in {link.key for link in nav.links_for(request, user)}
    assert offered == (persona in RESIDENTS)
