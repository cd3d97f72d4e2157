"""Workers claim jobs with a conditional UPDATE: two at once never run a job twice, a job whose
worker stopped is taken over after the timeout (and given up after three tries), and a worker that
was taken over cannot overwrite its successor's result."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from grassroots.cases.tests import conftest as ledger_fixtures
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.jobs import actions, worker
from grassroots.jobs.choices import JobState
from grassroots.jobs.models import Job

# The ledger's 12345 ledger fixtures (grassroots/cases/tests/conftest.py).
hotline_file = ledger_fixtures.hotline_file
hotline_rows = ledger_fixtures.hotline_rows


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def queue_exports(user, n: int) -> list[Job]:
    return [actions.submit_case_export(actor=user, fmt="csv", filters={}) for _ in range(n)]


def claim_next(name: str) -> Job:
    """The oldest runnable job, claimed by the worker called ``name``."""
    candidate = worker.candidates()[0]
    job = worker.claim(candidate, worker=name)
    assert job is not None
    return job


def age(job: Job, seconds: int) -> None:
    """Make the job's last sign of life ``seconds`` old, as if its worker had stopped then."""
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))


def test_two_workers_at_once_run_each_job_exactly_once(
    threads_db, ledger, report, hotline_file, hotline_rows
):
    admin = ledger.district_admin
    report(actor=admin)
    upload = SimpleUploadedFile("12345.csv", hotline_file(hotline_rows, fmt="csv"))
    hotline_job = actions.submit_hotline_import(actor=admin, district=ledger.district, upload=upload)
    jobs = [hotline_job, *queue_exports(admin, 5)]

    first, second = threads_db.run(
        lambda: worker.run_pending(worker="one"), lambda: worker.run_pending(worker="two")
    )

    assert first.done + second.done == len(jobs)
    assert first.lost == second.lost == 0
    assert set(Job.objects.values_list("state", "attempts")) == {(JobState.DONE, 1)}
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT, target_type="cases.case").count() == 5
    assert AuditRecord.objects.filter(action=AuditAction.IMPORT, target_type="cases.hotline").count() == 1


def test_a_claim_fails_when_another_worker_claimed_first(ledger):
    (job,) = queue_exports(ledger.district_admin, 1)
    (candidate,) = worker.candidates()

    assert worker.claim(candidate, worker="one") is not None
    assert worker.claim(candidate, worker="two") is None
    assert Job.objects.get(pk=job.pk).claimed_by.startswith("one:")


def test_a_running_job_is_not_taken_over_before_the_timeout(ledger):
    queue_exports(ledger.district_admin, 1)
    (candidate,) = worker.candidates()
    worker.claim(candidate, worker="stopped")

    assert worker.candidates(stale_after=dt.timedelta(minutes=10)) == []
    assert worker.run_pending(worker="other").ran == 0


def test_a_job_whose_worker_stopped_is_taken_over_after_the_timeout(ledger, report):
    report(actor=ledger.district_admin)
    (job,) = queue_exports(ledger.district_admin, 1)
    (candidate,) = worker.candidates()
    worker.claim(candidate, worker="stopped")
    age(job, 11 * 60)

    result = worker.run_pending(worker="other", stale_after=dt.timedelta(minutes=10))

    job.refresh_from_db()
    assert result.done == 1
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert job.claimed_by.startswith("other:")
    assert job.counts["rows"] == 1


def test_a_worker_that_was_taken_over_stops_at_its_next_progress_write(ledger):
    (job,) = queue_exports(ledger.district_admin, 1)
    mine = claim_next("slow")
    age(job, 11 * 60)
    theirs = claim_next("fast")

    with pytest.raises(worker.JobLost):
        worker.Progress(mine).advance(1)
    assert worker.run_claimed(mine) == "lost"
    assert worker.run_claimed(theirs) == "done"
    assert Job.objects.get(pk=job.pk).claimed_by == theirs.claimed_by


def test_a_worker_that_was_taken_over_cannot_overwrite_the_result(ledger):
    (job,) = queue_exports(ledger.district_admin, 1)
    mine = claim_next("slow")
    age(job, 11 * 60)
    theirs = claim_next("fast")
    assert worker.run_claimed(theirs) == "done"
    finished = Job.objects.get(pk=job.pk)

    assert worker._finish(mine, state=JobState.FAILED, message="late") is False
    assert Job.objects.get(pk=job.pk).state == JobState.DONE
    assert Job.objects.get(pk=job.pk).finished_at == finished.finished_at


def test_a_job_that_stopped_its_worker_three_times_is_given_up(ledger):
    (job,) = queue_exports(ledger.district_admin, 1)
    for name in ("one", "two", "three"):
        (candidate,) = worker.candidates()
        assert worker.claim(candidate, worker=name) is not None
        age(job, 11 * 60)

    result = worker.run_pending(worker="four")

    job.refresh_from_db()
    assert result.ran == 0
    assert (job.state, job.attempts) == (JobState.FAILED, 3)
    assert "given up" in job.message


def test_an_unexpected_error_fails_the_job_and_the_worker_goes_on(ledger, monkeypatch):
    from grassroots.jobs import kinds

    first, second = queue_exports(ledger.district_admin, 2)
    real = kinds.RUNNERS["case_export"]
    calls = iter([RuntimeError("disk full"), None])

    def flaky(job, progress):
        error = next(calls)
        if error is not None:
            raise error
        return real(job, progress)

    monkeypatch.setitem(kinds.RUNNERS, "case_export", flaky)

    result = worker.run_pending(worker="test")

    assert (result.failed, result.done) == (1, 1)
    assert Job.objects.get(pk=first.pk).state == JobState.FAILED
    assert "unexpected error" in Job.objects.get(pk=first.pk).message
    assert "disk full" not in Job.objects.get(pk=first.pk).message  # the details go to the log
    assert Job.objects.get(pk=second.pk).state == JobState.DONE


def test_the_command_runs_what_is_queued_and_exits_with_once(ledger):
    queue_exports(ledger.district_admin, 2)
    out = io.StringIO()

    call_command("run_jobs", "--once", stdout=out)

    assert "done 2, failed 0" in out.getvalue()
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.DONE}
