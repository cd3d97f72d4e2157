"""The map's page, layers and panels cost the same number of queries for 2 grids or 12, for a few
cases or many: counts come from aggregate queries, never one per grid or per case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, square
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role, UnitKind
from grassroots.people import actions as people_actions

URLS = (
    "web:map-unit",
    "web:map-panel",
    "web:map-layer-units",
    "web:map-layer-grids",
    "web:map-layer-cases",
    "web:map-layer-facilities",
)


def grow(w: SimpleNamespace, put_case: Any, *, grids: int, cases_per_grid: int, start: int) -> None:
    """Add grids to community C, each with cases (one of them overdue), staff and a facility."""
    for i in range(start, start + grids):
        grid = org_actions.create_unit(
            actor=w.root,
            kind=UnitKind.GRID,
            name=f"网格{i}",
            parent=w.community,
            boundary=square(103.0 + 0.01 * (i % 10), 26.02 + 0.01 * (i // 10)),
        )
        org_actions.assign_post(actor=w.root, user=make_user(f"sunk{i}"), role=Role.SUNK_CADRE, unit=grid)
        org_actions.assign_post(actor=w.root, user=make_user(f"gm{i}"), role=Role.GRID_MANAGER, unit=grid)
        people_actions.register_facility(
            actor=w.root, unit=w.community, kind="volunteer", name=f"志愿服务站{i}", lat=26.03, lng=103.0
        )
        for j in range(cases_per_grid):
            put_case(
                grid,
                received_at=timezone.now() - dt.timedelta(hours=j),
                lat=26.025 + 0.01 * (i // 10),
                lng=103.005 + 0.01 * (i % 10),
                state="in_progress",
                case_color="red" if j == 0 else "",
            )
        for _ in range(cases_per_grid):
            put_case(w.grid_x, received_at=timezone.now(), lat=26.005, lng=103.005, state="routed")
        org_actions.assign_post(
            actor=w.root, user=make_user(f"police{i}"), role=Role.POLICE_OFFICER, unit=w.grid_x
        )


def queries(client: Client, name: str, code: str) -> int:
    cache.clear()  # every measurement reads the boundaries, as the first after a change does
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name, args=[code]))
    assert response.status_code == 200, name
    return len(captured.captured_queries)


def measure(client: Client, w: SimpleNamespace) -> dict[tuple[str, str], int]:
    return {
        (name, unit.code): queries(client, name, unit.code)
        for name in URLS
        for unit in (w.street, w.community, w.grid_x)
    }


def test_every_map_answer_costs_the_same_queries_whatever_the_number_of_grids_and_cases(
    rich_world: SimpleNamespace, put_case: Any, client_for: Callable[[str], Client]
) -> None:
    w = rich_world
    client = client_for("street_staff")
    grow(w, put_case, grids=1, cases_per_grid=1, start=0)
    small = measure(client, w)
    grow(w, put_case, grids=10, cases_per_grid=4, start=1)
    large = measure(client, w)
    assert large == small


def test_the_map_page_of_the_default_unit_costs_the_same_queries_too(
    rich_world: SimpleNamespace, put_case: Any, client_for: Callable[[str], Client]
) -> None:
    w = rich_world
    client = client_for("community_worker")
    grow(w, put_case, grids=1, cases_per_grid=1, start=0)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("web:map"))
    grow(w, put_case, grids=8, cases_per_grid=3, start=1)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("web:map"))
    assert len(large.captured_queries) == len(small.captured_queries)
