"""The benchmark city's historical ledger: millions of cases over the past three years, in bulk.

The demo district plays each of its few hundred cases through the actions (``demo.ledger``). At
city scale (10 million cases on PostgreSQL, 2 million on SQLite: a city's 12345 hears tens of
thousands of requests a day, docs/domain.md §3) that would take days, so this is a *system loader*
like the people's: each case's story is drawn from the seed as a few moments — received, first
acted on, routed, accepted, resolved, verified, rated, closed — and the case row is written as the
actions would have left it at "now" (midnight of the load's day), through ``Sink.insert_rows``
(``COPY`` on PostgreSQL). What is kept of the actions' rules:

- every database constraint of ``Case`` (closed ⇔ an outcome, scores 1–5 …) and the order of the
  moments: received ≤ first acted on ≤ resolved ≤ verified ≤ rated ≤ closed (rating comes before
  the closure: 销号 needs the reporter's last word, docs/domain.md §3.4);
- deadlines derived as ``cases.deadlines`` derives them, from the district's catalog limits and
  deadline settings, with working days approximated as calendar days × 7/5 (no holiday lookups);
- the state at "now" follows from the story: cases received in the last weeks are still open in
  every open state, older ones are closed; colours, supervision and ``next_sweep_at`` are what
  the sweeper would have left (``next_sweep_at`` is after "now", so nothing is due at once);
- case numbers are ``YYYY-NNNNNN`` per year of receipt, in order of receipt within a district,
  and each year's ``CaseSequence`` is moved past them, so cases created later never collide;
- cases handled by a department get the department link its handlers see them by.

No timeline events, notifications or audit records per case are written (tens of millions of rows
that would dominate the load); the cases' phones stay empty except where the reporter is a
linked resident, whose sealed phone is copied.

The volume per day follows a city-wide shape: later years a little busier, weekdays busier than
weekends, a few peak days at 4–5 times the mean (storms, water cuts), and an hour-of-day curve.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, reset_queries
from django.db.models import Q
from django.utils import timezone

from grassroots.cases import deadlines
from grassroots.cases.choices import (
    HANDLING_STATES,
    Channel,
    Color,
    HandlingMode,
    Level,
    Outcome,
    PrivateMode,
    ReporterKind,
    Satisfaction,
    State,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.models import Case, CaseDepartment, CaseSequence, Category, LimitStage, TimeLimit
from grassroots.demo import ledger, names
from grassroots.demo.plan import Node
from grassroots.demo.sink import Sink
from grassroots.demo.state import LoadState
from grassroots.org.choices import Role
from grassroots.org.models import Post, Unit
from grassroots.people.models import Resident

# Default sizes: what each database loads in reasonable time on one machine (docs/demo.md).
CASES = {"postgresql": 10_000_000, "sqlite": 2_000_000}
YEARS = 3
BATCH = 20_000
DAY = 86_400
HOUR = 3_600
WORKING = 7 / 5  # a working day is about 1.4 calendar days (weekends; holidays ignored)

# 12345-heavy: a city's hotline brings most requests; grid patrols most of the rest.
CHANNELS = {
    Channel.HOTLINE: 46,
    Channel.GRID_PATROL: 26,
    Channel.SERVICE_DAY: 8,
    Channel.SELF_REPORT: 8,
    Channel.DEPARTMENT: 5,
    Channel.CONSULTATION: 4,
    Channel.JOINT_MEETING: 3,
}
# Requests per local hour of the day (0–23), relative.
HOURS = (
    0.3,
    0.2,
    0.15,
    0.1,
    0.1,
    0.2,
    0.6,
    1.5,
    3.5,
    5.5,
    6,
    5.5,
    3.5,
    3.5,
    5,
    5.5,
    5,
    4.5,
    3,
    2.5,
    2,
    1.5,
    1,
    0.6,
)
WEEKDAYS = (1.15, 1.08, 1.03, 1.0, 0.97, 0.72, 0.65)  # Monday first
PEAK_DAY_SHARE = 0.012
PEAK = (4.0, 5.0)
# Of the cases that end, how (the rest are solved).
ENDINGS = (
    (Outcome.DUPLICATE, 0.04),
    (Outcome.UNSOLVED, 0.03),
    (Outcome.NOT_TRUE, 0.025),
    (Outcome.NOT_RESPONSIBLE, 0.025),
)
ON_THE_SPOT = 0.08
LATE = 0.12  # solved after the whole-case deadline
LATE_RESPONSE = 0.06
RATED = 0.75
REOPENED = 0.03
URGENT, CRITICAL = 0.06, 0.01
LINKED = 0.12  # reporters who are residents on record (of the grid's households)
ANONYMOUS = 0.07
FALLBACK = (0.03, 0.01)  # cases located in no grid: the community's and the street's queues
MAX_LINKED_PER_GRID = 40
SURNAMES = tuple(surname for surname, _share in names.SURNAMES[:40])

COLUMNS = (
    "id",
    "district_id",
    "number",
    "title",
    "description",
    "channel",
    "reporter_kind",
    "reporter_id",
    "reporter_name",
    "public_anonymous",
    "created_by_id",
    "lat",
    "lng",
    "household_id",
    "grid_id",
    "unit_id",
    "category_id",
    "triage_class",
    "private_mode",
    "urgency",
    "handling_mode",
    "level",
    "responsible_unit_id",
    "responsible_department_id",
    "assignee_id",
    "handler_id",
    "verifier_id",
    "state",
    "version",
    "outcome",
    "resolution",
    "closure_reason",
    "received_at",
    "response_due_at",
    "first_response_at",
    "stage_started_at",
    "stage_yellow_at",
    "stage_due_at",
    "yellow_at",
    "due_at",
    "red_card_at",
    "follow_up_due_at",
    "verification_due_at",
    "resolved_at",
    "verified_at",
    "rating_due_at",
    "closed_at",
    "stage_color",
    "case_color",
    "supervision",
    "next_sweep_at",
    "duplicate_of_id",
    "satisfaction",
    "score",
    "rating_comment",
    "rated_at",
    "reopen_count",
    "phone_cipher",
    "phone_hash",
    "phone_masked",
)
LINK_COLUMNS = ("district_id", "case_id", "department_id", "copied")
RESOLUTIONS = (
    "已现场处置，现已恢复正常。",
    "已协调相关单位整改到位。",
    "已安排人员维修，问题已解决。",
    "已上门核实并处理完毕，已向居民反馈。",
    "已清理完毕，并加强日常巡查。",
)
CLOSURE_REASONS: dict[str, tuple[str, ...]] = {
    Outcome.UNSOLVED: ("涉及历史遗留问题，暂无法解决，已向居民解释。", "需纳入明年计划统筹解决。"),
    Outcome.NOT_TRUE: ("经现场核实，反映情况不属实。",),
    Outcome.NOT_RESPONSIBLE: (
        "属司法程序处理事项，已告知居民依法维权途径。",
        "属企业经营行为，已引导居民协商解决。",
    ),
    Outcome.DUPLICATE: ("与已登记诉求重复，合并办理。",),
}


def default_count() -> int:
    """How many cases the city gets on this database when ``--cases`` is not given."""
    return CASES.get(connection.vendor, CASES["sqlite"])


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` divided in proportion to ``weights`` (rounded along the running sum, so the
    parts add up to ``total`` exactly and every share is within one of its exact value)."""
    whole = sum(weights)
    parts, running, done = [], 0.0, 0
    for weight in weights:
        running += weight
        upto = round(total * running / whole)
        parts.append(upto - done)
        done = upto
    return parts


