"""When a case is due (docs/domain.md §3.5): it settles when it is closed if that is by its
deadline, otherwise at its deadline; duplicates never count. Months are local (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.cases import metrics

SHANGHAI = timezone.get_default_timezone()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def month(unit, year, number):
    period = metrics.Period("month", dt.date(year, number, 1))
    row = metrics.metrics_for(unit, period.start, period.end, levels=0)[0]
    return row.counts


def test_a_case_closed_early_is_due_in_the_month_it_was_closed(world, put_case):
    put_case(
        world.grid_x,
        received_at=at("2025-02-10 09:00"),
        due_at=at("2025-04-10 18:00"),
        closed_at=at("2025-03-20 12:00"),
        outcome="solved",
    )

    march, april = month(world.district, 2025, 3), month(world.district, 2025, 4)

    # closed 03-20, before its deadline 04-10: due, solved and solved in time in March only
    assert (march.due, march.solved, march.solved_in_time) == (1, 1, 1)
    assert (april.due, april.solved) == (0, 0)


def test_an_open_case_past_its_deadline_is_due_in_its_deadline_month(world, put_case):
    put_case(
        world.grid_x,
        received_at=at("2025-02-10 09:00"),
        due_at=at("2025-03-15 18:00"),
        state="in_progress",
    )

    february, march, april = (month(world.district, 2025, m) for m in (2, 3, 4))

    assert (march.due, march.solved) == (1, 0)
    assert metrics.ratio(march.solved, march.due) == 0.0
    assert february.due == april.due == 0


def test_a_case_closed_late_is_due_at_its_deadline_and_solved_but_not_in_time(world, put_case):
    put_case(
        world.grid_x,
        received_at=at("2025-02-10 09:00"),
        due_at=at("2025-03-15 18:00"),
        closed_at=at("2025-04-05 12:00"),
        outcome="solved",
    )

    march, april = month(world.district, 2025, 3), month(world.district, 2025, 4)

    assert (march.due, march.solved, march.solved_in_time) == (1, 1, 0)
    # it still counts as closed (as solved) in April, the month it was closed
    assert (april.due, april.closed) == (0, 1)


def test_a_case_closed_exactly_at_its_deadline_is_in_time(world, put_case):
    put_case(
        world.grid_x,
        received_at=at("2025-03-01 09:00"),
        due_at=at("2025-03-15 18:00"),
        closed_at=at("2025-03-15 18:00"),
        outcome="solved",
    )

    assert month(world.district, 2025, 3).solved_in_time == 1


def test_the_deadline_month_is_taken_in_local_time(world, put_case):
    # 04-01 00:30 in Shanghai is 03-31 16:30 UTC: April here, March for a UTC calendar
    put_case(world.grid_x, received_at=at("2025-03-01 09:00"), due_at=at("2025-04-01 00:30"))

    assert month(world.district, 2025, 3).due == 0
    assert month(world.district, 2025, 4).due == 1


def test_duplicates_are_not_due_but_other_unsolved_outcomes_are(world, put_case):
    original = put_case(world.grid_x, received_at=at("2025-03-01 09:00"), due_at=at("2025-03-20 18:00"))
    put_case(
        world.grid_x,
        received_at=at("2025-03-02 09:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-03 12:00"),
        outcome="duplicate",
        duplicate_of=original,
    )
    for outcome in ("unsolved", "not_responsible", "not_true"):
        put_case(
            world.grid_x,
            received_at=at("2025-03-02 09:00"),
            due_at=at("2025-03-20 18:00"),
            closed_at=at("2025-03-10 12:00"),
            outcome=outcome,
        )

    march = month(world.district, 2025, 3)

    # the open original and the three closed-but-not-solved cases; the duplicate is left out
    assert (march.due, march.solved, march.closed) == (4, 0, 0)
    # received counts every case, the duplicate included
    assert march.received == 5


def test_a_reopened_case_counts_in_the_reopen_rate_of_the_month_it_is_closed_again(world, put_case):
    put_case(
        world.grid_x,
        received_at=at("2025-03-01 09:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-12 12:00"),
        outcome="solved",
        reopen_count=1,
    )
    put_case(
        world.grid_x,
        received_at=at("2025-03-01 09:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-10 12:00"),
        outcome="solved",
    )
    put_case(
        world.grid_x,
        received_at=at("2025-03-01 09:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-10 12:00"),
        outcome="unsolved",
        reopen_count=1,
    )

    march = month(world.district, 2025, 3)

    # closed as solved: two, of which one had been reopened; the unsolved one is not "closed"
    assert (march.closed, march.reopened) == (2, 1)
