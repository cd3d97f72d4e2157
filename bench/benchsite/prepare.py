"""Database work for the intake benchmark, run in its own process with the server's settings:

    python -m bench.benchsite.prepare setup --grids 30 --households 50 80 --accounts 8 --points 400
    python -m bench.benchsite.prepare count
    python -m bench.benchsite.prepare login city_grid_manager city_district_admin --requests 3

``setup`` migrates, loads the demo district, creates the ``bench_ping`` table, knox tokens for
staff accounts that may register cases in the district, and points inside the demo's grids;
``count`` counts cases and pings; ``login`` signs the named users in (a session in the database
each) and tells their session cookies and the units of the posts their pages start in, and with
``--requests N`` (and ``BENCH_PROFILE=1``, the query-counting middleware) requests each page of
``bench/pages.py`` N times as each user, after one unmeasured request, and tells the queries per
request. Each prints one JSON object on its last line."""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

import django


def _ping_table_sql(vendor: str) -> str:
    if vendor == "postgresql":
        return (
            "CREATE TABLE bench_ping (id serial PRIMARY KEY, user_id integer NOT NULL, note text NOT NULL, "
            "at timestamp with time zone NOT NULL)"
        )
    return (
        "CREATE TABLE bench_ping (id integer PRIMARY KEY AUTOINCREMENT, user_id integer NOT NULL, "
        "note text NOT NULL, at datetime NOT NULL)"
    )


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def setup(grids: int, households: tuple[int, int], accounts: int, points: int, seed: int) -> dict[str, Any]:
    import shapely
    from django.core.management import call_command
    from django.db import connection
    from knox.models import AuthToken

    from grassroots.cases.access import can_report_in
    from grassroots.cases.models import Case
    from grassroots.core.models import User
    from grassroots.org import geo
    from grassroots.org.choices import Role, UnitKind
    from grassroots.org.models import Post, Unit

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", grids=grids, households=list(households), quiet=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ping")
        cursor.execute(_ping_table_sql(connection.vendor))

    grid_units = list(Unit.objects.filter(kind=UnitKind.GRID).exclude(boundary=None).order_by("id"))
    if not grid_units:
        raise SystemExit("The demo has no grids with boundaries.")
    # Grid managers and community workers: the staff who enter cases (docs/domain.md §3).
    posts = (
        Post.objects.active()
        .filter(role__in=[Role.GRID_MANAGER, Role.COMMUNITY_STAFF], user__is_active=True)
        .order_by("role", "id")
        .values_list("user_id", flat=True)
    )
    user_ids = list(dict.fromkeys(posts))
    district = grid_units[0]
    tokens: list[str] = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        if len(tokens) == accounts:
            break
        if can_report_in(user, district):
            _instance, token = AuthToken.objects.create(user=user, expiry=None)
            tokens.append(token)
    if not tokens:
        raise SystemExit("No demo account may register cases.")

    rng = random.Random(seed)
    locator = geo.get_locator()
    located: list[tuple[float, float]] = []
    attempts = 0
    shapes = [geo.parse_boundary(unit.boundary) for unit in grid_units]
    while len(located) < points and attempts < points * 50:
        attempts += 1
        shape = shapes[attempts % len(shapes)]
        x0, y0, x1, y1 = shape.bounds
        lng, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if not shapely.contains_xy(shape, lng, lat):
            continue
        hit = locator.locate(lat, lng)
        if hit is not None and hit.is_grid:
            located.append((round(lat, 7), round(lng, 7)))
    return {
        "tokens": tokens,
        "points": located,
        "grids": len(grid_units),
        "cases": Case.objects.count(),
        "database": _database_version(),
    }


def count() -> dict[str, Any]:
    from django.db import connection

    from grassroots.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_ping")
        (pings,) = cursor.fetchone()
    return {"cases": Case.objects.count(), "pings": pings}


def login(usernames: list[str], requests: int = 0, only: list[str] | None = None) -> dict[str, Any]:
    import datetime as dt

    from django.conf import settings
    from django.test import Client

    from bench import pages
    from grassroots.cases.access import cases_visible_to
    from grassroots.cases.models import Case
    from grassroots.core.models import User
    from grassroots.web import session

    personas = []
    for name in usernames:
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise SystemExit(f"No active account {name!r} in the database.")
        posts = [post for post in session.posts_of(user) if post.unit is not None]
        if not posts:
            raise SystemExit(f"{name} holds no post at a unit.")
        unit = posts[0].unit
        assert unit is not None
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for endpoint in pages.endpoints(unit.code, dt.date.today(), only or ()) if requests else []:
            tag = f"{posts[0].role}:{endpoint.name}"
            for n in range(requests + 1):  # the first fills the caches the following ones find full
                headers = {**endpoint.headers, **({"X-Bench-Label": tag} if n else {})}
                response = client.get(endpoint.path, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"{name} {endpoint.path}: {response.status_code}")
        personas.append(
            {
                "username": name,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "role": posts[0].role,
                "unit": unit.code,
                "unit_name": unit.name,
                "unit_kind": unit.kind,
                "visible_cases": cases_visible_to(user).count(),
            }
        )
    queries: dict[str, Any] = {}
    if requests:
        from bench.benchsite import profile

        queries = profile.summary()
        if not queries:
            raise SystemExit("No queries were counted: --requests needs BENCH_PROFILE=1.")
    return {
        "personas": personas,
        "queries": queries,
        "cases": Case.objects.count(),
        "database": _database_version(),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.benchsite.prepare")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--grids", type=int, default=30)
    s.add_argument("--households", type=int, nargs=2, default=(50, 80))
    s.add_argument("--accounts", type=int, default=8)
    s.add_argument("--points", type=int, default=400)
    s.add_argument("--seed", type=int, default=1)
    sub.add_parser("count")
    s = sub.add_parser("login")
    s.add_argument("usernames", nargs="+")
    s.add_argument("--requests", type=int, default=0)
    s.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args(argv)
    django.setup()
    if args.command == "setup":
        result = setup(args.grids, tuple(args.households), args.accounts, args.points, args.seed)
    elif args.command == "login":
        result = login(args.usernames, args.requests, args.only)
    else:
        result = count()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
