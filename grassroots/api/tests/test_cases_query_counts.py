"""The ledger's lists cost a fixed number of queries however many rows they answer (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.api.tests import case_states as states
from grassroots.cases import actions


def add_cases(w, report, n):
    """``n`` more cases with everything their rows show: category, responsible unit, assignee,
    and a common problem."""
    for _ in range(n):
        a = states.in_progress(w, report, category=w.cat_light)
        b = states.registered(w, report)
        actions.create_problem(actor=w.community_worker, title="照明", cases=[a, b])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("url", ["/api/cases/", "/api/public-cases/", "/api/problems/", "/api/inbox/"])
@pytest.mark.parametrize("persona", ["district_admin", "community_worker", "resident_b"])
def test_a_list_costs_the_same_queries_for_2_rows_as_for_20(client_for, ledger, report, url, persona):
    client = client_for(persona)
    add_cases(ledger, report, 1)
    few, few_rows = queries_for(client, url)

    add_cases(ledger, report, 9)
    many, many_rows = queries_for(client, url)

    assert many == few
    if persona == "district_admin" and url == "/api/cases/":
        assert (few_rows, many_rows) == (2, 20)


def test_a_detail_costs_the_same_queries_however_long_its_timeline(client_for, ledger, report):
    client = client_for("community_worker")
    short = states.in_progress(ledger, report)
    long = states.in_progress(ledger, report)
    for i in range(10):
        long = actions.add_progress(
            long, actor=ledger.community_worker, version=long.version, note=f"进展{i}"
        )
    duplicate = states.registered(ledger, report)
    actions.mark_duplicate(duplicate, actor=ledger.community_worker, version=duplicate.version, original=long)

    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/cases/{short.number}/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/api/cases/{long.number}/")

    assert len(many) == len(few)