@dataclass(frozen=True)
class Days:
    """The city's days of the past three years and how busy each was (the same for every district)."""

    dates: list[dt.date]
    weights: list[float]

    @classmethod
    def build(cls, state: LoadState) -> Days:
        rng = state.rng("history", "days")
        today = state.today
        first = (
            today.replace(year=today.year - YEARS)
            if not (today.month == 2 and today.day == 29)
            else (today - dt.timedelta(days=365 * YEARS))
        )
        dates = [first + dt.timedelta(days=n) for n in range((today - first).days)]
        weights = []
        for n, date in enumerate(dates):
            growth = 0.85 + 0.3 * n / max(1, len(dates) - 1)  # later years a little busier
            weight = growth * WEEKDAYS[date.weekday()] * math.exp(rng.gauss(0, 0.12))
            if rng.random() < PEAK_DAY_SHARE:
                weight = growth * rng.uniform(*PEAK)
            weights.append(weight)
        return cls(dates, weights)


class _Stamps:
    """Timestamps (UTC seconds) as the database takes them in text: building ``datetime`` objects
    for tens of millions of values is the slow part, so a day's prefix and the 86,400 times of
    day are formatted once."""

    def __init__(self) -> None:
        self.suffix = "+00" if connection.vendor == "postgresql" else ""
        self.times = [f" {s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self.suffix}" for s in range(DAY)]
        self.days: dict[int, str] = {}

    def __call__(self, moment: int | None) -> str | None:
        if moment is None:
            return None
        day, second = divmod(moment, DAY)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = dt.datetime.fromtimestamp(day * DAY, dt.UTC).strftime("%Y-%m-%d")
        return prefix + self.times[second]


