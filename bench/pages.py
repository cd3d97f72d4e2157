"""How fast are the pages staff use every day on a city's ledger? The workbench, the case list, the
case API and the map's layers under concurrent clients, for a grid manager and a district
administrator, against a trivial signed-in page on the same server in the same run.

    .venv/bin/python bench/pages.py                      # PostgreSQL, 10 million cases (make bench-pages)
    .venv/bin/python bench/pages.py --db sqlite          # SQLite, 2 million cases
    .venv/bin/python bench/pages.py --db sqlite --sqlite-file var/city.sqlite3   # keep it, reuse it
    .venv/bin/python bench/pages.py --cases 20000        # a smaller ledger (still the whole city)
    .venv/bin/python bench/pages.py --scale district --db sqlite   # the small demo district, for a quick look
    .venv/bin/python bench/pages.py --help

Starts a throwaway PostgreSQL (production durability, ``bench/harness.py``) or a temporary SQLite
file, migrates and loads the benchmark city (``manage.py demo --scale city --cases N``, as
``bench/board.py``); a ``--sqlite-file`` that already exists is used as it is (nothing migrated or
loaded, only sessions added). The demo's accounts ``<prefix>_grid_manager`` and
``<prefix>_district_admin`` (prefix ``city``, or ``demo`` for the district) are signed in, one
session each in the database, and the clients send their session cookies. Each persona's unit is
the unit of the post its pages start in (its grid, its district).

Then gunicorn serves the application (DEBUG off, ``bench.benchsite.settings``) and, persona by
persona, ``--clients`` clients with keep-alive connections request one endpoint back to back for
``--seconds`` after ``--warmup``:

- ``baseline``: ``GET /bench/page/``, a tiny template for a signed-in user;
- ``workbench``: ``GET /workbench/``, the whole page (the first queue with work in it);
- ``case list``: ``GET /workbench/?tab=red&received_after=…`` as htmx asks for it (the results
  only): the staff list of cases with the ledger's filters, the red queue, received in the last
  year;
- ``api cases``: ``GET /api/cases/``, the first page of the cases the user may read;
- ``map grids``, ``map cases``, ``map units``: ``GET /map/layers/<layer>/<unit>/``.

Before the load, the process that signs the personas in also requests each endpoint
``--profile-requests`` times as each persona (after one unmeasured request) through the whole
middleware stack plus the query-counting middleware of ``bench/benchsite/profile.py``: the queries
per request (fewest–most; the same for both personas, and for a small and a big city, when the
count does not grow with the data), the time one request takes alone, and the statement that took
longest. After the load the peak resident memory (VmHWM) of each gunicorn worker is read from
``/proc`` (goal < 250 MB). Exit status 1 on any error response, 0 otherwise (missing the goal is a
result, not a failure).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

GOAL_WORKER_MB = 250.0
DEFAULT_CASES = {"postgres": 10_000_000, "sqlite": 2_000_000}
PREFIXES = {"city": "city", "district": "demo"}  # grassroots/demo/plan.py
ROLES = ("grid_manager", "district_admin")
SETTINGS = "bench.benchsite.settings"
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "wb-results"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Persona:
    username: str
    session: str
    role: str
    unit: str
    unit_name: str
    unit_kind: str
    visible_cases: int


def endpoints(unit: str, today: dt.date, only: Sequence[str] = ()) -> list[Endpoint]:
    """The endpoints measured for a persona whose pages start at ``unit``, the baseline first
    (``only``: these names and the baseline)."""
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    every = [
        Endpoint("baseline", "/bench/page/", {}),
        Endpoint("workbench", "/workbench/", {}),
        Endpoint("case list", f"/workbench/?tab=red&received_after={year_ago}", HTMX_RESULTS),
        Endpoint("api cases", "/api/cases/", {"Accept": "application/json"}),
        Endpoint("map grids", f"/map/layers/grids/{unit}/", {}),
        Endpoint("map cases", f"/map/layers/cases/{unit}/", {}),
        Endpoint("map units", f"/map/layers/units/{unit}/", {}),
    ]
    return [e for e in every if not only or e.name == "baseline" or e.name in only]


ENDPOINT_NAMES = tuple(e.name for e in endpoints("-", dt.date(2000, 1, 1)))


def make_factory(endpoint: Endpoint, session: str, label: str = "") -> harness.RequestFactory:
    """The same GET each time with the persona's session cookie (and a label for the profile)."""
    headers = {"Cookie": f"sessionid={session}", **endpoint.headers}
    if label:
        headers["X-Bench-Label"] = label

    def factory(client: int, n: int) -> tuple[str, str, dict[str, str], bytes]:
        return "GET", endpoint.path, headers, b""

    return factory


