"""The published metrics (docs/domain.md §3.5) on a hand-built data set with hand-computed answers.

All times are Asia/Shanghai local; the period is March 2025 = [03-01 00:00, 04-01 00:00) local.

    case unit received     resp.due  first resp.  due          closed  outcome    rated (satisfaction)  reopen
    X1   X    03-02 09:00  03-03 09  03-02 15:00  03-16        03-10   solved     03-11 satisfied       0
    X2   X    03-05 09:00  03-06 09  03-06 10:00  03-20        -       -          -                     0
    X3   X    02-20 09:00  02-21 09  02-20 10:00  03-06        03-09   solved     03-09 basically       1
    X4   X    03-25 09:00  03-26 09  -            04-15        -       -          -                     0
    X5   X    02-10 09:00  02-11 09  02-10 10:00  03-05        02-25   solved     03-01 00:30 dissat.   0
    X6   X    03-03 09:00  03-04 09  03-03 10:00  03-17        03-04   duplicate  -                     0
    Y1   Y    03-10 09:00  03-11 09  03-10 10:00  03-24        03-20   not_true   -                     0
    Y2   Y    01-15 09:00  01-16 09  01-15 10:00  02-27        -       -          -                     0
    Y3   Y    03-12 09:00  03-13 09  03-12 10:00  03-31 23:30  04-02   unsolved   -                     0
    Z1   Z    03-01 00:10  03-02 09  03-01 08:00  03-15        03-14   solved     03-15 satisfied       0
    Z2   Z    03-02 09:00  -         03-02 10:00  -            03-05   solved     -                     0
    C1   C    03-18 09:00  03-19 09  03-18 10:00  04-08        03-30   solved     -                     2
    W1   W    04-01 00:00  04-02 09  -            04-20        -       -          -                     0
    W2   W    03-31 23:59  04-01 23  -            04-20        -       -          -                     0

Hand computation for March (C1 belongs to community C itself, the fallback queue):

    X: received X1 X2 X4 X6 = 4; in time X1 X6 = 2 (X2 late, X4 never).
       due: X1 (closed early 03-10), X2 (open, due 03-20), X3 (closed late → due 03-06) = 3;
            X6 is a duplicate, X4 is due in April, X5 settled in February (closed early 02-25).
       solved X1 X3 = 2; in time X1 = 1.
       rated X1 X3 X5 (03-01 00:30 local is 02-28 16:30 UTC, still March here) = 3; satisfied X1 X3 = 2.
       closed as solved in March: X1 X3 = 2; reopened X3 = 1.
    Y: received Y1 Y3 = 2, in time 2. due Y1 (not true, closed early 03-20), Y3 (due 03-31 23:30
       local, closed late) = 2; solved 0. rated 0. closed as solved 0.
    C itself: received 1, in time 1, due 1, solved 1, in time 1, closed 1, reopened 1.
    community C = X + Y + C1: received 7, in time 5, due 6, solved 3, in time 2, rated 3,
       satisfied 2, closed 3, reopened 2.
    Z = community C2: received Z1 (03-01 00:10 local) Z2 = 2, in time Z1 = 1 (Z2 has no response
       limit); due Z1 (early) Z2 (no deadline: settles when closed) = 2, solved 2, in time Z1 = 1
       (Z2 has no deadline to be within); rated 1, satisfied 1; closed 2, reopened 0.
    street S = C + C2: received 9, in time 6, due 8, solved 5, in time 3, rated 4, satisfied 3,
       closed 5, reopened 2.
    W = C3 = street S2: received W2 (03-31 23:59) = 1, in time 0; W1 is received in April;
       due 0 (both due in April); rated 0; closed 0.
    district = S + S2: received 10, in time 6, due 8, solved 5, in time 3, rated 4, satisfied 3,
       closed 5, reopened 2.
    district ratios: response 6/10 = 0.6, completion 5/8 = 0.625, on time 3/8 = 0.375,
       satisfaction 3/4 = 0.75, reopen 2/5 = 0.4.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.cases import metrics

SHANGHAI = timezone.get_default_timezone()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


MARCH = (dt.date(2025, 3, 1), dt.date(2025, 4, 1))

FIELDS = ("received", "responded_in_time", "due", "solved", "solved_in_time", "rated", "satisfied")


@pytest.fixture
def march(world, put_case):
    w = world
    x1 = put_case(
        w.grid_x,
        received_at=at("2025-03-02 09:00"),
        response_due_at=at("2025-03-03 09:00"),
        first_response_at=at("2025-03-02 15:00"),
        due_at=at("2025-03-16 18:00"),
        closed_at=at("2025-03-10 12:00"),
        outcome="solved",
        rated_at=at("2025-03-11 12:00"),
        satisfaction="satisfied",
    )
    put_case(
        w.grid_x,
        received_at=at("2025-03-05 09:00"),
        response_due_at=at("2025-03-06 09:00"),
        first_response_at=at("2025-03-06 10:00"),
        due_at=at("2025-03-20 18:00"),
        state="in_progress",
    )
    put_case(
        w.grid_x,
        received_at=at("2025-02-20 09:00"),
        response_due_at=at("2025-02-21 09:00"),
        first_response_at=at("2025-02-20 10:00"),
        due_at=at("2025-03-06 18:00"),
        closed_at=at("2025-03-09 12:00"),
        outcome="solved",
        rated_at=at("2025-03-09 12:00"),
        satisfaction="basically",
        reopen_count=1,
    )
    put_case(
        w.grid_x,
        received_at=at("2025-03-25 09:00"),
        response_due_at=at("2025-03-26 09:00"),
        due_at=at("2025-04-15 18:00"),
    )
    put_case(
        w.grid_x,
        received_at=at("2025-02-10 09:00"),
        response_due_at=at("2025-02-11 09:00"),
        first_response_at=at("2025-02-10 10:00"),
        due_at=at("2025-03-05 18:00"),
        closed_at=at("2025-02-25 12:00"),
        outcome="solved",
        rated_at=at("2025-03-01 00:30"),
        satisfaction="dissatisfied",
    )
    put_case(
        w.grid_x,
        received_at=at("2025-03-03 09:00"),
        response_due_at=at("2025-03-04 09:00"),
        first_response_at=at("2025-03-03 10:00"),
        due_at=at("2025-03-17 18:00"),
        closed_at=at("2025-03-04 12:00"),
        outcome="duplicate",
        duplicate_of=x1,
    )
    put_case(
        w.grid_y,
        received_at=at("2025-03-10 09:00"),
        response_due_at=at("2025-03-11 09:00"),
        first_response_at=at("2025-03-10 10:00"),
        due_at=at("2025-03-24 18:00"),
        closed_at=at("2025-03-20 12:00"),
        outcome="not_true",
    )
    put_case(
        w.grid_y,
        received_at=at("2025-01-15 09:00"),
        response_due_at=at("2025-01-16 09:00"),
        first_response_at=at("2025-01-15 10:00"),
        due_at=at("2025-02-27 18:00"),
        state="in_progress",
    )
    put_case(
        w.grid_y,
        received_at=at("2025-03-12 09:00"),
        response_due_at=at("2025-03-13 09:00"),
        first_response_at=at("2025-03-12 10:00"),
        due_at=at("2025-03-31 23:30"),
        closed_at=at("2025-04-02 12:00"),
        outcome="unsolved",
    )
    put_case(
        w.grid_z,
        received_at=at("2025-03-01 00:10"),
        response_due_at=at("2025-03-02 09:00"),
        first_response_at=at("2025-03-01 08:00"),
        due_at=at("2025-03-15 18:00"),
        closed_at=at("2025-03-14 12:00"),
        outcome="solved",
        rated_at=at("2025-03-15 12:00"),
        satisfaction="satisfied",
    )
    put_case(
        w.grid_z,
        received_at=at("2025-03-02 09:00"),
        first_response_at=at("2025-03-02 10:00"),
        closed_at=at("2025-03-05 12:00"),
        outcome="solved",
    )
    put_case(
        w.community,
        received_at=at("2025-03-18 09:00"),
        response_due_at=at("2025-03-19 09:00"),
        first_response_at=at("2025-03-18 10:00"),
        due_at=at("2025-04-08 18:00"),
        closed_at=at("2025-03-30 12:00"),
        outcome="solved",
        reopen_count=2,
    )
    put_case(
        w.grid_w,
        received_at=at("2025-04-01 00:00"),
        response_due_at=at("2025-04-02 09:00"),
        due_at=at("2025-04-20 18:00"),
    )
    put_case(
        w.grid_w,
        received_at=at("2025-03-31 23:59"),
        response_due_at=at("2025-04-01 23:59"),
        due_at=at("2025-04-20 18:00"),
    )
    return w


def table(unit, levels=None):
    return {row.code: row for row in metrics.metrics_for(unit, *MARCH, levels=levels)}


def counts(row):
    return row.counts.as_dict()


def test_every_unit_gets_the_hand_computed_counts(march):
    w = march
    rows = table(w.district)
    # received, in time, due, solved, solved in time, rated, satisfied, closed, reopened
    expected = {
        w.grid_x: (4, 2, 3, 2, 1, 3, 2, 2, 1),
        w.grid_y: (2, 2, 2, 0, 0, 0, 0, 0, 0),
        w.community: (7, 5, 6, 3, 2, 3, 2, 3, 2),
        w.grid_z: (2, 1, 2, 2, 1, 1, 1, 2, 0),
        w.community2: (2, 1, 2, 2, 1, 1, 1, 2, 0),
        w.street: (9, 6, 8, 5, 3, 4, 3, 5, 2),
        w.grid_w: (1, 0, 0, 0, 0, 0, 0, 0, 0),
        w.community3: (1, 0, 0, 0, 0, 0, 0, 0, 0),
        w.street2: (1, 0, 0, 0, 0, 0, 0, 0, 0),
        w.district: (10, 6, 8, 5, 3, 4, 3, 5, 2),
    }
    for unit, numbers in expected.items():
        assert tuple(counts(rows[unit.code]).values()) == numbers, unit.name


def test_the_district_ratios_are_the_hand_computed_ones(march):
    row = table(march.district)[march.district.code]

    assert row.ratios == {
        "response": 0.6,
        "completion": 0.625,
        "on_time": 0.375,
        "satisfaction": 0.75,
        "reopen": 0.4,
    }


def test_each_unit_adds_up_its_children_and_its_own_cases(march):
    w = march
    rows = table(w.district)

    def total(*units):
        return {k: sum(counts(rows[u.code])[k] for u in units) for k in metrics.COUNT_FIELDS}

    own_community_case = dict.fromkeys(metrics.COUNT_FIELDS, 0) | {
        "received": 1,
        "responded_in_time": 1,
        "due": 1,
        "solved": 1,
        "solved_in_time": 1,
        "closed": 1,
        "reopened": 1,
    }
    grids = total(w.grid_x, w.grid_y)
    assert counts(rows[w.community.code]) == {k: grids[k] + own_community_case[k] for k in grids}
    assert counts(rows[w.street.code]) == total(w.community, w.community2)
    assert counts(rows[w.district.code]) == total(w.street, w.street2)


def test_rows_go_as_deep_as_asked_and_skip_buildings(march):
    w = march
    assert list(table(w.district, levels=0)) == [w.district.code]
    assert set(table(w.district, levels=1)) == {w.district.code, w.street.code, w.street2.code}
    deep = table(w.street, levels=None)
    assert set(deep) == {
        w.street.code,
        w.community.code,
        w.community2.code,
        w.grid_x.code,
        w.grid_y.code,
        w.grid_z.code,
    }
    assert w.building_x.code not in deep


def test_a_ratio_with_an_empty_denominator_is_null_not_zero(march):
    row = table(march.district)[march.grid_w.code]

    assert row.ratios == {
        "response": 0.0,
        "completion": None,
        "on_time": None,
        "satisfaction": None,
        "reopen": None,
    }


def test_every_ratio_comes_with_its_formula(march):
    row = table(march.district)[march.district.code]

    assert set(row.formulas) == set(row.ratios) == set(metrics.METRICS)
    assert row.formulas["completion"].startswith("Completion rate = cases closed as solved / cases due")
    assert "open cases past their deadline count" in row.formulas["completion"]
