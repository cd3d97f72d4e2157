"""A resident who reported a case sees it on the case page and may rate it and reopen it (within the
window, with a comment) — as themselves, not as a phone call-back — and add photos; nothing else is
offered. Other residents get "not found"."""

from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Case


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def offered(page):
    return {act.name for act in page.context["acts"]}


def test_the_reporter_is_offered_only_rating_and_reopening_when_awaiting_the_rating(ledger, bring):
    case = bring.awaiting_rating()
    page = client_of(ledger.resident_a_user).get(reverse("web:case", args=[case.number]))
    assert page.status_code == 200
    assert offered(page) == {"rate", "reopen"}
    assert page.context["photo_form"] is not None


def test_the_reporter_is_offered_nothing_while_staff_work_on_the_case(ledger, bring):
    for case in (bring.registered(), bring.in_progress(), bring.resolved()):
        page = client_of(ledger.resident_a_user).get(reverse("web:case", args=[case.number]))
        assert page.status_code == 200
        assert offered(page) == set(), case.state


def test_the_reporter_rates_as_themselves(ledger, bring):
    case = bring.awaiting_rating()
    client = client_of(ledger.resident_a_user)
    url = reverse("web:case-act", args=[case.number, "rate"])
    response = client.post(url, {"version": case.version, "satisfaction": "basically", "score": "4"})
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.satisfaction, case.score) == ("basically", 4)
    event = case.events.get(kind="rate")
    assert event.actor == ledger.resident_a_user
    assert event.data["by_phone"] is False
    page = client.get(reverse("web:case", args=[case.number]))
    assert offered(page) == {"reopen"}
    assert "Basically satisfied" in page.content.decode()


def test_the_reporter_reopens_with_a_comment_that_is_required(ledger, bring):
    case = bring.awaiting_rating()
    client = client_of(ledger.resident_a_user)
    url = reverse("web:case-act", args=[case.number, "reopen"])
    empty = client.post(url, {"version": case.version, "comment": ""})
    assert empty.status_code == 400
    assert empty.context["result"].form.errors["comment"] == ["This field is required."]
    assert client.post(url, {"version": case.version, "comment": "灯还是不亮"}).status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.reopen_count) == ("in_progress", 1)
    assert "by_phone" not in case.events.get(kind="reopen").data


def test_staff_record_a_rating_given_on_the_phone(ledger, bring):
    case = bring.awaiting_rating()
    url = reverse("web:case-act", args=[case.number, "rate"])
    response = client_of(ledger.community_worker).post(
        url, {"version": case.version, "satisfaction": "satisfied"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).events.get(kind="rate").data["by_phone"] is True


def test_another_resident_does_not_find_the_case(ledger, bring):
    case = bring.awaiting_rating()
    client = client_of(ledger.resident_b_user)
    assert client.get(reverse("web:case", args=[case.number])).status_code == 404
    url = reverse("web:case-act", args=[case.number, "rate"])
    assert client.post(url, {"version": case.version, "satisfaction": "satisfied"}).status_code == 404
