"""The same seed gives the same district; another seed gives another one."""

from __future__ import annotations

from typing import Any

from grassroots.demo import reset
from grassroots.demo.tests.tiny import TINY, load
from grassroots.org.models import Unit
from grassroots.people.models import Household, Resident


def snapshot() -> dict[str, Any]:
    return {
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "boundary", "lat", "lng")),
        "households": list(Household.objects.order_by("uid").values_list("uid", "address")),
        "residents": list(
            Resident.objects.order_by("uid").values_list(
                "uid", "name", "gender", "birth_year", "id_number_hash", "phone_hash"
            )
        ),
    }


def test_the_same_seed_gives_identical_names_id_numbers_and_boundaries(db):
    load(seed=11)
    first = snapshot()
    reset.reset(TINY)
    load(seed=11)
    assert snapshot() == first


def test_another_seed_gives_another_district(db):
    load(seed=11)
    first = snapshot()
    reset.reset(TINY)
    load(seed=12)
    second = snapshot()
    assert [u[2] for u in second["units"]] != [u[2] for u in first["units"]]
    assert {r[1] for r in second["residents"]} != {r[1] for r in first["residents"]}
    assert not {r[4] for r in second["residents"]} & {r[4] for r in first["residents"]}
