"""The demo's ledger: the holiday calendar, the default matter catalog, and a few hundred cases
played through the ledger's actions over the past months (docs/demo.md, docs/domain.md §3).

Unlike the people, which go in in bulk, every case is written by the actions, as the people who
would have done it: grid managers on patrol, the command centre entering 12345 calls, community
workers triaging, street staff and department handlers handling, the reporter (or a call-back)
rating. So the demo's timelines, clocks, colours, supervision records, notifications and audit
records are exactly what the application produces.

Historical times. Actions stamp ``timezone.now()``. To spread the cases over months, each act is
run under a patched clock (``unittest.mock.patch`` of ``django.utils.timezone.now``, in this
module only) set to the moment the act happens in the story; everything an act stamps — events,
case fields, notifications, audit records — carries that moment. Between the acts of a case the
sweeper (``actions.sweep_case``) is run at each moment a threshold falls due, under the same
clock, so warnings, automatic escalations, supervision and lapsed rating windows happen when they
would have; at the end every open case is swept up to "now". "Now" is midnight of the load's
``today``, so two loads on the same day are identical (case numbers included, on a fresh
database or after ``--reset``).

The stories (a seeded plan per case, then played in time order across all cases so that case
numbers follow the received dates): solved on the spot (马上办); triaged and routed by class — 小事
to the community or a grid, 大事 to the street and on to the department, 私事 guided to
self-resolution and followed up (one in five still in difficulty and re-triaged into a 小事);
rejected; merged as duplicates; misrouted to the wrong department and returned; closed unsolved;
deadline extensions; verification that fails once; reopened by the reporter; common problems of
several cases handled once; and stalled cases that the sweeper turns yellow and red and puts
under supervision. Recent cases are still under way where their story has got to by now.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.db import reset_queries, transaction
from django.db.models import Max, Q
from django.utils import timezone

from grassroots.cases import actions, deadlines
from grassroots.cases.choices import (
    Channel,
    Level,
    Outcome,
    PrivateMode,
    Satisfaction,
    State,
    TriageClass,
    Urgency,
)
from grassroots.cases.default_catalog import CatalogLoad, load_default_catalog
from grassroots.cases.default_holidays import load_holidays
from grassroots.cases.models import Case, Category, CommonProblem, Extension, SlaSettings
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.core.workdays import WorkCalendar
from grassroots.demo import accounts, names, people
from grassroots.demo.plan import Node
from grassroots.demo.state import LoadState
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Department, Post, Unit
from grassroots.people.models import Household, Resident
from grassroots.triage import problems

# The demo district has no 医保, 文旅, 商务, 司法 or 残联 department: their matters go to the
# department that handled them before the 2018 reforms or is closest. 工信 and 发改 have no
# stand-in; their matters stay with the street.
DEPARTMENT_ALIASES = {"医保": "人社", "文旅": "教育", "商务": "市场监管", "司法": "公安", "残联": "民政"}
CASES_PER_GRID = 3
MIN_CASES = 30
DAYS_BACK = 120
# One leaking roof, told by its residents in their own words (``_Ledger.report_hot_spot``).
HOT_SPOT = [
    ("顶楼屋顶漏水", "下雨天屋顶漏水，天花板都发霉了，请尽快维修。"),
    ("屋顶防水层老化漏水", "顶楼防水层老化，一下雨家里就漏水，墙皮脱落。"),
    ("楼顶漏水严重", "楼顶漏水好几年了，屋顶漏水一直没人修。"),
    ("屋顶漏水没人管", "我家住顶楼，屋顶漏水，物业说要业主自己出钱修。"),
    ("屋顶漏水渗到卧室", "连续下雨，屋顶漏水渗到卧室，家具都泡坏了。"),
    ("屋顶又漏水了", "屋顶漏水的问题反映过，这次下雨又漏水了，希望统一维修防水层。"),
    ("顶楼漏水影响生活", "顶楼好几户都漏水，屋顶防水该修了。"),
    ("屋顶漏水求助", "老房子屋顶漏水，家里老人没办法自己修。"),
]
MAX_SWEEPS_PER_STEP = 12

# The matters a grassroots ledger hears most (weights); every other leaf of the catalog weighs
# ``OTHER_WEIGHT``. Together about 45 % 小事, 40 % 大事 and 15 % 私事.
OTHER_WEIGHT = 0.35
COMMON = {
    "SQ-01-02": 14,  # 楼道照明
    "SQ-02-01": 14,  # 垃圾清运
    "SQ-04-01": 12,  # 噪音扰民
    "SQ-03-01": 12,  # 小区停车
    "SQ-01-03": 10,  # 房屋漏水
    "SQ-01-01": 9,  # 物业服务
    "SQ-02-02": 6,  # 楼道堆物
    "SQ-03-02": 6,  # 电动车充电
    "SQ-05": 5,  # 文明养犬
    "SQ-06": 5,  # 公共设施
    "CJ-01-01": 9,  # 道路破损
    "CJ-01-02": 5,  # 井盖缺损
    "CJ-01-03": 6,  # 路灯故障
    "CJ-02-01": 4,  # 楼顶加盖
    "CJ-04-01": 5,  # 停水与水质
    "CJ-04-02": 4,  # 排水管网
    "HB-01-01": 5,  # 餐饮油烟
    "MZ-01-01": 6,  # 低保救助
    "MZ-02-01": 4,  # 养老补贴
    "MZ-02-03": 6,  # 居家养老服务
    "LS-01-01": 4,  # 就业服务
    "LS-02-01": 4,  # 拖欠工资
    "LS-03-02": 5,  # 医保
    "JW-01": 4,  # 入学
    "SJ-05-01": 5,  # 电梯故障
    "SJ-01": 3,  # 食品安全
    "SH-01": 10,  # 家政保洁
    "SH-02": 8,  # 家电维修
    "SH-03": 6,  # 户内维修
    "SH-04": 6,  # 代办跑腿
}
# Where a matter happens in public space the report names a building rather than a home.
PUBLIC_PREFIXES = ("CJ-01", "CJ-02-02", "CJ-04-02", "CJ-05", "CJ-06", "HB", "JT", "ZY", "YJ", "NY")
CHANNELS = {
    Channel.GRID_PATROL: 32,
    Channel.HOTLINE: 24,
    Channel.SERVICE_DAY: 12,
    Channel.CONSULTATION: 8,
    Channel.DEPARTMENT: 6,
    Channel.JOINT_MEETING: 4,
    Channel.SELF_REPORT: 4,
}
SATISFACTION = ((Satisfaction.SATISFIED, 70, (5, 4)), (Satisfaction.BASICALLY, 22, (4, 3)))
DISSATISFIED = (Satisfaction.DISSATISFIED, 8, (2, 1))
RATING_COMMENTS = {
    Satisfaction.SATISFIED: ("处理很及时，谢谢！", "工作人员态度好，问题解决了。", ""),
    Satisfaction.BASICALLY: ("基本解决了，希望以后多注意。", "解决了，就是时间长了点。", ""),
    Satisfaction.DISSATISFIED: ("拖得太久，问题只解决了一部分。", "没有彻底解决。"),
}


class Path:
    """How a case's story goes (one per case, drawn from the seed)."""

    STANDARD = "standard"
    ON_THE_SPOT = "on_the_spot"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    RETURNED = "returned"
    UNSOLVED = "unsolved"
    STALLED = "stalled"
    PROBLEM = "problem"


