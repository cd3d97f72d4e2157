"""Past periods are frozen by ``manage.py freeze_metrics`` and never move; the current one is live."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.cases import metrics, tally
from grassroots.cases.models import Case, MetricSnapshot
from grassroots.core.models import AuditRecord
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

SHANGHAI = timezone.get_default_timezone()
MARCH = dt.date(2025, 3, 1)
APRIL_10 = dt.datetime(2025, 4, 10, 12, 0, tzinfo=SHANGHAI)
# district, 2 streets, 3 communities, 4 grids (the building is a place, not a unit with figures)
ADMINISTRATIVE_UNITS = 10


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def freeze(*args: str) -> str:
    out = io.StringIO()
    call_command("freeze_metrics", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def solved_in_march(world, put_case):
    return put_case(
        world.grid_x,
        received_at=at("2025-03-05 09:00"),
        response_due_at=at("2025-03-06 09:00"),
        first_response_at=at("2025-03-05 10:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-10 12:00"),
        outcome="solved",
    )


def district_row(table):
    return next(row for row in table.rows if row.depth == table.unit.depth)


def test_every_administrative_unit_gets_a_snapshot_of_each_complete_period(world, solved_in_march):
    out = freeze("--kind", "month", "--until", "2025-04-01")

    assert f"{ADMINISTRATIVE_UNITS} snapshots written" in out
    snapshots = MetricSnapshot.objects.filter(period_kind="month")
    assert snapshots.count() == ADMINISTRATIVE_UNITS
    assert {s.period_start for s in snapshots} == {MARCH}
    assert not snapshots.filter(unit=world.building_x).exists()
    grid = snapshots.get(unit=world.grid_x)
    assert (grid.received, grid.responded_in_time, grid.due, grid.solved, grid.solved_in_time) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert snapshots.get(unit=world.district).closed == 1
    assert snapshots.get(unit=world.grid_w).received == 0


def test_a_second_run_writes_nothing(world, solved_in_march):
    freeze("--until", "2025-04-01")
    before = MetricSnapshot.objects.count()
    records = AuditRecord.objects.filter(target_type="cases.metricsnapshot").count()

    out = freeze("--until", "2025-04-01")

    assert "0 snapshots written" in out
    assert MetricSnapshot.objects.count() == before
    assert AuditRecord.objects.filter(target_type="cases.metricsnapshot").count() == records


def test_without_a_kind_months_quarters_and_years_are_frozen_once_complete(world, solved_in_march):
    freeze("--until", "2025-04-01")

    kinds = set(MetricSnapshot.objects.values_list("period_kind", "period_start").distinct())
    # March and the first quarter have ended by April 1; the year 2025 has not
    assert kinds == {("month", MARCH), ("quarter", dt.date(2025, 1, 1))}


def test_a_period_that_has_not_ended_by_until_is_not_frozen(world, solved_in_march):
    out = freeze("--kind", "month", "--until", "2025-03-31")

    assert "0 snapshots written" in out
    assert not MetricSnapshot.objects.exists()


def test_changing_a_case_after_freezing_does_not_change_the_frozen_period(world, solved_in_march):
    freeze("--kind", "month", "--until", "2025-04-01")
    Case.objects.filter(pk=solved_in_march.pk).update(outcome="unsolved")
    tally.rebuild(world.district)  # a direct repair of the data is followed by recounting

    table = metrics.period_metrics(world.district, "month", MARCH, levels=1, now=APRIL_10)

    assert table.complete
    assert table.source == metrics.FROZEN
    assert district_row(table).counts.solved == 1
    assert district_row(table).frozen_at is not None
    # the live count did change: the frozen figure is what kept it
    live = metrics.metrics_for(world.district, MARCH, dt.date(2025, 4, 1), levels=0)[0]
    assert live.counts.solved == 0


def test_the_current_period_is_live_and_moves(world, solved_in_march, put_case):
    freeze("--kind", "month", "--until", "2025-04-01")
    before = metrics.period_metrics(world.district, "month", dt.date(2025, 4, 1), now=APRIL_10)

    put_case(world.grid_y, received_at=at("2025-04-08 09:00"), due_at=at("2025-04-25 18:00"))
    after = metrics.period_metrics(world.district, "month", dt.date(2025, 4, 1), now=APRIL_10)

    assert not before.complete
    assert before.source == after.source == metrics.LIVE
    assert (district_row(before).counts.received, district_row(after).counts.received) == (0, 1)


def test_a_past_period_not_yet_frozen_is_computed_live_and_says_so(world, solved_in_march):
    table = metrics.period_metrics(world.district, "month", MARCH, now=APRIL_10)

    assert table.complete
    assert table.source == metrics.LIVE
    assert district_row(table).counts.solved == 1


def test_a_unit_added_after_freezing_is_live_beside_frozen_rows(world, solved_in_march):
    freeze("--kind", "month", "--until", "2025-04-01")
    org_actions.create_unit(actor=world.root, kind=UnitKind.COMMUNITY, name="新社区", parent=world.street2)

    table = metrics.period_metrics(world.district, "month", MARCH, levels=2, now=APRIL_10)

    assert table.source == metrics.MIXED
    sources = {row.name: row.source for row in table.rows}
    assert sources["新社区"] == metrics.LIVE
    assert sources[world.community.name] == metrics.FROZEN


def test_the_district_option_limits_the_run_and_an_unknown_code_is_an_error(world, solved_in_march):
    out = freeze("--kind", "month", "--until", "2025-04-01", "--district", world.district.code)

    assert f"{ADMINISTRATIVE_UNITS} snapshots written" in out
    with pytest.raises(CommandError, match="No district"):
        freeze("--district", "nowhere")


def test_a_run_that_writes_leaves_one_audit_record(world, solved_in_march):
    freeze("--kind", "month", "--until", "2025-04-01")

    record = AuditRecord.objects.get(target_type="cases.metricsnapshot")
    assert record.source == "command:freeze_metrics"
    assert record.changes == {"snapshots": ADMINISTRATIVE_UNITS, "periods": ["2025-03-01"]}


def test_snapshots_already_written_by_another_run_are_kept_and_the_rest_filled_in(world, solved_in_march):
    # as if a concurrent run had frozen grid X first, with figures of its own
    MetricSnapshot.objects.create(
        district=world.district,
        unit=world.grid_x,
        period_kind="month",
        period_start=MARCH,
        received=7,
        frozen_at=APRIL_10,
    )

    out = freeze("--kind", "month", "--until", "2025-04-01")

    assert f"{ADMINISTRATIVE_UNITS - 1} snapshots written" in out
    assert MetricSnapshot.objects.get(unit=world.grid_x).received == 7
