"""The board's counters: the ledger's counts kept per unit and month as cases change (docs/metrics.md).

Counting the published metrics from the cases themselves reads every case of a period: fine for a
district, seconds for a city's year. So every write to a case also adjusts two tables of counts:

- ``CaseTally``: per unit and calendar month (local time), the nine counts behind the ratios
  (``metrics.Counts``), each filed under the month of its own clock — received and responded in
  time under the receipt's month, due / solved / solved in time under the month the case settles
  in, closed and reopened under the closure's month, rated and satisfied under the rating's;
- ``SplitTally``: per unit, month of receipt, triage class and category, the cases received (the
  三事分流 split and the top categories); ``DistrictSplitTally`` the same added up over a district,
  for the split of a district or a city.

The unit is the case's own unit (its grid, or the fallback community or street), as in the raw
count; the board adds the units up along their paths. Periods are whole months, quarters and years,
so a period's figures are the sum of its months.

How they stay exact: a case's contribution to the counters is a pure function of a few of its
fields (``Mark``). Every write computes the contribution before and after and applies the
difference, in the write's own transaction, with one upsert per table (``record``). The "before" is
the values the case was loaded with (kept by ``Case.from_db``) when the write is conditional on that
very version, else read from the row. ``rebuild`` recomputes a district from its cases (after a bulk
load or a manual repair of the data) with the same rule in SQL (``clocks``: one GROUP BY unit and
month per clock, the queries the raw count uses), and ``differences`` compares the stored counters
with the per-case rule applied to every case — ``manage.py case_tally --check``. So a check after a
rebuild also checks that the two forms of the rule agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from grassroots.cases.choices import Outcome, Satisfaction
from grassroots.cases.models import Case, CaseTally, DistrictSplitTally, SplitTally
from grassroots.org.models import Unit

if TYPE_CHECKING:
    from collections.abc import Mapping

# The nine counts, in the order of ``metrics.Counts`` and of the columns of ``CaseTally``.
COUNTS: tuple[str, ...] = (
    "received",
    "responded_in_time",
    "due",
    "solved",
    "solved_in_time",
    "rated",
    "satisfied",
    "closed",
    "reopened",
)
(RECEIVED, RESPONDED, DUE, SOLVED, SOLVED_IN_TIME, RATED, SATISFIED, CLOSED, REOPENED) = range(len(COUNTS))
NO_CATEGORY = 0  # ``SplitTally.category`` of cases without one
_SATISFIED = frozenset({Satisfaction.SATISFIED.value, Satisfaction.BASICALLY.value})

TallyKey = tuple[int, dt.date]  # unit, month
SplitKey = tuple[int, dt.date, str, int]  # unit, month, class, category


@dataclass(frozen=True)
class Mark:
    """What of a case the counters depend on, and the version it was read at."""

    version: int
    district_id: int
    unit_id: int
    received_at: dt.datetime
    first_response_at: dt.datetime | None
    response_due_at: dt.datetime | None
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    reopen_count: int
    rated_at: dt.datetime | None
    satisfaction: str
    triage_class: str
    category_id: int | None


FIELDS: tuple[str, ...] = tuple(Mark.__dataclass_fields__)
# Model field names (as written by the actions) → the mark's attribute.
_BY_FIELD = {name.removesuffix("_id"): name for name in FIELDS} | {name: name for name in FIELDS}


def mark_of(case: Case) -> Mark:
    return Mark(*(getattr(case, name) for name in FIELDS))


def mark_from_row(values: Mapping[str, Any]) -> Mark | None:
    """The mark of a case loaded with ``values`` (attribute names), or None if some are missing
    (the case was loaded with ``only``/``defer``)."""
    try:
        return Mark(*(values[name] for name in FIELDS))
    except KeyError:
        return None


def changed(mark: Mark, version: int, fields: Mapping[str, Any]) -> Mark:
    """``mark`` after a write of ``fields`` (model field names, objects or ids) at ``version``."""
    updates: dict[str, Any] = {"version": version}
    for name, value in fields.items():
        attribute = _BY_FIELD.get(name)
        if attribute is None:
            continue
        if attribute.endswith("_id") and name == attribute.removesuffix("_id"):
            value = value.pk if value is not None else None
        updates[attribute] = value
    return replace(mark, **updates)


def read_mark(pk: int) -> Mark | None:
    """The mark of the case as it is in the database now."""
    values = Case.objects.filter(pk=pk).values(*FIELDS).first()
    return mark_from_row(values) if values else None


def mark_before(case: Case, version: int) -> Mark | None:
    """The case's mark at ``version``: the values it was loaded with if it was loaded at that version
    (a write conditional on the version then changes exactly those), else the row's."""
    loaded: Mark | None = getattr(case, "_tally_mark", None)
    if loaded is not None and loaded.version == version:
        return loaded
    return read_mark(case.pk)


