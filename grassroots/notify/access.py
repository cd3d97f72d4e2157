"""Who reads which notifications: each user their own inbox, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.notify.models import Notification
from grassroots.org.access import AnyUser


def notifications_visible_to(user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)
