"""With htmx an act answers with the case panel alone, fresh and with a confirmation, for htmx to
swap in place; without JavaScript the same form posts, redirects back to the page and the
confirmation is a message there."""

from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Case

HTMX = {"HX-Request": "true"}


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_every_form_posts_to_its_act_and_swaps_the_case_panel(ledger, bring):
    case = bring.registered()
    body = client_of(ledger.community_worker).get(reverse("web:case", args=[case.number])).content.decode()
    url = reverse("web:case-act", args=[case.number, "triage"])
    assert (
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#case-panel" hx-swap="outerHTML"'
        in body
    )
    assert 'hx-headers=\'{"X-CSRFToken": "' in body  # from the frame: htmx sends the token


def test_an_act_with_htmx_answers_with_the_fresh_panel_and_a_confirmation(ledger, bring):
    case = bring.registered()
    url = reverse("web:case-act", args=[case.number, "triage"])
    response = client_of(ledger.community_worker).post(
        url, {"version": case.version, "triage_class": "community", "reason": "社区公共事务"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="case-panel"')
    assert "Done: Triage." in body
    assert 'data-state="triaged"' in body
    assert {act.name for act in response.context["acts"]} >= {"route", "retriage"}
    assert response.context["case"].version == case.version + 1


def test_an_act_without_javascript_redirects_to_the_page_with_a_message(ledger, bring):
    case = bring.registered()
    client = client_of(ledger.community_worker)
    url = reverse("web:case-act", args=[case.number, "comment"])
    response = client.post(url, {"version": case.version, "note": "已电话联系居民"}, follow=True)
    assert response.redirect_chain == [(reverse("web:case", args=[case.number]), 302)]
    assert "Done: Comment." in response.content.decode()
    assert Case.objects.get(pk=case.pk).events.filter(kind="comment", note="已电话联系居民").exists()


def test_the_page_speaks_chinese_by_default_and_english_when_asked(ledger, bring):
    case = bring.triaged()
    client = Client()
    client.force_login(ledger.community_worker)
    chinese = client.get(reverse("web:case", args=[case.number])).content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "已分流" in chinese
    english = client.get(reverse("web:case", args=[case.number]), headers={"accept-language": "en"})
    assert '<html lang="en">' in english.content.decode()
    assert "Triaged" in english.content.decode()
