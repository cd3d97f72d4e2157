"""Two people have the same case open; the first to act wins. The second sees "changed by someone
else", the case as it is now with what changed, and their own input kept in the form carrying the
fresh version — never a lost update; submitting it again, knowingly, goes through."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Case

HTMX = {"HX-Request": "true"}


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def opened_version(client, case, act):
    page = client.get(reverse("web:case", args=[case.number]))
    return next(a for a in page.context["acts"] if a.name == act).form["version"].value()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_second_of_two_people_sees_the_conflict_and_keeps_their_input(ledger, bring, headers):
    case = bring.registered()
    first, second = client_of(ledger.community_worker2), client_of(ledger.community_worker)
    seen_by_first = opened_version(first, case, "comment")
    seen_by_second = opened_version(second, case, "triage")
    assert seen_by_first == seen_by_second == case.version

    won = first.post(
        reverse("web:case-act", args=[case.number, "comment"]),
        {"version": seen_by_first, "note": "已联系居民"},
        headers=headers,
    )
    assert won.status_code == (200 if headers else 302)

    url = reverse("web:case-act", args=[case.number, "triage"])
    lost = second.post(
        url,
        {
            "version": seen_by_second,
            "triage_class": "community",
            "reason": "我写的分流理由",
            "urgency": "normal",
        },
        headers=headers,
    )

    assert lost.status_code == (200 if headers else 409)  # htmx swaps the panel, which says it
    body = lost.content.decode()
    assert "Changed by someone else." in body
    assert "已联系居民" in body  # what changed meanwhile
    assert "我写的分流理由" in body  # the second person's input is kept
    conflict = lost.context["result"].conflict
    assert (conflict["yours"], conflict["current"]) == (case.version, case.version + 1)
    kept = lost.context["result"].form
    assert kept["version"].value() == str(case.version + 1)
    assert re.search(rf'name="version" value="{case.version + 1}" id="triage-version"', body)
    assert lost.context["case"].version == case.version + 1  # the panel shows the case as it is now
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version, fresh.triage_class) == ("registered", case.version + 1, "")
    assert not fresh.events.filter(kind="triage").exists()

    again = second.post(url, kept.data)
    assert again.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "triaged"


def test_an_act_no_longer_possible_says_so_without_the_conflict_notice(ledger, bring):
    # Closing is not offered before the reporter had the last word; posted anyway, it is refused.
    client = client_of(ledger.community_worker)
    case = bring.on_the_spot()
    url = reverse("web:case-act", args=[case.number, "close"])
    response = client.post(url, {"version": case.version})
    assert response.status_code == 409
    assert response.context["result"].conflict is None
    body = response.content.decode()
    assert "Changed by someone else." not in body
    assert "The reporter has not rated yet" in body
    assert Case.objects.get(pk=case.pk).state == "awaiting_rating"
