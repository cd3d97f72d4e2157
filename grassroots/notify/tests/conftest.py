"""Notification tests: recipients with e-mail addresses, and the test channels reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import make_user
from grassroots.notify.tests import fakes

RECORD = "grassroots.notify.tests.fakes.RecordingChannel"


@pytest.fixture(autouse=True)
def _fresh_fakes() -> Iterator[None]:
    fakes.reset()
    yield
    fakes.reset()


@pytest.fixture
def people(db: Any) -> list[Any]:
    return [make_user(name, email=f"{name}@example.gov.cn") for name in ("ann", "bo", "cai")]


@pytest.fixture
def channel(settings: Any) -> Any:
    """``channel(path)`` enables just that outbound channel."""

    def use(path: str = RECORD) -> None:
        settings.NOTIFY_CHANNELS = [path]

    use()
    return use
