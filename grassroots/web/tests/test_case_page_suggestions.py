"""The triage forms of the case page suggest categories for the case's own text (docs/triage.md):
chips with the confidence and the words, only to those offered triage; a confident suggestion is
pre-selected only when the case has no category; the page's queries do not grow with the catalog."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases import catalog

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def cold_start(settings, tmp_path, ledger):
    settings.TRIAGE_MODEL_DIR = tmp_path
    catalog.update_category(actor=None, category=ledger.cat_light, keywords="楼道灯、不亮")
    return ledger


def page(client, case):
    return client.get(reverse("web:case", args=[case.number]), **EN)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_offered_triage_sees_the_chips_with_percent_and_words(ledger, report):
    case = report()
    response = page(signed_in(ledger.community_worker), case)
    html = response.content.decode()
    assert "data-category-suggestions" in html
    assert f'data-pick-category="{ledger.cat_light.pk}"' in html
    assert "楼道照明 · 67% · words: 楼道灯, 不亮" in html


def test_a_retriage_form_shows_them_too(ledger, bring):
    case = bring.triaged()
    acts = {view.name: view for view in page(signed_in(ledger.community_worker), case).context["acts"]}
    assert "retriage" in acts
    assert acts["retriage"].categories[0].category == ledger.cat_light


@pytest.mark.parametrize("who", ["grid_manager_x", "resident_a_user"])
def test_someone_not_offered_triage_sees_no_chips(ledger, report, who):
    case = report()
    response = page(signed_in(getattr(ledger, who)), case)
    assert response.status_code == 200
    assert "data-category-suggestions" not in response.content.decode()


def test_no_chips_when_nothing_matches(ledger, report):
    case = report(title="天气很好", description="没有什么事")
    response = page(signed_in(ledger.community_worker), case)
    assert "data-category-suggestions" not in response.content.decode()


def triage_form(response):
    return next(view for view in response.context["acts"] if view.name == "triage")


def test_a_confident_suggestion_is_preselected_when_the_case_has_no_category(ledger, report, settings):
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.5
    case = report()
    assert case.category is None
    response = page(signed_in(ledger.community_worker), case)
    view = triage_form(response)
    assert view.preselected
    assert view.form.initial["category"] == ledger.cat_light.pk
    assert "Pre-selected from the suggestion; check it." in response.content.decode()


def test_below_the_threshold_nothing_is_preselected(ledger, report, settings):
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.9
    view = triage_form(page(signed_in(ledger.community_worker), report()))
    assert not view.preselected
    assert view.form.initial["category"] is None


def test_a_category_already_on_the_case_is_kept(ledger, report, settings):
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.5
    case = report(category=ledger.cat_clean)
    response = page(signed_in(ledger.community_worker), case)
    view = triage_form(response)
    assert not view.preselected
    assert view.form.initial["category"] == ledger.cat_clean.pk
    assert "Pre-selected from the suggestion" not in response.content.decode()


def test_a_posted_form_keeps_what_was_sent(ledger, report, settings):
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.5
    case = report()
    url = reverse("web:case-act", args=[case.number, "triage"])
    response = signed_in(ledger.community_worker).post(
        url, {"version": case.version, "triage_class": "community", "reason": ""}, **EN
    )
    assert response.status_code == 400
    view = triage_form(response)
    assert view.form.is_bound
    assert not view.preselected


def test_the_query_count_does_not_grow_with_the_catalog(ledger, report):
    client = signed_in(ledger.community_worker)
    case = report()
    url = reverse("web:case", args=[case.number])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    for i in range(8):
        catalog.create_category(
            actor=None,
            district=ledger.district,
            code=f"SQ-1{i}",
            name=f"楼道{i}",
            parent=ledger.cat_comm,
            keywords=f"楼道灯、第{i}",
        )
    assert count() == before
