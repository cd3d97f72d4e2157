"""The ledger's test world: the shared ``world`` plus a small catalog, a second department and
the extra staff that the paths need.

    catalog  城乡建设 (大事, 区住建局) ─ 道路维修 (auto-escalate)
             社区事务 (小事)          ─ 楼道照明
             家庭事务 (私事)          ─ 家政保洁
    staff    community worker 2 of C (verifies what the first resolved), grid leader of X,
             a handler of 区住建局
"""

from __future__ import annotations

import csv
import io
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


@pytest.fixture
def hotline_file() -> Any:
    """``hotline_file(rows, fmt="xlsx" | "csv", encoding=…, title=…)`` → the bytes of a 12345
    hotline ledger whose header is the rows' keys in order of first appearance (an optional title
    line above it, as exports often have)."""

    def make(
        rows: list[dict[str, Any]], *, fmt: str = "xlsx", encoding: str = "gb18030", title: str = ""
    ) -> bytes:
        header: list[str] = []
        for row in rows:
            header += [key for key in row if key not in header]
        table: list[list[Any]] = [[title]] if title else []
        table += [header, *([row.get(key) for key in header] for row in rows)]
        if fmt == "xlsx":
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            assert sheet is not None
            for line in table:
                sheet.append(line)
            out = io.BytesIO()
            book.save(out)
            return out.getvalue()
        text = io.StringIO()
        csv.writer(text).writerows([["" if v is None else v for v in line] for line in table])
        return text.getvalue().encode(encoding)

    return make


@pytest.fixture
def hotline_rows(ledger: SimpleNamespace) -> list[dict[str, Any]]:
    """A small 12345 ledger: three good rows (spreadsheet rows 2–4: a point in grid X, grid Y by
    name path, community C2 by name) and five bad ones (rows 5–9: no ticket number, an unknown
    category, a bad phone, an unreadable date, a point outside every unit)."""
    good = {"来电人": "王五", "联系电话": "13811112222", "紧急程度": "一般"}
    return [
        {
            "工单编号": "RX2024001",
            "来电时间": "2024-03-05 09:30:00",
            "标题": "路面塌陷",
            "诉求内容": "主路中间塌了一个坑，车辆绕行。",
            **good,
            "问题分类": "城乡建设/道路维修",
            "事发地址": "桂苑路口",
            "经度": 103.005,
            "纬度": 26.005,
            "紧急程度": "紧急",
            "所属网格": "",
            "承办单位": "区住建局",
        },
        {
            "工单编号": "RX2024002",
            "来电时间": "2024/3/6 14:05",
            "诉求内容": "2栋楼道灯坏了很久了\n晚上看不见",
            "来电人": "匿名",
            "联系电话": "",
            "问题分类": "楼道照明",
            "所属网格": "桂苑社区/第二网格",
        },
        {
            "工单编号": "RX2024003",
            "来电时间": "2024年3月7日 8时15分",
            "标题": "垃圾清运不及时",
            "诉求内容": "小区垃圾两天没人收。",
            **good,
            "问题分类": "SQ",
            "所属网格": "集义社区",
        },
        {
            "工单编号": "",
            "来电时间": "2024-03-08 10:00",
            "诉求内容": "没有编号",
            **good,
            "所属网格": "集义社区",
        },
        {
            "工单编号": "RX2024005",
            "来电时间": "2024-03-08 10:00",
            "诉求内容": "分类不存在",
            **good,
            "问题分类": "不存在/分类",
            "所属网格": "集义社区",
        },
        {
            "工单编号": "RX2024006",
            "来电时间": "2024-03-08 10:00",
            "诉求内容": "电话不对",
            **good,
            "联系电话": "12345",
            "所属网格": "集义社区",
        },
        {
            "工单编号": "RX2024007",
            "来电时间": "昨天下午",
            "诉求内容": "时间不对",
            **good,
            "所属网格": "集义社区",
        },
        {
            "工单编号": "RX2024008",
            "来电时间": "2024-03-08 10:00",
            "诉求内容": "位置在区外",
            **good,
            "经度": 104.5,
            "纬度": 27.0,
        },
    ]


# -- the admin's forms, driven like a browser (tests of grassroots/cases/admin) ----------------------


