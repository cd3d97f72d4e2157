"""``POST /api/cases/import/``: a 12345 hotline ledger in, the summary and the row errors out."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.cases.models import Case
from grassroots.cases.tests import conftest as ledger_fixtures
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

# The ledger's test world and hotline files, shared with grassroots/cases/tests.
ledger = ledger_fixtures.ledger
hotline_file = ledger_fixtures.hotline_file
hotline_rows = ledger_fixtures.hotline_rows

URL = "/api/cases/import/"


def upload(client, data, name="ledger.xlsx", **fields):
    body = {"file": SimpleUploadedFile(name, data), "district": "530113", **fields}
    return client.post(URL, body, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_an_import_answers_with_the_summary_and_the_row_errors(
    client_for, ledger, hotline_file, hotline_rows
):
    response = upload(client_for("district_admin"), hotline_file(hotline_rows))

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("rows", "created", "already_imported", "failed", "dry_run")} == {
        "rows": 8,
        "created": 3,
        "already_imported": 0,
        "failed": 5,
        "dry_run": False,
    }
    assert {"row": 7, "column": "联系电话"} in [{k: e[k] for k in ("row", "column")} for e in body["errors"]]
    assert body["summary"] == "8 rows: 3 created, 0 already imported, 5 failed."


def test_posting_the_same_file_again_creates_no_duplicates(client_for, ledger, hotline_file, hotline_rows):
    client = client_for("district_admin")
    data = hotline_file(hotline_rows, fmt="csv", encoding="gb18030")
    upload(client, data, name="ledger.csv")

    again = upload(client, data, name="ledger.csv").json()

    assert (again["created"], again["already_imported"], again["failed"]) == (0, 3, 5)
    assert Case.objects.count() == 3


def test_a_dry_run_answers_the_same_summary_and_saves_nothing(client_for, ledger, hotline_file, hotline_rows):
    body = upload(client_for("district_admin"), hotline_file(hotline_rows), dry_run="true").json()

    assert (body["created"], body["failed"], body["dry_run"]) == (3, 5, True)
    assert not Case.objects.exists()


def test_a_grid_manager_cannot_import_for_another_district(client_for, ledger, hotline_file, hotline_rows):
    org_actions.create_unit(actor=ledger.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")

    response = upload(client_for("grid_manager_x"), hotline_file(hotline_rows), district="530114")

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_residents_and_strangers_cannot_import(client_for, ledger, hotline_file, hotline_rows):
    data = hotline_file(hotline_rows)

    assert upload(client_for("resident_a"), data).status_code == 403
    assert upload(client_for("nobody"), data).status_code == 403
    assert upload(client_for("anonymous"), data).status_code in (401, 403)
    assert not Case.objects.exists()


def test_an_unknown_district_or_a_file_that_is_no_ledger_is_a_400(
    client_for, ledger, hotline_file, hotline_rows
):
    client = client_for("district_admin")

    unknown = upload(client, hotline_file(hotline_rows), district="999999")
    street = upload(client, hotline_file(hotline_rows), district=ledger.street.code)
    no_ledger = upload(client, "标题,内容\n一,二\n".encode(), name="x.csv")
    no_file = client.post(URL, {"district": "530113"}, format="multipart")

    assert (unknown.status_code, list(unknown.json())) == (400, ["district"])
    assert (street.status_code, list(street.json())) == (400, ["district"])
    assert no_ledger.status_code == 400
    assert no_ledger.json()["file"][0].startswith("No header row")
    assert (no_file.status_code, list(no_file.json())) == (400, ["file"])
