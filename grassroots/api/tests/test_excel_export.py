"""``GET /api/cases/export.xlsx`` and ``.csv``: the list's filters, the caller's scope, masked, audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import assert_no_plaintext
from grassroots.cases.tests import conftest as ledger_fixtures
from grassroots.core.models import AuditAction, AuditRecord

# The ledger's test world, shared with grassroots/cases/tests.
ledger = ledger_fixtures.ledger
report = ledger_fixtures.report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def cases(ledger, report):
    admin = ledger.district_admin
    return {
        "x": report(actor=admin, reporter_phone="13955556666").number,
        "y": report(actor=admin, household=ledger.household_y, reporter=ledger.resident_b).number,
        "w": report(actor=admin, household=ledger.household_w, reporter=None, reporter_name="孙八").number,
    }


def test_the_workbook_holds_the_callers_cases_masked(client_for, cases):
    response = client_for("community_worker").get("/api/cases/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert {row[0] for row in rows[1:]} == {cases["x"], cases["y"]}
    assert len(rows[0]) == 21
    assert_no_plaintext(repr(rows))
    assert "13955556666" not in repr(rows)
    assert "139****6666" in repr(rows)


def test_the_csv_takes_the_same_filters_as_the_list(client_for, ledger, cases):
    client = client_for("district_admin")

    every = csv_rows(client.get("/api/cases/export.csv"))
    street = csv_rows(client.get(f"/api/cases/export.csv?unit={ledger.street2.code}"))
    listed = client.get(f"/api/cases/?unit={ledger.street2.code}").json()

    assert {row[0] for row in every[1:]} == set(cases.values())
    assert [row[0] for row in street[1:]] == [cases["w"]]
    assert [item["number"] for item in listed["results"]] == [cases["w"]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("resident_a", {"x"}),
        ("grid_manager_y", {"y"}),
        ("street_staff", {"x", "y"}),
        ("department_handler", set()),
        ("nobody", set()),
    ],
)
def test_each_persona_exports_only_what_they_may_read(client_for, cases, persona, expected):
    response = client_for(persona).get("/api/cases/export.csv")

    assert response.status_code == 200
    assert {row[0] for row in csv_rows(response)[1:]} == {cases[key] for key in expected}


def test_signed_out_callers_get_nothing(client_for, cases):
    assert client_for("anonymous").get("/api/cases/export.csv").status_code in (401, 403)
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_every_export_is_audited_with_its_filters_and_row_count(client_for, ledger, cases):
    client_for("district_admin").get(f"/api/cases/export.xlsx?unit={ledger.community.code}&state=registered")

    record = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert record.actor == ledger.district_admin
    assert record.source == "api"
    assert record.changes == {
        "format": "xlsx",
        "filter": {"state": "registered", "unit": ledger.community.code},
        "rows": 2,
    }


def test_bad_filters_are_a_400_and_export_nothing(client_for, cases):
    response = client_for("district_admin").get("/api/cases/export.csv?state=nonsense")

    assert response.status_code == 400
    assert "state" in response.json()
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_makes_the_same_queries_for_three_cases_as_for_six(client_for, ledger, report, fmt):
    client = client_for("district_admin")
    url = f"/api/cases/export.{fmt}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            b"".join(response.streaming_content)
        return len(queries)

    for household in (ledger.household_x, ledger.household_y, ledger.household_w):
        report(
            actor=ledger.district_admin,
            household=household,
            reporter=None,
            reporter_name="某",
            category=ledger.cat_road,
        )
    three = count()
    for household in (ledger.household_x, ledger.household_y, ledger.household_z):
        report(
            actor=ledger.district_admin,
            household=household,
            reporter=None,
            reporter_name="某",
            category=ledger.cat_light,
        )
    six = count()

    assert three == six
