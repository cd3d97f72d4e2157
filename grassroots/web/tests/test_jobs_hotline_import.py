"""A 12345 hotline ledger uploaded on the page is imported by the worker, row by row with progress,
and its result page lists the counts and the rows with problems."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.cases.choices import Channel
from grassroots.cases.models import Case
from grassroots.cases.tests import conftest as ledger_fixtures
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.jobs import worker
from grassroots.jobs.choices import JobKind, JobState
from grassroots.jobs.models import Job

# The ledger's 12345 ledger fixtures (grassroots/cases/tests/conftest.py).
hotline_file = ledger_fixtures.hotline_file
hotline_rows = ledger_fixtures.hotline_rows

URL = reverse("web:job-new", args=[JobKind.HOTLINE_IMPORT])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(data: bytes, name: str = "12345.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def submit(client, ledger, data, *, english=False, **fields):
    headers = {"accept-language": "en"} if english else {}
    return client.post(
        URL, {"district": ledger.district.code, "file": upload(data), **fields}, headers=headers
    )


def test_submitting_a_ledger_queues_a_job_and_shows_its_page(ledger, client_for, hotline_file, hotline_rows):
    response = submit(client_for("community_worker"), ledger, hotline_file(hotline_rows))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=[job.uid])
    assert (job.kind, job.state, job.owner) == (
        JobKind.HOTLINE_IMPORT,
        JobState.QUEUED,
        ledger.community_worker,
    )
    assert job.params == {"district": ledger.district.code, "dry_run": False}
    assert job.input_name == "12345.xlsx"
    assert Case.objects.count() == 0  # nothing is imported before a worker runs it
    record = AuditRecord.objects.get(target_type="jobs.job")
    assert (record.action, record.actor, record.target_id) == (
        AuditAction.CREATE,
        ledger.community_worker,
        str(job.uid),
    )


def test_the_worker_imports_the_good_rows_and_keeps_the_row_errors(
    ledger, client_for, hotline_file, hotline_rows
):
    submit(client_for("community_worker"), ledger, hotline_file(hotline_rows))

    report = worker.run_pending(worker="test")

    job = Job.objects.get()
    assert (report.done, job.state) == (1, JobState.DONE)
    assert (job.done, job.total) == (8, 8)
    assert job.counts["created"] == 3
    assert job.counts["failed"] == 5
    assert sorted(Case.objects.filter(channel=Channel.HOTLINE).values_list("source_ref", flat=True)) == [
        "RX2024001",
        "RX2024002",
        "RX2024003",
    ]
    assert {(e["row"], e["column"]) for e in job.row_errors} == {
        (5, "工单编号"),
        (6, "问题分类"),
        (7, "联系电话"),
        (8, "来电时间"),
        (9, "经度"),
    }
    # The import is recorded as the submitter's, as if the request had done it.
    record = AuditRecord.objects.get(action=AuditAction.IMPORT, target_type="cases.hotline")
    assert record.actor == ledger.community_worker
    assert record.source == "web:job"


def test_progress_is_written_as_the_rows_go_by(ledger, client_for, hotline_file, hotline_rows, monkeypatch):
    monkeypatch.setattr(worker, "PROGRESS_EVERY", 3)
    seen: list[tuple[int, int | None]] = []
    advance = worker.Progress.advance

    def spy(self, done):
        advance(self, done)
        job = Job.objects.get(pk=self.job.pk)
        seen.append((job.done, job.total))

    monkeypatch.setattr(worker.Progress, "advance", spy)
    submit(client_for("community_worker"), ledger, hotline_file(hotline_rows))

    worker.run_pending(worker="test")

    assert seen == [(3, 8), (6, 8), (8, 8)]


def test_the_result_page_shows_the_counts_and_the_rows_with_problems(
    ledger, client_for, hotline_file, hotline_rows
):
    client = client_for("community_worker")
    submit(
        client, ledger, hotline_file(hotline_rows), english=True
    )  # the job speaks its submitter's language
    worker.run_pending(worker="test")
    job = Job.objects.get()

    page = client.get(reverse("web:job", args=[job.uid]), headers={"accept-language": "en"})

    body = page.content.decode()
    assert page.status_code == 200
    assert "Rows with problems" in body
    for row, column in ((5, "工单编号"), (6, "问题分类"), (9, "经度")):
        assert f"<td>{row}</td>" in body
        assert f"<td>{column}</td>" in body
    assert "No category is called 不存在/分类" in body
    assert "8 rows: 3 created, 0 already imported, 5 failed." in body
    assert reverse("web:job-result", args=[job.uid]) in body


def test_the_row_errors_download_as_a_workbook(ledger, client_for, hotline_file, hotline_rows):
    client = client_for("community_worker")
    submit(client, ledger, hotline_file(hotline_rows))
    worker.run_pending(worker="test")
    job = Job.objects.get()

    response = client.get(reverse("web:job-result", args=[job.uid]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    assert {(row[0], row[1]) for row in rows[1:]} == {
        (5, "工单编号"),
        (6, "问题分类"),
        (7, "联系电话"),
        (8, "来电时间"),
        (9, "经度"),
    }


def test_the_uploaded_ledger_is_deleted_once_the_job_has_finished(
    ledger, client_for, hotline_file, hotline_rows, settings
):
    submit(client_for("community_worker"), ledger, hotline_file(hotline_rows))
    stored = Job.objects.get().input_file.name
    assert (settings.MEDIA_ROOT / stored).is_file()

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.input_file.name == ""
    assert not (settings.MEDIA_ROOT / stored).exists()  # it held the callers' phones in clear
    assert job.input_name == "12345.xlsx"


def test_a_dry_run_saves_nothing(ledger, client_for, hotline_file, hotline_rows):
    submit(client_for("community_worker"), ledger, hotline_file(hotline_rows), dry_run="on")

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.state == JobState.DONE
    assert job.counts["dry_run"] is True
    assert job.counts["created"] == 3
    assert Case.objects.count() == 0


def test_importing_the_same_ledger_again_creates_no_duplicates(
    ledger, client_for, hotline_file, hotline_rows
):
    client = client_for("community_worker")
    data = hotline_file(hotline_rows)
    submit(client, ledger, data)
    worker.run_pending(worker="test")

    submit(client, ledger, data)
    worker.run_pending(worker="test")

    second = Job.objects.latest("pk")
    assert second.counts["already_imported"] == 3
    assert second.counts["created"] == 0
    assert Case.objects.count() == 3


def test_a_job_whose_submitter_lost_the_right_to_import_fails_with_the_reason(
    ledger, client_for, hotline_file, hotline_rows
):
    from grassroots.org import actions as org_actions

    submit(client_for("community_worker"), ledger, hotline_file(hotline_rows), english=True)
    for post in ledger.community_worker.posts.all():
        org_actions.end_post(actor=ledger.root, post=post)

    worker.run_pending(worker="test")

    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "cannot import cases" in job.message
    assert Case.objects.count() == 0
