"""Page and admin test helpers: a few more records beside the shared ``world``, a signed-in client
per persona, and the personal values that no response may contain.

    community C ─ facility F (党群服务中心), party branch P serving C with member M (ID and phone)
    grid X      ─ organisation O (shop) with a contact phone
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

# The ledger's fixtures (a catalog, extra staff, cases brought to each state through the actions),
# shared with the pages' tests.
from grassroots.cases.tests.conftest import bring, everyone, ledger, ledger_snapshot, report  # noqa: F401
from grassroots.triage.tests.conftest import leaks  # noqa: F401 - reports of one problem, for candidates

# Who may enter the admin: holders of a people-editor post, and the superuser ("root"). Department
# handlers enter for the ledger only (grassroots/cases/tests/test_admin_case_access.py).
ADMITTED = ("grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "district_admin", "root")
KEPT_OUT = ("resident_a", "resident_b", "nobody")


@pytest.fixture
def user_of(rich_world: SimpleNamespace, personas: dict[str, Any]) -> Callable[[str], Any]:
    def get(name: str) -> Any:
        return rich_world.root if name == "root" else personas[name]

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
