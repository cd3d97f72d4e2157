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

from grassroots.cases.tests.conftest import ledger, report  # noqa: F401 - the ledger's world, for its endpoints
from grassroots.org import geo
from grassroots.triage.tests.conftest import leaks  # noqa: F401 - reports of one problem, for candidates


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Any:
    """Login throttling counts in the cache, and the locator is cached per process by boundary
    revision, which restarts with every test database: neither may leak from one test to the next."""
    cache.clear()
    geo.reset_locator()
    yield
    geo.reset_locator()


@pytest.fixture
def client_for(rich_world: SimpleNamespace, personas: dict[str, Any]) -> Any:
    """``client_for("grid_manager_x")`` → an APIClient signed in as that persona
    (``"root"`` is the superuser, ``"anonymous"`` nobody at all)."""

    def make(name: str) -> APIClient:
        client = APIClient()
        if name == "root":
            client.force_login(rich_world.root)
        elif name != "anonymous":
            client.force_login(personas[name])
        return client

    return make
