"""The two clocks of a case in working days (docs/domain.md §3.3): the stage's and the whole
case's, from the matter catalog's limits, yellow at the configured fraction (default 70 %),
shortened for urgent cases, recomputed when triage changes the class, moved by extensions.

The catalog gives 社区事务 3 working days at the community and 5 for the whole case (1 to
respond); 城乡建设 has no limits of its own, so the district's fallbacks apply (15 for the case).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from grassroots.cases import actions, deadlines
from grassroots.cases.models import Case, SlaSettings
from grassroots.core.errors import ValidationError
from grassroots.core.workdays import add_working_days, working_days_between


def between(a, b) -> Decimal:
    return working_days_between(a, b)


def test_the_stage_clock_turns_yellow_at_seventy_percent_of_its_limit(bring):
    case = bring.routed()  # 小事 at the community: 3 working days
    assert case.stage_due_at == add_working_days(case.stage_started_at, 3)
    assert between(case.stage_started_at, case.stage_yellow_at) == Decimal("2.1")


def test_the_warning_fraction_is_a_district_setting(ledger, bring):
    SlaSettings.objects.update_or_create(
        district=ledger.district, defaults={"yellow_fraction": Decimal("0.5")}
    )
    case = bring.routed()
    assert between(case.stage_started_at, case.stage_yellow_at) == Decimal("1.5")
    assert between(case.received_at, case.yellow_at) == Decimal("2.5")


def test_the_whole_case_clock_runs_from_receipt(bring):
    case = bring.triaged()
    assert case.response_due_at == add_working_days(case.received_at, 1)
    assert case.due_at == add_working_days(case.received_at, 5)
    assert between(case.received_at, case.yellow_at) == Decimal("3.5")
    assert case.red_card_at == add_working_days(case.due_at, 5)  # red_card_after_days


def test_triage_recomputes_the_whole_case_clock_for_the_class_and_category(ledger, bring):
    case = bring.registered()
    assert case.due_at == add_working_days(case.received_at, 5)
    case = actions.triage_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        triage_class="major",
        category=ledger.cat_road,
        reason="涉及道路",
    )
    assert case.due_at == add_working_days(case.received_at, 15)
    assert case.response_due_at == add_working_days(case.received_at, 1)
    assert case.red_card_at == add_working_days(case.due_at, 5)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.due_at, stored.yellow_at, stored.red_card_at) == (
        case.due_at,
        case.yellow_at,
        case.red_card_at,
    )


def test_retriage_recomputes_the_whole_case_clock(ledger, bring):
    case = bring.routed()
    case = actions.retriage_case(
        case,
        actor=ledger.street_staff,
        version=case.version,
        triage_class="major",
        category=ledger.cat_build,
        reason="需区级部门处理",
    )
    assert Case.objects.get(pk=case.pk).due_at == add_working_days(case.received_at, 15)


def test_urgent_cases_get_the_urgent_fraction_of_every_limit(ledger, bring):
    case = bring.registered()
    case = actions.triage_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        triage_class="community",
        urgency="urgent",
        reason="夜间无照明有安全隐患",
    )
    assert case.due_at == add_working_days(case.received_at, Decimal("2.5"))
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)
    assert case.stage_started_at is not None
    assert case.stage_due_at == add_working_days(case.stage_started_at, Decimal("1.5"))


def test_an_approved_extension_moves_both_clocks(ledger, bring):
    case = bring.in_progress()
    before = Case.objects.get(pk=case.pk)
    extension = actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=2, reason="等待配件"
    )
    actions.decide_extension(
        extension, actor=ledger.street_staff, version=case.version, approve=True, note="同意"
    )
    after = Case.objects.get(pk=case.pk)
    for name in ("stage_yellow_at", "stage_due_at", "yellow_at", "due_at", "red_card_at"):
        assert getattr(after, name) == add_working_days(getattr(before, name), 2), name
    assert after.next_sweep_at == deadlines.next_sweep_at(after)


def test_a_refused_extension_moves_nothing(ledger, bring):
    case = bring.in_progress()
    before = Case.objects.get(pk=case.pk)
    extension = actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=2, reason="等待配件"
    )
    actions.decide_extension(extension, actor=ledger.street_staff, version=case.version, approve=False)
    after = Case.objects.get(pk=case.pk)
    assert (after.stage_due_at, after.due_at) == (before.stage_due_at, before.due_at)


def test_an_approved_extension_survives_a_retriage(ledger, bring):
    case = bring.in_progress()
    extension = actions.request_extension(
        case, actor=ledger.community_worker, version=case.version, days=3, reason="需协调"
    )
    actions.decide_extension(extension, actor=ledger.street_staff, version=case.version, approve=True)
    case = Case.objects.get(pk=case.pk)
    case = actions.retriage_case(
        case, actor=ledger.community_worker, version=case.version, triage_class="community", reason="复核分类"
    )
    assert case.due_at == add_working_days(case.received_at, 8)


def test_an_extension_is_between_half_a_day_and_sixty_days(ledger, bring):
    case = bring.in_progress()
    bad: tuple[Any, ...] = (0, "0.1", 61, "abc", "1.234")
    for days in bad:
        with pytest.raises(ValidationError) as raised:
            actions.request_extension(
                case, actor=ledger.community_worker, version=case.version, days=days, reason="理由"
            )
        assert "days" in raised.value.message_dict


def test_a_guided_private_matter_is_followed_up_within_the_follow_up_limit(bring):
    case = bring.guided()
    assert case.follow_up_due_at == add_working_days(case.stage_started_at, 5)
    assert case.stage_due_at == case.follow_up_due_at
