"""Candidate common problems found by grouping open cases (docs/triage.md, "Common problems")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.cases.models import Case, CommonProblem
from grassroots.org.models import Unit


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("candidate", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("candidate", "accepted")
    DISMISSED = "dismissed", pgettext_lazy("candidate", "dismissed")


class ProblemCandidate(models.Model):
    """A group of similar open cases that may be one common problem (共性问题), with its heat.
    Staff accept it (a ``CommonProblem`` is created from the members they keep) or dismiss it;
    each run of ``triage_problems`` replaces a district's proposed candidates."""

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=200)
    phrases = models.JSONField(_("characteristic words"), default=list)
    case_count = models.PositiveIntegerField(_("cases"))
    household_count = models.PositiveIntegerField(_("households"))
    grid_count = models.PositiveIntegerField(_("grids"))
    me_too_count = models.PositiveIntegerField(_("me too"))
    heat = models.PositiveIntegerField(_("heat"))
    propose_major = models.BooleanField(_("proposed as one major matter"), default=False)
    window_start = models.DateTimeField(_("from"))
    found_at = models.DateTimeField(_("found"))
    state = models.CharField(
        _("state"), max_length=10, choices=CandidateState.choices, default=CandidateState.PROPOSED
    )
    problem = models.ForeignKey(
        CommonProblem,
        verbose_name=_("common problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("candidate common problem")
        verbose_name_plural = _("candidate common problems")
        ordering = ["-heat", "-case_count", "id"]
        indexes = [models.Index(fields=["district", "state", "-heat"], name="candidate_district_heat")]

    def __str__(self) -> str:
        return self.label


class CandidateMember(models.Model):
    """A case in a candidate; the first (``centre``) is the message the others were found around."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(ProblemCandidate, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    centre = models.BooleanField(default=False)
    similarity = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "case"], name="candidatemember_unique")]

    def __str__(self) -> str:
        return f"{self.candidate_id} ∋ {self.case_id}"
