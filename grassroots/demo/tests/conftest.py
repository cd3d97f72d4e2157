from __future__ import annotations

from typing import Any

import pytest

from grassroots.demo import generator
from grassroots.demo.tests.tiny import load


@pytest.fixture(autouse=True)
def demo_settings(settings: Any) -> None:
    """The demo's accounts get their password with DEBUG on (as in ``make run``); password hashing
    is slow by design, and the tests only need it to work."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tiny(db: Any) -> generator.Result:
    return load()