@dataclass
class Plan:
    index: int
    received: dt.datetime
    category: Category
    cls: str
    grid: Unit
    channel: str
    path: str
    urgency: str = Urgency.NORMAL
    rng: random.Random = field(default_factory=random.Random)
    original: int | None = None  # a duplicate's original (plan index)
    still_difficult: bool = False  # a 私事 re-triaged into a 小事 after its follow-up
    returned: bool = False
    reopen: bool = False
    fail_verification: bool = False
    extension: bool = False
    escalate_to_street: bool = False
    stall_before_accepting: bool = False
    rated: bool = True
    done: set[str] = field(default_factory=set)  # one-off turns already taken
    # The case as the acts left it: they change the object they are given (and bump its version),
    # so it is re-read only when something else may have changed it.
    case: Case | None = None

    @property
    def case_pk(self) -> int | None:
        return self.case.pk if self.case is not None else None


@dataclass
class Result:
    catalog: CatalogLoad
    holidays: int
    cases: int = 0
    states: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


@contextmanager
def clock(moment: dt.datetime) -> Iterator[None]:
    """Run what follows as if it were ``moment`` (see the module docstring)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@contextmanager
def reference_data_read_once(calendar: WorkCalendar, first: dt.date, last: dt.date) -> Iterator[None]:
    """While the ledger is played the holiday calendar and the deadline settings do not change, so
    they are read once instead of once per act: ``WorkCalendar.load`` answers ranges within
    ``first``–``last`` from ``calendar``, and ``deadlines.sla_for`` remembers each district's row.
    The actions compute exactly what they would with fresh reads; this is for speed only."""
    read = WorkCalendar.load.__func__  # type: ignore[attr-defined]
    read_sla = deadlines.sla_for
    settings: dict[int, SlaSettings] = {}

    def load(cls: type[WorkCalendar], start: dt.date, end: dt.date) -> WorkCalendar:
        return calendar if first <= start and end <= last else read(cls, start, end)

    def sla_for(district: Unit | int) -> SlaSettings:
        key = district if isinstance(district, int) else district.pk
        if key not in settings:
            settings[key] = read_sla(district)
        return settings[key]

    with (
        mock.patch.object(WorkCalendar, "load", classmethod(load)),
        mock.patch.object(deadlines, "sla_for", sla_for),
    ):
        yield


def write(state: LoadState, plan: Node, *, first: bool) -> Result:
    """The calendar (once per load), the district's catalog, and — at the district scale — its
    ledger. Everything is written by the system (``actor=None``) except the cases' acts."""
    district = state.units[plan.code]
    holidays = load_holidays(actor=None) if first else None
    loaded = load_default_catalog(district, actor=None, aliases=DEPARTMENT_ALIASES)
    result = Result(catalog=loaded, holidays=holidays.created if holidays else 0)
    state.counts["holidays"] += result.holidays
    state.counts["categories"] += loaded.created
    state.counts["time_limits"] += loaded.limits_written
    if state.size.scale == "district":
        ledger = _Ledger(state, district)
        ledger.play(max(MIN_CASES, CASES_PER_GRID * len(ledger.grids)))
        ledger.report_hot_spot()
        problems.refresh(district, now=ledger.now)
        result.cases, result.failures = ledger.cases, ledger.failures
        result.states = Counter(
            Case.objects.filter(district=district).values_list("state", flat=True).iterator()
        )
        state.counts["cases"] += result.cases
        state.counts["problems"] += ledger.problems
    return result


class _Staff:
    """Who holds which post in the district (users shared, so their posts are read once)."""

    def __init__(self, district: Unit) -> None:
        self.by_unit: dict[tuple[int, str], list[User]] = {}
        self.by_department: dict[int, list[User]] = {}
        users: dict[int, User] = {}
        posts = (
            Post.objects.active()
            .filter(Q(unit__path__subtree=district.path) | Q(department__district=district))
            .select_related("user")
        )
        for post in posts.order_by("pk"):
            user = users.setdefault(post.user_id, post.user)
            if post.department_id:
                self.by_department.setdefault(post.department_id, []).append(user)
            elif post.unit_id:
                self.by_unit.setdefault((post.unit_id, post.role), []).append(user)
        self.users = users

    def at(self, unit: Unit | int | None, role: str) -> list[User]:
        if unit is None:
            return []
        return self.by_unit.get((unit if isinstance(unit, int) else unit.pk, role), [])

    def user(self, pk: int | None) -> User | None:
        return self.users.get(pk) if pk else None


