"""How fast is the board on a city's ledger? Each panel for the whole city, one street and one grid,
for the current month and year, against one hand-written GROUP BY over the cases.

    .venv/bin/python bench/board.py                       # PostgreSQL, 10 million cases (make bench-board)
    .venv/bin/python bench/board.py --db sqlite           # SQLite, 2 million cases
    .venv/bin/python bench/board.py --cases 200000        # a smaller ledger, for a quick look
    .venv/bin/python bench/board.py --db sqlite --sqlite-file var/city.sqlite3   # keep it, reuse it
    .venv/bin/python bench/board.py --help

Starts a throwaway PostgreSQL (production durability, ``bench/harness.py``) or a temporary SQLite
file, migrates, and loads the benchmark city with its historical ledger (``manage.py demo --scale
city --cases N``: 10 districts, 5,000 grids, cases over three years, the board's counters rebuilt
at the end), printing the load's rate. Then, in this process, with the application's settings
(DEBUG off), it times each panel as the board page builds it (``web.views.board``), ``--repeat``
times after one warm-up run:

- ``table``: the unit and its children (``metrics.period_metrics``, levels=1);
- ``trend``: the unit's last twelve periods (``build_trend``);
- ``split``: 大事/小事/私事 and the top categories (``metrics.split``);
- ``ranking``: the children ranked by completion rate (not for a grid);
- ``survey`` and ``overdue``: the people survey and the first page of overdue cases;
- ``page``: the whole board page (``GET /board/<code>/``) as a superuser, rendered.

The baseline is the same figures without the counters: the table's nine counts as one hand-written
SQL GROUP BY over the raw cases of the unit's subtree (every clock in one statement), and the split
as one GROUP BY over the cases received. Both must agree with the board's figures, or the command
exits 1. Goal: every panel < 300 ms on 10 million cases (PostgreSQL) and 2 million (SQLite).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

GOAL_MS = 300.0
DEFAULT_CASES = {"postgres": 10_000_000, "sqlite": 2_000_000}
SETTINGS = "config.settings"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--cases", type=int, help="historical cases (default: 10 M PostgreSQL, 2 M SQLite)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per panel (default 5)")
    parser.add_argument("--seed", type=int, help="the demo's seed (default: the demo's)")
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="with --db sqlite: keep the database in this file and reuse the city already loaded there",
    )
    return parser.parse_args(argv)


# -- loading ------------------------------------------------------------------------------------------


def load_city(env: dict[str, str], cases: int, seed: int | None) -> str:
    """Migrate and load the city; the demo command's own report of what it wrote and how fast."""
    harness.run_module("manage", ["migrate", "--no-input", "-v", "0"], env)
    args = ["demo", "--scale", "city", "--cases", str(cases), "--quiet"]
    if seed is not None:
        args += ["--seed", str(seed)]
    return harness.run_module("manage", args, env)


# -- timing -------------------------------------------------------------------------------------------


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median ms, max ms, last result) over ``repeat`` runs after one warm-up run."""
    result = run()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times), result


def districts_of(unit: Any) -> list[int]:
    """The districts whose cases may lie under ``unit`` (the key of the cases' indexes)."""
    from grassroots.org.choices import UnitKind
    from grassroots.org.models import Unit

    if unit.kind == UnitKind.DISTRICT:
        return [unit.pk]
    if unit.district_id:
        return [unit.district_id]
    return list(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.DISTRICT).values_list("pk", flat=True)
    )


