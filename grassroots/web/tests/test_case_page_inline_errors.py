"""An act's invalid input comes back as the same form, unfolded, with each error under its field and
the person's input kept: in the whole page without JavaScript (400), in the panel that htmx swaps
with it (200, the panel says what happened); nothing changes. A refusal by the action (NotAllowed)
says why above the form (403)."""

from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Case

HTMX = {"HX-Request": "true"}


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_triage_without_a_reason_shows_the_error_under_the_reason(ledger, bring):
    case = bring.registered()
    url = reverse("web:case-act", args=[case.number, "triage"])
    response = client_of(ledger.community_worker).post(
        url, {"version": case.version, "triage_class": "major"}
    )
    assert response.status_code == 400
    form = response.context["result"].form
    assert form.errors["reason"] == ["This field is required."]
    body = response.content.decode()
    assert '<html lang="en">' in body  # the whole page, without JavaScript
    assert 'id="triage-reason_error"' in body
    assert '<details class="act" id="act-triage" data-act="triage" open>' in body
    assert 'value="major" required id="triage-triage_class_0" checked' in body  # the input is kept
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_the_actions_own_field_errors_land_under_their_field_in_the_swapped_panel(ledger, bring):
    case = bring.registered()
    url = reverse("web:case-act", args=[case.number, "triage"])
    response = client_of(ledger.community_worker).post(
        url, {"version": case.version, "triage_class": "community", "reason": " x "}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.context["result"].form.errors["reason"] == ["Say why (a few words at least)."]
    body = response.content.decode()
    assert "<html" not in body  # only the case panel, for htmx to swap
    assert 'id="case-panel"' in body
    assert "Say why (a few words at least)." in body
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_escalation_past_a_level_is_an_error_on_the_level_field(ledger, bring):
    case = bring.in_progress("grid")
    url = reverse("web:case-act", args=[case.number, "escalate"])
    response = client_of(ledger.grid_manager_x).post(
        url, {"version": case.version, "to_level": "street", "reason": "直接上报街道"}
    )
    assert response.status_code == 400
    assert "to_level" in response.context["result"].form.errors
    assert Case.objects.get(pk=case.pk).level == "grid"


def test_a_refused_act_says_why_above_the_form_and_keeps_the_input(ledger, bring):
    case = bring.registered()
    url = reverse("web:case-act", args=[case.number, "triage"])
    response = client_of(ledger.grid_manager_x).post(
        url, {"version": case.version, "triage_class": "community", "reason": "我来分流一下"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot triage this case." in body
    assert "我来分流一下" in body
    assert Case.objects.get(pk=case.pk).state == "registered"
