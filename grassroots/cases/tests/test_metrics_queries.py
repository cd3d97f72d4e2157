"""A metrics table costs a fixed number of queries, whatever the size of the subtree."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from grassroots.cases import metrics
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

SHANGHAI = timezone.get_default_timezone()
MARCH = dt.date(2025, 3, 1)
APRIL = dt.date(2025, 4, 1)
APRIL_10 = dt.datetime(2025, 4, 10, 12, 0, tzinfo=SHANGHAI)


def fill(world, put_case, grids):
    for i, grid in enumerate(grids):
        for day in range(1, 1 + 3 + i % 3):
            put_case(
                grid,
                received_at=dt.datetime(2025, 3, day, 9, tzinfo=SHANGHAI),
                due_at=dt.datetime(2025, 3, 20, 18, tzinfo=SHANGHAI),
                closed_at=dt.datetime(2025, 3, 10 + day, 12, tzinfo=SHANGHAI),
                outcome="solved",
                rated_at=dt.datetime(2025, 3, 12 + day, 12, tzinfo=SHANGHAI),
                satisfaction="satisfied",
            )


def test_a_live_table_takes_two_queries_for_a_small_or_a_larger_tree(
    world, put_case, django_assert_num_queries
):
    fill(world, put_case, [world.grid_x])
    # units of the rows, then the month's counters by unit
    with django_assert_num_queries(2):
        small = metrics.metrics_for(world.district, MARCH, APRIL, levels=None)

    more = [
        org_actions.create_unit(
            actor=world.root, kind=UnitKind.GRID, name=f"网格{i}", parent=world.community3
        )
        for i in range(8)
    ]
    fill(world, put_case, [world.grid_y, world.grid_z, world.grid_w, *more])
    with django_assert_num_queries(2):
        large = metrics.metrics_for(world.district, MARCH, APRIL, levels=None)
    with django_assert_num_queries(2):
        metrics.metrics_for(world.street, MARCH, APRIL, levels=None)
    # a range that is not whole months is counted from the cases: one GROUP BY per clock
    with django_assert_num_queries(5):
        metrics.metrics_for(world.district, MARCH, dt.date(2025, 3, 15), levels=None)

    assert len(large) == len(small) + len(more)
    assert large[0].counts.received > small[0].counts.received


def test_a_frozen_period_is_read_in_two_queries_and_ranked_in_three(
    world, put_case, django_assert_num_queries
):
    fill(world, put_case, [world.grid_x, world.grid_y])
    call_command("freeze_metrics", "--kind", "month", "--until", "2025-04-01", stdout=io.StringIO())

    with django_assert_num_queries(2):
        table = metrics.period_metrics(world.district, "month", MARCH, levels=None, now=APRIL_10)
    with django_assert_num_queries(3):
        metrics.ranking(world.street, "month", MARCH, "completion", now=APRIL_10)

    assert table.source == metrics.FROZEN


def test_the_split_takes_two_queries(ledger, put_case, django_assert_num_queries):
    put_case(ledger.grid_x, received_at=dt.datetime(2025, 3, 3, tzinfo=SHANGHAI), category=ledger.cat_road)

    with django_assert_num_queries(2):
        result = metrics.split(ledger.district, MARCH, APRIL)

    assert result.top_categories[0].code == "CJ"


def test_a_trend_takes_two_queries_and_gives_each_periods_own_figures(
    world, put_case, django_assert_num_queries
):
    fill(world, put_case, [world.grid_x, world.grid_y])
    put_case(world.grid_x, received_at=dt.datetime(2025, 1, 20, 9, tzinfo=SHANGHAI))
    call_command("freeze_metrics", "--kind", "month", "--until", "2025-03-01", stdout=io.StringIO())
    periods = [metrics.period_containing("month", dt.date(2025, month, 1)) for month in range(1, 6)]

    for unit in (world.district, world.street, world.grid_x):
        with django_assert_num_queries(2):
            trend = metrics.unit_over_periods(unit, periods, now=APRIL_10)
        each = [
            metrics.period_metrics(unit, "month", p.start, levels=0, now=APRIL_10).rows[0] for p in periods
        ]
        assert [(row.counts, row.source) for row in trend] == [(row.counts, row.source) for row in each]
    # January frozen, March live, with cases in both
    assert [row.source for row in trend][:3] == [metrics.FROZEN, metrics.FROZEN, metrics.LIVE]
    assert trend[0].counts.received == 1
    assert trend[2].counts.received > 0
