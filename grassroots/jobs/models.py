"""Background jobs: an import or export that runs outside the request, with its progress and result.

A job is written once by its submitter (``jobs.actions``) and from then on only by the worker that
holds its claim (``jobs.worker``): every write after the claim is a conditional UPDATE on
``claimed_by``, so a worker that was taken over cannot overwrite what its successor records.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.jobs.choices import FINISHED_STATES, JobKind, JobState


def input_path(instance: Job, filename: str) -> str:
    # The uploaded name is kept in ``input_name``; on disk the job's public id names the file.
    _stem, dot, suffix = filename.rpartition(".")
    suffix = "".join(c for c in suffix.lower() if c.isascii() and c.isalnum())[:8] if dot else ""
    return f"jobs/{instance.uid}/input.{suffix}" if suffix else f"jobs/{instance.uid}/input"


class Job(models.Model):
    """One piece of long work submitted by ``owner``: an Excel import or a large export.

    ``params`` are the kind's parameters (district code, filters, format …); ``origin`` is where
    the submission came from (language, client address), so that what the job writes is recorded
    and worded as if the request had done it. ``done``/``total`` is the progress (``total`` empty
    while unknown); ``counts`` and ``row_errors`` are the result, ``result_file`` the file to
    download (an export, or the list of row errors). ``claimed_by`` and ``heartbeat_at`` let a
    worker take over a job whose worker stopped (docs/deploy.md §6)."""

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=JobKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="jobs"
    )
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    origin = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(_("uploaded file"), upload_to=input_path, blank=True, max_length=200)
    input_name = models.CharField(_("uploaded file name"), max_length=200, blank=True)
    result_file = models.FileField(_("result file"), blank=True, max_length=200)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_idx"),
            models.Index(fields=["state", "heartbeat_at"], name="job_claim_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=JobState.values), name="job_state_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=JobKind.values), name="job_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uid}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the total is unknown."""
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
