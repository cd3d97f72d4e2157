"""The pages benchmark's pieces, and the whole command run small on SQLite (no timing assertions)."""

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from bench.benchsite import profile
from bench.benchsite.prepare import login
from bench.pages import (
    ENDPOINT_NAMES,
    Endpoint,
    endpoints,
    main,
    make_factory,
    queries_by_label,
    vm_hwm_mb,
    worker_peaks,
)


def test_endpoints_start_with_the_baseline_and_use_the_personas_unit():
    found = endpoints("G0042", dt.date(2026, 3, 1))
    assert found[0].name == "baseline"
    assert [e.name for e in found] == list(ENDPOINT_NAMES)
    by_name = {e.name: e for e in found}
    for layer in ("grids", "cases", "units"):
        assert by_name[f"map {layer}"].path == f"/map/layers/{layer}/G0042/"
    case_list = by_name["case list"]
    assert case_list.path.startswith("/workbench/?")
    assert "received_after=2025-03-01" in case_list.path
    assert case_list.headers == {"HX-Request": "true", "HX-Target": "wb-results"}


def test_only_keeps_the_named_endpoints_and_the_baseline():
    found = endpoints("G1", dt.date(2026, 3, 1), only=["map cases"])
    assert [e.name for e in found] == ["baseline", "map cases"]


def test_requests_carry_the_session_cookie_and_the_label():
    factory = make_factory(Endpoint("x", "/x/", {"Accept": "application/json"}), "abc", "grid_manager:x")
    method, path, headers, body = factory(3, 7)
    assert (method, path, body) == ("GET", "/x/", b"")
    assert headers == {
        "Cookie": "sessionid=abc",
        "Accept": "application/json",
        "X-Bench-Label": "grid_manager:x",
    }
    assert "X-Bench-Label" not in make_factory(Endpoint("x", "/x/", {}), "abc")(0, 0)[2]


def test_worker_peaks_reads_the_peak_memory_of_each_child():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        peaks = worker_peaks(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert child.pid in peaks
    assert 0 < peaks[child.pid] < vm_hwm_mb(os.getpid()) + 1000


@pytest.mark.django_db
def test_the_profile_counts_queries_per_request_under_each_label():
    def two_queries(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    middleware = profile.ProfileMiddleware(two_queries)
    factory = RequestFactory()
    for _ in range(2):
        middleware(factory.get("/counted/", HTTP_X_BENCH_LABEL="a:one"))
    middleware(factory.get("/counted/", HTTP_X_BENCH_LABEL="b:one"))
    summary = profile.summary()
    assert summary["GET /counted/ [a:one]"]["requests"] == 2
    assert summary["GET /counted/ [b:one]"]["requests"] == 1
    figures = summary["GET /counted/ [a:one]"]
    assert (figures["min_queries"], figures["max_queries"], figures["queries"]) == (2, 2, 2.0)
    assert figures["slowest"]["sql"] in {"SELECT 1", "SELECT 2"}


def test_the_profiles_labels_are_read_back_as_role_and_endpoint():
    summary = {
        "GET /workbench/ [grid_manager:case list]": {"queries": 7.0},
        "GET /workbench/ [grid_manager:workbench]": {"queries": 8.0},
        "POST /api/cases/": {"queries": 12.0},
    }
    assert queries_by_label(summary) == {
        ("grid_manager", "case list"): {"queries": 7.0},
        ("grid_manager", "workbench"): {"queries": 8.0},
    }


@pytest.mark.django_db
@pytest.mark.urls("bench.benchsite.urls")
def test_the_baseline_page_answers_a_signed_in_user_only(client, world):
    assert client.get("/bench/page/").status_code == 302
    client.force_login(world.grid_manager_x)
    response = client.get("/bench/page/")
    assert response.status_code == 200
    assert world.grid_manager_x.get_username() in response.content.decode()


@pytest.mark.django_db
def test_login_gives_a_session_of_the_user_and_the_unit_of_their_post(world):
    from django.contrib.sessions.backends.db import SessionStore

    user = world.grid_manager_x
    (persona,) = login([user.username])["personas"]
    assert SessionStore(session_key=persona["session"]).get("_auth_user_id") == str(user.pk)
    assert persona["role"] == "grid_manager"
    assert persona["unit"] == world.grid_x.code


def test_the_command_serves_every_page_to_both_personas_without_errors(capsys):
    status = main(
        ["--db", "sqlite", "--scale", "district", "--grids", "2", "--households", "5", "10",
         "--seconds", "0.2", "--warmup", "0.05", "--clients", "2", "--workers", "1",
         "--profile-requests", "1", "--only", "workbench"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0, out
    for role in ("grid_manager", "district_admin"):
        for name in ("baseline", "workbench"):
            row = re.search(
                rf"^\| {role} {name} +\| +([\d,]+) \|.*\| +(\d+) \| +[\d.]+ \|$", out, re.MULTILINE
            )
            assert row is not None, out
            assert int(row.group(1).replace(",", "")) > 0
            assert row.group(2) == "0"
    assert "demo_grid_manager (grid_manager)" in out
    queries = re.search(r"^\| workbench +\| +(\d+) \|", out, re.MULTILINE)
    assert queries is not None, out
    assert int(queries.group(1)) > 2, out
    assert re.search(r"Peak resident memory of the gunicorn workers \(VmHWM\): \d+ MB", out), out