def vm_hwm_mb(pid: int) -> float:
    """The peak resident memory of a process (``VmHWM`` in ``/proc/<pid>/status``), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return kb / 1024


def worker_peaks(master: int) -> dict[int, float]:
    """Peak resident memory (MB) of each worker: the children of the gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = {}
    for pid in map(int, children):
        with contextlib.suppress(FileNotFoundError, StopIteration):  # a worker that just exited
            peaks[pid] = vm_hwm_mb(pid)
    return peaks


# -- preparing ----------------------------------------------------------------------------------------


def load(env: dict[str, str], args: argparse.Namespace, cases: int) -> str:
    """Migrate and load the city, or the demo district (in one process, ``prepare setup``); what
    was loaded."""
    if args.scale == "district":
        setup = ["setup", "--grids", str(args.grids), "--households", *map(str, args.households)]
        setup += ["--accounts", "1", "--points", "0"]
        prepared = json.loads(harness.run_module("bench.benchsite.prepare", setup, env).splitlines()[-1])
        return f"The demo district: {prepared['grids']} grids, {prepared['cases']:,} cases."
    harness.run_module("manage", ["migrate", "--no-input", "-v", "0"], env)
    demo = ["demo", "--scale", "city", "--cases", str(cases), "--quiet"]
    if args.seed is not None:
        demo += ["--seed", str(args.seed)]
    return harness.run_module("manage", demo, env)


def sign_in(
    env: dict[str, str], usernames: list[str], requests: int, only: Sequence[str]
) -> tuple[list[Persona], dict[str, Any]]:
    """Sessions for the users, and the queries per request of each endpoint for each (counted in
    a process of its own with the counting middleware, ``bench/benchsite/profile.py``)."""
    args = ["login", *usernames, "--requests", str(requests), "--only", *only]
    out = harness.run_module("bench.benchsite.prepare", args, {**env, "BENCH_PROFILE": "1"})
    prepared = json.loads(out.splitlines()[-1])
    return [Persona(**p) for p in prepared["personas"]], prepared


# -- queries per request ------------------------------------------------------------------------------


