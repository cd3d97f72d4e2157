"""API test helpers: a client per persona and a few more records beside the shared ``world``.

    community C ─ facility F (一有七中心: 党群服务中心), party branch P serving C with member M
    grid X      ─ organisation O (shop) with a contact phone

Every persona signs in through the session (as pages do), so each request loads the user afresh
and nothing cached on a user object carries over from one request to the next.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from conftest import ID_A, ID_B
from grassroots.core.validators import id_check_character
from grassroots.org import actions as org_actions
from grassroots.org import geo
from grassroots.org.choices import PartyOrgKind
from grassroots.people import actions as people_actions

ID_M = "53011319700101001" + id_check_character("53011319700101001")  # male, born 1970
PHONE_A = "13812345678"
PHONE_B = "13987654321"
PHONE_M = "13600002222"
PHONE_O = "13700001111"
# Personal values that no API answer may contain, except the one ``reveal`` call that asks for it.
PLAINTEXT = (ID_A, ID_B, ID_M, PHONE_A, PHONE_B, PHONE_M, PHONE_O)

PERSONAS = (
    "resident_a",
    "resident_b",
    "grid_manager_x",
    "grid_manager_y",
    "community_worker",
    "street_staff",
    "department_handler",
    "district_admin",
    "nobody",
)


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Any:
    """Login throttling counts in the cache, and the locator is cached per process by boundary
    revision, which restarts with every test database: neither may leak from one test to the next."""
    cache.clear()
    geo.reset_locator()
    yield
    geo.reset_locator()


@pytest.fixture
def api_world(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.facility = people_actions.register_facility(
        actor=w.root, unit=w.community, kind="party_service", name="桂苑党群服务中心", lat=26.005, lng=103.01
    )
    w.branch = org_actions.create_party_org(
        actor=w.root,
        kind=PartyOrgKind.BRANCH,
        name="桂苑社区党支部",
        district=w.district,
        serves=w.community,
        code="P-GY",
    )
    w.member = people_actions.register_party_member(
        actor=w.root,
        party_org=w.branch,
        name="王强",
        gender="male",
        birth_year=1970,
        id_number=ID_M,
        phone=PHONE_M,
        resident=w.resident_a,
    )
    w.organization = people_actions.register_organization(
        actor=w.root,
        unit=w.grid_x,
        category="shop",
        name="桂苑便利店",
        contact_name="赵敏",
        contact_phone=PHONE_O,
    )
    return w


@pytest.fixture
def client_for(api_world: SimpleNamespace, personas: dict[str, Any]) -> Any:
    """``client_for("grid_manager_x")`` → an APIClient signed in as that persona
    (``"root"`` is the superuser, ``"anonymous"`` nobody at all)."""

    def make(name: str) -> APIClient:
        client = APIClient()
        if name == "root":
            client.force_login(api_world.root)
        elif name != "anonymous":
            client.force_login(personas[name])
        return client

    return make
