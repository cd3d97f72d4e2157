"""Page and admin test helpers: a few more records beside the shared ``world``, a signed-in client
per persona, and the personal values that no response may contain.

    community C ─ facility F (党群服务中心), party branch P serving C with member M (ID and phone)
    grid X      ─ organisation O (shop) with a contact phone
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from conftest import ID_A, ID_B
from grassroots.core.validators import id_check_character
from grassroots.org import actions as org_actions
from grassroots.org.choices import PartyOrgKind
from grassroots.people import actions as people_actions

ID_M = "53011319700101001" + id_check_character("53011319700101001")  # male, born 1970
PHONE_A = "13812345678"
PHONE_B = "13987654321"
PHONE_M = "13600002222"
PHONE_O = "13700001111"
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
# Who may enter the admin: holders of a people-editor post, and the superuser ("root").
ADMITTED = ("grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "district_admin", "root")
KEPT_OUT = ("resident_a", "resident_b", "department_handler", "nobody")


@pytest.fixture
def web_world(world: SimpleNamespace) -> SimpleNamespace:
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
def user_of(web_world: SimpleNamespace, personas: dict[str, Any]) -> Callable[[str], Any]:
    def get(name: str) -> Any:
        return web_world.root if name == "root" else personas[name]

    return get


@pytest.fixture
def client_for(user_of: Callable[[str], Any]) -> Callable[[str], Client]:
    """``client_for("grid_manager_x")`` → a client signed in as that persona through the session
    (``"root"`` is the superuser, ``"anonymous"`` nobody)."""

    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(user_of(name))
        return client

    return make


def assert_no_plaintext(body: bytes | str, allowed: Iterable[str] = ()) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    for value in PLAINTEXT:
        if value not in allowed:
            assert value not in text, f"plaintext {value[:3]}… leaked"
