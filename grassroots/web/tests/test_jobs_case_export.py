"""A case list export submitted on the page is written by the worker: the submitter's cases with
the chosen filters, personal data masked, audit-recorded as the API's export is."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import assert_no_plaintext
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.jobs import worker
from grassroots.jobs.choices import JobKind, JobState
from grassroots.jobs.models import Job

URL = reverse("web:job-new", args=[JobKind.CASE_EXPORT])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(ledger, report):
    admin = ledger.district_admin
    return {
        "x": report(actor=admin, reporter_phone="13955556666").number,
        "y": report(actor=admin, household=ledger.household_y, reporter=ledger.resident_b).number,
        "w": report(actor=admin, household=ledger.household_w, reporter=None, reporter_name="孙八").number,
    }


def export(client, **fields):
    """Submit the export form, run the worker, and return (job, the file's bytes)."""
    response = client.post(URL, {"format": "csv", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    worker.run_pending(worker="test")
    job = Job.objects.latest("pk")
    download = client.get(reverse("web:job-result", args=[job.uid]))
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


def csv_numbers(data: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


def test_the_export_holds_the_submitters_cases_with_the_chosen_filters(client_for, ledger, cases):
    client = client_for("district_admin")

    _job, every = export(client)
    _job, street = export(client, unit=ledger.street2.code)

    assert csv_numbers(every) == set(cases.values())
    assert csv_numbers(street) == {cases["w"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("grid_manager_y", {"y"}), ("street_staff", {"x", "y"}), ("department_handler", set())],
)
def test_each_persona_exports_only_what_they_may_read(client_for, cases, persona, expected):
    job, data = export(client_for(persona))

    assert csv_numbers(data) == {cases[key] for key in expected}
    assert job.counts["rows"] == len(expected)


def test_the_workbook_is_masked(client_for, cases):
    job, data = export(client_for("community_worker"), format="xlsx")

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert job.result_name.endswith(".xlsx")
    assert {row[0] for row in rows[1:]} == {cases["x"], cases["y"]}
    assert_no_plaintext(repr(rows))
    assert "13955556666" not in repr(rows)
    assert "139****6666" in repr(rows)


def test_the_csv_is_masked(client_for, cases):
    _job, data = export(client_for("district_admin"))

    text = data.decode("utf-8-sig")
    assert_no_plaintext(text)
    assert "13955556666" not in text
    assert "139****6666" in text


def test_the_export_is_audit_recorded_with_its_filters_and_row_count(client_for, ledger, cases):
    export(client_for("district_admin"), unit=ledger.street.code, state=["registered"])

    record = AuditRecord.objects.get(action=AuditAction.EXPORT, target_type="cases.case")
    assert record.actor == ledger.district_admin
    assert record.changes == {
        "format": "csv",
        "filter": {"state": "registered", "unit": ledger.street.code},
        "rows": 2,
    }
    assert record.scope_path == ledger.district.path
    assert record.source == "web:job"


def test_progress_counts_the_rows_written(client_for, cases, monkeypatch):
    monkeypatch.setattr(worker, "PROGRESS_EVERY", 1)
    seen: list[int] = []
    advance = worker.Progress.advance

    def spy(self, done):
        advance(self, done)
        seen.append(Job.objects.get(pk=self.job.pk).done)

    monkeypatch.setattr(worker.Progress, "advance", spy)

    job, _data = export(client_for("district_admin"))

    assert seen == [1, 2, 3, 3]
    assert (job.done, job.total, job.state) == (3, 3, JobState.DONE)


def test_a_bad_filter_value_is_shown_on_the_form_and_queues_nothing(client_for, cases):
    response = client_for("district_admin").post(
        URL, {"format": "csv", "received_after": "not a date"}, headers={"accept-language": "en"}
    )

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert response.context["filter_form"].errors["received"]
    assert not Job.objects.exists()


def test_an_unknown_file_type_is_shown_on_the_form(client_for, cases):
    response = client_for("district_admin").post(URL, {"format": "pdf"}, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert response.context["form"].errors["format"]
    assert 'class="field invalid' in response.content.decode()
    assert not Job.objects.exists()


def test_filters_in_the_address_fill_in_the_form(client_for, ledger, cases):
    response = client_for("district_admin").get(f"{URL}?unit={ledger.street2.code}&state=registered&page=3")

    form = response.context["filter_form"]
    assert response.status_code == 200
    assert form["unit"].value() == ledger.street2.code
    assert form["state"].value() == ["registered"]
