"""Channels for the sender's tests: they record, fail, or misbehave on purpose."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import ClassVar

from django.utils import timezone

from grassroots.core.models import User
from grassroots.notify import sender
from grassroots.notify.channels import Channel
from grassroots.notify.models import Delivery, Notification


class RecordingChannel(Channel):
    """Accepts everyone and counts how often each notification was sent."""

    name = "record"
    sent: ClassVar[Counter[int]] = Counter()
    lock = threading.Lock()
    pause = 0.0

    def accepts(self, user: User) -> bool:
        return True

    def send(self, notification: Notification) -> None:
        if self.pause:
            time.sleep(self.pause)  # widen the window in which another sender could interfere
        with self.lock:
            self.sent[notification.pk] += 1


class FailingChannel(RecordingChannel):
    name = "record"

    def send(self, notification: Notification) -> None:
        super().send(notification)
        raise RuntimeError("gateway down")


class SecondSenderDuringSendChannel(RecordingChannel):
    """While the first delivery is being sent, a second sender runs a whole pass."""

    name = "record"
    inner_reports: ClassVar[list[sender.SendReport]] = []

    def send(self, notification: Notification) -> None:
        super().send(notification)
        if not self.inner_reports:
            self.inner_reports.append(sender.SendReport())  # mark "running" before recursing
            self.inner_reports[0] = sender.send_due()


class HungThenTakenOverChannel(RecordingChannel):
    """The first send hangs past the timeout: another sender takes the delivery over and sends it
    again; then the first send fails. The late failure must not overwrite the other's success."""

    name = "record"
    taken_over: ClassVar[list[bool]] = []

    def send(self, notification: Notification) -> None:
        super().send(notification)
        if self.taken_over:
            return
        self.taken_over.append(True)
        long_ago = timezone.now() - dt.timedelta(days=1)
        Delivery.objects.filter(notification=notification).update(claimed_at=long_ago)
        sender.send_due()
        raise TimeoutError("the gateway never answered")


def reset() -> None:
    RecordingChannel.sent.clear()
    RecordingChannel.pause = 0.0
    SecondSenderDuringSendChannel.inner_reports.clear()
    HungThenTakenOverChannel.taken_over.clear()
