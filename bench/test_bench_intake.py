"""The intake benchmark's pieces, and the whole command run small on SQLite (no timing assertions)."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from bench import harness
from bench.intake import case_body, main


def test_percentile_interpolates_like_numpy():
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0]
    for p in (0, 10, 50, 90, 99, 100):
        assert harness.percentile(values, p) == pytest.approx(np.percentile(values, p))
    assert harness.percentile([4.0], 99) == 4.0


def test_percentile_of_nothing_is_nan_and_out_of_range_is_refused():
    assert harness.percentile([], 50) != harness.percentile([], 50)  # NaN
    with pytest.raises(ValueError, match="out of range"):
        harness.percentile([1.0], 101)


def test_case_bodies_vary_and_carry_a_point_and_a_caller():
    points = [[26.08, 103.19], [26.09, 103.2]]
    bodies = [case_body(client, n, points) for client in range(3) for n in range(10)]
    assert len({b["title"] for b in bodies}) == 30
    assert {(b["lat"], b["lng"]) for b in bodies} == {(26.08, 103.19), (26.09, 103.2)}
    for b in bodies:
        assert b.get("reporter_kind") == "anonymous" or (
            b["reporter_name"] and len(str(b["reporter_phone"])) == 11
        )


class _HalfFailing(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients expect

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        n = int(self.rfile.read(length))
        status, body = (201, b"ok") if n % 2 == 0 else (400, b'{"title": ["bad"]}')
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_drive_counts_error_responses_and_keeps_their_bodies():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HalfFailing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = harness.drive(
            server.server_address[1],
            lambda client, n: ("POST", "/x/", {}, str(n).encode()),
            clients=2,
            seconds=0.3,
            warmup=0.1,
            ok_status=201,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests > 0
    assert result.statuses["201"] > 0
    assert result.statuses["400"] > 0
    assert result.errors(201) >= result.statuses["400"]
    assert result.total_requests - result.total_ok == result.errors(201)
    assert result.error_bodies[0].startswith('400 POST /x/: {"title"')


def test_the_command_creates_cases_without_errors_and_counts_them(capsys):
    status = main(
        ["--db", "sqlite", "--seconds", "2", "--warmup", "0.2", "--clients", "2", "--workers", "2",
         "--grids", "2", "--households", "5", "10", "--accounts", "2"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    row = re.search(r"^\| POST /api/cases/ +\| +([\d,]+) \|.*\| +(\d+) \| +[\d.]+ \|$", out, re.MULTILINE)
    assert row is not None, out
    assert int(row.group(1).replace(",", "")) > 0
    assert row.group(2) == "0"
    created = re.search(r"Count check: ([\d,]+) new cases in the database", out)
    assert created is not None, out
    assert int(created.group(1).replace(",", "")) > 0
    assert "Count mismatch" not in out
