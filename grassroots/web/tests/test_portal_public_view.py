"""The public view of a resident's community (``access.public_cases_for``): its triaged 大事 and
小事, what they are and how they went — never who reported them, what they wrote, or where they
live (docs/domain.md §3, §8)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from conftest import assert_no_plaintext
from grassroots.cases import actions

URL = reverse("web:portal-community")


def test_a_neighbours_case_shows_without_personal_data(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()  # reported for resident A (张伟), household X
    response = client_for("resident_b").get(URL, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert case.number in body
    assert case.title in body
    assert ledger.resident_a.name not in body  # the reporter's name
    assert case.description not in body
    assert ledger.household_x.address not in body
    assert_no_plaintext(body)
    # a neighbour's case is not a link into "my cases"
    assert reverse("web:portal-case", args=[case.number]) not in body


def test_an_anonymous_report_shows_no_more_than_any_other(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.triaged(public_anonymous=True)
    body = client_for("resident_b").get(URL).content.decode()
    assert case.number in body
    assert ledger.resident_a.name not in body
    assert_no_plaintext(body)


def test_my_own_case_in_the_public_view_links_to_my_page(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    body = client_for("resident_a").get(URL).content.decode()
    assert reverse("web:portal-case", args=[case.number]) in body


def test_only_triaged_public_matters_of_my_community_are_shown(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace, report: Any
) -> None:
    shown = bring.triaged()
    untriaged = bring.registered()
    private = bring.guided()
    elsewhere = report(household=ledger.household_z, reporter=None, reporter_kind="anonymous")
    elsewhere = actions.triage_case(
        elsewhere,
        actor=ledger.district_admin,
        version=elsewhere.version,
        triage_class="community",
        reason="小区事务",
    )
    numbers = {card.number for card in client_for("resident_b").get(URL).context["cards"]}
    assert numbers == {shown.number}
    assert not numbers & {untriaged.number, private.number, elsewhere.number}


def test_open_and_closed_matters_can_be_shown_apart(client_for: Any, bring: SimpleNamespace) -> None:
    open_case = bring.routed()
    closed_case = bring.closed()
    client = client_for("resident_b")
    assert {c.number for c in client.get(URL, {"show": "open"}).context["cards"]} == {open_case.number}
    assert {c.number for c in client.get(URL, {"show": "closed"}).context["cards"]} == {closed_case.number}
    assert len(client.get(URL).context["cards"]) == 2