@dataclass
class _Matter:
    """A leaf of the district's catalog with what the cases need of it."""

    pk: int
    cls: str
    department: int | None
    texts: list[tuple[str, str]]  # (title, description)
    response: float  # working days
    handling: float  # whole case, working days
    levels: dict[str, float]  # handling per level, working days
    verification: float


@dataclass
class _Grid:
    pk: int
    community: int
    street: int
    lat: float | None
    lng: float | None
    staff: int | None
    residents: list[tuple[int, int, str, str, str, str]] = field(default_factory=list)


@dataclass
class Written:
    """What one district got: cases, of which still open, and department links."""

    cases: int = 0
    open: int = 0
    links: int = 0


class _District:
    """What one district's cases are drawn from: grids, staff, the catalog's leaves and limits."""

    def __init__(self, state: LoadState, plan: Node) -> None:
        self.unit = state.units[plan.code]
        self.sla = deadlines.sla_for(self.unit)
        self.yellow = float(self.sla.yellow_fraction)
        staff = _staff(self.unit)
        self.grids: list[_Grid] = []
        self.communities: list[tuple[int, int, int | None]] = []  # community, street, its worker
        self.streets: list[tuple[int, int | None]] = []
        for street in plan.children:
            street_pk = state.units[street.code].pk
            self.streets.append((street_pk, staff.get((Role.STREET_STAFF, street_pk))))
            for community in street.children:
                community_pk = state.units[community.code].pk
                self.communities.append(
                    (community_pk, street_pk, staff.get((Role.COMMUNITY_STAFF, community_pk)))
                )
                for grid in community.children:
                    unit = state.units[grid.code]
                    self.grids.append(
                        _Grid(
                            unit.pk,
                            community_pk,
                            street_pk,
                            unit.lat,
                            unit.lng,
                            staff.get((Role.GRID_MANAGER, unit.pk)),
                        )
                    )
        self.community_staff = {community: worker for community, _street, worker in self.communities}
        self.street_staff = dict(self.streets)
        self.department_staff = {
            department: user for (role, department), user in staff.items() if role == Role.DEPARTMENT_HANDLER
        }
        rng = state.rng("history", "weights", plan.code)
        self.grid_weights = _cumulative([math.exp(rng.gauss(0, 0.4)) for _grid in self.grids])
        self._linked_residents()
        self.matters = _matters(self.unit, self.sla)
        self.matter_weights = _cumulative(
            [ledger.COMMON.get(_code, ledger.OTHER_WEIGHT) for _code, _m in self.matters]
        )

    def _linked_residents(self) -> None:
        """A few residents per grid who report themselves (their sealed phone goes with them)."""
        by_pk = {grid.pk: grid for grid in self.grids}
        rows = Resident.objects.filter(district=self.unit).order_by("grid_id", "pk")
        for row in rows.values_list(
            "pk", "household_id", "grid_id", "name", "phone_cipher", "phone_hash", "phone_masked"
        ).iterator(chunk_size=5000):
            grid = by_pk.get(row[2])
            if grid is not None and len(grid.residents) < MAX_LINKED_PER_GRID:
                grid.residents.append((row[0], row[1], row[3], row[4], row[5], row[6]))


