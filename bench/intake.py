"""How many cases per second can the API take in? ``POST /api/cases/`` under concurrent clients,
against a minimal authenticated write on the same server in the same run.

    .venv/bin/python bench/intake.py                 # PostgreSQL, 20 s per endpoint (make bench-intake)
    .venv/bin/python bench/intake.py --db sqlite     # a temporary SQLite file instead
    .venv/bin/python bench/intake.py --profile       # one worker: queries per create and a cProfile
    .venv/bin/python bench/intake.py --help          # workers, clients, durations, demo size

Starts a throwaway PostgreSQL with production durability (fsync and synchronous commit on) or
a temporary SQLite file, migrates, loads a small demo district, creates knox tokens for several
staff accounts that may register cases, and serves the application with gunicorn (DEBUG off,
``bench.benchsite.settings``). Then ``--clients`` clients with keep-alive connections send
requests back to back for ``--seconds`` after ``--warmup``: first ``POST /bench/ping/`` (the
baseline: token authentication, a tiny serializer, one INSERT), then ``POST /api/cases/`` (varied
texts, points inside the demo's grids, staff reporting for named or anonymous callers, an
Idempotency-Key each). Afterwards the database must hold exactly as many new cases and pings as
the clients were answered 201 for. Goal: ≥ 500 creates/s on PostgreSQL with p99 < 100 ms and at
least half the baseline's rate. Exit status 1 on any error response or count mismatch, 0
otherwise (missing the goal is a result, not a failure).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

GOAL_RATE = 500.0  # creates/s on PostgreSQL
GOAL_P99_MS = 100.0
GOAL_SHARE = 0.5  # of the baseline's rate
SETTINGS = "bench.benchsite.settings"

PLACES = ("翠湖小区", "新村路", "滨河花园", "铜都大道", "北门街", "文化苑", "碧谷社区", "矿区宿舍")
PROBLEMS = (
    ("路灯不亮", "晚上路灯已经坏了一周，老人出门很不方便。"),
    ("垃圾未清运", "垃圾桶已经满了三天，气味很大，希望尽快清运。"),
    ("下水道堵塞", "雨后下水道堵塞，污水漫到路面，行人无法通过。"),
    ("噪音扰民", "夜间施工噪音很大，影响居民休息。"),
    ("占道经营", "路口有流动摊贩占道经营，车辆通行困难。"),
    ("楼道堆物", "楼道里堆放杂物，存在消防隐患。"),
    ("井盖缺失", "人行道上井盖缺失，容易有人跌落。"),
    ("漏水", "楼上住户漏水，墙面已经发霉。"),
)
CHANNELS = ("grid_patrol", "service_day", "hotline")


def case_body(client: int, n: int, points: list[list[float]]) -> dict[str, object]:
    """The n-th case of a client: texts, channel, point and caller vary with both numbers."""
    k = client * 7919 + n
    place = PLACES[k % len(PLACES)]
    title, text = PROBLEMS[(k // len(PLACES)) % len(PROBLEMS)]
    lat, lng = points[k % len(points)]
    body: dict[str, object] = {
        "title": f"{place}{title}（{client}-{n}）",
        "description": f"{place}{k % 30 + 1}栋附近：{text}已经反映{k % 4 + 1}次。",
        "channel": CHANNELS[k % len(CHANNELS)],
        "lat": lat,
        "lng": lng,
        "address": f"{place}{k % 30 + 1}栋",
    }
    if k % 3 == 0:
        body["reporter_kind"] = "anonymous"
    else:
        body["reporter_name"] = f"居民{k % 1000:03d}"
        body["reporter_phone"] = f"139{k % 100_000_000:08d}"
    return body


def make_factories(tokens: list[str], points: list[list[float]]) -> dict[str, harness.RequestFactory]:
    run = uuid.uuid4().hex[:12]

    def headers(client: int) -> dict[str, str]:
        return {
            "Authorization": f"Token {tokens[client % len(tokens)]}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def ping(client: int, n: int) -> tuple[str, str, dict[str, str], bytes]:
        body = json.dumps({"note": f"ping {client}-{n}"}).encode()
        return "POST", "/bench/ping/", headers(client), body

    def create(client: int, n: int) -> tuple[str, str, dict[str, str], bytes]:
        body = json.dumps(case_body(client, n, points), ensure_ascii=False).encode()
        return "POST", "/api/cases/", {**headers(client), "Idempotency-Key": f"{run}-{client}-{n}"}, body

    return {"ping": ping, "create": create}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    harness.add_server_arguments(parser, clients=32, seconds=20.0, warmup=3.0)
    parser.add_argument("--grids", type=int, default=30, help="demo district size (default 30 grids)")
    parser.add_argument("--households", type=int, nargs=2, default=(50, 80), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--accounts", type=int, default=8, help="staff accounts the clients act as (default 8)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sync workers (default 1); print queries per request and a cProfile of the create",
    )
    parser.add_argument("--log", type=Path, help="keep the gunicorn log here")
    args = parser.parse_args(argv)
    if args.profile:
        # One worker sees every request; with more, the report is the answering worker's share.
        args.workers, args.worker_class = args.workers or 1, "sync"
    if args.workers is None:
        args.workers = harness.default_workers()
    if min(args.workers, args.clients, args.client_processes, args.accounts, args.threads) < 1:
        parser.error("workers, clients, client processes, accounts and threads must be at least 1")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be positive and --warmup not negative")
    return args


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with harness.terminate_as_exit(), contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grassroots-bench-intake.")))
        url = harness.database_url(stack, args.db, work / "bench.sqlite3")
        extra = {"BENCH_PROFILE": "1"} if args.profile else {}
        env = harness.app_env(url, work / "var", SETTINGS, **extra)
        began = time.monotonic()
        setup_args = [
            "setup", "--grids", str(args.grids), "--households", *map(str, args.households),
            "--accounts", str(args.accounts),
        ]  # fmt: skip
        prepared = json.loads(harness.run_module("bench.benchsite.prepare", setup_args, env).splitlines()[-1])
        setup_seconds = time.monotonic() - began
        tokens, points = prepared["tokens"], prepared["points"]

        server = stack.enter_context(
            harness.Gunicorn(
                env,
                app="bench.benchsite.wsgi:application",
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads if args.worker_class == "gthread" else 1,
                log_path=args.log or work / "gunicorn.log",
            )
        )
        factories = make_factories(tokens, points)
        results: dict[str, harness.LoadResult] = {}
        for name in ("ping", "create"):
            results[name] = harness.drive(
                server.port,
                factories[name],
                clients=args.clients,
                seconds=args.seconds,
                warmup=args.warmup,
                processes=args.client_processes,
                ok_status=201,
            )
        profile_text = _profile_report(server.port, tokens[0]) if args.profile else ""
        server.stop()
        counted = json.loads(harness.run_module("bench.benchsite.prepare", ["count"], env).splitlines()[-1])

    ping, create = results["ping"], results["create"]
    worker_text = f"{args.workers} {args.worker_class} worker{'s' if args.workers > 1 else ''}"
    if args.worker_class == "gthread":
        worker_text += f" × {args.threads} threads"
    print(f"Case intake over HTTP: {harness.machine_line()}")
    print(
        f"Django {_version('django')}, DRF {_version('djangorestframework')}, "
        f"gunicorn {_version('gunicorn')}, "
        f"{prepared['database']}; {worker_text}, {args.clients} clients in {args.client_processes} "
        f"process{'es' if args.client_processes > 1 else ''}, {len(tokens)} accounts, "
        f"{prepared['grids']} grids; {args.warmup:g} s warm-up + {args.seconds:g} s per endpoint"
        f"{' (profiling)' if args.profile else ''}; set-up {setup_seconds:.1f} s"
    )
    print()
    header = ["endpoint", *harness.LOAD_HEADER]
    rows = [
        harness.load_row("POST /bench/ping/ (baseline)", ping, None, 201),
        harness.load_row("POST /api/cases/", create, ping, 201),
    ]
    print(harness.format_table(header, rows))
    cpu = ", ".join(f"{name} {r.client_cpu_per_request * 1e6:.0f} µs" for name, r in results.items())
    print(f"Client CPU per request (the clients' own cost; one core drives 1 / this): {cpu}")
    print()

    failed = False
    for name, result in results.items():
        if result.errors(201):
            failed = True
            print(f"{name}: {result.errors(201)} error responses; the first:")
            for body in result.error_bodies:
                print(f"  {body}")
    new_cases = counted["cases"] - prepared["cases"]
    checks = ((create.total_ok, new_cases, "cases"), (ping.total_ok, counted["pings"], "pings"))
    for answered, stored, what in checks:
        if answered != stored:
            failed = True
            print(
                f"Count mismatch: the clients were answered 201 for {answered:,} {what}, "
                f"the database holds {stored:,} new."
            )
        else:
            print(f"Count check: {stored:,} new {what} in the database, as many as 201 answers.")

    p99 = harness.percentile(create.latencies, 99) * 1000
    share = create.rate / ping.rate if ping.rate else 0.0
    met = create.rate >= GOAL_RATE and p99 < GOAL_P99_MS and share >= GOAL_SHARE
    goal = (
        f"Goal (PostgreSQL): ≥ {GOAL_RATE:.0f} creates/s, p99 < {GOAL_P99_MS:.0f} ms, "
        f"≥ {GOAL_SHARE:.1f} × baseline: "
        f"{create.rate:,.0f}/s, p99 {p99:.1f} ms, {share:.2f} × baseline"
    )
    if args.db != "postgres":
        goal += " (measured on SQLite: the goal applies to PostgreSQL)"
    else:
        goal += " — met" if met else " — missed"
    print(goal)
    if profile_text:
        print()
        print(profile_text)
    return 1 if failed else 0


def _profile_report(port: int, token: str) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/bench/profile/", headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return text if response.status == 200 else f"(profile report: HTTP {response.status})"


if __name__ == "__main__":
    sys.exit(main())
