"""Registering a case with an idempotency key (at the domain level): a retry with
the same key returns the case of the first call — also when both calls arrive at once — and
creates nothing more."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case, CaseEvent, CaseSequence, IdempotencyKey
from grassroots.core.errors import ValidationError

FIELDS: dict[str, Any] = {
    "title": "楼道灯坏了",
    "description": "3单元楼道灯不亮",
    "channel": "grid_patrol",
}


def test_the_same_key_twice_gives_one_case(ledger):
    first, created = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k-1", **FIELDS
    )
    again, created_again = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k-1", **FIELDS
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(kind="register").count() == 1


def test_a_different_key_or_another_user_registers_another_case(ledger):
    a, _ = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k-1", **FIELDS
    )
    b, _ = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k-2", **FIELDS
    )
    c, _ = actions.register_case(
        actor=ledger.community_worker, household=ledger.household_x, idempotency_key="k-1", **FIELDS
    )
    assert len({a.pk, b.pk, c.pk}) == 3


def test_a_key_longer_than_the_column_is_refused_and_nothing_registered(ledger):
    with pytest.raises(ValidationError) as refused:
        actions.register_case(
            actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k" * 101, **FIELDS
        )
    assert "idempotency_key" in refused.value.message_dict
    assert not Case.objects.exists()
    # the longest allowed key works, and a retry with it finds the case
    key = "k" * 100
    first, _ = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key=key, **FIELDS
    )
    again, created = actions.register_case(
        actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key=key, **FIELDS
    )
    assert (again.pk, created) == (first.pk, False)


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_the_same_moment_gives_one_case(threads_db, ledger):
    start = threading.Barrier(2, timeout=30)

    def register():
        start.wait()
        case, created = actions.register_case(
            actor=ledger.grid_manager_x, household=ledger.household_x, idempotency_key="k-1", **FIELDS
        )
        return case.pk, created

    results = threads_db.run(register, register)
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    assert CaseSequence.objects.get().last == 1  # the loser's number was rolled back with its case