def queries_by_label(summary: dict[str, dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The profile's figures by (role, endpoint name), from labels ``GET /x/ [role:name]``."""
    counted = {}
    for label, figures in summary.items():
        if label.endswith("]") and " [" in label:
            role, _, name = label.rsplit(" [", 1)[1][:-1].partition(":")
            counted[role, name] = figures
    return counted


def query_rows(personas: list[Persona], counted: dict[tuple[str, str], dict[str, Any]]) -> list[list[str]]:
    """One row per endpoint: each persona's queries per request (fewest–most) and time alone."""
    rows = []
    for name in ENDPOINT_NAMES:
        if all((p.role, name) not in counted for p in personas):
            continue
        row = [name]
        for persona in personas:
            f = counted.get((persona.role, name))
            if f is None:
                row += ["?", "?", "?"]
                continue
            low, high = f["min_queries"], f["max_queries"]
            row += [str(low) if low == high else f"{low}–{high}", f"{f['ms']:.1f}", f"{f['query_ms']:.1f}"]
        rows.append(row)
    return rows


def print_queries(
    personas: list[Persona], counted: dict[tuple[str, str], dict[str, Any]], args: argparse.Namespace
) -> None:
    today = dt.date.today()
    print(
        f"Queries per request ({args.profile_requests} requests each after one unmeasured, counted "
        "in one process; ms: one request alone, in Django and in the database):"
    )
    q_header = ["endpoint"]
    for p in personas:
        q_header += [f"{p.role} queries", f"{p.role} ms", f"{p.role} db ms"]
    print(harness.format_table(q_header, query_rows(personas, counted)))
    print()
    print("The statement that took longest, per endpoint and persona (ms per request):")
    for persona in personas:
        for endpoint in endpoints(persona.unit, today, args.only):
            slowest = counted.get((persona.role, endpoint.name), {}).get("slowest")
            if slowest:
                print(
                    f"  {persona.role} {endpoint.name}: {slowest['ms']:.1f} ms × {slowest['count']:g}  "
                    f"{slowest['sql'][:240]}"
                )
    if counted:
        role, name = max(counted, key=lambda key: counted[key]["slowest"]["ms"])
        slowest = counted[role, name]["slowest"]
        print(
            f"The slowest of these in full ({role} {name}):\n  {slowest['sql']}\n"
            f"  parameters: {slowest['params']}"
        )
    print(flush=True)


# -- the command --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--scale", choices=("city", "district"), default="city")
    parser.add_argument("--cases", type=int, help="the city's cases (default: 10 M PostgreSQL, 2 M SQLite)")
    parser.add_argument("--grids", type=int, default=30, help="with --scale district (default 30)")
    parser.add_argument("--households", type=int, nargs=2, default=(50, 80), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, help="the city's seed (default: the demo's)")
    parser.add_argument(
        "--sqlite-file",
        type=Path,
        help="with --db sqlite: keep the database in this file; one that exists is used as it is",
    )
    harness.add_server_arguments(parser, clients=16, seconds=10.0, warmup=2.0)
    parser.add_argument(
        "--profile-requests", type=int, default=3, help="requests per endpoint counting queries (default 3)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=ENDPOINT_NAMES[1:],
        default=(),
        metavar="ENDPOINT",
        help=f"measure only these (and the baseline): {', '.join(repr(n) for n in ENDPOINT_NAMES[1:])}",
    )
    parser.add_argument("--log", type=Path, help="keep the gunicorn log here")
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = harness.default_workers()
    if min(args.workers, args.clients, args.client_processes, args.threads, args.profile_requests) < 1:
        parser.error("workers, clients, client processes, threads and profile requests must be at least 1")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be positive and --warmup not negative")
    if args.sqlite_file and args.db != "sqlite":
        parser.error("--sqlite-file goes with --db sqlite")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cases = args.cases if args.cases is not None else DEFAULT_CASES[args.db]
    today = dt.date.today()
    results: dict[tuple[str, str], harness.LoadResult] = {}
    with harness.terminate_as_exit(), contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grassroots-bench-pages.")))
        database = (args.sqlite_file or work / "pages.sqlite3").resolve()
        reuse = database if args.db == "sqlite" and database.exists() and database.stat().st_size else None
        url = harness.database_url(stack, args.db, database)
        env = harness.app_env(url, work / "var", SETTINGS)
        log = args.log or work / "gunicorn.log"
        print(f"Pages under load: {harness.machine_line()}", flush=True)
        began = time.perf_counter()
        if reuse is not None:
            print(f"Using the database in {reuse} as it is (only sessions are added).", flush=True)
        else:
            what = f"the benchmark city with {cases:,} cases" if args.scale == "city" else "the demo district"
            print(f"Loading {what} into {args.db} …", flush=True)
            print(load(env, args, cases).strip())
            print(f"Migrate + load: {time.perf_counter() - began:,.0f} s", flush=True)
        prefix = PREFIXES[args.scale]
        usernames = [f"{prefix}_{role}" for role in ROLES]
        personas, prepared = sign_in(env, usernames, args.profile_requests, args.only)
        counted = queries_by_label(prepared["queries"])
        print(f"{prepared['database']}, {prepared['cases']:,} cases in the database. Personas:")
        for p in personas:
            print(
                f"  {p.username} ({p.role}) at {p.unit} {p.unit_name} ({p.unit_kind}), "
                f"{p.visible_cases:,} cases visible"
            )
        print()
        print_queries(personas, counted, args)

        server = stack.enter_context(
            harness.Gunicorn(
                env,
                app="bench.benchsite.wsgi:application",
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads if args.worker_class == "gthread" else 1,
                log_path=log,
            )
        )
        for persona in personas:
            for endpoint in endpoints(persona.unit, today, args.only):
                results[persona.role, endpoint.name] = harness.drive(
                    server.port,
                    make_factory(endpoint, persona.session),
                    clients=args.clients,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    processes=args.client_processes,
                )
                print(
                    f"  {persona.role} {endpoint.name}: {results[persona.role, endpoint.name].rate:,.0f}/s",
                    flush=True,
                )
        assert server.proc is not None
        peaks = worker_peaks(server.proc.pid)
        server.stop()

    worker_text = f"{args.workers} {args.worker_class} worker{'s' if args.workers > 1 else ''}"
    if args.worker_class == "gthread":
        worker_text += f" × {args.threads} threads"
    print()
    print(
        f"{worker_text}, {args.clients} clients in {args.client_processes} "
        f"process{'es' if args.client_processes > 1 else ''}; {args.warmup:g} s warm-up + "
        f"{args.seconds:g} s per endpoint and persona"
    )
    print()
    header = ["persona, endpoint", *harness.LOAD_HEADER]
    rows = []
    for persona in personas:
        baseline = results[persona.role, "baseline"]
        for endpoint in endpoints(persona.unit, today, args.only):
            result = results[persona.role, endpoint.name]
            reference = None if result is baseline else baseline
            rows.append(harness.load_row(f"{persona.role} {endpoint.name}", result, reference, 200))
    print(harness.format_table(header, rows))
    print()
    peak = max(peaks.values(), default=float("nan"))
    each = ", ".join(f"{mb:,.0f}" for mb in sorted(peaks.values()))
    verdict = "met" if peak < GOAL_WORKER_MB else "missed"
    print(
        f"Peak resident memory of the gunicorn workers (VmHWM): {each} MB; "
        f"goal < {GOAL_WORKER_MB:.0f} MB: {verdict}"
    )

    for (role, name), result in results.items():
        if not result.requests:
            print(
                f"{role} {name}: no request completed inside the {args.seconds:g} s window "
                f"({result.total_ok:,} answered over the whole run): each took longer; raise --seconds."
            )
    failed = False
    for (role, name), result in results.items():
        if result.errors(200):
            failed = True
            print(f"{role} {name}: {result.errors(200)} error responses; the first:")
            for body in result.error_bodies:
                print(f"  {body}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
