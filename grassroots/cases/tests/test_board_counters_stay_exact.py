"""The board's counters (``cases.tally``) stay equal to a count of the cases through every change
a case goes through, also when two writers change cases of one grid at once, and the board reads
the same figures from them as from the cases."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.cases import actions, metrics, tally
from grassroots.cases.models import Case, CaseTally, SplitTally

SHANGHAI = timezone.get_default_timezone()


def agree(district) -> None:
    assert tally.differences(district) == []


def test_every_step_of_a_case_keeps_the_counters_exact(ledger, bring):
    w = ledger
    case = bring.registered()
    agree(w.district)
    steps = [
        lambda c: actions.triage_case(
            c, actor=w.community_worker, version=c.version, triage_class="community", reason="按清单"
        ),
        lambda c: actions.retriage_case(
            c,
            actor=w.community_worker,
            version=c.version,
            triage_class="community",
            reason="归入社区事务",
            category=w.cat_comm,
        ),
        lambda c: actions.route_case(c, actor=w.community_worker, version=c.version, level="community"),
        lambda c: actions.accept_case(c, actor=w.community_worker, version=c.version),
        lambda c: actions.decide_extension(
            actions.request_extension(
                c, actor=w.community_worker, version=c.version, days=3, reason="等待配件"
            ),
            actor=w.street_staff,
            version=Case.objects.get(pk=c.pk).version,
            approve=True,
        ),
        lambda c: actions.resolve_case(c, actor=w.community_worker, version=c.version, resolution="修好了"),
        lambda c: actions.verify_case(c, actor=w.community_worker2, version=c.version),
        lambda c: actions.rate_case(
            c, actor=w.resident_a_user, version=c.version, satisfaction="dissatisfied"
        ),
        lambda c: actions.reopen_case(c, actor=w.resident_a_user, version=c.version, comment="还是坏的"),
        lambda c: actions.resolve_case(c, actor=w.community_worker, version=c.version, resolution="换了零件"),
        lambda c: actions.verify_case(c, actor=w.community_worker2, version=c.version),
        lambda c: actions.rate_case(c, actor=w.resident_a_user, version=c.version, satisfaction="satisfied"),
        lambda c: actions.close_case(c, actor=w.community_worker, version=c.version),
    ]
    counted = []
    for step in steps:
        case = step(Case.objects.get(pk=case.pk))
        agree(w.district)
        counted.append(
            CaseTally.objects.filter(unit=case.unit).values_list("closed", "reopened", "rated").first()
        )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.outcome, stored.reopen_count) == ("closed", "solved", 1)
    # the reopened, re-rated and closed case is one closure, reopened, and one rating (the last)
    assert counted[-1] == (1, 1, 1)


def test_closing_by_every_other_way_keeps_the_counters_exact(ledger, bring):
    w = ledger
    original = bring.routed()
    again = bring.registered()
    actions.mark_duplicate(again, actor=w.community_worker, version=again.version, original=original)
    untrue = bring.registered()
    actions.reject_case(
        untrue, actor=w.community_worker, version=untrue.version, outcome="not_true", reason="查无此事"
    )
    case = bring.in_progress()
    actions.close_unsolved(case, actor=w.street_staff, version=case.version, reason="无法解决，已解释")
    bring.on_the_spot()
    bring.guided()
    bring.at_department()
    agree(w.district)
    assert set(Case.objects.values_list("outcome", flat=True)) >= {"duplicate", "not_true", "unsolved"}


def test_a_write_through_a_copy_loaded_without_the_counted_fields_reads_them_first(ledger, bring):
    case = bring.routed()
    partial = Case.objects.only("pk", "version", "state", "district_id", "unit_id").get(pk=case.pk)
    assert partial._tally_mark is None
    actions.accept_case(partial, actor=ledger.community_worker, version=partial.version)
    agree(ledger.district)


def test_a_write_through_a_refreshed_copy_counts_from_the_row(ledger, bring):
    case = bring.in_progress()
    other = Case.objects.get(pk=case.pk)
    actions.resolve_case(other, actor=ledger.community_worker, version=other.version, resolution="修好了")
    case.refresh_from_db()  # the copy's fields now are the row's, its remembered mark is older
    actions.verify_case(case, actor=ledger.community_worker2, version=case.version)
    agree(ledger.district)


def test_a_retriage_moves_the_case_between_classes_of_the_split(ledger, bring):
    w = ledger
    case = bring.triaged("community")
    period = metrics.current_period("month")

    def by_class() -> dict[str, int]:
        return metrics.split(w.district, period.start, period.end).by_class

    assert by_class()["community"] == 1
    actions.retriage_case(
        case, actor=w.community_worker, version=case.version, triage_class="major", reason="涉及多户"
    )
    assert (by_class()["community"], by_class()["major"]) == (0, 1)


def test_the_board_reads_the_same_figures_from_the_counters_as_from_the_cases(world, put_case):
    w = world
    at = lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)  # noqa: E731
    # a mix across the months' edges (local midnight) and every clock
    put_case(w.grid_x, received_at=at("2025-02-28 23:59"), due_at=at("2025-03-01 00:00"))
    put_case(
        w.grid_x,
        received_at=at("2025-03-01 00:00"),
        first_response_at=at("2025-03-01 08:00"),
        response_due_at=at("2025-03-02 00:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-04-02 12:00"),
        outcome="solved",
        reopen_count=1,
        rated_at=at("2025-04-03 12:00"),
        satisfaction="basically",
    )
    put_case(
        w.grid_y,
        received_at=at("2025-03-31 23:59"),
        due_at=at("2025-04-30 18:00"),
        closed_at=at("2025-04-10 12:00"),
        outcome="duplicate",
    )
    put_case(
        w.community,
        received_at=at("2025-03-15 10:00"),
        closed_at=at("2025-03-16 10:00"),
        outcome="solved",
        rated_at=at("2025-03-31 23:59"),
        satisfaction="dissatisfied",
    )
    for start in (dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)):
        period = metrics.period_containing("month", start)
        for unit in (w.district, w.street, w.community, w.grid_x, w.grid_y):
            from_counters = _merged(metrics.count_by_unit(unit, period.start_at, period.end_at))
            from_cases = _merged(metrics.count_cases_by_unit(unit, period.start_at, period.end_at))
            assert from_counters == from_cases, (unit.code, period)
    quarter = metrics.period_containing("quarter", dt.date(2025, 1, 1))
    table = metrics.metrics_for(w.district, quarter.start, quarter.end, levels=None)
    # received 4; due 3 (not the duplicate); rated 1 (the other rating falls in April)
    assert (table[0].counts.received, table[0].counts.due, table[0].counts.rated) == (4, 3, 1)


def _merged(groups):
    """Counts by unit path, units with nothing left out (the raw count gives one entry per clock,
    some all zero; the counters one per unit)."""
    merged: dict[str, dict[str, int]] = {}
    for path, values in groups:
        row = merged.setdefault(path, dict.fromkeys(tally.COUNTS, 0))
        for name, value in values.items():
            row[name] += value
    return {path: row for path, row in merged.items() if any(row.values())}


@pytest.mark.django_db(transaction=True)
def test_two_writers_counting_into_one_grid_at_once_lose_nothing(threads_db, ledger, bring):
    w = ledger
    cases = [bring.resolved() for _ in range(4)]
    start = threading.Barrier(2, timeout=30)

    def verify(pair):
        start.wait()
        for case in pair:
            fresh = Case.objects.get(pk=case.pk)
            actions.verify_case(fresh, actor=w.community_worker2, version=fresh.version)

    threads_db.run(lambda: verify(cases[:2]), lambda: verify(cases[2:]))
    agree(w.district)
    assert Case.objects.filter(state="awaiting_rating").count() == 4


@pytest.mark.counters_unchecked
def test_the_command_finds_a_drift_and_the_rebuild_mends_it(ledger, bring):
    bring.closed()
    CaseTally.objects.update(closed=7)
    SplitTally.objects.update(received=0)
    with pytest.raises(CommandError, match="differ"):
        call_command("case_tally", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("case_tally", "--rebuild", "--district", ledger.district.code, stdout=out)
    assert "counter rows" in out.getvalue()
    agree(ledger.district)
    call_command("case_tally", "--check", stdout=io.StringIO())


def test_a_citys_table_adds_up_its_districts_as_their_units_do(world):
    from grassroots.org import actions as org_actions
    from grassroots.org.choices import UnitKind
    from grassroots.people import actions as people_actions

    w = world
    city = org_actions.create_unit(actor=w.root, kind=UnitKind.CITY, name="示范市", code="5301")

    def district_with_cases(code: str, name: str, cases: int):
        district = org_actions.create_unit(
            actor=w.root, kind=UnitKind.DISTRICT, name=name, code=code, parent=city
        )
        unit = district
        for kind, label in ((UnitKind.STREET, "街道"), (UnitKind.COMMUNITY, "社区"), (UnitKind.GRID, "网格")):
            unit = org_actions.create_unit(actor=w.root, kind=kind, name=name + label, parent=unit)
        household = people_actions.register_household(actor=w.root, grid=unit, address=f"{name}1栋101")
        for _ in range(cases):
            actions.register_case(
                actor=w.root,
                title="路灯不亮",
                description="门口路灯不亮",
                channel="grid_patrol",
                household=household,
            )
        return district

    east, west = district_with_cases("530198", "东区", 2), district_with_cases("530199", "西区", 1)
    city.refresh_from_db()
    period = metrics.current_period("month")

    table = metrics.period_metrics(city, "month", period.start, levels=1)

    by_code = {row.code: row.counts for row in table.rows}
    by_units = metrics.metrics_for(city, period.start, period.end, levels=1)  # grouped by unit, rolled up
    assert by_code == {row.code: row.counts for row in by_units}
    received = {code: counts.received for code, counts in by_code.items()}
    assert received == {city.code: 3, east.code: 2, west.code: 1}
