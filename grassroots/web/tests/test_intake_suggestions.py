"""The new-case form suggests categories as the title and description are typed (htmx, a POST to
``/cases/new/suggest/``), as buttons next to the category field; only for those who may enter
cases (docs/triage.md)."""

import pytest
from django.urls import reverse

from grassroots.cases import catalog

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TEXT = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮。"}


@pytest.fixture(autouse=True)
def cold_start(settings, tmp_path, ledger):
    settings.TRIAGE_MODEL_DIR = tmp_path
    catalog.update_category(actor=None, category=ledger.cat_light, keywords="楼道灯、不亮")
    return ledger


def suggest(client, **data):
    return client.post(reverse("web:new-case-suggest"), data, HTTP_HX_REQUEST="true", **EN)


def test_the_form_asks_for_suggestions_as_the_text_is_typed(client_for):
    html = client_for("community_worker").get(reverse("web:new-case"), **EN).content.decode()
    assert f'hx-post="{reverse("web:new-case-suggest")}"' in html
    assert 'hx-trigger="input changed delay:600ms"' in html
    assert 'id="intake-suggestions"' in html
    assert 'aria-live="polite"' in html


def test_the_endpoint_answers_the_chips_for_the_text(client_for, ledger):
    response = suggest(client_for("community_worker"), **TEXT)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-pick-category="{ledger.cat_light.pk}"' in html
    assert "楼道照明 · 67% · words: 楼道灯, 不亮" in html
    assert '<button type="button"' in html


def test_no_text_or_no_match_answers_nothing_to_show(client_for):
    client = client_for("community_worker")
    assert "data-pick-category" not in suggest(client, title="", description="").content.decode()
    assert "data-pick-category" not in suggest(client, title="天气很好", description="").content.decode()


@pytest.mark.parametrize("persona", ["resident_a", "resident_b", "nobody"])
def test_those_who_may_not_enter_cases_get_404(client_for, persona):
    assert suggest(client_for(persona), **TEXT).status_code == 404


def test_anonymous_is_sent_to_sign_in(client_for):
    response = suggest(client_for("anonymous"), **TEXT)
    assert response.status_code == 302


def test_a_get_is_not_allowed(client_for):
    response = client_for("community_worker").get(reverse("web:new-case-suggest"), TEXT)
    assert response.status_code == 405
