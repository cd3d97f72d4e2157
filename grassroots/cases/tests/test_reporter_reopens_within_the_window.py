"""Reopening (docs/domain.md §3.4): the reporter — or staff recording a phone call-back — may
reopen a case while it awaits the rating or after a solved closure, until the rating window
(default 7 days) ends, always with a comment; the case goes back to its handler, who is told."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case, SlaSettings
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.notify.models import Notification


def test_the_reporter_reopens_a_closed_case_and_the_handler_is_told(ledger, bring):
    case = bring.closed()
    case = actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="灯又不亮了")
    assert (case.state, case.outcome, case.reopen_count) == ("in_progress", "", 1)
    assert (case.assignee, case.responsible_unit, case.level) == (
        ledger.community_worker,
        ledger.community,
        "community",
    )
    assert (case.satisfaction, case.rated_at, case.verified_at, case.closed_at) == ("", None, None, None)
    assert case.stage_started_at is not None
    assert case.stage_started_at > case.received_at
    told = Notification.objects.filter(kind="reopened", subject=case.number)
    assert set(told.values_list("recipient__username", flat=True)) == {"cw"}
    assert case.events.latest("id").note == "灯又不亮了"


def test_reopening_needs_a_comment(ledger, bring):
    case = bring.awaiting_rating()
    with pytest.raises(ValidationError) as raised:
        actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="")
    assert "comment" in raised.value.message_dict


def test_the_window_is_enforced(ledger, bring, ledger_snapshot):
    case = bring.closed()
    Case.objects.filter(pk=case.pk).update(rating_due_at=case.rating_due_at - dt.timedelta(days=8))
    case = Case.objects.get(pk=case.pk)
    before = ledger_snapshot()
    with pytest.raises(Conflict, match="window"):
        actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="灯又不亮了")
    assert ledger_snapshot() == before


def test_the_window_length_is_a_district_setting(ledger, bring):
    SlaSettings.objects.update_or_create(district=ledger.district, defaults={"rating_window_days": 3})
    case = bring.awaiting_rating()
    assert case.rating_due_at == case.verified_at + dt.timedelta(days=3)


def test_an_awaiting_case_past_its_window_cannot_be_reopened_even_before_the_sweeper_closes_it(ledger, bring):
    case = bring.awaiting_rating()
    Case.objects.filter(pk=case.pk).update(rating_due_at=case.verified_at)
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(Conflict):
        actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="没修好")


def test_a_case_closed_otherwise_than_solved_cannot_be_reopened(ledger, bring):
    case = bring.routed()
    case = actions.close_unsolved(case, actor=ledger.street_staff, version=case.version, reason="无法解决")
    with pytest.raises(Conflict):
        actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="还是要解决")


def test_staff_reopen_only_when_recording_a_phone_call_back(ledger, bring):
    case = bring.awaiting_rating()
    with pytest.raises(NotAllowed):
        actions.reopen_case(case, actor=ledger.community_worker, version=case.version, comment="居民说没修好")
    case = actions.reopen_case(
        case, actor=ledger.community_worker, version=case.version, comment="电话回访：没修好", by_phone=True
    )
    assert case.events.latest("id").data == {"by_phone": True}


def test_another_resident_cannot_reopen(ledger, bring):
    case = bring.awaiting_rating()
    with pytest.raises(NotAllowed):
        actions.reopen_case(
            case, actor=ledger.resident_b_user, version=case.version, comment="我也觉得没修好"
        )
