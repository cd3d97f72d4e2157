"""Notifications: an in-app inbox and outbound deliveries (email now; SMS/WeChat adapters later).

A notification is written in the same transaction as the change it reports, so a rolled-back
change notifies nobody; ``dedupe_key`` makes writing the same notification twice a no-op, and each
``Delivery`` is claimed by one sender with a conditional update, so each is sent once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    YELLOW = "yellow", _("Yellow deadline warning")
    RED = "red", _("Red deadline warning")
    SUPERVISED = "supervised", _("Put under supervision")
    REOPENED = "reopened", _("Reopened by the reporter")
    RATED = "rated", _("Rated by the reporter")
    RATING_REQUESTED = "rating_requested", _("Please rate the result")
    RETURNED = "returned", _("Returned as misrouted")
    COPIED = "copied", _("Copied to you")
    EXTENSION = "extension", _("Extension decision")
    UPDATE = "update", _("Progress on your request")


class Notification(models.Model):
    """One message to one user. ``subject`` names what it is about (e.g. a case number) and
    ``url`` where to look; the inbox shows unread ones first."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("about"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A notification to be sent through one outbound channel ("email", "sms", "wechat" …)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.channel}: {self.status}"