@pytest.fixture
def admin_personas(ledger: SimpleNamespace) -> dict[str, Any]:
    """The ledger's people by persona name (``root`` is the superuser)."""
    names = (
        "root",
        "grid_manager_x",
        "grid_manager_y",
        "grid_leader_x",
        "community_worker",
        "community_worker2",
        "street_staff",
        "housing_handler",
        "department_handler",
        "district_admin",
        "resident_a_user",
        "nobody",
    )
    return {name: getattr(ledger, name) for name in names}


@pytest.fixture
def admin_client() -> Any:
    """``admin_client(user, english=False)`` → a test client signed in as ``user`` (requests speak
    the site's Chinese unless ``english``)."""
    from django.test import Client

    def make(user: Any, *, english: bool = False) -> Client:
        client = Client(headers={"accept-language": "en"}) if english else Client()
        client.force_login(user)
        return client

    return make


def act_url(case: Any, name: str) -> str:
    from django.urls import reverse

    return reverse("admin:cases_case_act", args=[case.pk, name])


@pytest.fixture
def admin_act() -> Any:
    """``admin_act(client, case, "triage", triage_class=…)``: open the act's form as a browser would,
    then submit it with the hidden version the page carried; returns the POST's response."""

    def submit(client: Any, case: Any, name: str, files: dict[str, Any] | None = None, **fields: Any) -> Any:
        url = act_url(case, name)
        page = client.get(url)
        assert page.status_code == 200, (name, page.status_code, page.get("Location"))
        data = {"version": page.context["form"]["version"].value(), **fields, **(files or {})}
        return client.post(url, data)

    return submit


def assert_done(response: Any) -> None:
    """An admin form went through: a redirect, not the form again with its errors."""
    if response.status_code != 302:
        form = response.context.get("form") if response.context else None
        errors = form.errors if form is not None else None
        raise AssertionError(f"expected a redirect, got {response.status_code}: {errors}")


# Every persona of the ledger's access tables, by name (the shared personas plus the ledger's staff
# and the superuser).
LEDGER_PERSONAS = (
    "resident_a",
    "resident_b",
    "grid_manager_x",
    "grid_manager_y",
    "grid_leader_x",
    "community_worker",
    "community_worker2",
    "street_staff",
    "housing_handler",
    "department_handler",
    "district_admin",
    "nobody",
    "root",
)


@pytest.fixture
def everyone(ledger: SimpleNamespace) -> dict[str, Any]:
    """Every persona of ``LEDGER_PERSONAS`` by name: residents A and B, grid managers of X and Y,
    the grid leader of X, community workers 1 and 2 of C, street staff of S, the 住建 handler, the
    民政 handler, the district administrator, nobody and root."""
    w = ledger
    return {
        "resident_a": w.resident_a_user,
        "resident_b": w.resident_b_user,
        "grid_manager_x": w.grid_manager_x,
        "grid_manager_y": w.grid_manager_y,
        "grid_leader_x": w.grid_leader_x,
        "community_worker": w.community_worker,
        "community_worker2": w.community_worker2,
        "street_staff": w.street_staff,
        "housing_handler": w.housing_handler,
        "department_handler": w.department_handler,
        "district_admin": w.district_admin,
        "nobody": w.nobody,
        "root": w.root,
    }