def _staff(district: Unit) -> dict[tuple[str, int], int]:
    """One user per (role, unit or department) of the district: who entered, handled, verified."""
    found: dict[tuple[str, int], int] = {}
    posts = Post.objects.active().filter(Q(unit__district=district) | Q(department__district=district))
    roles = (Role.GRID_MANAGER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_HANDLER)
    for role, unit, department, user in (
        posts.filter(role__in=roles).order_by("pk").values_list("role", "unit_id", "department_id", "user_id")
    ):
        key = department if role == Role.DEPARTMENT_HANDLER else unit
        if key is not None:
            found.setdefault((role, key), user)
    return found


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _matters(district: Unit, sla: Any) -> list[tuple[str, _Matter]]:
    """The active leaves of the district's catalog with their class, department, example texts
    and time limits (the most specific ``TimeLimit`` row, as ``deadlines.limits_for`` picks it,
    for any class; else the deadline settings)."""
    categories = {c.pk: c for c in Category.objects.filter(district=district, is_active=True)}
    parents = {c.parent_id for c in categories.values()}
    limits: dict[tuple[int | None, str], TimeLimit] = {}
    for row in TimeLimit.objects.filter(district=district, triage_class=""):
        limits[(row.category_id, row.stage)] = row
    fallback = {
        LimitStage.GRID: sla.grid_days,
        LimitStage.COMMUNITY: sla.community_days,
        LimitStage.STREET: sla.street_days,
        LimitStage.DEPARTMENT: sla.department_days,
        LimitStage.CASE: sla.case_days,
    }

    def chain(category: Category) -> list[Category]:
        out: list[Category] = []
        node: Category | None = category
        while node is not None and len(out) < 3:
            out.append(node)
            node = categories.get(node.parent_id) if node.parent_id else None
        return out

    def limit(lineage: list[Category], stage: str) -> tuple[float, float, float]:
        for category in [*lineage, None]:
            row = limits.get((category.pk if category else None, stage))
            if row is not None:
                return float(row.response_days), float(row.handling_days), float(row.verification_days)
        return float(sla.response_days), float(fallback[LimitStage(stage)]), float(sla.verification_days)

    matters = []
    for category in sorted(categories.values(), key=lambda c: c.code):
        if category.pk in parents:
            continue
        lineage = chain(category)
        cls = next((c.default_class for c in lineage if c.default_class), "") or TriageClass.COMMUNITY
        department = next((c.department_id for c in lineage if c.department_id), None)
        texts = [(ledger._title(line), line.strip()[:80]) for line in ledger._examples(category)]
        response, handling, verification = limit(lineage, LimitStage.CASE)
        levels = {
            str(level): limit(lineage, level)[1]
            for level in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT)
        }
        matters.append(
            (
                category.code,
                _Matter(
                    pk=category.pk,
                    cls=cls,
                    department=department,
                    texts=texts or [(category.name, f"反映{category.name}问题，请尽快处理。")],
                    response=response,
                    handling=handling,
                    levels=levels,
                    verification=verification,
                ),
            )
        )
    return matters


def _moment(start: int, days: float) -> int:
    """``days`` working days after ``start`` (approximated: see the module doc)."""
    return start + int(days * WORKING * DAY)


def _colour(moment: int, yellow: int | None, due: int | None) -> str:
    if due is not None and moment >= due:
        return Color.RED
    if yellow is not None and moment >= yellow:
        return Color.YELLOW
    return Color.NONE


