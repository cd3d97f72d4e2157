"""Writes to the inbox made by its reader."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from grassroots.core.models import User
from grassroots.notify.models import Notification


def mark_read(user: User, notifications: QuerySet[Notification] | Iterable[Notification]) -> int:
    """Mark ``notifications`` read for their recipient ``user``; returns how many changed.

    Only the user's own unread notifications change: others' are ignored, and a notification read
    already keeps its first read time, so calling this twice is harmless. The read mark is the
    reader's own view of their inbox, not governed data, so it leaves no audit record.
    """
    if isinstance(notifications, QuerySet):
        rows = notifications.filter(recipient=user)
    else:
        rows = Notification.objects.filter(recipient=user, pk__in=[n.pk for n in notifications])
    return rows.filter(read_at__isnull=True).update(read_at=timezone.now())
