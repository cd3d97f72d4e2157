"""The reporter — name, masked phone — shows only to those ``may_see_reporter`` lets see it, and
never in clear; where it does not show, the timeline does not name the reporter either."""

from django.test import Client
from django.urls import reverse

from conftest import PHONE_A, assert_no_plaintext
from grassroots.cases import access, actions

OTHER_PHONE = "13512349876"


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_staff_who_hold_the_case_see_the_reporter_with_the_phone_masked(ledger, report):
    case = report(
        reporter=None, reporter_name="王大爷", reporter_phone=OTHER_PHONE, actor=ledger.community_worker
    )
    page = client_of(ledger.grid_manager_x).get(reverse("web:case", args=[case.number]))
    body = page.content.decode()
    assert page.context["sees_reporter"]
    assert "王大爷" in body
    assert "135****9876" in body
    assert OTHER_PHONE not in body


def test_the_reporting_resident_is_shown_by_name_with_their_phone_masked(ledger, report):
    case = report()  # for resident A, by grid manager X
    for user in (ledger.community_worker, ledger.resident_a_user):
        body = client_of(user).get(reverse("web:case", args=[case.number])).content.decode()
        assert "张伟" in body
        assert "138****5678" in body
        assert_no_plaintext(body)
        assert PHONE_A not in body


def test_without_may_see_reporter_the_reporter_is_nowhere_on_the_page(ledger, bring, monkeypatch):
    case = bring.awaiting_rating()
    case = actions.rate_case(
        case, actor=ledger.resident_a_user, version=case.version, satisfaction="satisfied", comment="谢谢"
    )
    monkeypatch.setattr(access, "may_see_reporter", lambda user, case: False)
    page = client_of(ledger.community_worker).get(reverse("web:case", args=[case.number]))
    body = page.content.decode()
    assert not page.context["sees_reporter"]
    assert "data-reporter" not in body
    assert "张伟" not in body
    assert "138****5678" not in body
    rate = next(row for row in page.context["timeline"] if row.event.kind == "rate")
    assert rate.actor == "the reporter"
    assert "resident_a" not in body
