"""The published metrics of the ledger, per unit subtree and period (docs/domain.md §3.5).

Definitions (the formula texts in ``FORMULAS`` say the same, and travel with every figure):

- received = cases received (``received_at``) in the period; responded_in_time = of those, first
  acted on (``first_response_at``) no later than ``response_due_at``.
  响应率 response rate = responded_in_time / received.
- A case *settles* at ``closed_at`` if it was closed no later than its deadline ``due_at``, else at
  ``due_at`` (no deadline: at ``closed_at``). due = cases that settle in the period, duplicates
  (merged into their original) excluded; an open case past its deadline therefore counts.
  solved = of those, closed with outcome "solved" (by now, for live figures; by the freezing time
  for frozen ones); solved_in_time = of those, closed no later than ``due_at``.
  办结率 completion = solved / due; 按期办结率 on-time = solved_in_time / due. Unsolved,
  not-responsible and not-true outcomes count in the denominator, never in the numerator.
- rated = cases rated (``rated_at``) in the period; satisfied = of those, 满意 or 基本满意.
  满意率 satisfaction = satisfied / rated.
- closed = cases closed (``closed_at``) in the period with outcome "solved"; reopened = of those,
  reopened at least once. 重开率 reopen rate = reopened / closed.
- A ratio is null when its denominator is 0.

A case counts for the unit it belongs to (``Case.unit``: its grid, or the fallback community or
street) and for every unit above it. A period's counts per unit come from the counters every write
to a case keeps (``cases.tally``: per unit and month, one query whatever the number of cases); the
counts are then added up along each unit's path, as the base survey does (``people/survey.py``).
So a table costs a fixed number of queries whatever the size of the subtree or of the ledger.
Ranges that are not whole months are counted from the cases (four GROUP BY queries, one per clock,
each a range on a ``(district, <time>)`` index; see docs/metrics.md).

Periods are calendar months, quarters and years in the platform's local time
(``settings.TIME_ZONE``, Asia/Shanghai). Complete periods are frozen into ``MetricSnapshot`` rows
by ``manage.py freeze_metrics``; past figures and rankings are read from them, so they never move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Count, Field, Min, Model, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.cases import tally
from grassroots.cases.choices import TriageClass
from grassroots.cases.models import (
    Case,
    CaseTally,
    Category,
    DistrictSplitTally,
    MetricSnapshot,
    PeriodKind,
    SlaSettings,
    SplitTally,
)
from grassroots.core import audit
from grassroots.core.models import AuditAction
from grassroots.core.tree import pks_of
from grassroots.org.choices import ADMINISTRATIVE_KINDS, UnitKind
from grassroots.org.models import Unit

M = TypeVar("M", bound=Model)

# -- what is counted --------------------------------------------------------------------------------


@dataclass
class Counts:
    """The counts behind the ratios; the same fields as ``MetricSnapshot``."""

    received: int = 0
    responded_in_time: int = 0
    due: int = 0
    solved: int = 0
    solved_in_time: int = 0
    rated: int = 0
    satisfied: int = 0
    closed: int = 0
    reopened: int = 0

    def add(self, values: dict[str, int]) -> None:
        for name, value in values.items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNT_FIELDS}


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counts))
assert COUNT_FIELDS == tally.COUNTS, "the counters keep the same counts in the same order"

# metric → (numerator, denominator)
RATIOS: dict[str, tuple[str, str]] = {
    "response": ("responded_in_time", "received"),
    "completion": ("solved", "due"),
    "on_time": ("solved_in_time", "due"),
    "satisfaction": ("satisfied", "rated"),
    "reopen": ("reopened", "closed"),
}
METRICS: tuple[str, ...] = tuple(RATIOS)
# A lower reopen rate is the better one; every other ratio ranks highest first.
LOWER_IS_BETTER = frozenset({"reopen"})

FORMULAS: dict[str, Promise] = {
    "response": _(
        "Response rate = cases first acted on within the response limit / cases received in the period"
    ),
    "completion": _(
        "Completion rate = cases closed as solved / cases due in the period. A case is due in the "
        "period in which it was closed if it was closed by its deadline, otherwise in the period of "
        "its deadline, so open cases past their deadline count; duplicates do not count; cases closed "
        "unsolved, not our responsibility or not true count as due but not as solved"
    ),
    "on_time": _(
        "On-time rate = cases closed as solved by their deadline / cases due in the period "
        "(cases due as for the completion rate)"
    ),
    "satisfaction": _("Satisfaction rate = (satisfied + basically satisfied) / cases rated in the period"),
    "reopen": _(
        "Reopen rate = cases closed as solved in the period that had been reopened / "
        "cases closed as solved in the period"
    ),
}


def formulas() -> dict[str, str]:
    """The published formula of each ratio in the active language, shown next to every figure."""
    return {key: str(text) for key, text in FORMULAS.items()}


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


LIVE = "live"
FROZEN = "frozen"
MIXED = "mixed"
# Where a table's figures come from: "frozen" snapshots, "live" counts, or both ("mixed").
SOURCES = [LIVE, FROZEN, MIXED]


@dataclass
class MetricRow:
    """One unit's figures for one period: the counts of its whole subtree and the ratios."""

    unit_id: int
    code: str
    name: str
    kind: str
    depth: int
    path: str
    counts: Counts = field(default_factory=Counts)
    source: str = LIVE
    frozen_at: dt.datetime | None = None

    def ratio(self, metric: str) -> float | None:
        numerator, denominator = RATIOS[metric]
        return ratio(getattr(self.counts, numerator), getattr(self.counts, denominator))

    def sample(self, metric: str) -> int:
        """The denominator of ``metric``: how many cases the ratio rests on."""
        return int(getattr(self.counts, RATIOS[metric][1]))

    @property
    def ratios(self) -> dict[str, float | None]:
        return {metric: self.ratio(metric) for metric in METRICS}

    @property
    def formulas(self) -> dict[str, str]:
        return formulas()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "depth": self.depth,
            "source": self.source,
            "frozen_at": self.frozen_at,
            "counts": self.counts.as_dict(),
            "ratios": {k: round(v, 4) if v is not None else None for k, v in self.ratios.items()},
        }


