"""The duplicates of a case are counted around its own receipt, not around today (docs/triage.md,
"Duplicates"): a case looked at long after it came in still finds its original, received within
``TRIAGE_DUPLICATE_DAYS`` before it, and never a case received after it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from grassroots.triage.duplicates import duplicates_of_case, find_duplicates


@pytest.fixture(autouse=True)
def thirty_days(settings: Any) -> None:
    settings.TRIAGE_DUPLICATE_DAYS = 30
    settings.TRIAGE_REPOST_MINUTES = 60


def numbers(found: list[Any]) -> list[str]:
    return [c.case.number for c in found]


def test_an_old_case_finds_its_original_from_ten_days_before_it_but_not_forty(
    ledger: SimpleNamespace, report: Any
) -> None:
    now = timezone.now()
    old = report(received_at=now - timedelta(days=200))
    original = report(received_at=now - timedelta(days=210))
    too_early = report(received_at=now - timedelta(days=240))
    found = numbers(duplicates_of_case(ledger.district_admin, old))
    assert found == [original.number]
    assert too_early.number not in found


def test_a_case_received_after_it_is_never_offered_as_its_original(
    ledger: SimpleNamespace, report: Any
) -> None:
    now = timezone.now()
    old = report(received_at=now - timedelta(days=200))
    later = report(received_at=now - timedelta(days=195))
    today = report(received_at=now)
    found = numbers(duplicates_of_case(ledger.district_admin, old))
    assert found == []
    # The later ones see it, the other way round.
    assert old.number in numbers(duplicates_of_case(ledger.district_admin, later))
    assert later.number not in numbers(duplicates_of_case(ledger.district_admin, today))


def test_the_re_post_window_is_measured_from_the_old_case_s_receipt(
    ledger: SimpleNamespace, report: Any
) -> None:
    received = timezone.now() - timedelta(days=200)
    first = report(received_at=received - timedelta(minutes=5))
    again = report(received_at=received)
    found = duplicates_of_case(ledger.district_admin, again)
    assert numbers(found) == [first.number]
    assert found[0].repost


def test_a_text_given_with_its_receipt_is_compared_with_the_days_before_that_receipt(
    ledger: SimpleNamespace, report: Any
) -> None:
    now = timezone.now()
    before = report(received_at=now - timedelta(days=110))
    report(received_at=now - timedelta(days=90))
    text: dict[str, Any] = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮，晚上看不见。"}
    found = find_duplicates(
        ledger.district_admin, district=ledger.district, received_at=now - timedelta(days=100), **text
    )
    assert numbers(found) == [before.number]
    # Without a receipt the window ends now, and both are older than thirty days.
    assert find_duplicates(ledger.district_admin, district=ledger.district, **text) == []
