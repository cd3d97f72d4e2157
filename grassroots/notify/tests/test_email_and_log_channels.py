"""What the shipped channels send: an e-mail through Django's mail backend, or a log line."""

from __future__ import annotations

import logging

from django.core import mail

from grassroots.notify import sender
from grassroots.notify.models import Delivery, DeliveryStatus
from grassroots.notify.outbox import notify


def test_the_email_carries_the_title_the_message_and_the_link(people, channel, settings):
    channel("grassroots.notify.channels.EmailChannel")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://jczl.example.gov.cn/"
    settings.DEFAULT_FROM_EMAIL = "noreply@jczl.example.gov.cn"
    ann = people[0]
    notify(
        [ann],
        kind="reopened",
        title="1999-000001 was reopened by the reporter",
        body="The light is still broken.",
        url="/cases/1999-000001/",
        dedupe_key="case:1999-000001:reopened:reopen-7",
    )

    sender.send_due()
    sender.send_due()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "1999-000001 was reopened by the reporter"
    assert message.to == ["ann@example.gov.cn"]
    assert message.from_email == "noreply@jczl.example.gov.cn"
    assert message.body == ("The light is still broken.\n\nhttps://jczl.example.gov.cn/cases/1999-000001/")
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_the_log_channel_logs_the_title_and_link_but_not_the_message(people, channel, caplog):
    channel("grassroots.notify.channels.LogChannel")
    notify(
        people[:1],
        kind="update",
        title="Progress on 1999-000002",
        body="a resident's own words",
        url="/cases/1999-000002/",
        dedupe_key="case:1999-000002:update:1",
    )

    with caplog.at_level(logging.INFO, logger="grassroots.notify.log_channel"):
        report = sender.send_due()

    assert report.sent == 1
    assert "Progress on 1999-000002 /cases/1999-000002/" in caplog.text
    assert "own words" not in caplog.text