# -- periods --------------------------------------------------------------------------------------

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the platform's local time (Asia/Shanghai)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _as_moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value, timezone.get_default_timezone())
        return value
    return local_midnight(value)


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year; ``start`` is its first day, ``end`` the next period's."""

    kind: str
    start: dt.date

    @property
    def end(self) -> dt.date:
        months = self.start.month - 1 + _MONTHS[PeriodKind(self.kind)]
        return dt.date(self.start.year + months // 12, months % 12 + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def start_at(self) -> dt.datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return local_midnight(self.end)

    def next(self) -> Period:
        return Period(self.kind, self.end)

    def is_complete(self, now: dt.datetime | None = None) -> bool:
        return self.end_at <= (now or timezone.now())


def period_containing(kind: str, day: dt.date | dt.datetime) -> Period:
    """The month, quarter or year (local time) that contains ``day``."""
    kind = PeriodKind(kind)
    if isinstance(day, dt.datetime):
        day = timezone.localtime(_as_moment(day), timezone.get_default_timezone()).date()
    step = _MONTHS[kind]
    month = (day.month - 1) // step * step + 1
    return Period(str(kind), dt.date(day.year, month, 1))


def current_period(kind: str, now: dt.datetime | None = None) -> Period:
    return period_containing(kind, now or timezone.now())


# -- counting ---------------------------------------------------------------------------------------


def _under(root: Unit, model: type[M]) -> QuerySet[M]:
    """Rows of ``model`` (cases or their counters) of units in ``root``'s subtree, keyed by district
    so the ``(district, time)`` indexes apply."""
    rows = model._default_manager.all()
    if root.kind == UnitKind.DISTRICT or root.district_id == root.pk:
        return rows.filter(district_id=root.pk)
    if root.district_id:
        return rows.filter(district_id=root.district_id, unit__path__subtree=root.path)
    # Above the districts (a city): every unit of a district below it is in its subtree.
    return rows.filter(district_id__in=_districts_below(root))


def _counted_by_district(root: Unit, period: Period) -> list[tuple[str, dict[str, int]]]:
    """``(district path, counts)`` for each district below ``root``: its counters summed over the
    period without grouping by unit (a city's table needs no more than its districts' totals)."""
    paths = dict(Unit.objects.filter(pk__in=_districts_below(root)).values_list("pk", "path"))
    months = tally.months_of(period.start_at, period.end_at)
    rows = (
        CaseTally.objects.filter(district_id__in=list(paths), month__gte=months[0], month__lt=months[1])
        .values_list("district_id")
        .annotate(*(Sum(name) for name in COUNT_FIELDS))
        .order_by()
    )
    return [(paths[district], dict(zip(COUNT_FIELDS, values, strict=True))) for district, *values in rows]


def _districts_below(root: Unit) -> QuerySet[Unit, Any]:
    """The primary keys of the districts in the subtree of ``root`` (a district or above)."""
    return Unit.objects.filter(path__subtree=root.path, kind=UnitKind.DISTRICT).values("pk")


def _cases_under(root: Unit) -> QuerySet[Case]:
    return _under(root, Case)


def _grouped(qs: QuerySet[Case], **counts: Any) -> Iterable[tuple[str, dict[str, int]]]:
    """``(unit path, {count: n})`` per unit that has cases in ``qs``."""
    names = list(counts)
    for _unit_id, path, *values in qs.values_list("unit_id", "unit__path").annotate(**counts).order_by():
        yield path, dict(zip(names, values, strict=True))


def count_by_unit(root: Unit, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dict[str, int]]]:
    """The counts of each unit under ``root`` for cases of that very unit (not yet rolled up).

    Whole months (every period) are read from the maintained counters (``cases.tally``): one query
    over at most units × months rows, whatever the number of cases. Other ranges are counted from
    the cases (``count_cases_by_unit``)."""
    if tally.is_whole_months(start, end):
        return tally.counted_by_unit(_under(root, CaseTally), start, end)
    return count_cases_by_unit(root, start, end)