def baseline_counts(unit: Any, period: Any) -> dict[str, int]:
    """The nine counts of ``unit``'s subtree for ``period``, written by hand over the raw cases in
    one statement: every clock's range in the WHERE, each count a conditional SUM."""
    from django.db import connection

    from grassroots.cases import metrics

    start, end = period.start_at, period.end_at
    districts = districts_of(unit)
    inside = "c.{0} >= %s AND c.{0} < %s"
    received, due, closed, rated = (
        inside.format(c) for c in ("received_at", "due_at", "closed_at", "rated_at")
    )
    at_close = "c.closed_at IS NOT NULL AND (c.due_at IS NULL OR c.closed_at <= c.due_at)"
    at_deadline = "c.due_at IS NOT NULL AND (c.closed_at IS NULL OR c.closed_at > c.due_at)"
    not_dup = "c.outcome <> 'duplicate'"
    solved = "c.outcome = 'solved'"
    settled = f"({not_dup} AND (({at_close} AND {closed}) OR ({at_deadline} AND {due})))"
    sums = {
        "received": received,
        "responded_in_time": f"{received} AND c.first_response_at <= c.response_due_at",
        "due": settled,
        "solved": f"{settled} AND {solved}",
        "solved_in_time": f"{not_dup} AND {at_close} AND {closed} AND {solved} AND c.closed_at <= c.due_at",
        "rated": rated,
        "satisfied": f"{rated} AND c.satisfaction IN ('satisfied', 'basically')",
        "closed": f"{closed} AND {solved}",
        "reopened": f"{closed} AND {solved} AND c.reopen_count > 0",
    }
    columns = ", ".join(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in sums.values())
    marks = ", ".join(["%s"] * len(districts))
    sql = (
        f"SELECT {columns} FROM cases_case c JOIN org_unit u ON u.id = c.unit_id "  # noqa: S608 - our own SQL
        f"WHERE c.district_id IN ({marks}) AND u.path LIKE %s "
        f"AND (({received}) OR ({due}) OR ({closed}) OR ({rated}))"
    )
    # Parameters as the ORM sends them (SQLite compares UTC text; an aware local time would not match).
    start, end = (connection.ops.adapt_datetimefield_value(moment) for moment in (start, end))
    params: list[Any] = []
    for condition in sums.values():
        params += [start, end] * (condition.count("%s") // 2)  # each clock's range is two marks
    params += districts + [unit.path + "%"] + [start, end] * 4
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert tuple(sums) == metrics.COUNT_FIELDS
    return {name: int(value or 0) for name, value in zip(sums, row, strict=True)}


def baseline_split(unit: Any, period: Any) -> dict[str, int]:
    """Cases received in the period by triage class, one GROUP BY over the raw cases."""
    from django.db import connection

    districts = districts_of(unit)
    marks = ", ".join(["%s"] * len(districts))
    sql = (
        "SELECT c.triage_class, c.category_id, COUNT(*) FROM cases_case c "  # noqa: S608 - our own SQL
        f"JOIN org_unit u ON u.id = c.unit_id WHERE c.district_id IN ({marks}) AND u.path LIKE %s "
        "AND c.received_at >= %s AND c.received_at < %s GROUP BY c.triage_class, c.category_id"
    )
    by_class: dict[str, int] = {}
    with connection.cursor() as cursor:
        start, end = (connection.ops.adapt_datetimefield_value(m) for m in (period.start_at, period.end_at))
        cursor.execute(sql, [*districts, unit.path + "%", start, end])
        for triage_class, _category, n in cursor.fetchall():
            by_class[triage_class or "unclassified"] = by_class.get(triage_class or "unclassified", 0) + n
    return by_class


def panels_for(unit: Any, kind: str, admin: Any, client: Any) -> list[tuple[str, Callable[[], Any]]]:
    """The board's panels for ``unit`` and the current period of ``kind``, as the page builds them."""
    from grassroots.cases import metrics
    from grassroots.org.choices import UnitKind
    from grassroots.web.views import board as views

    period = metrics.current_period(kind)

    def trend() -> Any:
        board = views.Board(unit, period)
        views.build_trend(board)
        return board.trend

    def survey() -> Any:
        board = views.Board(unit, period)
        views.build_survey(board)
        return board.survey

    def overdue() -> Any:
        page = views.overdue_page(admin, unit, 1)
        return len(page.object_list), page.paginator.count

    def page() -> Any:
        response = client.get(f"/board/{unit.code}/", {"period": kind})
        assert response.status_code == 200, response.status_code
        return len(response.content)

    panels: list[tuple[str, Callable[[], Any]]] = [
        ("table", lambda: metrics.period_metrics(unit, kind, period.start, levels=1)),
        ("trend", trend),
        ("split", lambda: metrics.split(unit, period.start, period.end)),
    ]
    if unit.kind != UnitKind.GRID:  # a grid has no children to rank
        panels.append(("ranking", lambda: metrics.ranking(unit, kind, period.start, "completion")))
    return [*panels, ("survey", survey), ("overdue", overdue), ("page", page)]


def measure_one(
    unit: Any,
    label: str,
    kind: str,
    admin: Any,
    client: Any,
    repeat: int,
    rows: list[list[str]],
    failures: list[str],
) -> None:
    """Time every panel of one unit and period against the baselines; add rows and failures."""
    from grassroots.cases import metrics

    period = metrics.current_period(kind)
    where = f"{label} {unit.code}, {kind} {period.start:%Y-%m}"
    base_ms, _, counts = timed(lambda: baseline_counts(unit, period), repeat)
    split_ms, _, by_class = timed(lambda: baseline_split(unit, period), repeat)
    for name, run in panels_for(unit, kind, admin, client):
        median, worst, result = timed(run, repeat)
        reference = {"table": base_ms, "split": split_ms}.get(name)
        rows.append(
            [
                where,
                name,
                f"{median:,.1f}",
                f"{worst:,.1f}",
                f"{reference:,.1f}" if reference is not None else "",
                f"{reference / median:,.1f}" if reference is not None else "",
                "ok" if worst < GOAL_MS else "MISSED",
            ]
        )
        if name == "table":
            own = next(r for r in result.rows if r.unit_id == unit.pk).counts.as_dict()
            if own != counts:
                failures.append(f"{where}: board {own} ≠ baseline {counts}")
        if name == "split":
            board_classes = {k: v for k, v in result.by_class.items() if v}
            if board_classes != by_class:
                failures.append(f"{where}: split {board_classes} ≠ baseline {by_class}")
    print(f"  {where}: done ({counts['received']:,} received)", flush=True)


def measure(repeat: int) -> tuple[list[list[str]], list[str], list[str], str]:
    """Time every panel for the city, a street and a grid, month and year; (table rows, failures,
    the units' codes, the superuser's session cookie)."""
    from django.test import Client

    from grassroots.cases.models import Case, PeriodKind
    from grassroots.core.models import User
    from grassroots.demo.plan import SIZES
    from grassroots.org.choices import UnitKind
    from grassroots.org.models import Unit

    city = Unit.objects.get(code=SIZES["city"].root_code)
    street = Unit.objects.filter(path__startswith=city.path, kind=UnitKind.STREET).order_by("path").first()
    assert street is not None
    grid = (
        Unit.objects.filter(path__startswith=street.path, kind=UnitKind.GRID, cases__isnull=False)
        .order_by("path")
        .first()
    )
    assert grid is not None
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench_board", password=None
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    rows: list[list[str]] = []
    failures: list[str] = []
    total = Case.objects.count()
    print(f"{total:,} cases in the database; timing {repeat} runs per panel after a warm-up run")
    for unit, label in ((city, "city"), (street, "street"), (grid, "grid")):
        for kind in (PeriodKind.MONTH, PeriodKind.YEAR):
            measure_one(unit, label, kind, admin, client, repeat, rows, failures)
    return rows, failures, [city.code, street.code, grid.code], client.cookies["sessionid"].value


def worker_memory(env: dict[str, str], codes: list[str], session: str, log: Path) -> tuple[float, list[str]]:
    """The peak resident memory (MB) of one gunicorn worker after serving the board, the map's
    layers and the workbench of each unit to the superuser, and the pages' statuses."""
    paths = ["/workbench/"]
    for code in codes:
        paths += [f"/board/{code}/?period=year", f"/map/layers/grids/{code}/", f"/map/layers/cases/{code}/"]
    statuses = []
    with harness.Gunicorn(env, workers=1, log_path=log) as server:
        assert server.proc is not None
        children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            conn.request("GET", path, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            statuses.append(f"{path} {response.status}")
            conn.close()
        status = Path(f"/proc/{children[0]}/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return peak_kb / 1024, statuses


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cases = args.cases if args.cases is not None else DEFAULT_CASES[args.db]
    with contextlib.ExitStack() as stack:
        stack.enter_context(harness.terminate_as_exit())
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grassroots-bench-board.")))
        url = harness.database_url(stack, args.db, args.sqlite_file or work / "city.sqlite3")
        env = harness.app_env(url, work / "var", SETTINGS)
        reused = args.sqlite_file is not None and args.sqlite_file.exists()
        print(harness.machine_line())
        print(f"Loading the benchmark city with {cases:,} cases into {args.db} …", flush=True)
        began = time.perf_counter()
        report = load_city(env, cases, args.seed)
        seconds = time.perf_counter() - began
        print(report.strip())
        if reused:
            print(f"Migrated the kept database in {seconds:,.0f} s; its city was loaded before")
        else:
            rate = cases / seconds
            print(f"Migrate + load: {seconds:,.0f} s in all ({rate:,.0f} cases/s over the whole load)")
        os.environ.update(env)
        import django

        django.setup()
        rows, failures, codes, session = measure(args.repeat)
        peak_worker, statuses = worker_memory(env, codes, session, work / "gunicorn.log")
    header = ["unit, period", "panel", "median ms", "max ms", "baseline ms", "baseline / board", "< 300 ms"]
    print()
    print(harness.format_table(header, rows))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory of this process (Django, the board built and rendered): {peak:,.0f} MB")
    print(f"Peak memory of a gunicorn worker after serving these pages: {peak_worker:,.0f} MB (goal < 250)")
    for line in statuses:
        print(f"  {line}")
    failures += [f"worker: {line}" for line in statuses if not line.endswith(" 200")]
    missed = [row for row in rows if row[-1] != "ok"]
    verdict = "met" if not missed else f"missed by {len(missed)} rows"
    print(f"Goal: every panel < {GOAL_MS:.0f} ms: {verdict}")
    for failure in failures:
        print(f"MISMATCH {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
