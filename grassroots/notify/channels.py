"""Outbound channels. Each is a class with a ``name``, ``accepts(user)`` and ``send(notification)``;
``settings.NOTIFY_CHANNELS`` lists the dotted paths of the enabled ones (email by default), so SMS or
WeChat adapters plug in without touching the domain code (docs/notifications.md).

``send`` either returns (the message was handed over) or raises (the sender records the error and
retries later); it runs outside any database transaction.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from grassroots.core.models import User
from grassroots.notify.models import Notification


class Channel:
    name = ""

    def accepts(self, user: User) -> bool:
        raise NotImplementedError

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """Email through Django's mail backend (``EMAIL_BACKEND``) to users who have an address."""

    name = "email"

    def accepts(self, user: User) -> bool:
        return bool(user.email)

    def send(self, notification: Notification) -> None:
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}".strip()
        send_mail(
            subject=notification.title,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )


class LogChannel(Channel):
    """Writes each notification to the log instead of sending it: for staging and development, and
    an example of a second channel. Only the title and the link are logged, never the body, which
    may quote a resident's words."""

    name = "log"
    logger = logging.getLogger("grassroots.notify.log_channel")

    def accepts(self, user: User) -> bool:
        return user.is_active

    def send(self, notification: Notification) -> None:
        self.logger.info(
            "notification %s to user %s: %s %s",
            notification.pk,
            notification.recipient_id,
            notification.title,
            notification.url,
        )


@cache
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    return tuple(import_string(path)() for path in paths)


def enabled_channels() -> tuple[Channel, ...]:
    return _load(tuple(settings.NOTIFY_CHANNELS))


def channel_named(name: str) -> Channel | None:
    return next((channel for channel in enabled_channels() if channel.name == name), None)
