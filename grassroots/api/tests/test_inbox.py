"""The in-app inbox: each user's own notifications, unread first; marking read one or all; the
unread count."""

from grassroots.api.tests import case_states as states
from grassroots.notify.actions import mark_read
from grassroots.notify.models import Notification
from grassroots.notify.outbox import notify


def note(user, key, **extra):
    notify([user], kind="update", title=f"消息{key}", dedupe_key=f"test:{key}", **extra)
    return Notification.objects.get(recipient=user, dedupe_key=f"test:{key}")


def test_the_inbox_lists_unread_first_then_newest_first(client_for, ledger):
    user = ledger.community_worker
    first, second, third, fourth = (note(user, i) for i in range(4))
    mark_read(user, [second, fourth])

    rows = client_for("community_worker").get("/api/inbox/").json()["results"]

    assert [row["id"] for row in rows] == [third.pk, first.pk, fourth.pk, second.pk]
    assert [row["unread"] for row in rows] == [True, True, False, False]


def test_the_inbox_pages_without_losing_or_repeating_a_row(client_for, ledger):
    user = ledger.community_worker
    made = [note(user, i) for i in range(7)]
    mark_read(user, made[::2])
    client = client_for("community_worker")

    seen = []
    url = "/api/inbox/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(n.pk for n in made)
    assert len(seen) == len(set(seen))
    assert seen[:3] == [made[5].pk, made[3].pk, made[1].pk]  # the unread ones first


def test_the_inbox_filters_unread(client_for, ledger):
    user = ledger.community_worker
    read, unread = note(user, "a"), note(user, "b")
    mark_read(user, [read])
    client = client_for("community_worker")

    assert [r["id"] for r in client.get("/api/inbox/", {"unread": "true"}).json()["results"]] == [unread.pk]
    assert [r["id"] for r in client.get("/api/inbox/", {"unread": "false"}).json()["results"]] == [read.pk]


def test_nobody_sees_or_marks_another_users_notifications(client_for, ledger):
    mine = note(ledger.community_worker, "x")
    other = client_for("street_staff")

    assert other.get("/api/inbox/").json()["results"] == []
    assert other.get(f"/api/inbox/{mine.pk}/").status_code == 404
    assert other.post(f"/api/inbox/{mine.pk}/read/").status_code == 404
    assert other.post("/api/inbox/read-all/").json() == {"marked": 0}
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_one_read_and_counting_the_unread(client_for, ledger):
    user = ledger.community_worker
    a, b, c = note(user, 1), note(user, 2), note(user, 3)
    client = client_for("community_worker")

    assert client.get("/api/inbox/count/").json() == {"unread": 3}
    response = client.post(f"/api/inbox/{b.pk}/read/")
    again = client.post(f"/api/inbox/{b.pk}/read/")

    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert again.json()["read_at"] == response.json()["read_at"]  # the first read time stays
    assert client.get("/api/inbox/count/").json() == {"unread": 2}
    assert client.post("/api/inbox/read-all/").json() == {"marked": 2}
    assert client.get("/api/inbox/count/").json() == {"unread": 0}
    assert Notification.objects.filter(pk__in=[a.pk, b.pk, c.pk], read_at__isnull=True).count() == 0


def test_mark_read_changes_only_the_users_own_unread_notifications(ledger):
    mine, theirs = note(ledger.community_worker, 1), note(ledger.street_staff, 2)

    marked = mark_read(ledger.community_worker, Notification.objects.all())
    again = mark_read(ledger.community_worker, [mine, theirs])

    assert (marked, again) == (1, 0)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_routed_case_lands_in_the_handlers_inbox(client_for, ledger, report):
    case = states.routed(ledger, report)

    rows = client_for("community_worker").get("/api/inbox/").json()["results"]

    assert [(row["kind"], row["subject"], row["url"]) for row in rows] == [
        ("assigned", case.number, f"/cases/{case.number}/")
    ]