def count_cases_by_unit(root: Unit, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dict[str, int]]]:
    """``count_by_unit`` from the cases themselves: four GROUP BY queries, one per clock
    (``tally.clocks``), each a range on a ``(district, time)`` index."""
    out: list[tuple[str, dict[str, int]]] = []
    for clock, cases, counts in tally.clocks(_cases_under(root)):
        out += _grouped(cases.filter(**{f"{clock}__gte": start, f"{clock}__lt": end}), **counts)
    return out


def _row_units(root: Unit, levels: int | None) -> list[MetricRow]:
    """Empty rows for ``root`` and its active administrative descendants ``levels`` deep."""
    qs = Unit.objects.filter(path__subtree=root.path, kind__in=sorted(ADMINISTRATIVE_KINDS)).filter(
        Q(pk=root.pk) | Q(is_active=True)
    )
    if levels is not None:
        qs = qs.filter(depth__lte=root.depth + levels)
    return [
        MetricRow(pk, code, name, kind, depth, path)
        for pk, code, name, kind, depth, path in qs.order_by("path").values_list(
            "pk", "code", "name", "kind", "depth", "path"
        )
    ]


def _roll_up(rows: Sequence[MetricRow], groups: Iterable[tuple[str, dict[str, int]]]) -> None:
    by_pk = {row.unit_id: row for row in rows}
    for path, values in groups:
        for pk in pks_of(path):
            row = by_pk.get(pk)
            if row is not None:
                row.counts.add(values)


def metrics_for(
    unit: Unit, start: dt.date | dt.datetime, end: dt.date | dt.datetime, *, levels: int | None = 1
) -> list[MetricRow]:
    """Live figures for ``unit`` and its administrative children ``levels`` deep (None: down to the
    grids) over ``[start, end)``; dates are local midnights. Five queries in all."""
    rows = _row_units(unit, levels)
    _roll_up(rows, count_by_unit(unit, _as_moment(start), _as_moment(end)))
    return rows


# -- frozen and live periods ---------------------------------------------------------------------------


@dataclass
class PeriodMetrics:
    """A period's table: frozen figures where snapshots exist, live ones otherwise (``source``)."""

    unit: Unit
    period: Period
    levels: int | None
    complete: bool
    source: str
    rows: list[MetricRow]


