"""The admin's lists of the ledger cost a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases import actions


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(w, report, n):
    """``n`` more cases of each kind: registered, held by the community, at 住建 (with an extension
    asked and a supervision record), and in a common problem."""
    for i in range(n):
        report(title=f"新案件{i}")
        case = report(category=w.cat_light, title=f"社区{i}")
        case = actions.triage_case(
            case, actor=w.community_worker, version=case.version, triage_class="community", reason="社区事务"
        )
        case = actions.route_case(case, actor=w.community_worker, version=case.version)
        case = report(category=w.cat_road, title=f"道路{i}")
        case = actions.triage_case(
            case, actor=w.community_worker, version=case.version, triage_class="major", reason="道路"
        )
        case = actions.route_case(case, actor=w.community_worker, version=case.version, level="department")
        case = actions.accept_case(case, actor=w.housing_handler, version=case.version)
        actions.request_extension(
            case, actor=w.housing_handler, version=case.version, days=3, reason="等材料"
        )
        case.refresh_from_db()
        actions.supervise_case(
            case, actor=w.district_admin, version=case.version, level="normal", reason="督办"
        )
        first, second = report(title=f"共性{i}a"), report(title=f"共性{i}b")
        actions.create_problem(actor=w.community_worker, title=f"共性问题{i}", cases=[first, second])


LISTS = (
    ("district_admin", "cases_case", ""),
    ("community_worker", "cases_case", ""),
    ("housing_handler", "cases_case", ""),
    ("district_admin", "cases_case", "?state=routed&warning=none"),
    ("district_admin", "cases_case", "?category={root}"),
    ("district_admin", "cases_case", "?q=道路"),
    ("district_admin", "cases_commonproblem", ""),
    ("district_admin", "cases_extension", ""),
    ("district_admin", "cases_supervisionrecord", ""),
)


@pytest.mark.parametrize(("persona", "admin_name", "query"), LISTS)
def test_a_ledger_list_costs_the_same_queries_for_more_rows(
    ledger, report, admin_personas, admin_client, persona, admin_name, query
):
    client = admin_client(admin_personas[persona])
    url = reverse(f"admin:{admin_name}_changelist") + query.format(root=ledger.cat_build.pk)
    grow(ledger, report, 1)
    before = queries(client, url)
    grow(ledger, report, 3)
    middle = queries(client, url)
    grow(ledger, report, 4)
    assert queries(client, url) == middle == before
