"""The case page shows an original's "me too" figure (我也遇到: its linked duplicates and residents'
"me too") beside its title when there is any, read in the query that finds the case."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from grassroots.cases import actions
from grassroots.people import actions as people_actions


def page(client: Client, case: Any) -> str:
    response = client.get(reverse("web:case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def staff(ledger: SimpleNamespace) -> Client:
    client = Client()
    client.force_login(ledger.community_worker)
    return client


def neighbours(ledger: SimpleNamespace, n: int) -> list[Any]:
    users = []
    for i in range(n):
        user = make_user(f"n{i}")
        people_actions.register_resident(
            actor=ledger.root,
            household=ledger.household_y,
            name=f"邻{i}",
            gender="male",
            birth_year=1970,
            user=user,
        )
        users.append(user)
    return users


def test_the_figure_counts_linked_duplicates_and_residents_me_too(
    ledger: SimpleNamespace, bring: SimpleNamespace
) -> None:
    case = bring.in_progress()
    client = staff(ledger)
    assert "data-me-too" not in page(client, case)
    for i in range(2):
        duplicate = bring.registered(title=f"重复{i}")
        actions.mark_duplicate(
            duplicate, actor=ledger.community_worker, version=duplicate.version, original=case
        )
    actions.support_case(case, actor=ledger.resident_b_user)
    body = page(client, case)
    assert 'data-me-too="3"' in body
    assert "Me too 3" in body
    # the duplicates themselves have none
    assert "data-me-too" not in page(client, duplicate)


def test_the_figure_costs_no_query(ledger: SimpleNamespace, bring: SimpleNamespace) -> None:
    client = staff(ledger)
    quiet, hot = bring.in_progress(), bring.in_progress()
    for user in (ledger.resident_b_user, *neighbours(ledger, 4)):
        actions.support_case(hot, actor=user)

    def queries(case: Any) -> int:
        page(client, case)  # warm
        with CaptureQueriesContext(connection) as captured:
            page(client, case)
        return len(captured)

    assert 'data-me-too="5"' in page(client, hot)
    assert queries(quiet) == queries(hot)