# -- the rule -------------------------------------------------------------------------------------


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the local (Asia/Shanghai) calendar month of ``moment``."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def contributions(mark: Mark) -> tuple[dict[TallyKey, list[int]], dict[SplitKey, int]]:
    """What one case adds to the counters; the same rule as ``metrics.count_by_unit``'s raw
    count (docs/domain.md §3.5), month by month."""
    counts: dict[TallyKey, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    unit = mark.unit_id
    received = month_of(mark.received_at)
    row = counts[(unit, received)]
    row[RECEIVED] += 1
    if (
        mark.first_response_at is not None
        and mark.response_due_at is not None
        and mark.first_response_at <= mark.response_due_at
    ):
        row[RESPONDED] += 1
    solved = mark.outcome == Outcome.SOLVED
    closed_at, due_at = mark.closed_at, mark.due_at
    if mark.outcome != Outcome.DUPLICATE:
        if closed_at is not None and (due_at is None or closed_at <= due_at):
            row = counts[(unit, month_of(closed_at))]  # settles when closed
            row[DUE] += 1
            row[SOLVED] += solved
            row[SOLVED_IN_TIME] += solved and due_at is not None
        elif due_at is not None:
            row = counts[(unit, month_of(due_at))]  # settles at its deadline, solved or not
            row[DUE] += 1
            row[SOLVED] += solved
    if closed_at is not None and solved:
        row = counts[(unit, month_of(closed_at))]
        row[CLOSED] += 1
        row[REOPENED] += mark.reopen_count > 0
    if mark.rated_at is not None:
        row = counts[(unit, month_of(mark.rated_at))]
        row[RATED] += 1
        row[SATISFIED] += mark.satisfaction in _SATISFIED
    split = {(unit, received, mark.triage_class, mark.category_id or NO_CATEGORY): 1}
    return counts, split


def _add_up(
    signed: Iterable[tuple[Mark, int]],
) -> tuple[dict[TallyKey, list[int]], dict[SplitKey, int]]:
    """The contributions of ``(mark, sign)`` pairs summed: sign 1 adds a case, -1 takes it away."""
    counts: dict[TallyKey, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    split: dict[SplitKey, int] = defaultdict(int)
    for mark, sign in signed:
        mark_counts, mark_split = contributions(mark)
        for key, values in mark_counts.items():
            row = counts[key]
            for index, value in enumerate(values):
                row[index] += sign * value
        for split_key, value in mark_split.items():
            split[split_key] += sign * value
    return counts, split


def _difference(
    before: Mark | None, after: Mark | None
) -> tuple[dict[TallyKey, list[int]], dict[SplitKey, int]]:
    signed = [(mark, sign) for mark, sign in ((before, -1), (after, 1)) if mark is not None]
    counts, split = _add_up(signed)
    return (
        {key: values for key, values in counts.items() if any(values)},
        {key: value for key, value in split.items() if value},
    )


# -- writing -------------------------------------------------------------------------------------


def _upsert(
    table: str,
    key: tuple[str, ...],
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    unique: tuple[str, ...] | None = None,
) -> None:
    """Add ``rows`` (district, key…, counts…) to ``table``: one INSERT … ON CONFLICT DO UPDATE on the
    table's unique columns (``unique``, default ``key``), which SQLite and PostgreSQL both run as an
    atomic increment of the existing row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ("district_id", *key, *columns)
    marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    adds = ", ".join(f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in columns)
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608 - our own names
        f"VALUES {', '.join([marks] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(k) for k in unique or key)}) DO UPDATE SET {adds}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _write(district_id: int, counts: Mapping[TallyKey, list[int]], split: Mapping[SplitKey, int]) -> None:
    _upsert(
        CaseTally._meta.db_table,
        ("unit_id", "month"),
        COUNTS,
        [(district_id, unit, month, *values) for (unit, month), values in sorted(counts.items())],
    )
    _upsert(
        SplitTally._meta.db_table,
        ("unit_id", "month", "triage_class", "category"),
        ("received",),
        [(district_id, *key, value) for key, value in sorted(split.items())],
    )
    _upsert(
        DistrictSplitTally._meta.db_table,
        ("month", "triage_class", "category"),
        ("received",),
        [(district_id, *key, value) for key, value in sorted(district_wide(split).items()) if value],
        unique=("district_id", "month", "triage_class", "category"),
    )


def district_wide(split: Mapping[SplitKey, int]) -> dict[tuple[dt.date, str, int], int]:
    """The split's rows added up over the units: ``DistrictSplitTally``'s rows."""
    out: dict[tuple[dt.date, str, int], int] = defaultdict(int)
    for (_unit, month, triage_class, category), value in split.items():
        out[(month, triage_class, category)] += value
    return dict(out)


def record(before: Mark | None, after: Mark | None) -> None:
    """Apply one case's change from ``before`` to ``after`` (None: the case did not / no longer
    exists). Call it in the transaction that writes the case. Rows are written in key order, so
    concurrent writers lock them in the same order."""
    counts, split = _difference(before, after)
    if counts or split:
        mark = after or before
        assert mark is not None
        _write(mark.district_id, counts, split)


def created(case: Case) -> None:
    """Count a case just inserted."""
    case._tally_mark = mark_of(case)
    record(None, case._tally_mark)


def created_all(cases: Sequence[Case]) -> None:
    """Count cases just inserted together: one write per district for all of them."""
    by_district: dict[int, list[tuple[Mark, int]]] = defaultdict(list)
    for case in cases:
        case._tally_mark = mark_of(case)
        by_district[case._tally_mark.district_id].append((case._tally_mark, 1))
    for district_id, signed in sorted(by_district.items()):
        counts, split = _add_up(signed)
        _write(district_id, counts, split)


def written(case: Case, before: Mark | None, fields: Mapping[str, Any]) -> None:
    """Count a write of ``fields`` that took the case from ``before`` to its present version."""
    if before is not None:
        after = changed(before, case.version, fields)
        record(before, after)
        case._tally_mark = after


# -- the same rule in SQL -------------------------------------------------------------------------------

_SOLVED = Q(outcome=Outcome.SOLVED)
_SOLVED_IN_TIME = _SOLVED & Q(closed_at__lte=F("due_at"))
_NOT_DUPLICATE = ~Q(outcome=Outcome.DUPLICATE)
# Closed no later than the deadline (or with no deadline): the case settles when it is closed.
_SETTLES_AT_CLOSE = Q(closed_at__isnull=False) & (Q(due_at__isnull=True) | Q(closed_at__lte=F("due_at")))
# Not closed by the deadline (open, or closed late): the case settles at its deadline.
_SETTLES_AT_DEADLINE = Q(due_at__isnull=False) & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("due_at")))
_SETTLED_AT_CLOSE = _SETTLES_AT_CLOSE & _NOT_DUPLICATE
_RESPONDED_IN_TIME = Q(first_response_at__isnull=False, first_response_at__lte=F("response_due_at"))


def clocks(cases: QuerySet[Case]) -> list[tuple[str, QuerySet[Case], dict[str, Count]]]:
    """The counting rule as queries: for each clock, the cases it counts and the counts, each to be
    grouped by unit and limited to a period (``metrics.count_cases_by_unit``) or grouped by unit
    and month (``rebuild``). ``contributions`` is the same rule for one case."""
    return [
        (
            "received_at",
            cases,
            {
                "received": Count("id"),
                "responded_in_time": Count(
                    "id",
                    filter=Q(first_response_at__isnull=False, first_response_at__lte=F("response_due_at")),
                ),
            },
        ),
        (
            "due_at",
            cases.filter(_SETTLES_AT_DEADLINE, _NOT_DUPLICATE),
            {
                "due": Count("id"),
                "solved": Count("id", filter=_SOLVED),
                "solved_in_time": Count("id", filter=_SOLVED_IN_TIME),  # 0 by construction; one rule
            },
        ),
        (
            "closed_at",
            cases.filter(closed_at__isnull=False),
            {
                "due": Count("id", filter=_SETTLED_AT_CLOSE),
                "solved": Count("id", filter=_SETTLED_AT_CLOSE & _SOLVED),
                "solved_in_time": Count("id", filter=_SETTLED_AT_CLOSE & _SOLVED_IN_TIME),
                "closed": Count("id", filter=_SOLVED),
                "reopened": Count("id", filter=_SOLVED & Q(reopen_count__gt=0)),
            },
        ),
        (
            "rated_at",
            cases.filter(rated_at__isnull=False),
            {
                "rated": Count("id"),
                "satisfied": Count("id", filter=Q(satisfaction__in=sorted(_SATISFIED))),
            },
        ),
    ]


# -- rebuilding and checking ------------------------------------------------------------------------


def _scan(district: Unit, chunk: int = 20_000) -> tuple[dict[TallyKey, list[int]], dict[SplitKey, int]]:
    rows = Case.objects.filter(district=district).order_by().values_list(*FIELDS)
    return _add_up((Mark(*values), 1) for values in rows.iterator(chunk_size=chunk))


def _counted_by_month(district: Unit) -> tuple[dict[TallyKey, list[int]], dict[SplitKey, int]]:
    """The counters of the district from its cases in SQL: one GROUP BY unit and local month per
    clock (``clocks``), and one for the split — a few seconds for a million cases on PostgreSQL,
    where the per-case rule (``_scan``) takes minutes."""
    local = timezone.get_default_timezone()
    cases = Case.objects.filter(district=district).order_by()
    counts: dict[TallyKey, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for clock, counted, aggregates in clocks(cases):
        names = list(aggregates)
        rows = (
            counted.annotate(month_start=TruncMonth(clock, tzinfo=local))
            .values_list("unit_id", "month_start")
            .annotate(**aggregates)
        )
        for unit, month_start, *values in rows:
            row = counts[(unit, timezone.localtime(month_start, local).date())]
            for name, value in zip(names, values, strict=True):
                row[COUNTS.index(name)] += value
    split: dict[SplitKey, int] = defaultdict(int)
    rows = (
        cases.annotate(month_start=TruncMonth("received_at", tzinfo=local))
        .values_list("unit_id", "month_start", "triage_class", "category_id")
        .annotate(n=Count("id"))
    )
    for unit, month_start, triage_class, category, n in rows:
        split[
            (unit, timezone.localtime(month_start, local).date(), triage_class, category or NO_CATEGORY)
        ] += n
    return {key: values for key, values in counts.items() if any(values)}, dict(split)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _named(values: list[int]) -> dict[str, int]:
    return dict(zip(COUNTS, values, strict=True))


@transaction.atomic
def rebuild(district: Unit) -> int:
    """Recompute the district's counters from its cases; returns the number of rows written.

    On PostgreSQL the counter tables are locked against writers first: a write that waits for the
    lock has not committed, so its case change is not in the scan and its increment lands on the
    rebuilt rows afterwards; a write that committed before is in the scan."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (CaseTally, SplitTally):
                cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')
    CaseTally.objects.filter(district=district).delete()
    SplitTally.objects.filter(district=district).delete()
    DistrictSplitTally.objects.filter(district=district).delete()
    counts, split = _counted_by_month(district)
    for batch in _batches(sorted(counts.items()), 2_000):
        CaseTally.objects.bulk_create(
            [
                CaseTally(district=district, unit_id=unit, month=month, **_named(values))
                for (unit, month), values in batch
            ]
        )
    for batch in _batches(sorted(split.items()), 2_000):
        SplitTally.objects.bulk_create(
            [
                SplitTally(
                    district=district,
                    unit_id=unit,
                    month=month,
                    triage_class=triage_class,
                    category=category,
                    received=value,
                )
                for (unit, month, triage_class, category), value in batch
            ]
        )
    whole = district_wide(split)
    DistrictSplitTally.objects.bulk_create(
        [
            DistrictSplitTally(
                district=district, month=month, triage_class=kind, category=category, received=n
            )
            for (month, kind, category), n in sorted(whole.items())
        ],
        batch_size=2_000,
    )
    return len(counts) + len(split) + len(whole)


def differences(district: Unit) -> list[str]:
    """Where the district's counters differ from a count of its cases (empty: they agree)."""
    counts, split = _scan(district)
    stored = {
        (unit, month): list(values)
        for unit, month, *values in CaseTally.objects.filter(district=district).values_list(
            "unit_id", "month", *COUNTS
        )
    }
    split_rows = SplitTally.objects.filter(district=district).values_list(
        "unit_id", "month", "triage_class", "category", "received"
    )
    stored_split = {
        (unit, month, triage_class, category): n for unit, month, triage_class, category, n in split_rows
    }
    whole_rows = DistrictSplitTally.objects.filter(district=district).values_list(
        "month", "triage_class", "category", "received"
    )
    stored_whole = {(month, kind, category): n for month, kind, category, n in whole_rows}
    out: list[str] = []
    zero = [0] * len(COUNTS)
    for key in sorted(set(counts) | set(stored)):
        want, have = counts.get(key, zero), stored.get(key, zero)
        if want != have:
            out.append(f"unit {key[0]} {key[1]:%Y-%m}: counted {want}, stored {have}")
    for split_key in sorted(set(split) | set(stored_split)):
        want_n, have_n = split.get(split_key, 0), stored_split.get(split_key, 0)
        if want_n != have_n:
            out.append(f"split {split_key}: counted {want_n}, stored {have_n}")
    whole = district_wide(split)
    for whole_key in sorted(set(whole) | set(stored_whole)):
        want_n, have_n = whole.get(whole_key, 0), stored_whole.get(whole_key, 0)
        if want_n != have_n:
            out.append(f"district split {whole_key}: counted {want_n}, stored {have_n}")
    return out


# -- reading -----------------------------------------------------------------------------------------


def is_whole_months(start: dt.datetime, end: dt.datetime) -> bool:
    """``[start, end)`` runs from a local month's start to another's (what the counters can answer)."""
    local = timezone.get_default_timezone()
    return (
        all(
            (moment := timezone.localtime(value, local)).day == 1 and moment.time() == dt.time.min
            for value in (start, end)
        )
        and start < end
    )


def months_of(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first month of ``[start, end)`` and the month after it (whole months)."""
    return month_of(start), month_of(end)


def counted_by_unit(tallies: Any, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dict[str, int]]]:
    """``(unit path, counts)`` per unit from the ``CaseTally`` rows ``tallies`` over whole months."""
    first, last = months_of(start, end)
    rows = (
        tallies.filter(month__gte=first, month__lt=last)
        .values_list("unit_id", "unit__path")
        .annotate(*(Sum(name) for name in COUNTS))
        .order_by()
    )
    return [(path, dict(zip(COUNTS, values, strict=True))) for _unit, path, *values in rows]


def total(tallies: Any, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """The nine counts summed over the ``CaseTally`` rows ``tallies`` over whole months."""
    first, last = months_of(start, end)
    sums = tallies.filter(month__gte=first, month__lt=last).aggregate(**{name: Sum(name) for name in COUNTS})
    return {name: int(value or 0) for name, value in sums.items()}


def split_counts(tallies: Any, start: dt.datetime, end: dt.datetime) -> list[tuple[str, int, int]]:
    """``(class, category id or 0, received)`` from the ``SplitTally`` rows ``tallies`` over whole months."""
    first, last = months_of(start, end)
    rows = (
        tallies.filter(month__gte=first, month__lt=last)
        .values_list("triage_class", "category")
        .annotate(Sum("received"))
        .order_by()
    )
    return list(rows)
