"""A job's page polls its status every two seconds while the job waits or runs and stops once it
has finished; the forms show their errors beside the fields."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.cases.tests import conftest as ledger_fixtures
from grassroots.jobs import actions, worker
from grassroots.jobs.choices import JobKind, JobState
from grassroots.jobs.models import Job

# The ledger's 12345 ledger fixtures (grassroots/cases/tests/conftest.py).
hotline_file = ledger_fixtures.hotline_file
hotline_rows = ledger_fixtures.hotline_rows

POLL = 'hx-trigger="every 2s"'
HOTLINE = reverse("web:job-new", args=[JobKind.HOTLINE_IMPORT])
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def job(ledger):
    return actions.submit_case_export(actor=ledger.community_worker, fmt="csv", filters={})


def test_a_waiting_job_polls_its_status(ledger, client_for, job):
    client = client_for("community_worker")

    page = client.get(reverse("web:job", args=[job.uid])).content.decode()
    status = client.get(reverse("web:job-status", args=[job.uid])).content.decode()

    assert POLL in page
    assert POLL in status
    assert f'hx-get="{reverse("web:job-status", args=[job.uid])}"' in page


def test_a_running_job_shows_how_far_it_has_come(ledger, client_for, job):
    (candidate,) = worker.candidates()
    claimed = worker.claim(candidate, worker="test")
    assert claimed is not None
    progress = worker.Progress(claimed)
    progress.start(200)
    progress.advance(50)

    body = client_for("community_worker").get(reverse("web:job-status", args=[job.uid]), headers=EN)

    text = body.content.decode()
    assert POLL in text
    assert 'value="25"' in text
    assert "50 of 200 rows" in text
    assert body["Cache-Control"] == "no-store"


def test_a_finished_job_stops_polling_and_shows_its_result(ledger, client_for, job):
    worker.run_pending(worker="test")
    client = client_for("community_worker")

    status = client.get(reverse("web:job-status", args=[job.uid]), headers=EN).content.decode()
    page = client.get(reverse("web:job", args=[job.uid]), headers=EN).content.decode()

    for body in (status, page):
        assert POLL not in body
        assert "data-job-result" in body
        assert reverse("web:job-result", args=[job.uid]) in body


def test_a_failed_job_shows_why(ledger, client_for, job):
    Job.objects.filter(pk=job.pk).update(params={"format": "csv", "filters": {"received_after": "x"}})

    worker.run_pending(worker="test")

    body = client_for("community_worker").get(reverse("web:job", args=[job.uid]), headers=EN).content.decode()
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED
    assert POLL not in body
    assert "The job failed" in body
    assert "Enter a valid date." in body


def test_a_missing_file_is_shown_beside_the_file_field(ledger, client_for):
    response = client_for("community_worker").post(HOTLINE, {"district": ledger.district.code}, headers=EN)

    body = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]
    assert 'id="id_file_error"' in body
    assert not Job.objects.exists()


def test_a_ledger_without_a_header_row_is_shown_beside_the_file_field(ledger, client_for, hotline_file):
    data = hotline_file([{"编号?": "1", "内容?": "x"}], fmt="csv", encoding="utf-8")

    response = client_for("community_worker").post(
        HOTLINE, {"district": ledger.district.code, "file": SimpleUploadedFile("a.csv", data)}, headers=EN
    )

    assert response.status_code == 400
    assert "No header row" in response.context["form"].errors["file"][0]
    assert 'id="id_file_error"' in response.content.decode()
    assert not Job.objects.exists()


def test_a_ledger_missing_a_required_column_names_it(ledger, client_for, hotline_file):
    data = hotline_file([{"工单编号": "1", "诉求内容": "x"}], fmt="csv", encoding="utf-8")

    response = client_for("community_worker").post(
        HOTLINE, {"district": ledger.district.code, "file": SimpleUploadedFile("a.csv", data)}, headers=EN
    )

    assert response.status_code == 400
    assert "来电时间" in response.context["form"].errors["file"][0]


def test_a_district_one_may_not_import_into_is_a_field_error(ledger, client_for, hotline_file, hotline_rows):
    from grassroots.org import actions as org_actions
    from grassroots.org.choices import UnitKind

    other = org_actions.create_unit(actor=ledger.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")
    data = hotline_file(hotline_rows)

    response = client_for("community_worker").post(
        HOTLINE, {"district": other.code, "file": SimpleUploadedFile("a.xlsx", data)}, headers=EN
    )

    assert response.status_code == 400
    assert "district" in response.context["form"].errors
    assert not Job.objects.exists()


def test_the_form_starts_in_the_district_of_the_unit_one_works_in(ledger, client_for):
    response = client_for("grid_manager_x").get(HOTLINE)

    assert response.context["form"]["district"].value() == ledger.district.code


def test_the_pages_speak_chinese_by_default(ledger, client_for, job):
    client = client_for("community_worker")

    for url in (reverse("web:jobs"), HOTLINE, reverse("web:job", args=[job.uid])):
        assert '<html lang="zh-hans">' in client.get(url).content.decode()
