"""An act submitted on a stale version is refused with "changed by someone else", shows the case as it
is now, keeps the user's input, and changes nothing; a deliberate second submit goes through.
Refusals that are not about the version say so without the conflict notice."""

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.tests.conftest import act_url, assert_done


def test_a_stale_submit_shows_the_conflict_and_changes_nothing(ledger, report, admin_client):
    w = ledger
    case = report(category=w.cat_light)
    client = admin_client(w.community_worker, english=True)
    url = act_url(case, "triage")
    opened = client.get(url).context["form"]["version"].value()
    # Someone else acts on the case while the form is open.
    actions.comment_case(case, actor=w.community_worker2, version=case.version, note="已联系居民")

    response = client.post(
        url, {"version": opened, "triage_class": "community", "reason": "我写的分流理由", "urgency": "normal"}
    )

    assert response.status_code == 409
    conflict = response.context["conflict"]
    assert (conflict["yours"], conflict["current"]) == (1, 2)
    assert [event.kind for event in conflict["changes"]] == ["comment"]
    body = response.content.decode()
    assert "Changed by someone else." in body
    assert "已联系居民" in body  # what changed
    assert "我写的分流理由" in body  # the user's input is still in the form
    assert response.context["form"]["version"].value() == "2"
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version, fresh.triage_class) == ("registered", 2, "")
    assert not fresh.events.filter(kind="triage").exists()

    # Having read the fresh state, the user submits the kept input again, and it goes through.
    again = client.post(url, response.context["form"].data)
    assert_done(again)
    assert Case.objects.get(pk=case.pk).state == "triaged"


def test_an_act_no_longer_possible_after_a_change_says_so(ledger, report, admin_client):
    w = ledger
    case = report(category=w.cat_light)
    client = admin_client(w.community_worker, english=True)
    url = act_url(case, "triage")
    opened = client.get(url).context["form"]["version"].value()
    actions.reject_case(
        case, actor=w.community_worker2, version=case.version, outcome="not_true", reason="不属实"
    )

    response = client.post(url, {"version": opened, "triage_class": "community", "reason": "理由"})

    assert response.status_code == 409
    assert response.context["conflict"]["current"] == 2
    assert "Not possible while the case is Closed." in response.content.decode()
    assert Case.objects.get(pk=case.pk).outcome == "not_true"


def test_a_refusal_on_the_current_version_is_a_message_without_the_conflict_notice(
    ledger, report, admin_client
):
    w = ledger
    case = report(category=w.cat_light)
    case = actions.solve_on_the_spot(
        case, actor=w.community_worker, version=case.version, resolution="当场解决"
    )
    # Closing is not offered before the reporter had the last word; submitted anyway, it is refused.
    client = admin_client(w.community_worker, english=True)
    response = client.post(act_url(case, "close"), {"version": case.version})
    assert response.status_code == 409
    assert response.context["conflict"] is None
    assert "The reporter has not rated yet" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "awaiting_rating"


def test_field_errors_show_inline_and_change_nothing(ledger, report, admin_client, admin_act):
    w = ledger
    case = report(category=w.cat_light)
    response = admin_act(
        admin_client(w.community_worker, english=True), case, "triage", triage_class="community", reason=" x "
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why (a few words at least)."]
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_an_act_the_user_may_not_take_is_refused_with_a_clear_message(ledger, report, admin_client):
    w = ledger
    case = report(category=w.cat_light)
    client = admin_client(w.grid_manager_x, english=True)
    url = act_url(case, "triage")
    # Not offered: the form does not open.
    opened = client.get(url)
    assert opened.status_code == 302
    assert opened["Location"].endswith(f"/cases/case/{case.pk}/change/")
    # Posted anyway: the action refuses it, and the page says why.
    response = client.post(url, {"version": 1, "triage_class": "community", "reason": "我来分流"})
    assert response.status_code == 403
    assert "You cannot triage this case." in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "registered"
