"""The ledger's test world: the shared ``world`` plus a small catalog, a second department and
the extra staff that the paths need.

    catalog  城乡建设 (大事, 区住建局) ─ 道路维修 (auto-escalate)
             社区事务 (小事)          ─ 楼道照明
             家庭事务 (私事)          ─ 家政保洁
    staff    community worker 2 of C (verifies what the first resolved), grid leader of X,
             a handler of 区住建局
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conftest import make_user
from grassroots.cases import actions
from grassroots.cases.models import Category, TimeLimit
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role


@pytest.fixture
def ledger(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.housing = org_actions.create_department(
        actor=w.root, district=w.district, name="区住建局", code="ZJ", short_name="住建"
    )
    w.housing_handler = make_user("zj_handler")
    org_actions.assign_post(
        actor=w.root, user=w.housing_handler, role=Role.DEPARTMENT_HANDLER, department=w.housing
    )
    w.community_worker2 = make_user("cw2")
    org_actions.assign_post(
        actor=w.root, user=w.community_worker2, role=Role.COMMUNITY_STAFF, unit=w.community
    )
    w.grid_leader_x = make_user("gl_x")
    org_actions.assign_post(actor=w.root, user=w.grid_leader_x, role=Role.GRID_LEADER, unit=w.grid_x)

    def category(code: str, name: str, parent: Category | None = None, **extra: Any) -> Category:
        return Category.objects.create(
            district=w.district,
            parent=parent,
            level=parent.level + 1 if parent else 1,
            code=code,
            name=name,
            **extra,
        )

    w.cat_build = category("CJ", "城乡建设", default_class="major", department=w.housing)
    w.cat_road = category("CJ-01", "道路维修", w.cat_build, auto_escalate=True, urgent_may_skip=True)
    w.cat_comm = category("SQ", "社区事务", default_class="community")
    w.cat_light = category("SQ-01", "楼道照明", w.cat_comm)
    w.cat_home = category("JT", "家庭事务", default_class="private")
    w.cat_clean = category("JT-01", "家政保洁", w.cat_home)
    TimeLimit.objects.create(district=w.district, category=w.cat_comm, stage="community", handling_days=3)
    TimeLimit.objects.create(
        district=w.district, category=w.cat_comm, stage="case", handling_days=5, response_days=1
    )
    return w


@pytest.fixture
def report(ledger: SimpleNamespace) -> Any:
    """``report(actor=…, **fields)`` → a registered case at household X by default."""

    def make(actor: Any = None, **fields: Any) -> Any:
        data: dict[str, Any] = {
            "title": "楼道灯坏了",
            "description": "3单元楼道灯不亮，晚上看不见。",
            "channel": "grid_patrol",
            "household": ledger.household_x,
            "reporter": ledger.resident_a,
        }
        data.update(fields)
        case, _ = actions.register_case(actor=actor or ledger.grid_manager_x, **data)
        return case

    return make
