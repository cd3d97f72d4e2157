"""How fast does a 12345 hotline ledger go into the ledger? A generated hotline export (CSV and
Excel) imported as the application imports it, against a raw COPY of the same rows.

    .venv/bin/python bench/import.py                        # PostgreSQL, 1,000,000 rows (make bench-import)
    .venv/bin/python bench/import.py --db sqlite            # a temporary SQLite file instead
    .venv/bin/python bench/import.py --rows 100000 --excel-rows 20000    # a quicker look
    .venv/bin/python bench/import.py --profile 20000        # where an import's time goes (cProfile)
    .venv/bin/python bench/import.py --help

Starts a throwaway PostgreSQL with production durability (``bench/harness.py``) or a temporary
SQLite file, migrates and loads the demo district (its catalog, grids and staff). Then, in this
process with the application's settings (DEBUG off), it writes a hotline export of ``--rows``
rows the way 12345 systems export them: ticket numbers, call times in order over the past year
(a few written ``2024/3/5 14:30``), texts, callers (some anonymous), phones, categories by
name path, points inside the grids or grid name paths, urgency, handling unit, confidential
flag; one row in 200 has a call time in the future and one in 200 names a grid that does not
exist, so the report's failures are checked too.

- ``COPY`` (the baseline): the CSV file streamed into a bare table of text columns with one
  ``COPY … FROM STDIN (FORMAT csv)`` (on SQLite: ``csv`` and ``executemany`` in one transaction).
- ``CSV``: ``hotline.import_hotline`` on the file (what ``manage.py import_hotline`` and
  ``POST /api/cases/import/`` run), as the district's administrator.
- ``Excel``: the first ``--excel-rows`` rows written as an .xlsx workbook (new ticket numbers),
  imported the same way.

Each import must report exactly the rows created and failed that the file holds, the ledger
must hold that many new cases, and the board's counters must still equal the cases
(``tally.differences``); otherwise the command exits 1. Goal: ≥ 50,000 rows/s for the CSV on
PostgreSQL, within 4× of the raw COPY.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import datetime as dt
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

GOAL_RATE = 50_000.0  # CSV rows/s on PostgreSQL
GOAL_WITHIN = 4.0  # × the raw COPY's time
SETTINGS = "config.settings"
BAD_EVERY = 200  # one row in this many has a call time in the future, one a grid that does not exist

HEADER = (
    "工单编号", "来电时间", "标题", "诉求内容", "来电人", "联系电话", "问题分类", "事发地址",
    "经度", "纬度", "所属网格", "紧急程度", "承办单位", "是否保密",
)  # fmt: skip
PLACES = (
    "翠湖小区",
    "新村路",
    "滨河花园",
    "铜都大道",
    "北门街",
    "文化苑",
    "碧谷社区",
    "矿区宿舍",
    "长江路",
    "湖东新村",
)
PROBLEMS = (
    ("路灯不亮", "小区门口的路灯已经坏了一周，晚上出门很不方便，老人和孩子容易摔倒，希望尽快维修。"),
    ("垃圾未清运", "垃圾桶已经满了三天没有清运，气味很大，夏天蚊蝇很多，影响周边居民生活。"),
    ("下水道堵塞", "雨后下水道堵塞，污水漫到路面上，行人和车辆都无法正常通过，请相关部门处理。"),
    ("噪音扰民", "附近工地夜间施工到凌晨，噪音很大，严重影响居民休息，多次反映没有改善。"),
    ("占道经营", "路口有流动摊贩长期占道经营，车辆通行困难，早晚高峰经常堵车。"),
    ("楼道堆物", "楼道里堆放了大量杂物和电动车，存在严重消防隐患，物业不管。"),
    ("井盖缺失", "人行道上有一个井盖缺失，只用树枝挡着，晚上很容易有人跌落。"),
    ("房屋漏水", "楼上住户卫生间漏水，我家天花板和墙面已经发霉，协商多次未果。"),
    ("违章搭建", "小区一楼住户在公共绿地上违章搭建围墙和棚子，侵占公共空间。"),
    ("供暖不热", "家里暖气一直不热，室内温度只有十几度，家里有老人，请供热公司检修。"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
HANDLERS = ("区城管局", "区住建局", "区生态环境分局", "区市场监管局", "街道办事处")


@dataclass(frozen=True)
class Place:
    """What the generated rows may name: points inside grids, grid name paths, category paths."""

    points: Sequence[tuple[float, float]]
    grids: Sequence[str]
    categories: Sequence[str]


def hotline_rows(
    count: int, place: Place, *, seed: int, prefix: str, end: dt.datetime
) -> Iterator[list[Any]]:
    """``count`` rows of a hotline export in call order over the year before ``end`` (local time);
    every ``BAD_EVERY``-th row fails (alternately a future call time and an unknown grid)."""
    rng = random.Random(seed)
    start = end - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / max(count, 1)
    for i in range(count):
        k = rng.randrange(1 << 30)
        received = start + step * i
        title, text = PROBLEMS[k % len(PROBLEMS)]
        where = PLACES[(k >> 4) % len(PLACES)]
        building = (k >> 8) % 40 + 1
        lat = lng = grid = ""
        how = (k >> 12) % 20
        if how < 15 or how == 19:  # a point (also with a grid: the point wins)
            lat, lng = (str(v) for v in place.points[(k >> 14) % len(place.points)])
        if how >= 15:
            grid = place.grids[(k >> 14) % len(place.grids)]
        bad = i % BAD_EVERY == BAD_EVERY - 1
        if bad and (i // BAD_EVERY) % 2 == 0:
            received = end + dt.timedelta(days=3)
        elif bad:
            lat = lng = ""
            grid = f"不存在社区/第{i}网格"
        name = "匿名" if k % 10 < 2 else ("" if k % 10 == 2 else f"{SURNAMES[k % len(SURNAMES)]}先生")
        phone = f"1{3 + k % 7}{k % 1_000_000_000:09d}" if k % 10 < 8 else f"0551-6{k % 10_000_000:07d}"
        time_text = (
            received.strftime("%Y/%-m/%-d %H:%M") if k % 25 == 0 else received.strftime("%Y-%m-%d %H:%M:%S")
        )
        yield [
            f"{prefix}{i + 1:09d}",
            time_text,
            f"{where}{title}",
            f"{where}{building}栋附近：{text}已经第{k % 5 + 1}次反映。",
            name,
            phone,
            place.categories[(k >> 16) % len(place.categories)] if k % 5 < 3 else "",
            f"{where}{building}栋{(k >> 20) % 6 + 1}单元",
            lng,
            lat,
            grid,
            ("一般", "一般", "一般", "一般", "一般", "一般", "紧急", "一般", "一般", "特急")[(k >> 6) % 10],
            HANDLERS[k % len(HANDLERS)] if k % 3 == 0 else "",
            "是" if k % 10 == 9 else "否",
        ]


def bad_rows(count: int) -> int:
    return count // BAD_EVERY


def write_csv(path: Path, rows: Iterator[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: Iterator[list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单台账")
    sheet.append(["12345热线工单台账"])  # a title line above the header, as exports have
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


# -- in the application's process ----------------------------------------------------------------------


def places(points: Sequence[Sequence[float]]) -> tuple[Any, Any, Place]:
    """The demo district, its administrator (who imports) and what rows may name."""
    from grassroots.cases.models import Category
    from grassroots.org.choices import Role, UnitKind
    from grassroots.org.models import Post, Unit

    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    post = (
        Post.objects.active().filter(unit=district, role=Role.DISTRICT_ADMIN).select_related("user").first()
    )
    if post is None:
        raise SystemExit("The demo district has no administrator.")
    by_id = {u.pk: u for u in Unit.objects.filter(district=district).defer("boundary")}
    grids = []
    for unit in by_id.values():
        if unit.kind == UnitKind.GRID and unit.parent_id in by_id:
            grids.append(f"{by_id[unit.parent_id].name}/{unit.name}")
    categories = Category.objects.filter(district=district, is_active=True, parent__isnull=False)
    paths = [
        f"{c.parent.name}/{c.name}" for c in categories.select_related("parent").order_by("pk") if c.parent
    ]
    return district, post.user, Place([tuple(p) for p in points], sorted(grids), paths)  # type: ignore[misc]


def raw_copy(path: Path) -> float:
    """Seconds to put the CSV file's rows into a bare table of text columns, committed."""
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hotline_raw")
        cursor.execute(f"CREATE TABLE bench_hotline_raw ({columns})")
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                path.open("rb") as source,
                cursor.cursor.copy("COPY bench_hotline_raw FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        else:
            marks = ", ".join(["%s"] * len(HEADER))
            with path.open(encoding="utf-8", newline="") as source:
                reader = csv.reader(source)
                next(reader)
                while batch := [row for _n, row in zip(range(5000), reader, strict=False)]:
                    cursor.executemany(f"INSERT INTO bench_hotline_raw VALUES ({marks})", batch)  # noqa: S608
    return time.perf_counter() - began


@dataclass
class Imported:
    label: str
    rows: int
    seconds: float
    report: Any
    new_cases: int


def run_import(label: str, path: Path, district: Any, actor: Any, *, profile: bool = False) -> Imported:
    from grassroots.cases.hotline import import_hotline
    from grassroots.cases.models import Case

    before = Case.objects.filter(district=district).count()
    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    with path.open("rb") as source:
        if profiler is not None:
            profiler.enable()
        report = import_hotline(source, actor=actor, district=district, file_name=path.name)
        if profiler is not None:
            profiler.disable()
    seconds = time.perf_counter() - began
    new_cases = Case.objects.filter(district=district).count() - before
    if profiler is not None:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats(os.environ.get("BENCH_SORT", "tottime"))
        stats.print_stats(30)
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
        if os.environ.get("BENCH_CALLEES"):
            stats.print_callees(os.environ["BENCH_CALLEES"])
        print(text.getvalue())
    return Imported(label, report.rows, seconds, report, new_cases)


def check(imported: Imported, expected_rows: int) -> list[str]:
    report, failures = imported.report, []
    expected_bad = bad_rows(expected_rows)
    wanted = (expected_rows, expected_rows - expected_bad, expected_bad, 0)
    got = (report.rows, report.created, report.failed, report.already_imported)
    if got != wanted:
        failures.append(f"{imported.label}: rows/created/failed/already {got}, expected {wanted}")
    if imported.new_cases != report.created:
        failures.append(f"{imported.label}: {imported.new_cases} new cases, the report says {report.created}")
    return failures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the CSV file (default 1,000,000)"
    )
    parser.add_argument(
        "--excel-rows", type=int, help="rows of the workbook (default: as many as --rows; 0 skips it)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="only profile the import of N CSV rows"
    )
    parser.add_argument("--grids", type=int, default=30, help="grids of the demo district (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    excel_rows = args.rows if args.excel_rows is None else args.excel_rows
    with contextlib.ExitStack() as stack:
        stack.enter_context(harness.terminate_as_exit())
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grassroots-bench-import.")))
        url = harness.database_url(stack, args.db, work / "import.sqlite3")
        env = harness.app_env(url, work / "var", SETTINGS)
        print(f"Hotline import: {harness.machine_line()}")
        began = time.perf_counter()
        setup = [
            "setup",
            "--grids",
            str(args.grids),
            "--accounts",
            "1",
            "--points",
            "2000",
            "--seed",
            str(args.seed),
        ]
        prepared = json.loads(harness.run_module("bench.benchsite.prepare", setup, env).splitlines()[-1])
        os.environ.update(env)
        import django

        django.setup()
        from django.utils import timezone

        district, actor, place = places(prepared["points"])
        now = timezone.localtime().replace(tzinfo=None, microsecond=0)
        csv_rows = args.profile or args.rows
        csv_path = work / "hotline.csv"
        write_csv(csv_path, hotline_rows(csv_rows, place, seed=args.seed, prefix="GD", end=now))
        print(
            f"{prepared['database']}; demo district with {prepared['grids']} grids, "
            f"{len(place.categories)} categories; set-up {time.perf_counter() - began:,.0f} s; "
            f"CSV {csv_path.stat().st_size / 1e6:,.0f} MB"
        )
        if args.profile:
            imported = run_import("CSV", csv_path, district, actor, profile=True)
            rate = imported.rows / imported.seconds
            print(f"{imported.rows:,} rows in {imported.seconds:.1f} s: {rate:,.0f} rows/s")
            return 1 if check(imported, csv_rows) else 0
        copy_seconds = raw_copy(csv_path)
        results = [run_import("CSV", csv_path, district, actor)]
        failures = check(results[0], csv_rows)
        if excel_rows:
            xlsx_path = work / "hotline.xlsx"
            began = time.perf_counter()
            write_xlsx(xlsx_path, hotline_rows(excel_rows, place, seed=args.seed + 1, prefix="GX", end=now))
            print(f"Workbook of {excel_rows:,} rows written in {time.perf_counter() - began:,.0f} s")
            results.append(run_import("Excel (.xlsx)", xlsx_path, district, actor))
            failures += check(results[-1], excel_rows)
        from grassroots.cases import tally

        drift = tally.differences(district)
        if drift:
            failures.append(f"the board's counters differ from the cases in {len(drift)} rows")

    copy_rate = csv_rows / copy_seconds
    header = ["file", "rows", "seconds", "rows/s", "import time / COPY time"]
    table = [
        [
            "raw COPY of the CSV (baseline)",
            f"{csv_rows:,}",
            f"{copy_seconds:,.1f}",
            f"{copy_rate:,.0f}",
            "1.0",
        ]
    ]
    for item in results:
        rate = item.rows / item.seconds
        table.append(
            [
                f"import, {item.label}",
                f"{item.rows:,}",
                f"{item.seconds:,.1f}",
                f"{rate:,.0f}",
                f"{(item.seconds / item.rows) / (copy_seconds / csv_rows):.1f}",
            ]
        )
    print()
    print(harness.format_table(header, table))
    for item in results:
        print(f"{item.label}: {item.report.summary()}")
    csv_rate = results[0].rows / results[0].seconds
    within = copy_rate / csv_rate
    goal = (
        f"Goal (PostgreSQL): CSV ≥ {GOAL_RATE:,.0f} rows/s within {GOAL_WITHIN:.0f}× of COPY: "
        f"{csv_rate:,.0f} rows/s, {within:.1f}× COPY's time"
    )
    if args.db != "postgres":
        goal += " (measured on SQLite: the goal applies to PostgreSQL)"
    else:
        goal += " — met" if csv_rate >= GOAL_RATE and within <= GOAL_WITHIN else " — missed"
    print(goal)
    for failure in failures:
        print(f"MISMATCH {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