def _counts_of(snapshot: MetricSnapshot) -> Counts:
    return Counts(**{name: getattr(snapshot, name) for name in COUNT_FIELDS})


def _frozen_rows(unit: Unit, period: Period, levels: int | None) -> dict[int, MetricSnapshot]:
    qs = MetricSnapshot.objects.filter(
        unit__path__subtree=unit.path, period_kind=period.kind, period_start=period.start
    )
    if levels is not None:
        qs = qs.filter(unit__depth__lte=unit.depth + levels)
    return {snapshot.unit_id: snapshot for snapshot in qs}


def period_metrics(
    unit: Unit,
    kind: str,
    start: dt.date,
    levels: int | None = 1,
    *,
    now: dt.datetime | None = None,
) -> PeriodMetrics:
    """The table for the period of ``kind`` containing ``start``.

    A complete period reads the frozen snapshots (docs/domain.md §3.5: past figures never move);
    units without a snapshot yet, and the current period, are computed live. ``source`` says which:
    "frozen", "live" or "mixed".
    """
    period = period_containing(kind, start)
    complete = period.is_complete(now)
    rows = _row_units(unit, levels)
    frozen = _frozen_rows(unit, period, levels) if complete else {}
    if levels == 0 and [row.unit_id for row in rows] == [unit.pk] and unit.pk not in frozen:
        # The unit alone (a trend's point): one sum over its subtree's counters, no grouping.
        rows[0].counts.add(tally.total(_under(unit, CaseTally), period.start_at, period.end_at))
    elif any(row.unit_id not in frozen for row in rows):
        if levels == 1 and unit.kind != UnitKind.DISTRICT and not unit.district_id:
            # Above the districts (a city and its districts): the counters summed per district.
            _roll_up(rows, _counted_by_district(unit, period))
        else:
            _roll_up(rows, count_by_unit(unit, period.start_at, period.end_at))
    for row in rows:
        snapshot = frozen.get(row.unit_id)
        if snapshot is not None:
            row.counts = _counts_of(snapshot)
            row.source = FROZEN
            row.frozen_at = snapshot.frozen_at
    sources = {row.source for row in rows}
    source = sources.pop() if len(sources) == 1 else (MIXED if sources else LIVE)
    return PeriodMetrics(unit, period, levels, complete, source, rows)


def unit_over_periods(
    unit: Unit, periods: Sequence[Period], *, now: dt.datetime | None = None
) -> list[MetricRow]:
    """The unit's own row for each of ``periods`` (one kind, a trend), as ``period_metrics`` with
    ``levels=0`` gives it — frozen where a snapshot exists, else from the counters — in two
    queries whatever the number of periods."""
    if not periods:
        return []
    kind = periods[0].kind
    complete = [period.start for period in periods if period.is_complete(now)]
    frozen = {
        snapshot.period_start: snapshot
        for snapshot in MetricSnapshot.objects.filter(unit=unit, period_kind=kind, period_start__in=complete)
    }
    live = [period for period in periods if period.start not in frozen]
    by_month: list[tuple[dt.date, dict[str, int]]] = []
    if live:
        months = (
            _under(unit, CaseTally)
            .filter(month__gte=min(p.start for p in live), month__lt=max(p.end for p in live))
            .values_list("month")
            .annotate(*(Sum(name) for name in COUNT_FIELDS))
            .order_by()
        )
        by_month = [(month, dict(zip(COUNT_FIELDS, values, strict=True))) for month, *values in months]
    out: list[MetricRow] = []
    for period in periods:
        row = MetricRow(unit.pk, unit.code, unit.name, unit.kind, unit.depth, unit.path)
        snapshot = frozen.get(period.start)
        if snapshot is not None:
            row.counts = _counts_of(snapshot)
            row.source, row.frozen_at = FROZEN, snapshot.frozen_at
        else:
            for month, values in by_month:
                if period.start <= month < period.end:
                    row.counts.add({name: int(value or 0) for name, value in values.items()})
        out.append(row)
    return out


# -- rankings ----------------------------------------------------------------------------------------


def _default_min_sample() -> int:
    field = SlaSettings._meta.get_field("min_ranking_sample")
    assert isinstance(field, Field)
    return int(field.get_default())


