"""The import benchmark's file, and the whole command run small on SQLite (no timing assertions)."""

import datetime as dt
import importlib
import re
import subprocess
import sys
from pathlib import Path

bench_import = importlib.import_module("bench.import")
ROOT = Path(__file__).resolve().parent.parent


def test_rows_look_like_a_hotline_export_and_every_200th_fails():
    place = bench_import.Place([(26.0, 103.0), (26.1, 103.1)], ["桂苑社区/第一网格"], ["城乡建设/道路维修"])
    end = dt.datetime(2026, 11, 1, 12, 0)
    rows = list(bench_import.hotline_rows(1000, place, seed=3, prefix="GD", end=end))
    assert rows == list(bench_import.hotline_rows(1000, place, seed=3, prefix="GD", end=end))
    assert all(len(row) == len(bench_import.HEADER) for row in rows)
    assert len({row[0] for row in rows}) == 1000
    bad = [row for i, row in enumerate(rows) if i % 200 == 199]
    assert len(bad) == bench_import.bad_rows(1000) == 5
    future = [row for row in bad if row[1] > end.strftime("%Y-%m-%d %H:%M:%S")]
    unknown = [row for row in bad if row[10].startswith("不存在社区")]
    assert (len(future), len(unknown)) == (3, 2)
    good = [row for i, row in enumerate(rows) if i % 200 != 199]
    assert all(row[1] <= end.strftime("%Y-%m-%d %H:%M:%S") or "/" in row[1] for row in good)
    assert all((row[8] and row[9]) or row[10] for row in good)  # a point or a grid


def test_the_command_imports_csv_and_excel_and_checks_the_counts():
    result = subprocess.run(
        [
            sys.executable,
            "bench/import.py",
            "--db",
            "sqlite",
            "--rows",
            "600",
            "--excel-rows",
            "200",
            "--grids",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "MISMATCH" not in result.stderr
    for label, rows in (("CSV", "600"), (r"Excel \(\.xlsx\)", "200")):
        assert re.search(rf"^\| import, {label} +\| +{rows} \|", out, re.MULTILINE), out
    assert re.search(r"^\| raw COPY of the CSV \(baseline\) +\| +600 \|", out, re.MULTILINE), out
