"""The catalog workbook through the API: exported by the district's staff, imported by its
administrators (row errors listed, the rest kept; ``atomic`` keeps nothing)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from grassroots.cases.models import Category


def upload(rows: list) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("catalog.xlsx", buffer.getvalue())


def test_the_export_is_a_workbook_of_the_district(client_for, default_catalog):
    response = client_for("street_staff").get("/api/catalog/export.xlsx", {"district": "530113"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "catalog-530113-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=1).value == "编码"
    assert client_for("street_staff").get("/api/catalog/export.xlsx").status_code == 404


def test_the_exported_workbook_imports_back_unchanged(client_for, default_catalog):
    client = client_for("district_admin")
    exported = client.get("/api/catalog/export.xlsx", {"district": "530113"}).content

    response = client.post(
        "/api/catalog/import/",
        {"district": "530113", "file": SimpleUploadedFile("c.xlsx", exported)},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["errors"] == []
    assert (body["created"], body["updated"], body["limits_written"]) == (0, 0, 0)


def test_row_errors_are_listed_and_good_rows_kept_unless_atomic(client_for, default_catalog):
    client = client_for("district_admin")
    rows = [["编码", "名称", "默认分类"], ["NEW-A", "新事项", "小事"], ["NEW-B", "坏的", "中事"]]

    atomic = client.post(
        "/api/catalog/import/",
        {"district": "530113", "file": upload(rows), "atomic": True},
        format="multipart",
    )
    kept = client.post(
        "/api/catalog/import/", {"district": "530113", "file": upload(rows)}, format="multipart"
    )

    assert atomic.status_code == 400
    assert atomic.json()["committed"] is False
    assert kept.status_code == 200
    assert kept.json()["errors"] == [
        {
            "row": 3,
            "code": "NEW-B",
            "errors": {"default_class": [kept.json()["errors"][0]["errors"]["default_class"][0]]},
        }
    ]
    assert Category.objects.filter(code="NEW-A").exists()
    assert not Category.objects.filter(code="NEW-B").exists()


def test_import_is_refused_to_other_staff_and_unknown_districts(client_for, default_catalog):
    rows = [["编码", "名称"], ["X", "甲"]]

    staff = client_for("community_worker").post(
        "/api/catalog/import/", {"district": "530113", "file": upload(rows)}, format="multipart"
    )
    resident = client_for("resident_a").post(
        "/api/catalog/import/", {"district": "530113", "file": upload(rows)}, format="multipart"
    )
    not_a_workbook = client_for("district_admin").post(
        "/api/catalog/import/",
        {"district": "530113", "file": SimpleUploadedFile("x.xlsx", b"hello")},
        format="multipart",
    )

    assert staff.status_code == 403
    assert (resident.status_code, set(resident.json())) == (400, {"district"})
    assert (not_a_workbook.status_code, set(not_a_workbook.json())) == (400, {"file"})
    assert not Category.objects.filter(code="X").exists()
