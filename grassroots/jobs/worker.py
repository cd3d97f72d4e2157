"""Running queued jobs (``manage.py run_jobs``).

A job is claimed with a conditional UPDATE (``queued → running`` where it is still queued, or, for
a running job whose worker stopped, where its claim is still the one read), so two workers running
at once never both run the same job; no broker or lock server is needed. Each claim writes a new
token into ``claimed_by``; every later write (progress, the result) is conditional on that token,
so a worker that was taken over finds out at its next progress write and stops, and cannot
overwrite what its successor records.

A running job proves its worker alive by its progress writes (``heartbeat_at``, every
``PROGRESS_EVERY`` rows). A job whose heartbeat is older than ``stale_after`` (10 minutes by
default, far above the pause between two progress writes) is taken over and run again from the
start. Running again is safe for every kind: a hotline import counts tickets already in the ledger
as "already imported", a catalog import leaves unchanged rows unchanged, an export is written
afresh (and audit-recorded again). After ``MAX_ATTEMPTS`` claims a stale job is marked failed
instead: a job that kills its worker must not kill every worker in turn.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grassroots.core import context
from grassroots.core.errors import ValidationError
from grassroots.jobs.choices import JobState
from grassroots.jobs.models import Job

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 100  # rows between two progress writes (each one is also the worker's heartbeat)
MAX_ATTEMPTS = 3
STALE_AFTER = dt.timedelta(minutes=10)
MESSAGE_MAX_CHARS = 2000


class JobLost(Exception):
    """Another worker took the job over: this one must stop without writing anything more."""


@dataclass
class Outcome:
    """What a finished job leaves: counts, row errors, a summary and, if any, a stored result file
    (its storage name and the name to download it as)."""

    counts: dict[str, Any]
    row_errors: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    result_file: str = ""
    result_name: str = ""


class Progress:
    """The running job's progress writes, conditional on the claim (module docstring)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.total: int | None = None

    def _write(self, **fields: Any) -> None:
        updated = Job.objects.filter(
            pk=self.job.pk, state=JobState.RUNNING, claimed_by=self.job.claimed_by
        ).update(heartbeat_at=timezone.now(), **fields)
        if not updated:
            raise JobLost(str(self.job.uid))

    def start(self, total: int | None) -> None:
        """The amount of work, once known (rows to import or export)."""
        self.total = total
        self._write(done=0, total=total)

    def advance(self, done: int) -> None:
        self._write(done=done if self.total is None else min(done, self.total))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass(frozen=True)
class Candidate:
    """A job as it was read: the claim is made only if it is still in this state."""

    pk: int
    state: str
    claimed_by: str
    heartbeat_at: dt.datetime | None
    attempts: int


def candidates(*, stale_after: dt.timedelta = STALE_AFTER, batch: int = 20) -> list[Candidate]:
    """Jobs to run now: queued ones and running ones whose worker stopped. Oldest first."""
    stale = Q(state=JobState.RUNNING, heartbeat_at__lt=timezone.now() - stale_after)
    rows = Job.objects.filter(Q(state=JobState.QUEUED) | stale).order_by("created_at", "pk")[:batch]
    return [
        Candidate(*row) for row in rows.values_list("pk", "state", "claimed_by", "heartbeat_at", "attempts")
    ]


def _as_read(candidate: Candidate) -> Q:
    return Q(
        pk=candidate.pk,
        state=candidate.state,
        claimed_by=candidate.claimed_by,
        heartbeat_at=candidate.heartbeat_at,
    )


def claim(candidate: Candidate, *, worker: str | None = None) -> Job | None:
    """Take the job for this worker if nobody changed it since it was read; None when another
    worker got there first (or it was given up: ``MAX_ATTEMPTS``)."""
    now = timezone.now()
    if candidate.state == JobState.RUNNING and candidate.attempts >= MAX_ATTEMPTS:
        message = _("The job was stopped %(n)s times without finishing; it was given up.") % {
            "n": candidate.attempts
        }
        Job.objects.filter(_as_read(candidate)).update(
            state=JobState.FAILED, message=message, finished_at=now, heartbeat_at=now
        )
        return None
    token = f"{worker or worker_name()}:{uuid.uuid4().hex[:12]}"
    taken = Job.objects.filter(_as_read(candidate)).update(
        state=JobState.RUNNING,
        claimed_by=token,
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
        done=0,
    )
    if not taken:
        return None
    return Job.objects.select_related("owner").get(pk=candidate.pk)


def _finish(job: Job, *, state: JobState, message: str = "", outcome: Outcome | None = None) -> bool:
    """Write the end of the job if the claim is still this worker's; the uploaded file, which may
    hold personal data in clear (a hotline ledger's phones), is deleted once the job is over."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "state": state,
        "message": message[:MESSAGE_MAX_CHARS],
        "finished_at": now,
        "heartbeat_at": now,
        "input_file": "",
    }
    if outcome is not None:
        fields.update(
            counts=outcome.counts,
            row_errors=outcome.row_errors,
            result_file=outcome.result_file,
            result_name=outcome.result_name,
            message=(outcome.message or message)[:MESSAGE_MAX_CHARS],
        )
    updated = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, claimed_by=job.claimed_by).update(
        **fields
    )
    if not updated:
        if outcome is not None and outcome.result_file:
            default_storage.delete(outcome.result_file)
        return False
    if job.input_file.name:
        default_storage.delete(job.input_file.name)
    return True


def _messages(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def run_claimed(job: Job) -> str:
    """Run a job this worker holds, as its owner, in the language and with the origin of its
    submission. Returns "done", "failed" or "lost" (taken over by another worker)."""
    from grassroots.jobs.kinds import RUNNERS

    origin = job.origin or {}
    ctx = context.RequestContext(
        source=f"{origin.get('source') or 'web'}:job"[:60],
        ip=origin.get("ip") or None,
        user_agent=str(origin.get("user_agent") or "")[:200],
    )
    with context.use(ctx), translation.override(origin.get("language") or settings.LANGUAGE_CODE):
        try:
            if not job.owner.is_active:
                raise PermissionDenied(_("The account that submitted this job is no longer active."))
            outcome = RUNNERS[job.kind](job, Progress(job))
        except JobLost:
            return "lost"
        except (ValidationError, PermissionDenied) as exc:
            return "failed" if _finish(job, state=JobState.FAILED, message=_messages(exc)) else "lost"
        except Exception:  # a worker outlives any one job; the error goes to the log and the job
            logger.exception("job %s (%s) failed", job.uid, job.kind)
            message = _("The job stopped on an unexpected error; the administrators will find it in the log.")
            return "failed" if _finish(job, state=JobState.FAILED, message=message) else "lost"
        return "done" if _finish(job, state=JobState.DONE, outcome=outcome) else "lost"


@dataclass
class RunReport:
    """What one pass did: jobs finished, failed, lost to another worker, or claimed by another first."""

    done: int = 0
    failed: int = 0
    lost: int = 0
    skipped: int = 0

    @property
    def ran(self) -> int:
        return self.done + self.failed + self.lost


def run_pending(*, worker: str | None = None, stale_after: dt.timedelta = STALE_AFTER) -> RunReport:
    """Run every job that can be run now (queued, or stale), one after another, until none is left."""
    report = RunReport()
    # Ends: every candidate read leaves the candidates when this pass or another worker claims it.
    while batch := candidates(stale_after=stale_after):
        for candidate in batch:
            job = claim(candidate, worker=worker)
            if job is None:
                report.skipped += 1
                continue
            outcome = run_claimed(job)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
