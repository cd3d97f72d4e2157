"""A matter catalog workbook submitted on the page is read into the catalog by the worker, through
the catalog's actions; rows with problems are listed by row, code and column."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from grassroots.cases import catalog_excel
from grassroots.cases.models import Category, TimeLimit
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.jobs import worker
from grassroots.jobs.choices import JobKind, JobState
from grassroots.jobs.models import Job

URL = reverse("web:job-new", args=[JobKind.CATALOG_IMPORT])
ROWS = [
    ["编码", "名称", "上级编码", "默认分类", "超时自动升级", "不限·全程·办理"],
    ["NEW-1", "新的一类", "", "小事", "否", 5],
    ["BAD-1", "坏的分类", "", "中事", "否", None],
    ["BAD-2", "找不到上级", "NOPE", "", "否", None],
    ["SQ-01", "楼道照明与电梯", "SQ", "", "否", None],
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook(rows: list) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def submit(client, ledger, data: bytes, **fields):
    file = SimpleUploadedFile("catalog.xlsx", data)
    return client.post(
        URL, {"district": ledger.district.code, "file": file, **fields}, headers={"accept-language": "en"}
    )


def test_the_worker_applies_the_good_rows_and_lists_the_bad_ones(ledger, client_for):
    client = client_for("district_admin")
    response = submit(client, ledger, workbook(ROWS))
    assert response.status_code == 302

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (4, 4)
    assert job.counts["created"] == 1
    assert job.counts["updated"] == 1
    assert job.counts["failed"] == 2
    assert Category.objects.get(code="SQ-01").name == "楼道照明与电梯"
    assert TimeLimit.objects.get(category__code="NEW-1", stage="case").handling_days == 5
    assert not Category.objects.filter(code__startswith="BAD").exists()
    assert {(e["row"], e["ref"], e["column"]) for e in job.row_errors} == {
        (3, "BAD-1", "默认分类"),
        (4, "BAD-2", "上级编码"),
    }
    # Each change went through the catalog's actions, as the submitter.
    assert AuditRecord.objects.filter(
        target_type="cases.category", action=AuditAction.CREATE, actor=ledger.district_admin
    ).exists()


def test_the_result_page_lists_the_rows_with_problems_and_their_codes(ledger, client_for):
    client = client_for("district_admin")
    submit(client, ledger, workbook(ROWS))
    worker.run_pending(worker="test")
    job = Job.objects.get()

    body = client.get(reverse("web:job", args=[job.uid]), headers={"accept-language": "en"}).content.decode()

    assert '<td class="mono">BAD-1</td>' in body
    assert '<td class="mono">BAD-2</td>' in body
    assert "Categories created" in body
    assert "2 rows failed" in body


def test_all_or_nothing_keeps_nothing_when_a_row_fails(ledger, client_for):
    submit(client_for("district_admin"), ledger, workbook(ROWS), atomic="on")

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.state == JobState.DONE
    assert job.counts["committed"] is False
    assert "Nothing was kept" in job.message
    assert not Category.objects.filter(code="NEW-1").exists()
    assert Category.objects.get(code="SQ-01").name == "楼道照明"


def test_the_exported_catalog_imports_back_unchanged(ledger, client_for):
    data = catalog_excel.export_catalog(ledger.district, actor=None)
    submit(client_for("district_admin"), ledger, data)

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.counts["created"] == job.counts["updated"] == job.counts["failed"] == 0
    assert job.row_errors == []
    assert not job.result_file  # no errors, nothing to download


def test_a_file_that_is_not_a_workbook_is_an_error_on_the_form(ledger, client_for):
    response = submit(client_for("district_admin"), ledger, b"code,name\nA,B\n")

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This is not an Excel workbook (.xlsx)."]
    assert "This is not an Excel workbook (.xlsx)." in response.content.decode()
    assert not Job.objects.exists()


def test_a_workbook_without_a_code_column_is_an_error_on_the_form(ledger, client_for):
    response = submit(client_for("district_admin"), ledger, workbook([["名称"], ["x"]]))

    assert response.status_code == 400
    assert "编码" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()
