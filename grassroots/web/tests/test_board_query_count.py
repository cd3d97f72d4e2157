"""The board costs a bounded number of queries, the same however many cases (and units) lie
under the unit: every figure is a fixed set of GROUP BY queries (cases.metrics), the overdue list
is paged."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

# The page: session and user, posts, the unit, the breadcrumb; the metrics table (5), the trend's
# other 11 periods (6 each when live and unfrozen), the split (2), the ranking (7), the base
# survey (8), the overdue page (3). Frozen past periods cost less.
BOUND = 110


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def add_cases(ledger, put_case):
    """``add_cases(n)``: n cases in each grid, spread over the last months, of every class and
    category, some open with a warning, some closed and rated."""
    w = ledger
    categories = [w.cat_road, w.cat_light, w.cat_clean, w.cat_comm, None]
    classes = ["major", "community", "private", ""]
    now = timezone.now()

    def add(n):
        for grid in (w.grid_x, w.grid_y, w.grid_z, w.grid_w):
            for i in range(n):
                received = now - dt.timedelta(days=9 * i + 1)
                fields = {
                    "received_at": received,
                    "response_due_at": received + dt.timedelta(days=1),
                    "first_response_at": received + dt.timedelta(hours=5),
                    "due_at": received + dt.timedelta(days=10),
                    "triage_class": classes[i % len(classes)],
                    "category": categories[i % len(categories)],
                }
                if i % 2:
                    fields.update(
                        outcome="solved",
                        closed_at=received + dt.timedelta(days=3),
                        rated_at=received + dt.timedelta(days=4),
                        satisfaction="satisfied",
                        reopen_count=i % 3,
                    )
                else:
                    fields.update(state="in_progress", case_color="red" if i % 4 else "yellow")
                put_case(grid, **fields)

    return add


@pytest.mark.parametrize(("persona", "unit"), [("district_admin", "district"), ("grid_manager_x", "grid_x")])
def test_the_board_query_count_does_not_grow_with_the_cases(ledger, add_cases, client_for, persona, unit):
    client = client_for(persona)
    url = reverse("web:board-unit", args=[getattr(ledger, unit).code])
    add_cases(4)
    before = count_queries(client, url)
    assert before <= BOUND

    add_cases(12)

    assert count_queries(client, url) == before
    assert count_queries(client, url, period="year", rank="satisfaction") <= BOUND


def test_the_board_query_count_does_not_grow_with_the_units_below(ledger, add_cases, client_for):
    client = client_for("street_staff")
    url = reverse("web:board-unit", args=[ledger.street.code])
    add_cases(3)
    before = count_queries(client, url)

    for i in range(5):
        community = org_actions.create_unit(
            actor=ledger.root, kind=UnitKind.COMMUNITY, name=f"新社区{i}", parent=ledger.street
        )
        org_actions.create_unit(actor=ledger.root, kind=UnitKind.GRID, name="网格", parent=community)

    assert count_queries(client, url) == before


@pytest.mark.parametrize("panel", ["metrics", "trend", "split", "categories", "ranking", "survey", "overdue"])
def test_each_export_query_count_does_not_grow_with_the_cases(ledger, add_cases, client_for, panel):
    client = client_for("district_admin")
    url = reverse("web:board-unit", args=[ledger.district.code])

    def exported():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"export": panel})
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(ctx.captured_queries)

    add_cases(3)
    before = exported()
    add_cases(9)
    assert exported() == before
