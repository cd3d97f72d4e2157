"""督办 (docs/domain.md §3.3): an overdue stage puts the case under normal supervision, an overdue
whole case earns a yellow card, and still being overdue ``red_card_after_days`` working days later
a red card — each once, with a supervision record naming who held the case, and the holders told.
Administrators above the case may supervise by hand; supervision only ever gets stricter."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case, SlaSettings, SupervisionRecord
from grassroots.cases.sweep import sweep
from grassroots.core.errors import Conflict
from grassroots.core.workdays import add_working_days
from grassroots.notify.models import Notification

MINUTE = dt.timedelta(minutes=1)


def levels(case: Case) -> list[str]:
    return list(
        SupervisionRecord.objects.filter(case=case).order_by("at", "id").values_list("level", flat=True)
    )


def test_normal_then_yellow_card_then_red_card(ledger, bring):
    case = bring.routed()  # stage 3 days, case 5 days, red card 5 working days after that
    sweep(case.stage_due_at)
    assert (Case.objects.get(pk=case.pk).supervision, levels(case)) == ("normal", ["normal"])
    sweep(case.due_at)
    assert (Case.objects.get(pk=case.pk).supervision, levels(case)) == (
        "yellow_card",
        ["normal", "yellow_card"],
    )
    sweep(case.red_card_at - MINUTE)
    assert levels(case) == ["normal", "yellow_card"]
    sweep(case.red_card_at)
    assert (Case.objects.get(pk=case.pk).supervision, levels(case)) == (
        "red_card",
        ["normal", "yellow_card", "red_card"],
    )
    record = SupervisionRecord.objects.get(case=case, level="red_card")
    assert (record.responsible_unit, record.issued_by, record.at) == (
        ledger.community,
        None,
        case.red_card_at,
    )
    told = Notification.objects.filter(
        kind="supervised", subject=case.number, recipient=ledger.community_worker
    )
    assert told.count() == 3
    assert Case.objects.get(pk=case.pk).next_sweep_at is None


def test_the_red_card_delay_is_a_district_setting(ledger, bring):
    SlaSettings.objects.update_or_create(district=ledger.district, defaults={"red_card_after_days": 2})
    case = bring.routed()
    assert case.red_card_at == add_working_days(case.due_at, 2)


def test_a_case_resolved_in_time_for_its_whole_clock_gets_no_card(ledger, bring):
    case = bring.resolved()
    sweep(case.red_card_at)
    assert levels(case) == []


def test_an_administrator_supervises_by_hand_and_only_upwards(ledger, bring):
    case = bring.routed()
    case = actions.supervise_case(
        case, actor=ledger.district_admin, version=case.version, level="yellow_card", reason="群众多次反映"
    )
    record = SupervisionRecord.objects.get(case=case)
    assert (record.level, record.issued_by, record.reason) == (
        "yellow_card",
        ledger.district_admin,
        "群众多次反映",
    )
    with pytest.raises(Conflict):
        actions.supervise_case(
            case, actor=ledger.district_admin, version=case.version, level="normal", reason="降级"
        )
    # The sweeper does not add a normal supervision under a yellow card.
    sweep(case.stage_due_at)
    assert levels(case) == ["yellow_card"]
