"""Where a request's time goes, without DEBUG: every query is counted and timed through
``connection.execute_wrapper``, per endpoint and per statement, and the case intake
(``POST /api/cases/``) runs under cProfile. State is per worker process: serve with one worker.

A request with an ``X-Bench-Label`` header is counted under its own label (``GET /workbench/
[grid_manager:case list]``), so that two users, or two query strings of one path, are told apart;
``summary`` gives the queries per request of each label as data."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

PROFILED = ("POST", "/api/cases/")
_lock = threading.Lock()
_profiler = cProfile.Profile()


@dataclass
class Endpoint:
    requests: int = 0
    seconds: float = 0.0
    queries: int = 0
    query_seconds: float = 0.0
    statements: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))
    params: dict[str, Any] = field(default_factory=dict)  # the last parameters of each statement
    per_request: Counter[int] = field(default_factory=Counter)  # queries in one request → requests


_endpoints: dict[str, Endpoint] = defaultdict(Endpoint)
_IN_LIST = re.compile(r"IN \((%s(, )?)+\)")


def _statement(sql: str) -> str:
    return _IN_LIST.sub("IN (…)", " ".join(sql.split()))


class ProfileMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/bench/profile/"):
            return self.get_response(request)
        label = f"{request.method} {request.path}"
        tag = request.headers.get("X-Bench-Label")
        if tag:
            label += f" [{tag}]"
        endpoint = _endpoints[label]
        queries: list[tuple[str, Any, float]] = []

        def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((sql, params, time.perf_counter() - began))

        profiled = (request.method, request.path) == PROFILED
        began = time.perf_counter()
        with connection.execute_wrapper(wrapper):
            if profiled:
                with _lock:
                    _profiler.enable()
                    try:
                        response = self.get_response(request)
                    finally:
                        _profiler.disable()
            else:
                response = self.get_response(request)
        elapsed = time.perf_counter() - began
        with _lock:
            endpoint.requests += 1
            endpoint.seconds += elapsed
            endpoint.queries += len(queries)
            endpoint.per_request[len(queries)] += 1
            for sql, params, seconds in queries:
                endpoint.query_seconds += seconds
                row = endpoint.statements[_statement(sql)]
                row[0] += 1
                row[1] += seconds
                endpoint.params[_statement(sql)] = (sql, params)
        return response


def _explain(sql: str, params: Any) -> str:
    """The plan of the statement that took longest, run once more (a SELECT, PostgreSQL only)."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(f"      {row[0]}" for row in cursor.fetchall())
    return f"   plan of the slowest statement (EXPLAIN ANALYZE, run again now):\n{plan}\n"


def summary() -> dict[str, dict[str, Any]]:
    """Per label: requests, the fewest and most queries in one request, queries and milliseconds
    (in Django, and in the database) per request, and the statement that took longest overall."""
    out: dict[str, dict[str, Any]] = {}
    with _lock:
        for label, e in sorted(_endpoints.items()):
            if not e.requests:
                continue
            n = e.requests
            slowest = max(e.statements.items(), key=lambda kv: kv[1][1], default=("", [0, 0.0]))
            out[label] = {
                "requests": n,
                "min_queries": min(e.per_request),
                "max_queries": max(e.per_request),
                "queries": e.queries / n,
                "ms": e.seconds / n * 1000,
                "query_ms": e.query_seconds / n * 1000,
                "slowest": {
                    "sql": slowest[0],
                    "params": [str(p) for p in (e.params.get(slowest[0], ("", ()))[1] or ())],
                    "ms": slowest[1][1] / n * 1000,
                    "count": slowest[1][0] / n,
                },
            }
    return out


def report(top: int = 30) -> str:
    out = io.StringIO()
    out.write(f"Profile of worker {os.getpid()} (the requests this worker served):\n")
    with _lock:
        for label, e in sorted(_endpoints.items()):
            if not e.requests:
                continue
            n = e.requests
            out.write(
                f"== {label}: {n} requests, {e.seconds / n * 1000:.2f} ms each in Django (middleware "
                f"down), {e.queries / n:.1f} queries each taking {e.query_seconds / n * 1000:.2f} ms\n"
            )
            out.write("   per request: count   ms  statement\n")
            ranked = sorted(e.statements.items(), key=lambda kv: -kv[1][1])
            for sql, (count, seconds) in ranked[:top]:
                out.write(f"   {count / n:17.2f} {seconds / n * 1000:5.2f}  {sql[:220]}\n")
            if ranked:
                out.write(_explain(*e.params[ranked[0][0]]))
            out.write("\n")
        stats_text = io.StringIO()
        try:
            stats = pstats.Stats(_profiler, stream=stats_text)
        except TypeError:  # nothing profiled yet
            return out.getvalue()
        # The product's own functions first (full paths), then everything without directories.
        stats.sort_stats("cumulative").print_stats(r"/grassroots/", top)
        stats.strip_dirs().sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
    out.write(f"== cProfile of {' '.join(PROFILED)}\n")
    out.write(stats_text.getvalue())
    return out.getvalue()
