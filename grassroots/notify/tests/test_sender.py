"""The outbound sender: each delivery claimed by one sender with a conditional UPDATE, sent,
marked; failures retried, then marked failed with the error; deliveries of a dead sender taken
over after the timeout."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from grassroots.notify import sender
from grassroots.notify.models import Delivery, DeliveryStatus, Notification
from grassroots.notify.outbox import notify
from grassroots.notify.tests import fakes

FAKES = "grassroots.notify.tests.fakes."


def queue(users, n=1):
    for i in range(n):
        notify(users, kind="assigned", title=f"case {i} is yours", dedupe_key=f"case:{i}:assigned")
    return list(Delivery.objects.order_by("pk"))


def statuses():
    return list(Delivery.objects.order_by("pk").values_list("status", flat=True))


def test_each_pending_delivery_is_sent_once_and_marked_sent(people, channel):
    queue(people, n=2)

    first = sender.send_due()
    second = sender.send_due()

    assert (first.sent, second.sent, second.claimed) == (6, 0, 0)
    assert set(fakes.RecordingChannel.sent.values()) == {1}
    assert len(fakes.RecordingChannel.sent) == 6
    assert set(statuses()) == {DeliveryStatus.SENT}
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_two_senders_that_read_the_same_deliveries_send_each_only_once(people, channel):
    queue(people)
    read_by_a = sender.candidates()
    read_by_b = sender.candidates()

    outcomes_b = [sender.send_one(c) for c in read_by_b]
    outcomes_a = [sender.send_one(c) for c in read_by_a]

    assert outcomes_b == ["sent"] * 3
    assert outcomes_a == [None] * 3  # the conditional UPDATE found them taken
    assert list(fakes.RecordingChannel.sent.values()) == [1, 1, 1]


def test_a_second_sender_running_while_the_first_is_sending_takes_only_the_rest(people, channel):
    channel(FAKES + "SecondSenderDuringSendChannel")
    queue(people)

    outer = sender.send_due()

    inner = fakes.SecondSenderDuringSendChannel.inner_reports[0]
    # the first sender holds delivery 1; the second sends 2 and 3; the first finds them gone
    assert (outer.sent, outer.skipped) == (1, 2)
    assert (inner.sent, inner.skipped) == (2, 0)
    assert list(fakes.RecordingChannel.sent.values()) == [1, 1, 1]
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_two_senders_in_parallel_threads_send_each_delivery_once(threads_db, people, channel):
    queue(people, n=10)
    fakes.RecordingChannel.pause = 0.005

    def run():
        while sender.send_due(batch=5).claimed:
            pass

    threads_db.run(run, run)

    assert len(fakes.RecordingChannel.sent) == 30
    assert set(fakes.RecordingChannel.sent.values()) == {1}
    assert set(statuses()) == {DeliveryStatus.SENT}


def test_a_failure_is_retried_then_marked_failed_with_the_error(people, channel, settings):
    channel(FAKES + "FailingChannel")
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_SECONDS = 0
    queue(people[:1])

    reports = [sender.send_due() for _ in range(4)]

    assert [(r.retried, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.error == "RuntimeError: gateway down"
    assert delivery.sent_at is None
    assert sum(fakes.RecordingChannel.sent.values()) == 3


def test_a_failed_attempt_waits_before_it_is_tried_again(people, channel, settings):
    channel(FAKES + "FailingChannel")
    settings.NOTIFY_RETRY_SECONDS = 300
    queue(people[:1])
    sender.send_due()

    soon = sender.send_due()
    later = sender.send_due(now=timezone.now() + dt.timedelta(seconds=301))

    assert soon.claimed == 0
    assert later.retried == 1
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert Delivery.objects.get().error == "RuntimeError: gateway down"


def test_a_delivery_left_in_sending_is_taken_over_only_after_the_timeout(people, channel, settings):
    settings.NOTIFY_SENDING_TIMEOUT_SECONDS = 600
    queue(people[:1])
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(seconds=60)
    )

    assert sender.send_due().claimed == 0

    Delivery.objects.update(claimed_at=timezone.now() - dt.timedelta(seconds=601))
    report = sender.send_due()

    assert report.sent == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_a_delivery_stuck_after_its_last_attempt_is_marked_failed_not_sent_again(people, channel, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    queue(people[:1])
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=2, claimed_at=timezone.now() - dt.timedelta(days=1)
    )

    report = sender.send_due()

    assert report.failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "did not finish" in delivery.error
    assert not fakes.RecordingChannel.sent


def test_a_sender_overtaken_after_the_timeout_does_not_overwrite_the_other_senders_result(people, channel):
    channel(FAKES + "HungThenTakenOverChannel")
    queue(people[:1])

    outer = sender.send_due()

    # at least once: the hung first send and the takeover both reached the channel
    assert sum(fakes.RecordingChannel.sent.values()) == 2
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.error == ""
    assert delivery.attempts == 2
    assert outer.retried == 1  # the first sender saw its own failure, but could no longer record it


def test_a_delivery_for_a_channel_no_longer_enabled_fails_at_once(people, channel):
    queue(people[:1])
    channel("grassroots.notify.channels.LogChannel")

    report = sender.send_due()

    assert report.failed == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "not enabled" in delivery.error


def test_a_recipient_deactivated_since_is_not_sent_to(people, channel):
    queue(people[:1])
    people[0].is_active = False
    people[0].save()

    report = sender.send_due()

    assert report.failed == 1
    assert not fakes.RecordingChannel.sent
    assert Notification.objects.count() == 1  # the inbox keeps it


def test_the_command_sends_what_is_due_and_exits_with_once(people, channel):
    queue(people, n=3)
    out = io.StringIO()

    call_command("send_notifications", "--once", "--batch", "4", stdout=out)

    assert "sent 9" in out.getvalue()
    assert set(statuses()) == {DeliveryStatus.SENT}