DEFAULT_MIN_SAMPLE = _default_min_sample()
RANKED = "ranked"
INSUFFICIENT_SAMPLE = "insufficient_sample"


def min_ranking_sample(unit: Unit) -> int:
    """The district's minimum sample for rankings (``SlaSettings``), read without creating settings."""
    district_id = unit.pk if unit.kind == UnitKind.DISTRICT else unit.district_id
    found = SlaSettings.objects.filter(district_id=district_id).values_list("min_ranking_sample", flat=True)
    value = found.first() if district_id else None
    return DEFAULT_MIN_SAMPLE if value is None else int(value)


@dataclass
class RankEntry:
    row: MetricRow
    value: float | None
    sample: int
    rank: int | None  # None: not ranked
    status: str


@dataclass
class Ranking:
    """The unit's children ranked by one ratio; those resting on fewer than ``min_sample`` cases
    are listed after the ranked ones as "insufficient sample" (docs/domain.md §3.5)."""

    unit: Unit
    period: Period
    metric: str
    min_sample: int
    complete: bool
    source: str
    entries: list[RankEntry]

    @property
    def formula(self) -> str:
        return str(FORMULAS[self.metric])


def ranking(unit: Unit, kind: str, start: dt.date, metric: str, *, now: dt.datetime | None = None) -> Ranking:
    """Rank ``unit``'s administrative children by ``metric`` for the period containing ``start``.

    Past periods use their frozen figures. Ties share a rank (1, 2, 2, 4). A child whose
    denominator is below the district's minimum sample (default 20) is not ranked.
    """
    if metric not in RATIOS:
        raise ValueError(f"unknown metric {metric!r}")
    table = period_metrics(unit, kind, start, levels=1, now=now)
    minimum = min_ranking_sample(unit)
    children = [row for row in table.rows if row.depth == unit.depth + 1]
    eligible: list[tuple[float, MetricRow]] = []
    others: list[RankEntry] = []
    for row in children:
        value = row.ratio(metric)
        if value is None or row.sample(metric) < minimum:
            others.append(RankEntry(row, value, row.sample(metric), None, INSUFFICIENT_SAMPLE))
        else:
            eligible.append((value, row))
    sign = 1 if metric in LOWER_IS_BETTER else -1
    eligible.sort(key=lambda item: (sign * item[0], item[1].code))
    entries: list[RankEntry] = []
    for position, (value, row) in enumerate(eligible, start=1):
        tied = entries and entries[-1].value == value
        rank = entries[-1].rank if tied and entries[-1].rank is not None else position
        entries.append(RankEntry(row, value, row.sample(metric), rank, RANKED))
    entries += sorted(others, key=lambda entry: entry.row.code)
    return Ranking(unit, table.period, metric, minimum, table.complete, table.source, entries)


# -- the three-way split and the categories -------------------------------------------------------------

UNCLASSIFIED = "unclassified"


@dataclass
class CategoryCount:
    code: str
    name: str
    count: int


@dataclass
class Split:
    """Cases received in a period under a unit by triage class (大事/小事/私事, or not yet
    triaged) and by top-level category of the matter catalog, largest first."""

    received: int
    by_class: dict[str, int]
    top_categories: list[CategoryCount]
    uncategorised: int


