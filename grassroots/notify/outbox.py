"""Writing notifications: ``notify()`` is called by domain actions inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from grassroots.core.models import User
from grassroots.notify.channels import enabled_channels
from grassroots.notify.models import Delivery, Kind, Notification


def notify(
    recipients: Iterable[User | None],
    *,
    kind: Kind | str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    subject: str = "",
) -> int:
    """Put one notification in each recipient's inbox and queue its outbound deliveries.

    ``dedupe_key`` names the occurrence (e.g. ``"case:2026-000123:red:stage-3"``): a second call
    with the same key for the same recipient adds nothing, which is what makes two sweepers
    running at once notify once. Returns the number of recipients considered.
    """
    users = {user.pk: user for user in recipients if user is not None and user.pk and user.is_active}
    if not users:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=str(kind),
                subject=subject[:40],
                title=title[:200],
                body=body,
                url=url[:300],
                dedupe_key=dedupe_key[:200],
            )
            for pk in users
        ],
        ignore_conflicts=True,
    )
    channels = enabled_channels()
    if channels:
        rows = Notification.objects.filter(
            recipient_id__in=list(users), dedupe_key=dedupe_key[:200]
        ).values_list("pk", "recipient_id")
        Delivery.objects.bulk_create(
            [
                Delivery(notification_id=pk, channel=channel.name)
                for pk, recipient_id in rows
                for channel in channels
                if channel.accepts(users[recipient_id])
            ],
            ignore_conflicts=True,
        )
    return len(users)
