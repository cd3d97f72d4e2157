"""The vocabulary of jobs: what kind of work, and where it stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    HOTLINE_IMPORT = "hotline_import", _("12345 hotline import")
    CASE_EXPORT = "case_export", _("Case list export")
    CATALOG_IMPORT = "catalog_import", _("Matter catalog import")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED_STATES = frozenset({JobState.DONE, JobState.FAILED})