def split(unit: Unit, start: dt.date | dt.datetime, end: dt.date | dt.datetime, *, top: int = 10) -> Split:
    """The 三事分流 split and the top categories of cases received in ``[start, end)`` (two
    queries; whole months from the counters). Always live: a re-triage moves a case between
    classes, and its counters with it."""
    by_class = {str(value): 0 for value in TriageClass.values} | {UNCLASSIFIED: 0}
    by_category: dict[int, int] = {}
    uncategorised = received = 0
    start, end = _as_moment(start), _as_moment(end)
    rows: Iterable[tuple[str, int | None, int]]
    if tally.is_whole_months(start, end):
        if unit.kind == UnitKind.DISTRICT or not unit.district_id:  # a district or above: its totals
            whole = DistrictSplitTally.objects.filter(district_id__in=_districts_below(unit))
            rows = tally.split_counts(whole, start, end)
        else:
            rows = tally.split_counts(_under(unit, SplitTally), start, end)
    else:
        rows = (
            _cases_under(unit)
            .filter(received_at__gte=start, received_at__lt=end)
            .values_list("triage_class", "category_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    for triage_class, category_id, n in rows:
        received += n
        by_class[triage_class or UNCLASSIFIED] += n
        if not category_id:
            uncategorised += n
        else:
            by_category[category_id] = by_category.get(category_id, 0) + n
    roots: dict[tuple[str, str], int] = {}
    chains = Category.objects.filter(pk__in=list(by_category)).values_list(
        "pk", "code", "name", "parent__code", "parent__name", "parent__parent__code", "parent__parent__name"
    )
    for pk, *chain in chains:
        # The top-level category is the last one present along the (at most three-level) chain.
        code, name = next((chain[i], chain[i + 1]) for i in (4, 2, 0) if chain[i] is not None)
        roots[(code, name)] = roots.get((code, name), 0) + by_category[pk]
    ranked = sorted(roots.items(), key=lambda item: (-item[1], item[0][0]))[:top]
    return Split(
        received,
        by_class,
        [CategoryCount(code, name, n) for (code, name), n in ranked],
        uncategorised,
    )


# -- freezing --------------------------------------------------------------------------------------------


def _frozen_units(district: Unit) -> list[MetricRow]:
    return _row_units(district, None)


def periods_to_freeze(district: Unit, kind: str, until: dt.date) -> list[Period]:
    """Complete periods of ``kind`` from the district's first case up to those ending by ``until``."""
    first = Case.objects.filter(district=district).aggregate(first=Min("received_at"))["first"]
    if first is None:
        return []
    periods: list[Period] = []
    period = period_containing(kind, first)
    while period.end <= until:
        periods.append(period)
        period = period.next()
    return periods


def freeze(
    district: Unit,
    kind: str,
    *,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Freeze every complete period of ``kind`` that ends by ``until`` (default: today) for every
    active administrative unit of ``district`` that has no snapshot for it yet. Returns the
    number of snapshots written.

    Safe to repeat and to run twice at once: existing snapshots are skipped and the unique
    constraint on (unit, period) turns a concurrent duplicate into a no-op. A snapshot is a
    system write, not a person's act; one audit record per run names what was frozen.
    """
    now = now or timezone.now()
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    until = min(until or today, today)
    kind = str(PeriodKind(kind))
    periods = periods_to_freeze(district, kind, until)
    if not periods:
        return 0
    units = _frozen_units(district)
    existing: dict[dt.date, set[int]] = {}
    for start, unit_id in MetricSnapshot.objects.filter(
        district=district, period_kind=kind, period_start__gte=periods[0].start
    ).values_list("period_start", "unit_id"):
        existing.setdefault(start, set()).add(unit_id)
    written = 0
    frozen_periods: list[str] = []
    for period in periods:
        have = existing.get(period.start, set())
        if all(unit.unit_id in have for unit in units):
            continue
        rows = [MetricRow(r.unit_id, r.code, r.name, r.kind, r.depth, r.path) for r in units]
        _roll_up(rows, count_by_unit(district, period.start_at, period.end_at))
        with transaction.atomic():
            before = MetricSnapshot.objects.filter(
                district=district, period_kind=kind, period_start=period.start
            ).count()
            MetricSnapshot.objects.bulk_create(
                [
                    MetricSnapshot(
                        district=district,
                        unit_id=row.unit_id,
                        period_kind=kind,
                        period_start=period.start,
                        frozen_at=now,
                        **row.counts.as_dict(),
                    )
                    for row in rows
                    if row.unit_id not in have
                ],
                ignore_conflicts=True,
            )
            after = MetricSnapshot.objects.filter(
                district=district, period_kind=kind, period_start=period.start
            ).count()
        if after > before:
            written += after - before
            frozen_periods.append(period.start.isoformat())
    if written:
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            target_type="cases.metricsnapshot",
            target_id=f"{district.code}:{kind}",
            label=f"{district.name} {kind}",
            scope_path=district.path,
            changes={"snapshots": written, "periods": frozen_periods},
        )
    return written
