"""Two sweepers at once, and one sweeper twice: every due case is acted on exactly
once — one escalation, one warning, one supervision record per level, one notification per
occurrence — and a second run finds nothing to do.

The threads use their own database connections (real row locks on PostgreSQL, IMMEDIATE
transactions on a file SQLite database) and both list the same due cases before either starts, so
every case is contended. ``test_a_stale_sweeper_sees_work_but_its_write_is_refused`` shows what
stops the loser: its copy of the case still looks due, and only the version check refuses it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.utils import timezone

from grassroots.cases import actions, deadlines, sweep
from grassroots.cases.models import Case, CaseEvent, SupervisionRecord
from grassroots.core.errors import Conflict
from grassroots.notify.models import Notification

LATER = dt.timedelta(days=40)  # past every limit of the cases below (about 28 working days)


def _due_cases(ledger, bring):
    """Six cases that all have something due 40 days from now:

    road     大事 at the street, its category escalates automatically to 区住建局
    light    小事 at the community
    private  a guided 私事 whose follow-up is overdue
    waiting  registered, never triaged
    rated    verified, rating window over → closed
    spot     solved on the spot, rating window over → closed
    """
    road = bring.triaged("major", category=ledger.cat_road)
    road = actions.route_case(road, actor=ledger.community_worker, version=road.version)
    return {
        "road": road,
        "light": bring.routed(),
        "private": bring.guided(),
        "waiting": bring.registered(),
        "rated": bring.awaiting_rating(),
        "spot": bring.on_the_spot(),
    }


def _totals(results):
    return {
        name: sum(getattr(r, name) for r in results)
        for name in ("looked_at", "warnings", "escalations", "supervisions", "closures", "skipped", "failed")
    }


def _assert_each_acted_on_once(cases, ledger):
    road = Case.objects.get(pk=cases["road"].pk)
    assert road.level == "department"
    assert road.responsible_department == ledger.housing
    kinds = Counter(
        CaseEvent.objects.filter(actor=None).exclude(kind="register").values_list("case_id", "kind")
    )
    assert kinds[(road.pk, "escalate")] == 1
    for name in ("road", "light", "private", "waiting"):
        assert kinds[(cases[name].pk, "warn")] == 1, name
    for name in ("rated", "spot"):
        assert kinds[(cases[name].pk, "close")] == 1, name
        assert Case.objects.get(pk=cases[name].pk).state == "closed"
    records = Counter(SupervisionRecord.objects.values_list("case_id", "level"))
    assert set(records.values()) == {1}
    assert sorted(level for (pk, level) in records if pk == road.pk) == ["normal", "red_card", "yellow_card"]
    assert sum(kinds[(pk, "supervise")] for pk in [c.pk for c in cases.values()]) == len(records) == 11
    # One "escalated to you" for each 住建 handler, and no notification twice.
    assert list(
        Notification.objects.filter(
            subject=road.number, kind="assigned", title__contains="escalated"
        ).values_list("recipient__username", flat=True)
    ) == ["zj_handler"]
    assert Notification.objects.count() == len(
        set(Notification.objects.values_list("recipient", "dedupe_key"))
    )


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_act_on_every_case_exactly_once(threads_db, ledger, bring, monkeypatch):
    cases = _due_cases(ledger, bring)
    now = timezone.now() + LATER
    listed = threading.Barrier(2, timeout=30)
    real_batch = sweep.due_batch

    def batch_then_wait(moment, *, after, size):
        ids = real_batch(moment, after=after, size=size)
        if after is None:
            listed.wait()  # both sweepers hold the same list before either sweeps
        return ids

    monkeypatch.setattr(sweep, "due_batch", batch_then_wait)
    results = threads_db.run(lambda: sweep.sweep(now), lambda: sweep.sweep(now))

    totals = _totals(results)
    assert totals == {
        "looked_at": 6,  # each case swept by one of them …
        "skipped": 6,  # … and found taken or no longer due by the other
        "warnings": 7,
        "escalations": 1,
        "supervisions": 11,
        "closures": 2,
        "failed": 0,
    }
    _assert_each_acted_on_once(cases, ledger)


def test_a_second_sweep_right_after_the_first_does_nothing(ledger, bring, ledger_snapshot):
    cases = _due_cases(ledger, bring)
    now = timezone.now() + LATER
    first = sweep.sweep(now)
    assert (first.looked_at, first.escalations, first.closures, first.failed) == (6, 1, 2, 0)
    _assert_each_acted_on_once(cases, ledger)
    before = ledger_snapshot()
    second = sweep.sweep(now)
    assert _totals([second]) == dict.fromkeys(_totals([second]), 0)
    assert ledger_snapshot() == before


def test_a_stale_sweeper_sees_work_but_its_write_is_refused(ledger, bring, ledger_snapshot):
    road = bring.triaged("major", category=ledger.cat_road)
    road = actions.route_case(road, actor=ledger.community_worker, version=road.version)
    now = timezone.now() + LATER
    stale = Case.objects.get(pk=road.pk)  # sweeper B read the case …
    assert sweep.sweep(now).escalations == 1  # … then sweeper A swept it
    before = ledger_snapshot()
    # B's copy still shows an unmarked, overdue stage: without the version check it would warn,
    # escalate and supervise a second time.
    assert deadlines.stage_colour(stale, now) == "red"
    assert stale.stage_color == ""
    with pytest.raises(Conflict):
        actions.sweep_case(stale, now=now)
    assert ledger_snapshot() == before


def test_a_case_changed_by_a_person_between_listing_and_sweeping_is_skipped(ledger, bring, monkeypatch):
    case = bring.routed()
    now = case.stage_yellow_at
    real_batch = sweep.due_batch

    def batch_then_person_acts(moment, *, after, size):
        ids = real_batch(moment, after=after, size=size)
        if ids:
            fresh = Case.objects.get(pk=case.pk)
            actions.close_unsolved(fresh, actor=ledger.street_staff, version=fresh.version, reason="无法解决")
        return ids

    monkeypatch.setattr(sweep, "due_batch", batch_then_person_acts)
    result = sweep.sweep(now)
    assert (result.looked_at, result.skipped, result.warnings) == (0, 1, 0)
    assert not CaseEvent.objects.filter(case=case, kind="warn").exists()
