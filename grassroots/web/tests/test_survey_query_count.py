"""The survey page and its export cost a fixed number of queries, whatever the size of the subtree."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind
from grassroots.people import actions as people_actions


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world, n):
    """Add a community with ``n`` grids, each with a household of two residents."""
    community = org_actions.create_unit(
        actor=world.root, kind=UnitKind.COMMUNITY, name=f"新社区{n}", parent=world.street
    )
    for i in range(n):
        grid = org_actions.create_unit(
            actor=world.root, kind=UnitKind.GRID, name=f"网格{i}", parent=community
        )
        household = people_actions.register_household(actor=world.root, grid=grid, address=f"新社区{n}-{i}")
        for j in range(2):
            people_actions.register_resident(
                actor=world.root, household=household, name=f"居民{i}-{j}", gender="female", birth_year=1950
            )


def test_the_survey_page_query_count_does_not_grow_with_the_data(rich_world, client_for):
    client = client_for("district_admin")
    url = reverse("web:survey-unit", args=[rich_world.street.code])
    before = count_queries(client, url)
    grow(rich_world, 6)
    assert count_queries(client, url) == before
    grow(rich_world, 12)
    assert count_queries(client, url) == before


def test_the_export_query_count_does_not_grow_with_the_data(rich_world, client_for):
    client = client_for("district_admin")
    url = reverse("web:survey-xlsx", args=[rich_world.district.code])
    before = count_queries(client, url, levels="all")
    grow(rich_world, 8)
    assert count_queries(client, url, levels="all") == before