class _Writer:
    def __init__(self, state: LoadState, plan: Node, days: Days, sink: Sink, now: int) -> None:
        self.state, self.plan, self.days, self.sink, self.now = state, plan, days, sink, now
        self.district = _District(state, plan)
        self.stamp = _Stamps()
        self.tz = timezone.get_current_timezone()
        self.rng = state.rng("history", "cases", plan.code)
        self.sequences: dict[int, int] = {}
        self.originals: dict[int, int] = {}  # latest non-duplicate case per category
        self.channels = list(CHANNELS)
        self.channel_weights = _cumulative(list(CHANNELS.values()))
        self.hours = _cumulative(HOURS)
        self.counters = dict.fromkeys(State.values, 0)

    def numbers(self) -> None:
        """Lock each year's numbering (other writers wait until the district is committed) and
        start after its last number."""
        years = sorted({date.year for date in self.days.dates} | {self.state.today.year})
        for year in years:
            CaseSequence.objects.get_or_create(year=year)
        for sequence in CaseSequence.objects.select_for_update().filter(year__in=years):
            self.sequences[sequence.year] = sequence.last

    def save_numbers(self) -> None:
        for year, last in self.sequences.items():
            CaseSequence.objects.filter(year=year, last__lt=last).update(last=last)

    def day_cases(self, date: dt.date, count: int) -> Iterator[int]:
        """``count`` moments (UTC seconds) of ``date`` in local time, in order, after the hour curve."""
        midnight = int(dt.datetime.combine(date, dt.time(), tzinfo=self.tz).timestamp())
        rng, hours = self.rng, self.hours
        total = hours[-1]
        moments = sorted(
            midnight + bisect.bisect(hours, rng.random() * total) * HOUR + rng.randrange(HOUR)
            for _ in range(count)
        )
        for moment in moments:
            yield min(moment, self.now - 1)

    def run(self, count: int) -> Written:
        written = Written()
        self.numbers()
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        for date, n in zip(self.days.dates, spread(count, self.days.weights), strict=True):
            if not n:
                continue
            first = self.sink.reserve(Case, n)
            for offset, received in enumerate(self.day_cases(date, n)):
                row, department = self.case(first + offset, received)
                rows.append(row)
                if department is not None:
                    links.append((self.district.unit.pk, first + offset, department, False))
            if len(rows) >= BATCH:
                self.flush(rows, links, written)
        self.flush(rows, links, written)
        self.save_numbers()
        written.open = count - self.counters[State.CLOSED]
        return written

    def flush(self, rows: list[tuple[Any, ...]], links: list[tuple[Any, ...]], written: Written) -> None:
        self.sink.insert_rows(Case, COLUMNS, rows)
        self.sink.insert_rows(CaseDepartment, LINK_COLUMNS, links)
        written.cases += len(rows)
        written.links += len(links)
        rows.clear()
        links.clear()
        reset_queries()  # with DEBUG on Django keeps every statement; memory must stay bounded

    def number(self, received: int) -> str:
        year = dt.datetime.fromtimestamp(received, self.tz).year
        last = self.sequences[year] = self.sequences[year] + 1
        return f"{year}-{last:06d}"

    def case(self, pk: int, received: int) -> tuple[tuple[Any, ...], int | None]:
        """One case's row (in the order of ``COLUMNS``) and the department it went to, if any."""
        rng, d, now, stamp = self.rng, self.district, self.now, self.stamp
        random_ = rng.random
        code_matter = d.matters[bisect.bisect(d.matter_weights, random_() * d.matter_weights[-1])]
        matter = code_matter[1]
        grid = d.grids[bisect.bisect(d.grid_weights, random_() * d.grid_weights[-1])]
        channel = self.channels[bisect.bisect(self.channel_weights, random_() * self.channel_weights[-1])]
        title, description = matter.texts[int(random_() * len(matter.texts))]

        # where: the grid, or (located in no grid) the community's or the street's queue
        place = random_()
        unit: int = grid.pk
        grid_pk: int | None = grid.pk
        if place < FALLBACK[1]:
            unit, grid_pk = grid.street, None
        elif place < FALLBACK[0] + FALLBACK[1]:
            unit, grid_pk = grid.community, None
        lat = lng = None
        if grid.lat is not None and grid.lng is not None and random_() < 0.6:
            lat = round(grid.lat + (random_() - 0.5) * 4e-4, 6)
            lng = round(grid.lng + (random_() - 0.5) * 4e-4, 6)

        # who
        reporter = household = None
        reporter_kind, anonymous = ReporterKind.ON_BEHALF, False
        phone: tuple[str, str, str] = ("", "", "")
        who = random_()
        if who < ANONYMOUS:
            reporter_kind, anonymous, reporter_name = ReporterKind.ANONYMOUS, True, ""
        elif who < ANONYMOUS + LINKED and grid.residents and grid_pk is not None:
            reporter, household, reporter_name, *sealed = grid.residents[int(random_() * len(grid.residents))]
            phone = (sealed[0], sealed[1], sealed[2])
            reporter_kind = (
                ReporterKind.RESIDENT if channel == Channel.SELF_REPORT else ReporterKind.ON_BEHALF
            )
        else:
            reporter_name = SURNAMES[int(random_() * len(SURNAMES))] + ("先生" if random_() < 0.5 else "女士")
        created_by = (
            None if channel == Channel.HOTLINE or reporter_kind == ReporterKind.RESIDENT else grid.staff
        )

        urgency = Urgency.NORMAL
        factor = 1.0
        u = random_()
        if u < CRITICAL:
            urgency, factor = Urgency.CRITICAL, float(self.district.sla.critical_factor)
        elif u < CRITICAL + URGENT:
            urgency, factor = Urgency.URGENT, float(self.district.sla.urgent_factor)

        # the whole-case clock (set at registration, docs/domain.md §3.3)
        response_due = _moment(received, matter.response * factor)
        case_days = matter.handling * factor
        yellow_at = _moment(received, case_days * d.yellow)
        due_at = _moment(received, case_days)
        red_card_at = _moment(due_at, float(d.sla.red_card_after_days))

        # the story's moments (some may lie after "now": the case got that far)
        if random_() < LATE_RESPONSE:
            triaged = response_due + int(random_() * DAY)
        elif random_() < 0.7:
            triaged = received + int(random_() * 2 * HOUR)
        else:
            triaged = received + int(random_() * max(HOUR, response_due - received))
        ending = random_()
        outcome: str = Outcome.SOLVED
        for candidate, share in ENDINGS:
            if ending < share:
                outcome = candidate
                break
            ending -= share
        cls = matter.cls
        on_the_spot = outcome == Outcome.SOLVED and channel != Channel.HOTLINE and random_() < ON_THE_SPOT * 2

        triage_class, private_mode, handling_mode, level = cls, "", "", ""
        responsible_unit = responsible_department = assignee = handler = verifier = None
        state = State.REGISTERED
        version = 1
        first_response = stage_started = stage_yellow = stage_due = follow_up_due = None
        verification_due = resolved = verified = rating_due = closed = rated = None
        resolution = closure_reason = satisfaction = rating_comment = ""
        score = None
        duplicate_of = None
        reopen_count = 0
        department: int | None = None
        stage_color = case_color = supervision = ""
        late = random_() < LATE
        rating_window = d.sla.rating_window_days * DAY

        if on_the_spot:
            # 马上办: solved where it was reported, awaiting the rating until the window ends
            solved = received + int(random_() * HOUR)
            if solved <= now:
                first_response = resolved = solved
                state, handling_mode, version = State.AWAITING_RATING, HandlingMode.ON_THE_SPOT, 2
                triage_class = cls if cls != TriageClass.MAJOR else TriageClass.COMMUNITY
                handler = grid.staff
                resolution = RESOLUTIONS[int(random_() * len(RESOLUTIONS))]
                rating_due = solved + rating_window
        elif outcome in (Outcome.DUPLICATE, Outcome.NOT_TRUE, Outcome.NOT_RESPONSIBLE):
            # closed at triage (or after a check on the spot): no handling
            if outcome == Outcome.NOT_TRUE:
                triaged += int(random_() * 2 * DAY)
            if triaged <= now:
                first_response = closed = triaged
                state, version = State.CLOSED, 2
                reasons = CLOSURE_REASONS[outcome]
                closure_reason = reasons[int(random_() * len(reasons))]
                if outcome == Outcome.DUPLICATE:
                    duplicate_of = self.originals.get(matter.pk)
                    if duplicate_of is None:
                        outcome = Outcome.NOT_TRUE
        elif triaged <= now:
            first_response = triaged
            state, version = State.TRIAGED, 2
            # routing waits a little, longer for a 大事 (the street decides where it goes)
            wait = DAY if cls == TriageClass.MAJOR else 6 * HOUR
            routed = triaged + (0 if random_() < 0.5 else int(random_() * wait))
            if cls == TriageClass.PRIVATE:
                target = Level.GRID if grid_pk is not None and random_() < 0.5 else Level.COMMUNITY
            elif cls == TriageClass.MAJOR:
                target = (
                    Level.DEPARTMENT if matter.department is not None and random_() < 0.6 else Level.STREET
                )
            else:
                target = Level.GRID if grid_pk is not None and random_() < 0.3 else Level.COMMUNITY
            headed_for = matter.department if target == Level.DEPARTMENT else None
            held_by = {
                Level.GRID: grid_pk,
                Level.COMMUNITY: grid.community,
                Level.STREET: grid.street,
                Level.DEPARTMENT: None,
            }[target]
            worker = {
                Level.GRID: grid.staff,
                Level.COMMUNITY: d.community_staff.get(grid.community),
                Level.STREET: d.street_staff.get(grid.street),
                Level.DEPARTMENT: d.department_staff.get(headed_for or 0),
            }[target]
            stage_days = matter.levels[target] * factor
            # how long the handling takes: most within the limit, ``LATE`` after the whole case's
            span = due_at - routed
            work = int(span * (1.0 + random_()) if late else span * (0.05 + 0.9 * random_() ** 1.7))
            work = max(work, HOUR)
            if routed <= now:
                state, version = (State.GUIDED if cls == TriageClass.PRIVATE else State.ROUTED), 3
                level, department = target, headed_for
                responsible_unit, responsible_department = held_by, department
                stage_started = routed
                stage_yellow = _moment(routed, stage_days * d.yellow)
                stage_due = _moment(routed, stage_days)
                if cls == TriageClass.PRIVATE:
                    follow_up_due = _moment(routed, float(d.sla.follow_up_days))
                    work = min(work, follow_up_due - routed + int(random_() * 2 * DAY))
                    private_mode = ""
                accepted = routed + int(random_() * min(DAY, work))
                if cls != TriageClass.PRIVATE and accepted <= now:
                    state, version, assignee = State.IN_PROGRESS, 4, worker
                done = routed + work
                if outcome == Outcome.UNSOLVED and done <= now:
                    # the level above closes it unsolved, with the reason
                    state, version, closed = State.CLOSED, version + 2, done
                    reasons = CLOSURE_REASONS[outcome]
                    closure_reason = reasons[int(random_() * len(reasons))]
                    assignee, responsible_unit, responsible_department, level = None, None, None, ""
                    stage_started = stage_yellow = stage_due = None
                elif done <= now:
                    resolved = done
                    resolution = RESOLUTIONS[int(random_() * len(RESOLUTIONS))]
                    if cls == TriageClass.PRIVATE:
                        # the follow-up finds it solved: verified by whoever followed it up
                        state, version = State.AWAITING_RATING, 4
                        private_mode = rng.choice(PrivateMode.values)
                        verified, verifier = resolved, worker
                        responsible_unit = responsible_department = None
                        level, stage_started, stage_yellow, stage_due = "", None, None, None
                    else:
                        state, version, handler = State.RESOLVED, 5, worker
                        verification_due = _moment(resolved, matter.verification)
                        check = resolved + int(random_() * 2 * DAY)
                        if check <= now:
                            state, version, verified = State.AWAITING_RATING, 6, check
                            verifier = (
                                d.street_staff.get(grid.street)
                                if level == Level.COMMUNITY
                                else d.community_staff.get(grid.community)
                            )
                    if verified is not None:
                        rating_due = verified + rating_window
        if rating_due is not None:
            # the reporter rates within the window (or does not), then the case is struck off
            if random_() < RATED:
                moment = (verified or resolved or 0) + int(random_() * 5 * DAY)
                if moment <= now:
                    rated = moment
                    version += 1
                    score_roll = random_()
                    if (late and score_roll < 0.25) or score_roll < 0.08:
                        satisfaction, score = Satisfaction.DISSATISFIED, 2 if random_() < 0.6 else 1
                    elif score_roll < 0.3:
                        satisfaction, score = Satisfaction.BASICALLY, 4 if random_() < 0.7 else 3
                    else:
                        satisfaction, score = Satisfaction.SATISFIED, 5 if random_() < 0.8 else 4
                    comments = ledger.RATING_COMMENTS[Satisfaction(satisfaction)]
                    rating_comment = comments[int(random_() * len(comments))]
            close_at = rating_due
            if rated is not None and random_() < 0.7:
                close_at = min(rating_due, rated + int(random_() * DAY))
            if close_at <= now:
                state, closed, version = State.CLOSED, close_at, version + 1
                if random_() < REOPENED:
                    reopen_count = 1 if random_() < 0.9 else 2
                    version += 4 * reopen_count

        if state == State.CLOSED:
            if outcome == Outcome.DUPLICATE and duplicate_of is None:
                outcome = Outcome.NOT_TRUE
        else:
            outcome = ""
        if not (state == State.CLOSED and outcome in (Outcome.DUPLICATE, Outcome.NOT_TRUE)):
            self.originals[matter.pk] = pk

        # colours and supervision: at the end of the case's clock, else at "now"
        clock_end = resolved if resolved is not None else closed if closed is not None else now
        if state in deadlines.CASE_CLOCK_STATES or resolved is not None or closed is not None:
            case_color = _colour(clock_end, yellow_at, due_at)
        if stage_due is not None:
            stage_end = resolved if resolved is not None else now
            stage_color = _colour(stage_end, stage_yellow, stage_due)
            if stage_color == Color.RED:
                supervision = Supervision.NORMAL
        if case_color == Color.RED:
            supervision = Supervision.RED_CARD if clock_end >= red_card_at else Supervision.YELLOW_CARD
        if state == State.REGISTERED:
            stage_color = ""
        next_sweep = None
        if state != State.CLOSED:
            moments = []
            if state in HANDLING_STATES:
                if stage_color == Color.NONE:
                    moments.append(stage_yellow)
                elif stage_color == Color.YELLOW:
                    moments.append(stage_due)
            if state in deadlines.CASE_CLOCK_STATES:
                if case_color == Color.NONE:
                    moments.append(yellow_at)
                elif case_color == Color.YELLOW:
                    moments.append(due_at)
                elif supervision != Supervision.RED_CARD:
                    moments.append(red_card_at)
            if (
                state == State.AWAITING_RATING
                and rating_due is not None
                and (verified is not None or on_the_spot)
            ):
                moments.append(rating_due)
            present = [m for m in moments if m is not None]
            next_sweep = min(present) if present else None
        self.counters[state] += 1

        row = (
            pk,
            d.unit.pk,
            self.number(received),
            title,
            description,
            channel,
            reporter_kind,
            reporter,
            reporter_name,
            anonymous,
            created_by,
            lat,
            lng,
            household,
            grid_pk,
            unit,
            matter.pk,
            triage_class,
            private_mode,
            urgency,
            handling_mode,
            level,
            responsible_unit,
            responsible_department,
            assignee,
            handler,
            verifier,
            state,
            version,
            outcome,
            resolution,
            closure_reason,
            stamp(received),
            stamp(response_due),
            stamp(first_response),
            stamp(stage_started),
            stamp(stage_yellow),
            stamp(stage_due),
            stamp(yellow_at),
            stamp(due_at),
            stamp(red_card_at),
            stamp(follow_up_due),
            stamp(verification_due),
            stamp(resolved),
            stamp(verified),
            stamp(rating_due),
            stamp(closed),
            stage_color,
            case_color,
            supervision,
            stamp(next_sweep),
            duplicate_of,
            satisfaction,
            score,
            rating_comment,
            stamp(rated),
            reopen_count,
            *phone,
        )
        return row, department


def _skip_key_triggers() -> bool:
    """On PostgreSQL, when the loader may (a superuser, as with ``scripts/pgtmp.sh``), skip the
    per-row foreign-key triggers for the rest of the transaction (``session_replication_role``):
    they queue one check per key and row and halve the load rate. Every key the loader writes
    was read from the database in the same load (units, staff, the catalog, residents) or is a
    case it wrote before; unique and check constraints are still enforced."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = bool(cursor.fetchone()[0])
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    return superuser


def write(state: LoadState, plan: Node, days: Days, count: int) -> Written:
    """Write ``count`` historical cases of the district ``plan`` (in the caller's transaction)."""
    triggers_off = _skip_key_triggers()
    sink = Sink()
    now = int(dt.datetime.combine(state.today, dt.time(), tzinfo=timezone.get_current_timezone()).timestamp())
    written = _Writer(state, plan, days, sink, now).run(count)
    sink.finish()
    if triggers_off:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
    state.counts["cases"] += written.cases
    state.counts["case_departments"] += written.links
    return written
