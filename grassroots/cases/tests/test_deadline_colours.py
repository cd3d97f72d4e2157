"""Deadline colours (docs/domain.md §3.3): the sweeper marks a clock yellow at the warning moment
and red when it is breached, telling the holders once; no other act raises a colour, and a colour
drops only when its clock restarts or moves."""

from __future__ import annotations

import datetime as dt

from grassroots.cases import actions, deadlines
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.sweep import sweep
from grassroots.notify.models import Notification

SECOND = dt.timedelta(seconds=1)


def colours(case: Case) -> tuple[str, str]:
    case = Case.objects.get(pk=case.pk)
    return case.stage_color, case.case_color


def test_nothing_is_marked_before_the_warning_moment(bring):
    case = bring.routed()
    sweep(case.stage_yellow_at - SECOND)
    assert colours(case) == ("", "")


def test_the_sweeper_marks_the_stage_yellow_then_red_and_tells_the_holders(ledger, bring):
    case = bring.routed()
    sweep(case.stage_yellow_at)
    assert colours(case) == ("yellow", "")
    sweep(case.stage_due_at)
    assert colours(case)[0] == "red"
    told = Notification.objects.filter(subject=case.number, kind__in=["yellow", "red"])
    assert sorted(told.values_list("recipient__username", "kind")) == [
        ("cw", "red"),
        ("cw", "yellow"),
        ("cw2", "red"),
        ("cw2", "yellow"),
    ]


def test_the_sweeper_marks_the_whole_case_yellow_and_red(bring):
    case = bring.triaged()
    sweep(case.yellow_at)
    assert colours(case) == ("", "yellow")
    sweep(case.due_at)
    assert colours(case) == ("", "red")


def test_a_sweeper_that_was_down_goes_straight_to_red(bring):
    case = bring.routed()
    sweep(case.stage_due_at + dt.timedelta(hours=1))
    assert colours(case)[0] == "red"
    warnings = CaseEvent.objects.filter(case=case, kind="warn")
    assert [e.data["stage"] for e in warnings] == ["red"]


def test_acts_do_not_raise_a_colour_even_past_the_warning_moment(ledger, bring):
    case = bring.routed()
    # The stage's warning moment is passed but no sweeper has run: an act leaves the colour alone.
    Case.objects.filter(pk=case.pk).update(stage_yellow_at=case.stage_started_at)
    case = Case.objects.get(pk=case.pk)
    case = actions.accept_case(case, actor=ledger.community_worker, version=case.version)
    case = actions.add_progress(case, actor=ledger.community_worker, version=case.version, note="已联系电工")
    assert colours(case) == ("", "")
    assert not Notification.objects.filter(kind__in=["yellow", "red"]).exists()


def test_a_new_stage_starts_without_a_colour(ledger, bring):
    case = bring.routed()
    sweep(case.stage_due_at)
    case = Case.objects.get(pk=case.pk)
    assert case.stage_color == "red"
    case = actions.escalate_case(
        case, actor=ledger.community_worker, version=case.version, reason="社区无法协调"
    )
    assert colours(case)[0] == ""
    assert case.stage_started_at is not None
    assert case.stage_started_at > case.received_at


def test_an_extension_drops_a_colour_its_moved_clock_no_longer_shows(ledger, bring):
    case = bring.in_progress()
    # Marked yellow a moment ago: the warning moment was now.
    sweep(case.stage_yellow_at)
    case = Case.objects.get(pk=case.pk)
    assert case.stage_color == "yellow"
    extension = actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=5, reason="等待配件"
    )
    case = actions.decide_extension(extension, actor=ledger.street_staff, version=case.version, approve=True)
    case = Case.objects.get(pk=case.pk)
    assert case.stage_color == ""  # the moved warning moment lies in the future
    assert case.next_sweep_at == case.stage_yellow_at


def test_after_a_sweep_the_next_sweep_lies_in_the_future(bring):
    case = bring.routed()
    for moment in (case.stage_yellow_at, case.stage_due_at, case.yellow_at, case.due_at, case.red_card_at):
        sweep(moment)
        swept = Case.objects.get(pk=case.pk)
        assert swept.next_sweep_at is None or swept.next_sweep_at > moment
        assert swept.next_sweep_at == deadlines.next_sweep_at(swept)


def test_the_warnings_of_a_case_nobody_holds_yet_go_to_its_triage_queue(bring):
    case = bring.registered()
    sweep(case.yellow_at)
    told = Notification.objects.filter(subject=case.number, kind="yellow")
    assert set(told.values_list("recipient__username", flat=True)) == {"cw", "cw2"}
