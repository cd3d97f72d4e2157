"""The case page's "Possible duplicates" card: shown to whoever is offered ``mark_duplicate`` on a
registered or triaged case, listing the root originals that may repeat it; its one-click button
takes the ``mark_duplicate`` act (the case closes as a duplicate, the reporter is told)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases import access
from grassroots.notify.models import Notification


def page(client, case, **headers):
    return client.get(reverse("web:case", args=[case.number]), **headers)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_card_shows_only_to_those_who_may_triage_the_case(client_for, user_of, report, persona):
    original = report()
    again = report()
    response = page(client_for(persona), again)
    shown = response.status_code == 200 and b"data-duplicates" in response.content
    assert shown == access.can_triage(user_of(persona), again)
    if shown:
        assert f'data-candidate="{original.number}"'.encode() in response.content


def test_the_card_lists_the_candidate_with_its_link_similarity_and_repost_badge(client_for, report):
    original = report()
    again = report()
    response = page(client_for("community_worker"), again, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert reverse("web:case", args=[original.number]) in body
    assert "100% similar" in body
    assert "data-repost" in body
    assert f'name="original" value="{original.number}"' in body


def test_a_case_past_triage_shows_no_card(client_for, bring):
    bring.registered()
    routed = bring.routed()
    assert b"data-duplicates" not in page(client_for("community_worker"), routed).content


def test_the_one_click_button_marks_the_duplicate_and_tells_the_reporter(client_for, report, ledger):
    original = report()
    again = report()
    client = client_for("community_worker")
    card = page(client, again).content.decode()
    form = re.search(
        rf'<li data-candidate="{original.number}">.*?<form method="post" action="([^"]+)"(.*?)</form>',
        card,
        re.S,
    )
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    assert set(fields) == {"csrfmiddlewaretoken", "version", "original", "note"}
    assert form.group(1) == reverse("web:case-act", args=[again.number, "mark_duplicate"])
    response = client.post(form.group(1), fields, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="case-panel"' in response.content
    again.refresh_from_db()
    assert again.duplicate_of == original
    assert again.state == "closed"
    assert Notification.objects.filter(
        recipient=ledger.resident_a_user, kind="update", subject=again.number
    ).exists()


def test_the_query_count_does_not_grow_with_the_candidates(client_for, report):
    client = client_for("community_worker")

    def queries(case):
        page(client, case)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = page(client, case)
        assert response.status_code == 200
        return len(captured), response.content.count(b"data-candidate=")

    # A case's duplicates were received before it: the later of each pair is looked at.
    report(title="井盖丢失", description="路口井盖被偷走了。")
    one = report(title="井盖丢失", description="路口井盖被偷走了。")
    for _ in range(4):
        report()
    many = report()
    (small, n_small), (large, n_large) = queries(one), queries(many)
    assert (n_small, n_large) == (1, 4)
    assert small == large
