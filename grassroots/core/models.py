from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.tree import PathField


class User(AbstractUser):
    """A person who signs in: staff of any level, a department handler or a resident.

    What a user may see and do comes from their posts (``org.Post``) and, for residents, from the
    resident record linked to them; never from flags on this model (``is_superuser`` aside).
    """

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    VIEW_PII = "view_pii", _("Full view of personal data")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class AuditRecord(models.Model):
    """One write, or one full view of personal data: who, when, what, from where (docs/domain.md §8).

    Append-only: nothing in the code updates or deletes a record. ``scope_path`` is the tree path
    of the unit the record concerns, so an administrator reads exactly the records of their
    subtree. Personal values are never copied here: a change to a sealed field is recorded as
    ``"changed"``, not as its value.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.CharField(_("object id"), max_length=64)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    scope_path = PathField(_("scope"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"
        )


class SealedIdNumber(models.Model):
    """An encrypted citizen ID number: ciphertext, keyed lookup hash, masked display (see ``core.pii``)."""

    id_number_cipher = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True, editable=False)

    class Meta:
        abstract = True


class SealedPhone(models.Model):
    """An encrypted phone number: ciphertext, keyed lookup hash, masked display (see ``core.pii``)."""

    phone_cipher = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=24, blank=True, editable=False)

    class Meta:
        abstract = True


class DayKind(models.TextChoices):
    OFF = "off", _("Day off")  # 法定节假日 / 休息日
    WORKDAY = "workday", _("Make-up working day")  # 调休上班


class Holiday(models.Model):
    """One entry of the holiday calendar: a weekday off, or a weekend day worked (调休上班).

    Weekdays are working days and weekends are not unless an entry says otherwise; deadlines in
    working days are computed from this table (docs/domain.md §3.3), which is data, never code.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday calendar entry")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="holiday_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
