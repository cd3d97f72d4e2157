"""A notification is written once per recipient per occurrence (its ``dedupe_key``), with one
delivery per enabled channel that accepts the recipient."""

from __future__ import annotations

from conftest import make_user
from grassroots.notify.models import Delivery, Notification
from grassroots.notify.outbox import notify


def tell(users, key="case:1999-000001:red:stage-1"):
    return notify(
        users, kind="red", title="1999-000001 is overdue", dedupe_key=key, url="/cases/1999-000001/"
    )


def test_the_same_occurrence_twice_writes_one_notification_and_one_delivery_each(people, channel):
    ann, bo, _ = people

    tell([ann, bo])
    tell([ann, bo])

    assert Notification.objects.filter(recipient=ann).count() == 1
    assert Notification.objects.filter(recipient=bo).count() == 1
    assert Delivery.objects.count() == 2


def test_a_recipient_added_later_gets_it_and_the_others_do_not_get_it_again(people, channel):
    ann, bo, cai = people
    tell([ann, bo])

    tell([ann, bo, cai])

    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["ann", "bo", "cai"]
    assert Delivery.objects.count() == 3


def test_another_occurrence_is_another_notification(people, channel):
    ann = people[0]
    tell([ann], key="case:1999-000001:red:stage-1")

    tell([ann], key="case:1999-000001:red:stage-2")

    assert Notification.objects.filter(recipient=ann).count() == 2


def test_a_recipient_listed_twice_or_missing_or_inactive_is_handled(people, channel):
    ann = people[0]
    gone = make_user("gone", email="gone@example.gov.cn", is_active=False)

    considered = tell([ann, ann, None, gone])

    assert considered == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ann"]


def test_without_an_address_the_inbox_still_gets_it_but_no_email_is_queued(db, channel):
    channel("grassroots.notify.channels.EmailChannel")
    no_mail = make_user("no_mail")

    tell([no_mail])

    assert Notification.objects.filter(recipient=no_mail).count() == 1
    assert not Delivery.objects.exists()
