"""A resident's own report is queued where the problem is: at the point they chose, else at their
home; a member of staff who reports their own problem as a resident is recorded as a resident, not
as staff acting on someone's behalf (docs/domain.md §2, §3)."""

from __future__ import annotations

from grassroots.cases import actions
from grassroots.cases.choices import Channel, ReporterKind
from grassroots.people import actions as people_actions

IN_GRID_Y = (26.005, 103.015)


def test_a_report_with_a_point_lands_in_the_grid_of_the_point_not_at_home(ledger):
    lat, lng = IN_GRID_Y
    elsewhere, _ = actions.register_case(
        actor=ledger.resident_a_user,
        title="健身器材坏了",
        description="广场上的单杠断了",
        channel=Channel.SELF_REPORT,
        lat=lat,
        lng=lng,
    )
    at_home, _ = actions.register_case(
        actor=ledger.resident_a_user,
        title="楼道灯不亮",
        description="三楼楼道灯坏了",
        channel=Channel.SELF_REPORT,
    )
    assert ledger.household_x.grid == ledger.grid_x
    assert (elsewhere.grid, elsewhere.household) == (ledger.grid_y, None)
    assert (at_home.grid, at_home.household) == (ledger.grid_x, ledger.household_x)


def test_staff_reporting_their_own_problem_are_recorded_as_the_resident(ledger):
    people_actions.link_resident_account(
        actor=ledger.root, resident=ledger.resident_b, user=ledger.grid_manager_x
    )
    own, _ = actions.register_case(
        actor=ledger.grid_manager_x,
        title="我家门口下水道堵了",
        description="污水外溢",
        reporter=ledger.resident_b,
        channel=Channel.SELF_REPORT,
    )
    for_someone_else, _ = actions.register_case(
        actor=ledger.grid_manager_x,
        title="楼道灯不亮",
        description="住户反映",
        reporter=ledger.resident_a,
        channel=Channel.GRID_PATROL,
    )
    assert own.reporter_kind == ReporterKind.RESIDENT
    assert for_someone_else.reporter_kind == ReporterKind.ON_BEHALF
