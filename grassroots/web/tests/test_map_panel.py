"""The map's side panel: a grid's staff (一长两员, the primary owner marked), its households and its
open cases; a larger unit's children with their cases. Never any personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PHONE_A, assert_no_plaintext, make_user
from grassroots.core import pii
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.people import actions as people_actions
from grassroots.web.views import map as map_views


def sealed_phone(phone: str) -> dict[str, str]:
    sealed = pii.seal(phone, kind="phone")
    return {"phone_cipher": sealed.cipher, "phone_hash": sealed.hash, "phone_masked": sealed.masked}


@pytest.fixture
def staffed(rich_world: SimpleNamespace, put_case: Any) -> SimpleNamespace:
    w = rich_world
    w.leader = make_user("gl_x")
    w.leader.display_name = "陈磊"
    w.leader.save()
    w.guide = make_user("pg_x")
    w.guide.display_name = "刘芳"
    w.guide.save()
    w.police = make_user("po_x")
    org_actions.assign_post(
        actor=w.root, user=w.leader, role=Role.GRID_LEADER, unit=w.grid_x, is_primary=True
    )
    org_actions.assign_post(actor=w.root, user=w.guide, role=Role.PARTY_GUIDE, unit=w.grid_x)
    org_actions.assign_post(actor=w.root, user=w.police, role=Role.POLICE_OFFICER, unit=w.grid_x)
    people_actions.register_household(actor=w.root, grid=w.grid_x, address="桂苑社区1栋1单元102")
    now = timezone.now()
    w.red = put_case(
        w.grid_x,
        received_at=now - dt.timedelta(days=5),
        due_at=now - dt.timedelta(days=1),
        state="in_progress",
        case_color="red",
        title="楼道堆放杂物",
        reporter_kind="resident",
        reporter=w.resident_a,
        reporter_name="张伟",
        **sealed_phone(PHONE_A),
    )
    w.fresh = put_case(w.grid_x, received_at=now, state="registered", title="路灯不亮")
    w.closed = put_case(w.grid_x, received_at=now, outcome="solved", title="已解决的事")
    w.other = put_case(w.grid_y, received_at=now, state="registered", title="第二网格的事")
    return w


def panel(client: Client, unit: Any) -> Any:
    response = client.get(reverse("web:map-panel", args=[unit.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_a_grid_panel_lists_its_staff_with_the_primary_owner_marked(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    response = panel(client_for("community_worker"), staffed.grid_x)
    rows = [(row.role, row.name, row.primary) for row in response.context["panel_staff"]]
    assert rows == [
        ("Grid leader", "陈磊", True),
        ("Party-building guide", "刘芳", False),
        ("Grid manager", "gm_x", False),
        ("Community police officer", "po_x", False),
    ]
    body = response.content.decode()
    assert '陈磊 <span class="badge">primary owner</span>' in body


def test_a_grid_panel_names_the_posts_of_the_grid_that_are_vacant(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    response = panel(client_for("community_worker"), staffed.grid_y)
    rows = [(row.role, row.name, row.vacant) for row in response.context["panel_staff"]]
    assert rows == [
        ("Grid leader", "", True),
        ("Party-building guide", "", True),
        ("Grid manager", "gm_y", False),
    ]
    assert response.content.decode().count("vacant") == 2


def test_a_grid_panel_counts_households_and_lists_the_open_cases_most_urgent_first(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = staffed
    response = panel(client_for("grid_manager_x"), w.grid_x)
    assert response.context["panel_households"] == 2
    assert [row.number for row in response.context["panel_cases"]] == [w.red.number, w.fresh.number]
    total = response.context["panel_total"]
    assert (total.open, total.overdue) == (2, 1)
    body = response.content.decode()
    assert f'href="/cases/{w.red.number}/"' in body
    assert '<span class="chip red">In progress</span>' in body
    assert "已解决的事" not in body
    assert "第二网格的事" not in body


def test_a_grid_panel_shows_no_personal_data(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    for persona in ("grid_manager_x", "community_worker", "street_staff", "district_admin", "root"):
        client = client_for(persona)
        for response in (
            panel(client, staffed.grid_x),
            client.get(reverse("web:map-unit", args=[staffed.grid_x.code])),
            client.get(reverse("web:map-layer-cases", args=[staffed.grid_x.code])),
        ):
            body = response.content.decode()
            assert_no_plaintext(body)
            assert staffed.resident_a.phone_masked not in body
            assert "张伟" not in body  # the reporter's and resident's name


def test_a_long_list_of_open_cases_is_cut_with_the_number_left_out(
    rich_world: SimpleNamespace, put_case: Any, client_for: Callable[[str], Client], monkeypatch: Any
) -> None:
    monkeypatch.setattr(map_views, "PANEL_CASES", 3)
    for _ in range(5):
        put_case(rich_world.grid_x, received_at=timezone.now(), state="registered")
    response = panel(client_for("grid_manager_x"), rich_world.grid_x)
    assert len(response.context["panel_cases"]) == 3
    assert "and 2 more" in response.content.decode()


def test_a_unit_panel_lists_its_children_with_their_open_and_overdue_cases(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    w = staffed
    response = panel(client_for("street_staff"), w.community)
    children = [
        (c.code, c.is_grid, c.counts.open, c.counts.overdue) for c in response.context["panel_children"]
    ]
    assert children == [(w.grid_x.code, True, 2, 1), (w.grid_y.code, True, 1, 0)]
    total = response.context["panel_total"]
    assert (total.open, total.overdue) == (3, 1)
    body = response.content.decode()
    assert f'href="/map/{w.grid_x.code}/" data-drill="{w.grid_x.code}"' in body


def test_the_panel_speaks_chinese_by_default(
    staffed: SimpleNamespace, client_for: Callable[[str], Client]
) -> None:
    body = (
        client_for("grid_manager_x")
        .get(reverse("web:map-panel", args=[staffed.grid_x.code]))
        .content.decode()
    )
    assert "网格员" in body  # the grid manager's post
    assert "办理中" in body  # the red case's state
    assert "In progress" not in body