class _Ledger:
    def __init__(self, state: LoadState, district: Unit) -> None:
        self.state, self.district = state, district
        self.now = timezone.make_aware(dt.datetime.combine(state.today, dt.time.min))
        self.start = self.now - dt.timedelta(days=DAYS_BACK)
        self.calendar_span = (
            self.start.date() - dt.timedelta(days=30),
            self.now.date() + dt.timedelta(days=400),
        )
        self.calendar = WorkCalendar.load(*self.calendar_span)
        self.staff = _Staff(district)
        units = Unit.objects.filter(path__subtree=district.path).exclude(
            kind__in=[UnitKind.BUILDING, UnitKind.COURTYARD]
        )
        self.units = {unit.pk: unit for unit in units}
        self.grids = sorted((u for u in self.units.values() if u.kind == UnitKind.GRID), key=lambda u: u.path)
        self.categories = {
            c.code: c
            for c in Category.objects.filter(district=district, is_active=True).select_related(
                "parent__parent__department", "parent__department", "department"
            )
        }
        self.leaves = [
            c
            for c in self.categories.values()
            if not any(o.parent_id == c.pk for o in self.categories.values())
        ]
        self.departments = list(Department.objects.filter(district=district, is_active=True).order_by("code"))
        self.demo_resident = User.objects.filter(
            username=accounts.username(state.size.prefix, accounts.RESIDENT)
        ).first()
        self.own = (
            Resident.objects.filter(user=self.demo_resident).select_related("household__grid").first()
            if self.demo_resident
            else None
        )
        self.households: dict[int, list[int]] = {}
        self.buildings: dict[int, list[int]] = {}
        self.plans: list[Plan] = []
        self.failures: list[str] = []
        self.cases = 0
        self.problems = 0
        self.rejections = 0
        self.queue: list[tuple[dt.datetime, int, int]] = []  # (when, order, plan index or -cluster)
        self.order = 0
        self.clusters: list[_Cluster] = []

    # -- the plan --------------------------------------------------------------------------------------

    def play(self, count: int) -> None:
        with reference_data_read_once(self.calendar, *self.calendar_span):
            self._play(count)

    def _play(self, count: int) -> None:
        rng = self.state.rng("ledger", self.district.code)
        times = sorted(self._received(rng) for _ in range(count))
        for index, received in enumerate(times):
            self.plans.append(self._plan(index, received, self.state.rng("case", self.district.code, index)))
        self._ensure_variety()
        self._plan_clusters(rng)
        for plan in self.plans:
            self._push(plan.received, plan.index)
        for cluster_index, cluster in enumerate(self.clusters):
            self._push(cluster.start, -1 - cluster_index)
        while self.queue:
            if self.order % 200 == 0:
                reset_queries()  # with DEBUG on Django keeps every statement: keep memory bounded
            when, _order, key = heapq.heappop(self.queue)
            if when >= self.now:
                continue  # the rest of this story has not happened yet
            if key >= 0:
                self._step(self.plans[key], when)
            else:
                self._cluster_step(self.clusters[-1 - key], when)
        for plan in self.plans:
            if plan.case_pk is not None:
                self._catch_up(plan, self.now)

    def _push(self, when: dt.datetime | None, key: int) -> None:
        if when is not None:
            self.order += 1
            heapq.heappush(self.queue, (when, self.order, key))

    def _received(self, rng: random.Random) -> dt.datetime:
        day = self.start + dt.timedelta(days=rng.uniform(0, DAYS_BACK - 0.3))
        hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 20))
        return day.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)

    def _plan(self, index: int, received: dt.datetime, rng: random.Random) -> Plan:
        channel = _weighted(rng, CHANNELS)
        if channel == Channel.SELF_REPORT and self.own is None:
            channel = Channel.HOTLINE
        category = self._category(rng)
        cls = category.effective_class() or TriageClass.COMMUNITY
        grid = rng.choice(self.grids[: max(1, len(self.grids) // 8)] if rng.random() < 0.25 else self.grids)
        if channel == Channel.SELF_REPORT and self.own is not None:
            grid = self.own.household.grid
        if channel == Channel.SERVICE_DAY:
            received = self._thursday(received)
        plan = Plan(index, received, category, cls, grid, channel, Path.STANDARD, rng=rng)
        roll = rng.random()
        if cls == TriageClass.PRIVATE:
            plan.still_difficult = roll < 0.2
        elif (
            channel in (Channel.GRID_PATROL, Channel.SERVICE_DAY)
            and cls == TriageClass.COMMUNITY
            and roll < 0.35
        ):
            plan.path = Path.ON_THE_SPOT
        if plan.path == Path.STANDARD:
            plan.path = _weighted(
                rng,
                {
                    Path.STANDARD: 70,
                    Path.STALLED: 7,
                    Path.REJECTED: 4,
                    Path.DUPLICATE: 5,
                    Path.UNSOLVED: 3,
                    Path.RETURNED: 5 if cls == TriageClass.MAJOR and category.effective_department() else 0,
                },
            )
        if plan.path == Path.DUPLICATE and not self._duplicate(plan):
            plan.path = Path.STANDARD
        plan.urgency = _weighted(rng, {Urgency.NORMAL: 88, Urgency.URGENT: 10, Urgency.CRITICAL: 2})
        plan.reopen = rng.random() < 0.06
        plan.fail_verification = rng.random() < 0.05
        plan.extension = rng.random() < 0.07
        plan.escalate_to_street = cls == TriageClass.COMMUNITY and rng.random() < 0.06
        plan.stall_before_accepting = rng.random() < 0.3
        plan.rated = rng.random() < 0.85
        return plan

    def _duplicate(self, plan: Plan) -> bool:
        """Make ``plan`` a second report (by phone) of an earlier case of its community."""
        earlier = [
            p
            for p in self.plans[max(0, plan.index - 40) : plan.index]
            if p.grid.parent_id == plan.grid.parent_id
            and p.cls != TriageClass.PRIVATE
            and p.path != Path.DUPLICATE
        ]
        if not earlier:
            return False
        original = plan.rng.choice(earlier)
        plan.original, plan.category, plan.cls, plan.grid = (
            original.index,
            original.category,
            original.cls,
            original.grid,
        )
        plan.channel, plan.path = Channel.HOTLINE, Path.DUPLICATE
        return True

    def _ensure_variety(self) -> None:
        """However few the cases, the demo shows every channel, every path and outcome and each
        one-off turn (reopening, an extension, a failed verification, a 私事 re-triaged): what a
        random draw left out is given to a standard story received early enough to play out."""
        settled = self.plans[: max(1, len(self.plans) * 2 // 3)]

        def standard(test: Callable[[Plan], bool] = lambda p: True) -> Plan | None:
            return next((p for p in settled if p.path == Path.STANDARD and not _turns(p) and test(p)), None)

        present = {p.channel for p in self.plans}
        for channel in CHANNELS:
            if channel not in present and not (channel == Channel.SELF_REPORT and self.own is None):
                plan = standard()
                if plan is not None:
                    plan.channel = channel
                    if channel == Channel.SELF_REPORT and self.own is not None:
                        plan.grid = self.own.household.grid
        wanted = {
            Path.REJECTED: (2, lambda p: True),
            Path.UNSOLVED: (1, lambda p: True),
            Path.STALLED: (2, lambda p: True),
            Path.RETURNED: (
                1,
                lambda p: p.cls == TriageClass.MAJOR and p.category.effective_department() is not None,
            ),
            Path.ON_THE_SPOT: (1, lambda p: p.cls == TriageClass.COMMUNITY),
            Path.DUPLICATE: (1, lambda p: p.cls != TriageClass.PRIVATE),
        }
        for path, (count, fits) in wanted.items():
            for _ in range(count - sum(1 for p in self.plans if p.path == path)):
                plan = standard(fits)
                if plan is None:
                    break
                if path == Path.DUPLICATE:
                    self._duplicate(plan)
                else:
                    plan.path = path
                    if path == Path.ON_THE_SPOT:
                        plan.channel = Channel.GRID_PATROL
        turns: dict[str, Callable[[Plan], bool]] = {
            "reopen": lambda p: p.cls != TriageClass.PRIVATE,
            "extension": lambda p: p.cls != TriageClass.PRIVATE,
            "fail_verification": lambda p: p.cls != TriageClass.PRIVATE,
            "still_difficult": lambda p: p.cls == TriageClass.PRIVATE,
        }
        for turn, fits in turns.items():
            if not any(getattr(p, turn) for p in self.plans):
                plan = standard(fits)
                if plan is None and turn == "still_difficult" and "SH-01" in self.categories:
                    plan = standard()  # no 私事 yet: a request for home cleaning becomes one
                    if plan is not None:
                        plan.category, plan.cls = self.categories["SH-01"], TriageClass.PRIVATE
                if plan is not None:
                    setattr(plan, turn, True)

    def _category(self, rng: random.Random) -> Category:
        weights = {c.code: COMMON.get(c.code, OTHER_WEIGHT) for c in self.leaves}
        return self.categories[_weighted(rng, weights)]

    def _thursday(self, moment: dt.datetime) -> dt.datetime:
        """Service day (服务群众工作日) is Thursday: the Thursday of that week, in the morning."""
        local = timezone.localtime(moment)
        thursday = local + dt.timedelta(days=3 - local.weekday())
        return thursday.replace(hour=9 + local.minute % 3, minute=local.minute)

    def _plan_clusters(self, rng: random.Random) -> None:
        """Common problems: 3–4 cases of one 小事 in one community, days apart (one cluster per 30
        grids, at least one)."""
        candidates = [
            c for code, c in self.categories.items() if code in ("SQ-02-01", "SQ-03-01", "SQ-01-02", "SQ-06")
        ]
        for n in range(max(1, len(self.grids) // 30)):
            community = rng.choice(self.grids).parent_id
            community_grids = [g for g in self.grids if g.parent_id == community]
            first = self.start + dt.timedelta(days=rng.uniform(5, DAYS_BACK - 25))
            category = candidates[n % len(candidates)]
            members = []
            for k in range(rng.randint(3, 4)):
                received = (first + dt.timedelta(days=k * rng.uniform(0.5, 2))).replace(
                    hour=rng.choice((9, 10, 15))
                )
                plan = Plan(
                    len(self.plans),
                    received,
                    category,
                    TriageClass.COMMUNITY,
                    rng.choice(community_grids),
                    rng.choice((Channel.GRID_PATROL, Channel.HOTLINE)),
                    Path.PROBLEM,
                    rng=self.state.rng("problem-case", self.district.code, n, k),
                )
                self.plans.append(plan)
                members.append(plan)
            last = max(p.received for p in members)
            self.clusters.append(_Cluster(members, self._office(last + dt.timedelta(days=1)), category))

    # -- time -----------------------------------------------------------------------------------------

    def _office(self, moment: dt.datetime) -> dt.datetime:
        """The moment itself if it falls in office hours on a working day, else the next morning."""
        local = timezone.localtime(moment)
        if self.calendar.is_working_day(local.date()) and dt.time(8, 30) <= local.time() <= dt.time(17, 45):
            return local
        day = local.date() + (dt.timedelta(days=1) if local.time() > dt.time(8, 30) else dt.timedelta())
        while not self.calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        minutes = 8 * 60 + 30 + (local.minute * 7 + local.hour * 13) % 90
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))

    def _after(self, moment: dt.datetime, rng: random.Random, low: float, high: float) -> dt.datetime:
        """Some hours after ``moment``, in office hours."""
        return self._office(moment + dt.timedelta(hours=rng.uniform(low, high)))

    def _within(self, case: Case, rng: random.Random, late: bool = False) -> dt.datetime:
        """A moment within the case's stage clock: mostly well inside it, sometimes past it."""
        start = case.stage_started_at or timezone.now()
        due = case.stage_due_at or (start + dt.timedelta(days=3))
        share = rng.uniform(1.05, 1.6) if late or rng.random() < 0.1 else rng.uniform(0.15, 0.85)
        return self._office(start + (due - start) * share)

    # -- playing ----------------------------------------------------------------------------------------

    def _fetch(self, pk: int) -> Case:
        return Case.objects.select_related(
            "unit",
            "grid",
            "category__department",
            "category__parent__department",
            "category__parent__parent__department",
            "responsible_department",
            "responsible_unit",
            "planned_department",
        ).get(pk=pk)

    def _current(self, plan: Plan) -> Case:
        assert plan.case is not None
        return plan.case

    def _catch_up(self, plan: Plan, moment: dt.datetime) -> Case:
        """Sweep the case at each threshold that fell due before ``moment``."""
        case = plan.case
        assert case is not None
        for _ in range(MAX_SWEEPS_PER_STEP):
            due = case.next_sweep_at
            if case.state == State.CLOSED or due is None or due > moment:
                break
            try:
                with transaction.atomic(), clock(due):
                    done = actions.sweep_case(case, now=due)
            except (Conflict, ValidationError, NotAllowed) as exc:
                self.failures.append(f"{case.number} sweep: {exc}")
                case = plan.case = self._fetch(case.pk)
                break
            if not done:
                # Nothing crossed: the sweeper only rescheduled the case (in the database).
                case.next_sweep_at = deadlines.next_sweep_at(case)
            if case.next_sweep_at == due:
                break  # nothing moved (should not happen): do not spin
        return case

    def _act(self, plan: Plan, moment: dt.datetime, name: str, act: Callable[[], Any]) -> bool:
        """Run an act at ``moment``; the case it answers becomes the plan's case (an act that failed
        leaves the case as it was in the database)."""
        try:
            with clock(moment):
                answer = act()
        except (Conflict, ValidationError, NotAllowed) as exc:
            self.failures.append(f"{plan.index} {plan.category.code} {name}: {exc}")
            if plan.case is not None:
                plan.case = self._fetch(plan.case.pk)
            return False
        if isinstance(answer, Case) and plan.case is not None and answer.pk == plan.case.pk:
            plan.case = answer
        return True

    def _step(self, plan: Plan, moment: dt.datetime) -> None:
        if plan.case_pk is None:
            if self._register(plan, moment):
                self._push(self._after(moment, plan.rng, 0.3, 5), plan.index)
            return
        case = self._catch_up(plan, moment)
        if case.state == State.CLOSED:
            return
        following = self._next(plan, case, moment)
        if following is not None:
            # A clock that moved back (a failed verification keeps the stage's old start) must not
            # send the story back in time.
            self._push(max(following, self._office(moment + dt.timedelta(minutes=30))), plan.index)

    def _register(self, plan: Plan, moment: dt.datetime) -> bool:
        rng, category, grid = plan.rng, plan.category, plan.grid
        example = rng.choice(_examples(category) or [category.name])
        fields: dict[str, Any] = {
            "title": _title(example),
            "description": example,
            "channel": plan.channel,
            "category": category,
            "urgency": plan.urgency,
            "received_at": moment,
        }
        public = category.code.startswith(PUBLIC_PREFIXES)
        household = self._household(grid, rng) if not public else None
        resident = Resident.objects.filter(household=household).order_by("pk").first() if household else None
        if public or household is None:
            building = self._building(grid, rng)
            fields["building"] = building
            fields["lat"], fields["lng"] = _near(building, rng)
            fields["address"] = building.name if building else ""
            if building is None:
                fields["unit"] = grid
        else:
            fields["household"] = household
            anchor = Unit.objects.filter(pk=household.building_id).first() if household.building_id else None
            fields["lat"], fields["lng"] = _near(anchor, rng)
        actor = self._reporter(plan, fields, resident)
        if plan.channel == Channel.HOTLINE:
            fields["source_ref"] = f"12345-{timezone.localtime(moment):%Y%m%d}{plan.index:05d}"
        try:
            with clock(moment):
                case, _created = actions.register_case(actor=actor, **fields)
        except (ValidationError, NotAllowed) as exc:
            self.failures.append(f"{plan.index} register: {exc}")
            return False
        plan.case = case
        self.cases += 1
        return True

    def _reporter(self, plan: Plan, fields: dict[str, Any], resident: Resident | None) -> User:
        """Who enters the case, and who it is about, by channel (docs/domain.md §3)."""
        rng, grid = plan.rng, plan.grid
        community = self.units[grid.parent_id] if grid.parent_id else grid
        street = self.units[community.parent_id] if community.parent_id else community
        if plan.channel == Channel.SELF_REPORT and self.demo_resident is not None and self.own is not None:
            fields.pop("building", None)
            fields["household"] = self.own.household
            return self.demo_resident
        if plan.channel == Channel.HOTLINE:
            if rng.random() < 0.8:
                gender = rng.choice((people.MALE, people.FEMALE))
                fields["reporter_name"] = names.full_name(rng, gender, rng.randint(1950, 2000))
                fields["reporter_phone"] = people.mobile(rng)
            else:
                fields["reporter_kind"] = "anonymous"
            return self._pick(rng, self.staff.at(self.district, Role.DISTRICT_ADMIN))
        if plan.channel == Channel.DEPARTMENT:
            department = plan.category.effective_department() or rng.choice(self.departments)
            fields["reporter_name"] = department.name
            return self._pick(rng, self.staff.by_department.get(department.pk, []))
        if plan.channel == Channel.JOINT_MEETING:
            fields["reporter_name"] = f"{street.name}党建联席会议"
            return self._pick(rng, self.staff.at(street, Role.STREET_STAFF))
        if plan.channel == Channel.CONSULTATION:
            fields["reporter_name"] = f"{community.name}居民议事会"
            return self._pick(rng, self.staff.at(community, Role.COMMUNITY_STAFF))
        if resident is not None:
            fields["reporter"] = resident
        if plan.channel == Channel.SERVICE_DAY:
            return self._pick(rng, self.staff.at(community, Role.COMMUNITY_STAFF))
        return self._pick(
            rng, self.staff.at(grid, Role.GRID_MANAGER) or self.staff.at(grid, Role.GRID_LEADER)
        )

    def report_hot_spot(self) -> None:
        """A problem reported many times lately and not yet triaged: one community's
        roofs leak, told by households of three of its grids in their own words — what the
        common-problems page finds (docs/triage.md, "Common problems")."""
        rng = self.state.rng("hot-spot", self.district.code)
        category = next((c for c in self.categories.values() if c.name == "房屋漏水"), None)
        by_community: dict[int, list[Unit]] = {}
        for grid in self.grids:
            by_community.setdefault(grid.parent_id or grid.pk, []).append(grid)
        communities = [grids for grids in by_community.values() if len(grids) >= 3]
        if category is None or not communities:
            return
        # The demo resident's community, whose demo staff account then finds it, when it is large enough.
        home = self.own.household.grid.parent_id if self.own is not None else None
        grids = (
            by_community[home]
            if home in by_community and len(by_community[home]) >= 3
            else rng.choice(communities)
        )[:3]
        # After every case played so far and before now, so that numbers still follow receipt.
        last = Case.objects.filter(district=self.district).aggregate(last=Max("received_at"))["last"]
        step = (self.now - (last or self.start)) / (len(HOT_SPOT) + 1)
        staff = self._pick(rng, self.staff.at(grids[0].parent_id, Role.COMMUNITY_STAFF))
        for k, (title, text) in enumerate(HOT_SPOT):
            grid = grids[k % len(grids)]
            household = self._household(grid, rng)
            if household is None:
                continue
            resident = Resident.objects.filter(household=household).order_by("pk").first()
            try:
                actions.register_case(
                    actor=staff,
                    title=title,
                    description=text,
                    channel=rng.choice((Channel.GRID_PATROL, Channel.SERVICE_DAY)),
                    household=household,
                    reporter=resident,
                    reporter_name="" if resident else names.full_name(rng, people.MALE, 1960),
                    category=category,
                    received_at=(last or self.start) + step * (k + 1),
                )
            except (ValidationError, NotAllowed) as exc:
                self.failures.append(f"hot spot: {exc}")
                continue
            self.cases += 1

    def _pick(self, rng: random.Random, users: list[User]) -> User:
        return rng.choice(users) if users else self._admin()

    def _household(self, grid: Unit, rng: random.Random) -> Household | None:
        if grid.pk not in self.households:
            self.households[grid.pk] = list(
                Household.objects.filter(grid=grid).order_by("pk").values_list("pk", flat=True)
            )
        pks = self.households[grid.pk]
        return Household.objects.select_related("grid").get(pk=rng.choice(pks)) if pks else None

    def _building(self, grid: Unit, rng: random.Random) -> Unit | None:
        if grid.pk not in self.buildings:
            self.buildings[grid.pk] = list(
                Unit.objects.filter(parent=grid, kind__in=[UnitKind.BUILDING, UnitKind.COURTYARD])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        pks = self.buildings[grid.pk]
        return Unit.objects.get(pk=rng.choice(pks)) if pks else None

    # -- what happens next ------------------------------------------------------------------------------

    def _next(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        """Take the case's next turn at ``moment``; answer when the one after it comes."""
        state = case.state
        if state == State.REGISTERED:
            return self._from_registered(plan, case, moment)
        if state == State.TRIAGED:
            return self._route(plan, case, moment)
        if state == State.GUIDED:
            return self._follow_up(plan, case, moment)
        if state == State.ROUTED:
            return self._from_routed(plan, case, moment)
        if state == State.IN_PROGRESS:
            return self._in_progress(plan, case, moment)
        if state == State.RESOLVED:
            return self._verify(plan, case, moment)
        if state == State.AWAITING_RATING:
            return self._rating(plan, case, moment)
        return None

    def _community_staff(self, case: Case, *, besides: int | None = None) -> User:
        community = self._community_of(case)
        staff = [u for u in self.staff.at(community, Role.COMMUNITY_STAFF) if u.pk != besides]
        return staff[_key(case) % len(staff)] if staff else self._admin()

    def _community_of(self, case: Case) -> Unit:
        unit = case.grid or case.unit
        while unit.kind not in (UnitKind.COMMUNITY, UnitKind.VILLAGE) and unit.parent_id:
            unit = self.units[unit.parent_id]
        return unit

    def _street_of(self, case: Case) -> Unit:
        community = self._community_of(case)
        return self.units[community.parent_id] if community.parent_id else community

    def _admin(self) -> User:
        return self.staff.at(self.district, Role.DISTRICT_ADMIN)[0]

    def _holder(self, case: Case) -> User | None:
        """Someone who may act on the case where it is held now."""
        assignee = self.staff.user(case.assignee_id)
        if assignee is not None:
            return assignee
        if case.responsible_department_id:
            handlers = self.staff.by_department.get(case.responsible_department_id, [])
            return handlers[_key(case) % len(handlers)] if handlers else None
        roles: dict[str, tuple[str, ...]] = {
            Level.GRID: (Role.GRID_MANAGER, Role.GRID_LEADER),
            Level.COMMUNITY: (Role.COMMUNITY_STAFF,),
            Level.STREET: (Role.STREET_STAFF,),
        }
        for role in roles.get(case.level, ()):
            people_here = self.staff.at(case.responsible_unit_id, role)
            if people_here:
                return people_here[_key(case) % len(people_here)]
        return None

    def _supervisor(self, case: Case, *, besides: int | None = None) -> User:
        """Someone above the case's level (for extensions and closing unsolved)."""
        if case.level == Level.GRID:
            return self._community_staff(case, besides=besides)
        if case.level == Level.COMMUNITY:
            street = [u for u in self.staff.at(self._street_of(case), Role.STREET_STAFF) if u.pk != besides]
            if street:
                return street[_key(case) % len(street)]
        return self._admin()

    def _from_registered(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        if plan.path == Path.ON_THE_SPOT:
            grid_staff = self.staff.at(case.grid_id, Role.GRID_MANAGER) or self.staff.at(
                case.grid_id, Role.GRID_LEADER
            )
            actor = grid_staff[0] if grid_staff else self._community_staff(case)
            note = f"网格员现场协调处理，{plan.category.name}问题当场解决，居民认可。"
            self._act(
                plan,
                moment,
                "solve_on_the_spot",
                lambda: actions.solve_on_the_spot(
                    case, actor=actor, version=case.version, resolution=note, triage_class=plan.cls
                ),
            )
            return self._after(moment, rng, 4, 60)
        actor = self._community_staff(case)
        if plan.path == Path.REJECTED and "rejected" not in plan.done:
            plan.done.add("rejected")
            # The first rejection is "not true", the second "not ours"; later ones either.
            self.rejections += 1
            outcome = {1: Outcome.NOT_TRUE, 2: Outcome.NOT_RESPONSIBLE}.get(
                self.rejections, rng.choice((Outcome.NOT_TRUE, Outcome.NOT_RESPONSIBLE))
            )
            reason = (
                "经现场核实，反映情况不属实。"
                if outcome == Outcome.NOT_TRUE
                else "属于司法诉讼程序中的事项，已告知通过法律途径解决。"
            )
            self._act(
                plan,
                moment,
                "reject",
                lambda: actions.reject_case(
                    case, actor=actor, version=case.version, outcome=outcome, reason=reason
                ),
            )
            return None
        if plan.path == Path.DUPLICATE and plan.original is not None and "merged" not in plan.done:
            plan.done.add("merged")
            original = self.plans[plan.original].case
            if original is not None:
                note = f"与{original.number}反映的是同一问题，合并办理。"
                if self._act(
                    plan,
                    moment,
                    "mark_duplicate",
                    lambda: actions.mark_duplicate(
                        case, actor=actor, version=case.version, original=original, note=note
                    ),
                ):
                    return None
        reason = {
            TriageClass.MAJOR: "属政府管理和基本公共服务事项，由职能部门办理。",
            TriageClass.COMMUNITY: "属社区公共事务，由居委会牵头协调解决。",
            TriageClass.PRIVATE: "属居民个人事务，引导自行或通过互助、市场解决。",
        }[TriageClass(plan.cls)]
        self._act(
            plan,
            moment,
            "triage",
            lambda: actions.triage_case(
                case, actor=actor, version=case.version, triage_class=plan.cls, reason=reason
            ),
        )
        return self._after(moment, rng, 0, 2)

    def _route(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        actor = self._community_staff(case)
        if case.triage_class == TriageClass.PRIVATE:
            mode = rng.choice((PrivateMode.SELF, PrivateMode.MUTUAL, PrivateMode.MARKET))
            self._act(
                plan,
                moment,
                "guide",
                lambda: actions.route_case(
                    case,
                    actor=actor,
                    version=case.version,
                    private_mode=mode,
                    note="已向居民提供家政、维修服务信息和志愿者联系方式。",
                ),
            )
            return self._after(moment, rng, 20, 70)
        if case.triage_class == TriageClass.MAJOR:
            department = case.category.effective_department() if case.category else None
            if plan.path == Path.RETURNED and not plan.returned and department is not None:
                wrong = rng.choice([d for d in self.departments if d.pk != department.pk])
                self._act(
                    plan,
                    moment,
                    "route (misrouted)",
                    lambda: actions.route_case(
                        case, actor=actor, version=case.version, level=Level.DEPARTMENT, department=wrong
                    ),
                )
                return self._after(moment, rng, 3, 30)
            level = Level.DEPARTMENT if department is not None and rng.random() < 0.3 else Level.STREET
            self._act(
                plan,
                moment,
                "route",
                lambda: actions.route_case(
                    case,
                    actor=actor,
                    version=case.version,
                    level=level,
                    department=department if level == Level.DEPARTMENT else None,
                ),
            )
        else:
            level = Level.GRID if case.grid_id and rng.random() < 0.3 else Level.COMMUNITY
            self._act(
                plan,
                moment,
                "route",
                lambda: actions.route_case(case, actor=actor, version=case.version, level=level),
            )
        if plan.path == Path.PROBLEM:
            return None  # the common problem takes it from here
        if plan.path == Path.STALLED and plan.stall_before_accepting:
            return None
        return self._after(moment, rng, 1, 20)

    def _follow_up(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        actor = self._holder(case) or self._community_staff(case)
        if plan.still_difficult and "followed" not in plan.done:
            plan.done.add("followed")
            note = "回访：老人独居、行动不便，自行和邻里互助都难以解决，转社区按政策帮扶。"
            if self._act(
                plan,
                moment,
                "follow_up (difficult)",
                lambda: actions.follow_up_private(
                    case, actor=actor, version=case.version, solved=False, note=note
                ),
            ):
                fresh = self._current(plan)
                staff = self._community_staff(fresh)
                later = self._after(moment, rng, 0.5, 4)
                self._act(
                    plan,
                    later,
                    "retriage",
                    lambda: actions.retriage_case(
                        fresh,
                        actor=staff,
                        version=fresh.version,
                        triage_class=TriageClass.COMMUNITY,
                        reason="私事经回访确有困难，转为小事由社区帮扶。",
                    ),
                )
                plan.cls = TriageClass.COMMUNITY
                return self._after(later, rng, 0.2, 3)
            return None
        mode = case.private_mode or PrivateMode.MARKET
        how = {
            PrivateMode.SELF: "居民自行联系解决",
            PrivateMode.MUTUAL: "在志愿者和邻居帮助下解决",
            PrivateMode.MARKET: "通过家政、维修等市场服务解决",
        }[PrivateMode(mode)]
        self._act(
            plan,
            moment,
            "follow_up",
            lambda: actions.follow_up_private(
                case,
                actor=actor,
                version=case.version,
                solved=True,
                private_mode=mode,
                note=f"回访：{how}，居民表示满意。",
            ),
        )
        return self._after(moment, rng, 4, 60)

    def _from_routed(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        holder = self._holder(case)
        if holder is None:
            return None
        if plan.path == Path.RETURNED and not plan.returned and case.level == Level.DEPARTMENT:
            plan.returned = True
            reason = "经核实不属于本部门职责范围，退回重新分派。"
            self._act(
                plan,
                moment,
                "return",
                lambda: actions.return_case(case, actor=holder, version=case.version, reason=reason),
            )
            return self._after(moment, rng, 1, 8)
        if (
            case.level == Level.STREET
            and case.triage_class == TriageClass.MAJOR
            and case.planned_department_id
        ):
            department = case.planned_department
            reason = f"属{department.name if department else '职能部门'}职责，转区职能部门办理。"
            self._act(
                plan,
                moment,
                "escalate",
                lambda: actions.escalate_case(case, actor=holder, version=case.version, reason=reason),
            )
            if plan.path == Path.STALLED and plan.stall_before_accepting:
                return None
            return self._after(moment, rng, 2, 24)
        self._act(
            plan,
            moment,
            "accept",
            lambda: actions.accept_case(case, actor=holder, version=case.version, note="已受理。"),
        )
        return (
            self._within(self._current(plan), rng)
            if plan.path != Path.STALLED
            else self._after(moment, rng, 6, 30)
        )

    def _in_progress(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        holder = self._holder(case)
        if holder is None:
            return None
        if plan.path == Path.STALLED:
            if "progress" not in plan.done:
                plan.done.add("progress")
                self._act(
                    plan,
                    moment,
                    "progress",
                    lambda: actions.add_progress(
                        case, actor=holder, version=case.version, note="已到现场查看，协调相关方处理中。"
                    ),
                )
            return None  # nobody acts again: the sweeper turns it yellow and red
        if plan.extension and "extension" not in plan.done:
            plan.done.add("extension")
            days = rng.choice((3, 5))
            if self._act(
                plan,
                moment,
                "request_extension",
                lambda: actions.request_extension(
                    case,
                    actor=holder,
                    version=case.version,
                    days=days,
                    reason="需要协调产权单位和施工队，申请延期。",
                ),
            ):
                fresh = self._current(plan)
                extension = Extension.objects.filter(case=fresh).order_by("-pk").first()
                decider = self._supervisor(fresh, besides=holder.pk)
                later = self._after(moment, rng, 2, 20)
                approve = rng.random() < 0.8
                if extension is not None:
                    self._act(
                        plan,
                        later,
                        "decide_extension",
                        lambda: actions.decide_extension(
                            extension,
                            actor=decider,
                            version=fresh.version,
                            approve=approve,
                            note="同意延期。" if approve else "不同意，请按期办结。",
                        ),
                    )
                return self._within(self._current(plan), rng) if later < self.now else None
        if plan.escalate_to_street and case.level == Level.COMMUNITY and "escalated" not in plan.done:
            plan.done.add("escalated")
            self._act(
                plan,
                moment,
                "escalate",
                lambda: actions.escalate_case(
                    case,
                    actor=holder,
                    version=case.version,
                    reason="涉及多个小区和产权单位，需要街道统筹协调。",
                ),
            )
            return self._after(moment, rng, 2, 24)
        if plan.path == Path.UNSOLVED:
            supervisor = self._supervisor(case, besides=holder.pk)
            self._act(
                plan,
                moment,
                "close_unsolved",
                lambda: actions.close_unsolved(
                    case,
                    actor=supervisor,
                    version=case.version,
                    reason="涉及历史遗留产权问题，暂不具备解决条件，已向居民解释说明。",
                ),
            )
            return None
        if "progress" not in plan.done and rng.random() < 0.5:
            plan.done.add("progress")
            self._act(
                plan,
                moment,
                "progress",
                lambda: actions.add_progress(
                    case, actor=holder, version=case.version, note="已联系相关单位，正在处理。"
                ),
            )
            return self._within(self._current(plan), rng)
        resolution = _resolution(case, rng)
        self._act(
            plan,
            moment,
            "resolve",
            lambda: actions.resolve_case(case, actor=holder, version=case.version, resolution=resolution),
        )
        return self._after(moment, rng, 2, 30)

    def _verify(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        verifier = self._community_staff(case, besides=case.handler_id)
        if plan.fail_verification and "verify_failed" not in plan.done:
            plan.done.add("verify_failed")
            self._act(
                plan,
                moment,
                "verify (failed)",
                lambda: actions.verify_case(
                    case,
                    actor=verifier,
                    version=case.version,
                    passed=False,
                    note="回访核实：问题仍未解决，退回继续办理。",
                ),
            )
            return self._within(self._current(plan), rng)
        self._act(
            plan,
            moment,
            "verify",
            lambda: actions.verify_case(
                case, actor=verifier, version=case.version, note="回访核实，已办结。"
            ),
        )
        return self._after(moment, rng, 3, 70)

    def _rating(self, plan: Plan, case: Case, moment: dt.datetime) -> dt.datetime | None:
        rng = plan.rng
        staff = self._community_staff(case, besides=case.handler_id)
        reporter = self.demo_resident if plan.channel == Channel.SELF_REPORT else None
        rater = reporter or staff
        by_phone = reporter is None
        if plan.reopen and "reopened" not in plan.done and case.handling_mode != "on_the_spot":
            plan.done.add("reopened")
            comment = "问题又出现了，希望再来看看。"
            self._act(
                plan,
                moment,
                "reopen",
                lambda: actions.reopen_case(
                    case, actor=rater, version=case.version, comment=comment, by_phone=by_phone
                ),
            )
            return self._within(self._current(plan), rng)
        if (
            case.handling_mode == "on_the_spot"
            and case.verified_at is None
            and "sampled" not in plan.done
            and rng.random() < 0.3
        ):
            plan.done.add("sampled")
            verifier = self._community_staff(case, besides=case.handler_id)
            self._act(
                plan,
                moment,
                "verify (sampling)",
                lambda: actions.verify_case(
                    case, actor=verifier, version=case.version, note="抽查回访，情况属实。"
                ),
            )
            return self._after(moment, rng, 2, 30)
        can_ask = reporter is not None or bool(case.phone_cipher) or case.reporter_id is not None
        if case.rated_at is None and plan.rated and can_ask and "rated" not in plan.done:
            plan.done.add("rated")
            dissatisfied = case.reopen_count > 0 and rng.random() < 0.4
            choice = (
                DISSATISFIED if dissatisfied or rng.random() < 0.08 else _weighted_tuple(rng, SATISFACTION)
            )
            satisfaction, _weight, scores = choice
            comment = rng.choice(RATING_COMMENTS[satisfaction])
            self._act(
                plan,
                moment,
                "rate",
                lambda: actions.rate_case(
                    case,
                    actor=rater,
                    version=case.version,
                    satisfaction=satisfaction,
                    score=rng.choice(scores),
                    comment=comment,
                    by_phone=by_phone,
                ),
            )
            return self._after(moment, rng, 1, 30)
        if case.rated_at is not None or not can_ask:
            closer = self._community_staff(case)
            self._act(
                plan,
                moment,
                "close",
                lambda: actions.close_case(case, actor=closer, version=case.version, note="销号。"),
            )
        return None  # unrated: the window lapses and the sweeper closes it

    # -- common problems ------------------------------------------------------------------------------

    def _cluster_step(self, cluster: _Cluster, moment: dt.datetime) -> None:
        members = [self._catch_up(plan, moment) for plan in cluster.members if plan.case_pk is not None]
        open_members = [case for case in members if case.state != State.CLOSED and case.problem_id is None]
        staff = self._community_staff(open_members[0]) if open_members else None
        rng = cluster.members[0].rng
        if cluster.problem is None:
            if len(open_members) < 2 or staff is None:
                return
            title = f"{self._community_of(open_members[0]).name}{cluster.category.name}问题集中反映"
            try:
                with clock(moment):
                    cluster.problem = actions.create_problem(
                        actor=staff,
                        title=title,
                        cases=open_members,
                        category=cluster.category,
                        description="多名居民反映同一问题，合并为共性问题统一办理。",
                    )
            except (Conflict, ValidationError, NotAllowed) as exc:
                self.failures.append(f"problem create: {exc}")
                return
            self.problems += 1
            self._push(self._after(moment, rng, 30, 90), -1 - self.clusters.index(cluster))
            return
        problem = CommonProblem.objects.get(pk=cluster.problem.pk)
        linked = Case.objects.filter(problem=problem).select_related("unit")
        staff = self._community_staff(linked[0]) if linked else self._admin()
        if problem.state == "open":
            resolution = f"社区协调物业、城管等单位集中整治{cluster.category.name}问题，已全部处理到位。"
            try:
                with clock(moment):
                    actions.resolve_problem(
                        problem, actor=staff, version=problem.version, resolution=resolution
                    )
            except (Conflict, ValidationError, NotAllowed) as exc:
                self.failures.append(f"problem resolve: {exc}")
                return
            self._reread(cluster)
            cluster.resolver = staff.pk
            self._push(self._after(moment, rng, 4, 30), -1 - self.clusters.index(cluster))
        elif problem.state == "resolved":
            verifier = next(
                (
                    u
                    for u in self.staff.at(self._community_of(linked[0]), Role.COMMUNITY_STAFF)
                    if u.pk != problem.resolved_by_id
                ),
                self._admin(),
            )
            try:
                with clock(moment):
                    actions.verify_problem(
                        problem, actor=verifier, version=problem.version, note="逐户回访核实。"
                    )
            except (Conflict, ValidationError, NotAllowed) as exc:
                self.failures.append(f"problem verify: {exc}")
                return
            self._reread(cluster)
            for plan in cluster.members:
                self._push(self._after(moment, plan.rng, 2, 48), plan.index)

    def _reread(self, cluster: _Cluster) -> None:
        """The problem's acts changed its members' rows: re-read them."""
        for plan in cluster.members:
            if plan.case is not None:
                plan.case = self._fetch(plan.case.pk)


def _turns(plan: Plan) -> bool:
    return plan.reopen or plan.extension or plan.fail_verification or plan.still_difficult


@dataclass
class _Cluster:
    members: list[Plan]
    start: dt.datetime
    category: Category
    problem: CommonProblem | None = None
    resolver: int | None = None


def _key(case: Case) -> int:
    """A number that picks among people the same way on every load (primary keys differ after a
    reset; case numbers do not)."""
    return int(case.number.rsplit("-", 1)[1])


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    items = [(key, weight) for key, weight in weights.items() if weight > 0]
    return rng.choices([key for key, _w in items], weights=[w for _k, w in items])[0]


def _weighted_tuple(rng: random.Random, options: tuple[tuple[Any, int, Any], ...]) -> tuple[Any, int, Any]:
    return rng.choices(options, weights=[o[1] for o in options])[0]


def _examples(category: Category) -> list[str]:
    return [line for line in category.examples.splitlines() if line.strip()]


def _title(text: str) -> str:
    first = text.replace("。", "，").split("，")[0]
    return first[:30] or text[:30]


def _near(unit: Unit | None, rng: random.Random) -> tuple[float | None, float | None]:
    if unit is None or unit.lat is None or unit.lng is None:
        return None, None
    return round(unit.lat + rng.uniform(-2e-4, 2e-4), 6), round(unit.lng + rng.uniform(-2e-4, 2e-4), 6)


def _resolution(case: Case, rng: random.Random) -> str:
    name = case.category.name if case.category else "反映的"
    if case.responsible_department is not None:
        return f"{case.responsible_department.name}已派员现场核查，{name}问题已处置完毕，并向居民反馈。"
    who = rng.choice(("物业公司", "网格员和楼栋长", "保洁公司", "社区志愿者", "产权单位"))
    done = rng.choice(("现已恢复正常", "已整改到位", "居民反映的问题已解决"))
    return f"社区协调{who}处理{name}问题，{done}。"
