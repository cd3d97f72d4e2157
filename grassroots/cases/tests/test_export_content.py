"""An exported case list has the ledger's columns, with personal data masked or left out."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from conftest import assert_no_plaintext
from grassroots.cases import actions
from grassroots.cases.export import export_cases, headers
from grassroots.core.errors import ValidationError


def table(result):
    """The export as a header and rows of text, whatever its format."""
    data = b"".join(result.chunks)
    if result.filename.endswith(".csv"):
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def cases(ledger, report):
    named = report(category=ledger.cat_light, urgency="urgent")  # resident A, by the grid manager
    anonymous = report(
        reporter=None,
        reporter_kind="anonymous",
        reporter_phone="13911112222",
        household=ledger.household_y,
        title='=HYPERLINK("http://x")',
        description="-1+1 楼道\x07灯",
    )
    private = report(
        reporter=None,
        reporter_name="刘七",
        reporter_phone="13933334444",
        public_anonymous=True,
        household=ledger.household_z,
    )
    return named, anonymous, private


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_has_one_row_per_case_with_the_ledger_columns(ledger, cases, fmt):
    named, _anonymous, _private = cases

    header, rows = table(export_cases(ledger.district_admin, fmt=fmt))

    assert header == headers()
    assert len(rows) == 3
    row = next(r for r in rows if r["Number"] == named.number)
    assert row["Title"] == named.title
    assert row["Channel"] == "Grid patrol"
    assert row["Category"] == "社区事务/楼道照明"
    assert row["Urgency"] == "Urgent"
    assert row["Unit"] == "示范区/碧谷街道/桂苑社区/第一网格"
    assert row["State"] == "Registered"
    assert row["Reporter"] == "张伟"
    assert row["Reporter's phone"] == "138****5678"
    received = dt.datetime.fromisoformat(row["Received"])
    assert abs(received - dt.datetime.now()).total_seconds() < 24 * 3600  # local wall-clock time


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_phones_leave_masked_and_anonymous_reporters_nameless(ledger, cases, fmt):
    _named, anonymous, private = cases
    result = export_cases(ledger.district_admin, fmt=fmt)

    _header, rows = table(result)

    text = repr(rows)
    assert_no_plaintext(text)
    assert "13911112222" not in text
    assert "13933334444" not in text
    by_number = {r["Number"]: r for r in rows}
    assert by_number[anonymous.number]["Reporter"] == ""
    assert by_number[anonymous.number]["Reporter's phone"] == "139****2222"
    assert by_number[private.number]["Reporter"] == ""  # anonymous to the public: left out of exports
    assert by_number[private.number]["Reporter's phone"] == "139****4444"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(ledger, cases):
    _named, anonymous, _private = cases

    _header, rows = table(export_cases(ledger.district_admin, fmt="csv"))

    row = next(r for r in rows if r["Number"] == anonymous.number)
    assert row["Title"] == '\'=HYPERLINK("http://x")'
    assert row["Description"].startswith("'-1+1")


def test_workbook_cells_keep_formula_like_text_as_text_and_drop_control_characters(ledger, cases):
    _named, anonymous, _private = cases
    data = b"".join(export_cases(ledger.district_admin, fmt="xlsx").chunks)

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]

    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == anonymous.number)
    assert (row[2].value, row[2].data_type) == ('=HYPERLINK("http://x")', "s")
    assert row[3].value == "-1+1 楼道灯"


def test_a_closed_case_shows_its_outcome_and_closing_time(ledger, report):
    case = report()
    actions.reject_case(
        case, actor=ledger.community_worker, version=case.version, reason="不属实", outcome="not_true"
    )

    _header, rows = table(export_cases(ledger.district_admin, fmt="csv"))

    assert rows[0]["State"] == "Closed"
    assert rows[0]["Outcome"] == "Rejected: not true"
    assert rows[0]["Closed"]


def test_the_list_filters_narrow_the_export(ledger, cases):
    named, anonymous, _private = cases

    _header, rows = table(export_cases(ledger.district_admin, fmt="csv", params={"unit": ledger.grid_y.code}))
    _header, urgent = table(export_cases(ledger.district_admin, fmt="csv", params={"urgency": "urgent"}))

    assert [r["Number"] for r in rows] == [anonymous.number]
    assert [r["Number"] for r in urgent] == [named.number]


def test_bad_filter_values_are_an_error_not_an_unfiltered_list(ledger, cases):
    with pytest.raises(ValidationError) as caught:
        export_cases(ledger.district_admin, fmt="csv", params={"state": "nonsense"})

    assert "state" in caught.value.message_dict


def test_only_xlsx_and_csv_are_offered(ledger):
    with pytest.raises(ValidationError):
        export_cases(ledger.district_admin, fmt="pdf")
