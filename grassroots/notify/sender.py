"""Sending queued deliveries through the enabled channels (``manage.py send_notifications``).

A delivery is claimed with a conditional UPDATE (``pending → sending`` where it is still pending,
or, for one left in "sending", where its claim time is still the one read), so two senders
running at once never both claim the same delivery; no broker or lock server is needed. The
claimer sends it, outside any transaction, then marks it ``sent``, or records the error and puts it
back to ``pending`` to be retried after ``NOTIFY_RETRY_SECONDS``, or, after
``NOTIFY_MAX_ATTEMPTS`` attempts, marks it ``failed`` with the last error. Each claim counts as an
attempt.

A sender that dies between claiming and marking leaves its delivery in "sending". After
``NOTIFY_SENDING_TIMEOUT_SECONDS`` another sender takes it over (again with a conditional UPDATE)
and sends it again. Delivery is therefore **at least once, not exactly once**: if the first sender
had already handed the message to the mail server (or SMS gateway) before it died, or if a send
took longer than the timeout, the recipient gets it twice. Short of a channel that accepts an
idempotency key, no sender can close that gap; the timeout (15 minutes by default, far above a
normal send) keeps it to crashed or hung senders. Within a working sender a delivery is sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from grassroots.notify.channels import channel_named
from grassroots.notify.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000


@dataclass
class SendReport:
    """What one pass did: sent, put back for a retry, marked failed, or lost to another sender."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.skipped + other.skipped,
        )


@dataclass(frozen=True)
class Candidate:
    """A delivery as it was read: the claim is made only if it is still in this state."""

    pk: int
    status: str
    claimed_at: dt.datetime | None
    attempts: int


def candidates(*, batch: int = 100, now: dt.datetime | None = None) -> list[Candidate]:
    """Deliveries to send now: pending ones (a failed attempt waits ``NOTIFY_RETRY_SECONDS``) and
    ones stuck in "sending" for longer than ``NOTIFY_SENDING_TIMEOUT_SECONDS``. Oldest first."""
    now = now or timezone.now()
    retry_after = now - dt.timedelta(seconds=settings.NOTIFY_RETRY_SECONDS)
    stuck_since = now - dt.timedelta(seconds=settings.NOTIFY_SENDING_TIMEOUT_SECONDS)
    due = Q(status=DeliveryStatus.PENDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lte=retry_after))
    stuck = Q(status=DeliveryStatus.SENDING, claimed_at__lte=stuck_since)
    rows = Delivery.objects.filter(due | stuck).order_by("pk")[:batch]
    return [Candidate(*row) for row in rows.values_list("pk", "status", "claimed_at", "attempts")]


def _as_read(candidate: Candidate) -> Q:
    return Q(pk=candidate.pk, status=candidate.status, claimed_at=candidate.claimed_at)


def claim(candidate: Candidate) -> dt.datetime | None:
    """Take the delivery for this sender if nobody changed it since it was read. Returns the claim
    time (the token the later marks check), or None when another sender got there first."""
    claimed_at = timezone.now()
    taken = Delivery.objects.filter(_as_read(candidate)).update(
        status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    return claimed_at if taken else None


def _mine(pk: int, claimed_at: dt.datetime) -> Q:
    # Marks apply only while the claim is still ours: a sender that overran the timeout and was
    # taken over must not overwrite what the other sender records.
    return Q(pk=pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at)


def _give_up(candidate: Candidate) -> bool:
    """A delivery stuck in "sending" that has used all its attempts is marked failed, not resent."""
    error = f"Gave up after {candidate.attempts} attempts; the last one did not finish."
    return bool(
        Delivery.objects.filter(_as_read(candidate)).update(status=DeliveryStatus.FAILED, error=error)
    )


def send_one(candidate: Candidate) -> str | None:
    """Claim, send and mark one delivery. Returns "sent", "retried", "failed", or None if it was
    not ours to send."""
    if candidate.status == DeliveryStatus.SENDING and candidate.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        return "failed" if _give_up(candidate) else None
    claimed_at = claim(candidate)
    if claimed_at is None:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=candidate.pk)
    channel = channel_named(delivery.channel)
    recipient = delivery.notification.recipient
    permanent = False
    try:
        if channel is None:
            permanent = True
            raise LookupError(f"Channel {delivery.channel!r} is not enabled (NOTIFY_CHANNELS).")
        if not recipient.is_active or not channel.accepts(recipient):
            permanent = True
            raise LookupError(f"The recipient can no longer be reached through {delivery.channel!r}.")
        channel.send(delivery.notification)
    except Exception as exc:  # a channel may raise anything; the error is recorded, not lost
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
        final = permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
        Delivery.objects.filter(_mine(delivery.pk, claimed_at)).update(status=status, error=error)
        logger.warning(
            "delivery %s via %s, attempt %s: %s", delivery.pk, delivery.channel, delivery.attempts, error
        )
        return "failed" if final else "retried"
    Delivery.objects.filter(_mine(delivery.pk, claimed_at)).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


def send_due(*, batch: int = 100, now: dt.datetime | None = None) -> SendReport:
    """One pass: send up to ``batch`` deliveries that are due now."""
    report = SendReport()
    for candidate in candidates(batch=batch, now=now):
        outcome = send_one(candidate)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "retried":
            report.retried += 1
        elif outcome == "failed":
            report.failed += 1
        else:
            report.skipped += 1
    return report