@pytest.fixture
def bring(ledger: SimpleNamespace, report: Any) -> SimpleNamespace:
    """Cases brought to a state through the actions, by the people who would normally act:
    ``bring.registered()``, ``.triaged(cls)``, ``.routed(level)``, ``.in_progress(level)``,
    ``.resolved(level)``, ``.awaiting_rating(level)``, ``.rated()``, ``.closed()``, ``.guided()``,
    ``.at_department()``, ``.on_the_spot()``. A 小事 goes to the community (accepted and resolved by
    community worker 1, verified by worker 2) or to grid X (grid manager X)."""
    w = ledger
    b = SimpleNamespace()
    holder = {"community": w.community_worker, "grid": w.grid_manager_x}

    def registered(**fields: Any) -> Any:
        fields.setdefault("category", w.cat_light)
        return report(**fields)

    def triaged(cls: str = "community", **fields: Any) -> Any:
        case = registered(**fields)
        return actions.triage_case(
            case, actor=w.community_worker, version=case.version, triage_class=cls, reason="按事项清单分流"
        )

    def routed(level: str = "community", **fields: Any) -> Any:
        case = triaged(**fields)
        return actions.route_case(case, actor=w.community_worker, version=case.version, level=level)

    def in_progress(level: str = "community", **fields: Any) -> Any:
        case = routed(level, **fields)
        return actions.accept_case(case, actor=holder[level], version=case.version)

    def resolved(level: str = "community", **fields: Any) -> Any:
        case = in_progress(level, **fields)
        return actions.resolve_case(case, actor=holder[level], version=case.version, resolution="更换了灯泡")

    def awaiting_rating(level: str = "community", **fields: Any) -> Any:
        case = resolved(level, **fields)
        return actions.verify_case(case, actor=w.community_worker2, version=case.version)

    def rated(**fields: Any) -> Any:
        case = awaiting_rating(**fields)
        return actions.rate_case(
            case, actor=w.resident_a_user, version=case.version, satisfaction="satisfied", score=5
        )

    def closed(**fields: Any) -> Any:
        case = rated(**fields)
        return actions.close_case(case, actor=w.community_worker, version=case.version)

    def guided(**fields: Any) -> Any:
        fields.setdefault("category", w.cat_clean)
        case = triaged("private", **fields)
        return actions.route_case(case, actor=w.community_worker, version=case.version, private_mode="mutual")

    def at_department(**fields: Any) -> Any:
        fields.setdefault("category", w.cat_road)
        case = triaged("major", **fields)
        return actions.route_case(case, actor=w.community_worker, version=case.version, level="department")

    def on_the_spot(**fields: Any) -> Any:
        case = registered(**fields)
        return actions.solve_on_the_spot(
            case, actor=w.grid_manager_x, version=case.version, resolution="当场修好了"
        )

    for f in (
        registered,
        triaged,
        routed,
        in_progress,
        resolved,
        awaiting_rating,
        rated,
        closed,
        guided,
        at_department,
        on_the_spot,
    ):
        setattr(b, f.__name__, f)
    return b


@pytest.fixture
def ledger_snapshot(db: Any) -> Any:
    """``ledger_snapshot()`` → everything an act could change (cases' versions and states, events,
    notifications, supervision records, extensions, problems, attachments), to assert that a
    refused act changed nothing."""
    from grassroots.cases.models import (
        Attachment,
        Case,
        CaseDepartment,
        CaseEvent,
        CommonProblem,
        Extension,
        SupervisionRecord,
    )
    from grassroots.notify.models import Notification

    def take() -> dict[str, Any]:
        return {
            "cases": sorted(Case.objects.values_list("pk", "version", "state")),
            "events": CaseEvent.objects.count(),
            "notifications": Notification.objects.count(),
            "supervisions": SupervisionRecord.objects.count(),
            "extensions": sorted(Extension.objects.values_list("pk", "status")),
            "problems": sorted(CommonProblem.objects.values_list("pk", "version", "state")),
            "attachments": Attachment.objects.count(),
            "departments": CaseDepartment.objects.count(),
        }

    return take


@pytest.fixture
def admin_register(ledger: SimpleNamespace) -> Any:
    """``admin_register(client, **fields)``: fill in the admin's "register a case" form (a 小事 about
    household X, reported for resident A, by default) and submit it; returns the POST's response."""
    from django.urls import reverse

    def submit(client: Any, **fields: Any) -> Any:
        url = reverse("admin:cases_case_add")
        page = client.get(url)
        assert page.status_code == 200
        data: dict[str, Any] = {
            "title": "楼道灯坏了",
            "description": "3单元楼道灯不亮，晚上看不见。",
            "channel": "grid_patrol",
            "urgency": "normal",
            "category": ledger.cat_light.pk,
            "reporter_kind": "on_behalf",
            "reporter": ledger.resident_a.pk,
            "household": ledger.household_x.pk,
            "idempotency_key": page.context["adminform"].form["idempotency_key"].value(),
        }
        data.update(fields)
        return client.post(url, {k: v for k, v in data.items() if v is not None})

    return submit
