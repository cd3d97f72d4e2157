"""The workbench costs a fixed number of queries whatever the number of cases: the tab counts are
one aggregate, the page one query with its relations, the assignee list one more."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases.models import Case

HTMX = {"HX-Request": "true", "HX-Target": "wb-results"}


def queries(client, headers=None, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("web:workbench"), params, headers=headers or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.fixture
def signed_in(ledger):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def grow(ledger, bring, n):
    """``n`` more cases in every queue the parametrised personas look at."""
    for _ in range(n):
        bring.registered()
        bring.at_department()
        held = bring.in_progress("community")
        bring.resolved("grid")
        Case.objects.filter(pk=held.pk).update(stage_color="red", supervision="normal", reopen_count=1)


@pytest.mark.parametrize(
    ("persona", "tab"),
    [
        ("community_worker", "to_triage"),
        ("community_worker", "unit"),  # rows with checkboxes and the assignee list
        ("community_worker", "mine"),
        ("grid_leader_x", "verify"),
        ("district_admin", "red"),
        ("district_admin", "reopened"),
        ("housing_handler", "unit"),
    ],
)
def test_the_query_count_does_not_grow_with_the_cases(ledger, bring, signed_in, persona, tab):
    client = signed_in(getattr(ledger, persona))
    grow(ledger, bring, 1)
    small, response = queries(client, tab=tab)
    small_rows = len(response.context["rows"])
    grow(ledger, bring, 6)
    large, response = queries(client, tab=tab)
    assert large == small
    assert len(response.context["rows"]) > small_rows


def test_a_full_page_of_assignable_cases_costs_what_one_case_costs(ledger, bring, signed_in):
    client = signed_in(ledger.community_worker)
    bring.in_progress("community")
    one, _ = queries(client, tab="unit", headers=HTMX)
    for _ in range(26):
        bring.in_progress("community")
    many, response = queries(client, tab="unit", headers=HTMX)
    assert len(response.context["rows"]) == 25
    assert all(row.assignable for row in response.context["rows"])
    assert many == one


def test_the_whole_page_needs_a_handful_of_queries(ledger, bring, signed_in):
    grow(ledger, bring, 2)
    count, _ = queries(signed_in(ledger.community_worker), tab="unit")
    # session, user, posts, resident check, counts, page count, page, categories, assignees
    assert count <= 10
