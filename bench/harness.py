"""Pieces shared by the benchmarks that drive the application over HTTP.

- ``PostgresCluster``: a throwaway PostgreSQL with production-like durability (fsync and
  synchronous commit on), started as the ``postgres`` user when run as root, always deleted.
- ``app_env``: the environment of a production-like process (DEBUG off, fresh keys, its own
  var directory) for a database URL.
- ``Gunicorn``: the application server on a free port, stopped on exit.
- ``drive``: N clients with keep-alive connections (threads, optionally in several processes)
  sending requests for a fixed time after a warm-up; latencies, statuses, first error bodies.
- ``percentile``, ``format_table``, ``machine_line``: reporting.

Nothing here imports Django: the driving process stays small and can run inside a test whose
settings differ from the server's.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# -- reporting --------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation between neighbours (numpy's default);
    NaN for no values."""
    if not values:
        return float("nan")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of range: {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


LOAD_HEADER = ("requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "rate / baseline")


def load_row(label: str, result: LoadResult, baseline: LoadResult | None, ok_status: int) -> list[str]:
    """``label`` and the columns of ``LOAD_HEADER`` for one endpoint's run (``baseline`` None: it is
    the baseline)."""
    latencies = result.latencies
    share = f"{result.rate / baseline.rate:.2f}" if baseline and baseline.rate else "1.00"
    return [
        label,
        f"{result.requests:,}",
        f"{result.rate:,.0f}",
        *(f"{percentile(latencies, p) * 1000:.1f}" for p in (50, 90, 99)),
        str(result.errors(ok_status)),
        share,
    ]


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(cells)]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(("-" * (w + 1) + "-") if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def machine_line() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average {load}, "
        f"Python {platform.python_version()}"
    )


# -- processes and clean-up ---------------------------------------------------------------------------


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP raise SystemExit, so ``finally`` blocks and context managers stop the servers
    (Ctrl-C already raises KeyboardInterrupt)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop_process(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- PostgreSQL -----------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        if os.access(candidate, os.X_OK):
            return str(candidate)
    raise RuntimeError(f"PostgreSQL's {name} was not found (install the postgresql package).")


def postgres_available() -> bool:
    try:
        for name in ("initdb", "pg_ctl", "postgres"):
            _pg_bin(name)
    except RuntimeError:
        return False
    return True


class PostgresCluster:
    """A throwaway cluster in a temporary directory, deleted by ``stop`` (and on leaving ``with``).

    Unlike the test cluster (scripts/pgtmp.sh) it keeps production durability: ``fsync`` and
    ``synchronous_commit`` on, full-page writes on, so every commit waits for its WAL flush. The
    memory settings suit a small server (2 cores): 256 MB shared buffers, 200 connections."""

    SETTINGS: tuple[tuple[str, str], ...] = (
        ("fsync", "on"),
        ("synchronous_commit", "on"),
        ("full_page_writes", "on"),
        ("shared_buffers", "256MB"),
        ("effective_cache_size", "1GB"),
        ("work_mem", "8MB"),
        ("maintenance_work_mem", "64MB"),
        ("max_connections", "200"),
        ("max_wal_size", "2GB"),
        ("checkpoint_timeout", "15min"),
        ("wal_buffers", "16MB"),
    )

    def __init__(self, database: str = "grassroots") -> None:
        self.database = database
        self.port = 0
        self.dir: Path | None = None
        self._running = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _as_owner(self, *command: str, log: str) -> None:
        assert self.dir is not None
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        with open(self.dir / log, "ab") as out:
            result = subprocess.run([*prefix, *command], stdout=out, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(command[0]).name} failed:\n" + (self.dir / log).read_text(errors="replace")[-3000:]
            )

    def start(self) -> PostgresCluster:
        self.dir = Path(tempfile.mkdtemp(prefix="grassroots-bench-pg."))
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = str(self.dir / "data")
        self._as_owner(
            _pg_bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", log="initdb.log",
        )  # fmt: skip
        self.port = free_port()
        options = [f"-p {self.port}", f"-k {self.dir}", "-c listen_addresses=127.0.0.1"]
        options += [f"-c {k}={v}" for k, v in self.SETTINGS]
        self._as_owner(
            _pg_bin("pg_ctl"), "-D", data, "-l", str(self.dir / "server.log"), "-w", "-t", "60",
            "-o", " ".join(options), "start", log="pg_ctl.log",
        )  # fmt: skip
        self._running = True
        self._as_owner(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", self.database, log="createdb.log",
        )  # fmt: skip
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        if self._running:
            with contextlib.suppress(RuntimeError):
                self._as_owner(
                    _pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop",
                    log="pg_ctl.log",
                )  # fmt: skip
            self._running = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def database_url(stack: contextlib.ExitStack, db: str, sqlite_file: Path) -> str:
    """The database of a benchmark run: a throwaway ``PostgresCluster`` (stopped when ``stack``
    closes) for ``db == "postgres"``, else the SQLite file ``sqlite_file``. Exits with status 2
    when PostgreSQL is not installed."""
    if db == "postgres":
        if not postgres_available():
            print("PostgreSQL is not installed; use --db sqlite.", file=sys.stderr)
            raise SystemExit(2)
        return stack.enter_context(PostgresCluster()).url
    return f"sqlite:///{sqlite_file.resolve()}"


# -- the application's processes --------------------------------------------------------------------


def app_env(database_url: str, var_dir: Path, settings: str, **extra: str) -> dict[str, str]:
    """A production-like environment: DEBUG off, random keys for this run, no ``.env`` read."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        PII_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GRASSROOTS_ENV_FILE=os.devnull,
        GRASSROOTS_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    )
    env.update(extra)
    return env


def run_module(module: str, args: Sequence[str], env: dict[str, str]) -> str:
    """Run ``python -m module args`` in the repository with ``env``; its stdout, or an error with
    its output."""
    result = subprocess.run(
        [PYTHON, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{module} {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        )
    return result.stdout


class Gunicorn:
    """gunicorn serving ``app`` (preloaded) on a free port with the given workers; ``stop`` ends it."""

    def __init__(
        self, env: dict[str, str], *, app: str = "config.wsgi:application", workers: int,
        worker_class: str = "sync", threads: int = 1, log_path: Path | None = None,
    ) -> None:  # fmt: skip
        self.env = env
        self.app = app
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Gunicorn:
        self.port = free_port()
        command = [
            PYTHON, "-m", "gunicorn", self.app,
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--backlog", "2048",
            "--timeout", "120",
            "--keep-alive", "30",
            "--preload",
            "--no-control-socket",
        ]  # fmt: skip
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(errors="replace")[-3000:]
        return ""

    def stop(self) -> None:
        if self.proc is not None:
            _stop_process(self.proc)
            self.proc = None

    def __enter__(self) -> Gunicorn:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def add_server_arguments(
    parser: argparse.ArgumentParser, *, clients: int, seconds: float, warmup: float
) -> None:
    """The options of the server and the clients that the HTTP benchmarks share."""
    parser.add_argument(
        "--workers", type=int, help=f"gunicorn workers (default 2 × CPUs + 1 = {default_workers()})"
    )
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="gthread")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument(
        "--clients", type=int, default=clients, help=f"concurrent clients (default {clients})"
    )
    parser.add_argument(
        "--client-processes", type=int, default=1, help="processes the clients are spread over (default 1)"
    )
    parser.add_argument(
        "--seconds", type=float, default=seconds, help=f"measured seconds per endpoint (default {seconds:g})"
    )
    parser.add_argument(
        "--warmup", type=float, default=warmup, help=f"unmeasured seconds first (default {warmup:g})"
    )


# -- load ---------------------------------------------------------------------------------------------

# (method, path, headers, body) for the n-th request of client ``client``.
RequestFactory = Callable[[int, int], tuple[str, str, dict[str, str], bytes]]


@dataclass
class LoadResult:
    seconds: float  # the measured window
    latencies: list[float] = field(default_factory=list)  # seconds, requests completed in the window
    statuses: Counter[str] = field(default_factory=Counter)  # in the window
    total_ok: int = 0  # successful responses over the whole run (warm-up and tail included)
    total_requests: int = 0
    error_bodies: list[str] = field(default_factory=list)  # the first few, whole run
    client_cpu: float = 0.0  # CPU seconds the client processes spent, whole run

    @property
    def client_cpu_per_request(self) -> float:
        """Seconds of client CPU per request: one core drives at most 1 / this requests/s."""
        return self.client_cpu / self.total_requests if self.total_requests else 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def errors(self, ok_status: int) -> int:
        """Error responses in the window plus any outside it (warm-up, tail)."""
        failed_total = self.total_requests - self.total_ok
        return max(failed_total, sum(n for s, n in self.statuses.items() if s != str(ok_status)))

    def merge(self, other: LoadResult) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        self.total_ok += other.total_ok
        self.total_requests += other.total_requests
        self.client_cpu += other.client_cpu
        self.error_bodies.extend(other.error_bodies[: max(0, 5 - len(self.error_bodies))])


def _client(
    port: int, factory: RequestFactory, client: int, ok_status: int, window: tuple[float, float, float]
) -> LoadResult:
    """One client: a keep-alive connection (re-opened when the server closes it) sending requests
    back to back until the end of the window."""
    start, end, stop = window
    result = LoadResult(seconds=end - start)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    n = 0
    while True:
        sent = time.monotonic()
        if sent >= stop:
            break
        method, path, headers, body = factory(client, n)
        n += 1
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = str(response.status)
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            status, data = type(exc).__name__, str(exc).encode()
        done = time.monotonic()
        result.total_requests += 1
        if status == str(ok_status):
            result.total_ok += 1
        elif len(result.error_bodies) < 5:
            result.error_bodies.append(f"{status} {method} {path}: {data[:500].decode(errors='replace')}")
        if start <= done <= end:
            result.latencies.append(done - sent)
            result.statuses[status] += 1
    conn.close()
    return result


def _client_threads(
    port: int,
    factory: RequestFactory,
    clients: Sequence[int],
    ok_status: int,
    window: tuple[float, float, float],
) -> LoadResult:
    merged = LoadResult(seconds=window[1] - window[0])
    cpu = time.process_time()
    results: list[LoadResult] = []
    threads = [
        # Daemon threads: an interrupted run exits without waiting for the clients' window to end.
        threading.Thread(
            target=lambda c=c: results.append(_client(port, factory, c, ok_status, window)), daemon=True
        )
        for c in clients
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        merged.merge(r)
    merged.client_cpu = time.process_time() - cpu
    return merged


def _client_process(
    queue: multiprocessing.Queue[LoadResult], port: int, factory: RequestFactory, clients: Sequence[int],
    ok_status: int, window: tuple[float, float, float],
) -> None:  # fmt: skip
    queue.put(_client_threads(port, factory, clients, ok_status, window))


def drive(
    port: int,
    factory: RequestFactory,
    *,
    clients: int,
    seconds: float,
    warmup: float,
    processes: int = 1,
    ok_status: int = 200,
) -> LoadResult:
    """``clients`` concurrent clients, split over ``processes`` processes (threads within each),
    send requests back to back for ``warmup + seconds``. Only requests that complete in the last
    ``seconds`` are measured; every request counts towards ``total_ok``/``total_requests``. The
    clock is ``time.monotonic`` (one clock for all processes on Linux)."""
    start = time.monotonic() + warmup + 0.2  # 0.2 s to start the processes
    window = (start, start + seconds, start + seconds)
    groups = [list(range(clients))[i::processes] for i in range(min(processes, clients))]
    if len(groups) == 1:
        return _client_threads(port, factory, groups[0], ok_status, window)
    # fork: the factory may be a closure; the driver holds no threads or database connections here.
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[LoadResult] = context.Queue()
    procs = [
        context.Process(
            target=_client_process, args=(queue, port, factory, g, ok_status, window), daemon=True
        )
        for g in groups
    ]
    for p in procs:
        p.start()
    merged = LoadResult(seconds=seconds)
    try:
        for _ in procs:
            merged.merge(queue.get(timeout=warmup + seconds + 300))
    finally:
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
    return merged
