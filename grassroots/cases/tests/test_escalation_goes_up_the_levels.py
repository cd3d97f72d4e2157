"""三级联动 (docs/domain.md §3.2): a case goes up grid → community → street → department, with a
reason, each level with a fresh stage clock and told it holds the case; urgent cases of categories
that allow it may skip levels, and the skipped levels get a copy; the sweeper escalates an overdue
stage when the category says so."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case, CaseDepartment
from grassroots.cases.sweep import sweep
from grassroots.core.errors import Conflict, ValidationError
from grassroots.notify.models import Notification


def told(kind: str, case: Case) -> set[str]:
    return set(
        Notification.objects.filter(kind=kind, subject=case.number).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_case_climbs_from_the_grid_to_the_department_one_level_at_a_time(ledger, bring):
    case = bring.routed("grid", category=ledger.cat_road)
    assert (case.level, case.responsible_unit) == ("grid", ledger.grid_x)
    case = actions.escalate_case(
        case, actor=ledger.grid_manager_x, version=case.version, reason="网格无法处理"
    )
    assert (case.level, case.responsible_unit, case.state) == ("community", ledger.community, "routed")
    assert {"cw", "cw2"} <= told("assigned", case)
    case = actions.escalate_case(
        case, actor=ledger.community_worker, version=case.version, reason="需街道协调"
    )
    assert (case.level, case.responsible_unit) == ("street", ledger.street)
    assert "ss" in told("assigned", case)
    case = actions.escalate_case(
        case, actor=ledger.street_staff, version=case.version, reason="需区住建局处理"
    )
    assert (case.level, case.responsible_unit, case.responsible_department) == (
        "department",
        None,
        ledger.housing,
    )
    assert "zj_handler" in told("assigned", case)
    assert CaseDepartment.objects.filter(case=case, department=ledger.housing).exists()
    escalations = list(case.events.filter(kind="escalate").values_list("data__to", "note"))
    assert escalations == [
        ("community", "网格无法处理"),
        ("street", "需街道协调"),
        ("department", "需区住建局处理"),
    ]
    with pytest.raises(Conflict):
        actions.escalate_case(case, actor=ledger.root, version=case.version, reason="再往上")


def test_each_level_starts_a_fresh_stage_clock(ledger, bring):
    case = bring.routed("grid")
    first_due = case.stage_due_at
    case = actions.escalate_case(
        case, actor=ledger.grid_manager_x, version=case.version, reason="网格无法处理"
    )
    assert case.stage_started_at is not None
    assert case.stage_started_at >= Case.objects.get(pk=case.pk).received_at
    assert case.stage_due_at != first_due
    assert case.assignee is None


def test_an_urgent_case_of_a_skipping_category_goes_straight_to_the_department_and_copies_the_levels_skipped(
    ledger, bring
):
    grid_case = bring.registered(category=ledger.cat_road)
    grid_case = actions.triage_case(
        grid_case,
        actor=ledger.community_worker,
        version=grid_case.version,
        triage_class="community",
        urgency="urgent",
        reason="先由网格处置",
    )
    grid_case = actions.route_case(
        grid_case, actor=ledger.community_worker, version=grid_case.version, level="grid"
    )
    grid_case = actions.escalate_case(
        grid_case,
        actor=ledger.grid_manager_x,
        version=grid_case.version,
        reason="塌陷扩大",
        to_level="department",
    )
    assert (grid_case.level, grid_case.responsible_department) == ("department", ledger.housing)
    event = grid_case.events.get(kind="escalate")
    assert event.data["copied"] == [ledger.community.code, ledger.street.code]
    assert told("copied", grid_case) == {"cw", "cw2", "ss"}
    assert told("assigned", grid_case) >= {"zj_handler"}


def test_a_normal_case_may_not_skip_a_level(ledger, bring, ledger_snapshot):
    case = bring.routed("grid", category=ledger.cat_road)
    before = ledger_snapshot()
    with pytest.raises(ValidationError) as raised:
        actions.escalate_case(
            case,
            actor=ledger.grid_manager_x,
            version=case.version,
            reason="直接到部门",
            to_level="department",
        )
    assert "to_level" in raised.value.message_dict
    assert ledger_snapshot() == before


def test_an_urgent_case_of_a_category_that_does_not_allow_it_may_not_skip(ledger, bring):
    case = bring.registered()
    case = actions.triage_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        triage_class="community",
        urgency="critical",
        reason="紧急",
    )
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version, level="grid")
    with pytest.raises(ValidationError):
        actions.escalate_case(
            case, actor=ledger.grid_manager_x, version=case.version, reason="跳级", to_level="street"
        )


def test_escalation_goes_up_never_down(ledger, bring):
    case = bring.routed()
    with pytest.raises(ValidationError):
        actions.escalate_case(
            case, actor=ledger.community_worker, version=case.version, reason="下沉", to_level="grid"
        )


def test_the_sweeper_escalates_an_overdue_stage_when_the_category_says_so(ledger, bring):
    road = bring.routed("grid", category=ledger.cat_road)  # 道路维修: automatic escalation
    light = bring.routed("grid")  # 楼道照明: none
    moment = max(road.stage_due_at, light.stage_due_at) + dt.timedelta(minutes=1)
    result = sweep(moment)
    assert result.escalations == 1
    road, light = Case.objects.get(pk=road.pk), Case.objects.get(pk=light.pk)
    assert (road.level, road.responsible_unit, road.stage_color) == ("community", ledger.community, "")
    assert road.stage_started_at == moment
    event = road.events.get(kind="escalate")
    assert (event.actor, event.note) == (None, "Stage overdue: escalated automatically.")
    assert (light.level, light.stage_color) == ("grid", "red")
    assert {road.supervision, light.supervision} == {"normal"}


def test_the_sweeper_does_not_escalate_a_street_case_with_no_department_to_go_to(ledger, bring):
    ledger.cat_light.auto_escalate = True
    ledger.cat_light.save()
    case = bring.triaged("major")  # 楼道照明 names no department
    case = actions.route_case(case, actor=ledger.community_worker, version=case.version)
    assert case.level == "street"
    result = sweep(case.stage_due_at)
    assert (result.escalations, result.failed) == (0, 0)
    case = Case.objects.get(pk=case.pk)
    assert (case.level, case.stage_color) == ("street", "red")
    # Supervised for the stage (and yellow-carded: the whole case, 5 days, is overdue as well).
    assert set(case.supervisions.values_list("level", flat=True)) == {"normal", "yellow_card"}
