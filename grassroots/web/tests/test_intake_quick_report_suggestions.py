"""The quick report suggests categories as the note is typed (htmx, a POST to
``/m/report/suggest/``), with the same chips as the new-case form (``web/_category_suggestions.html``)
next to its category field; only for grid staff, as the page (docs/triage.md)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases import catalog

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NOTE = {"note": "3单元楼道灯不亮，晚上看不见。"}
QUICK_REPORT = {"grid_manager_x", "grid_manager_y"}


@pytest.fixture(autouse=True)
def cold_start(settings, tmp_path, ledger):
    settings.TRIAGE_MODEL_DIR = tmp_path
    catalog.update_category(actor=None, category=ledger.cat_light, keywords="楼道灯、不亮")
    return ledger


def suggest(client, **data):
    return client.post(reverse("web:quick-report-suggest"), data, HTTP_HX_REQUEST="true", **EN)


def test_the_note_asks_for_suggestions_as_it_is_typed(client_for):
    html = client_for("grid_manager_x").get(reverse("web:quick-report"), **EN).content.decode()
    note = re.search(r"<textarea [^>]*name=\"note\"[^>]*>", html)
    assert note is not None
    assert f'hx-post="{reverse("web:quick-report-suggest")}"' in note.group(0)
    assert 'hx-trigger="input changed delay:600ms"' in note.group(0)
    assert 'hx-params="note"' in note.group(0)
    assert 'hx-target="#quick-suggestions"' in note.group(0)
    assert '<div id="quick-suggestions" class="suggested" aria-live="polite"' in html


def test_the_endpoint_answers_the_same_chips_as_the_new_case_form(client_for, ledger):
    client = client_for("grid_manager_x")
    response = suggest(client, **NOTE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-category-suggestions" in html
    assert f'data-pick-category="{ledger.cat_light.pk}"' in html
    assert "楼道照明 · 67% · words: 楼道灯, 不亮" in html
    staff = client_for("community_worker").post(
        reverse("web:new-case-suggest"), {"title": "", "description": NOTE["note"]}, **EN
    )
    chips = re.findall(r'data-pick-category="(\d+)"', html)
    assert chips == re.findall(r'data-pick-category="(\d+)"', staff.content.decode())


def test_no_note_or_no_match_answers_nothing_to_show(client_for):
    client = client_for("grid_manager_x")
    assert "data-pick-category" not in suggest(client, note="").content.decode()
    assert "data-pick-category" not in suggest(client).content.decode()
    assert "data-pick-category" not in suggest(client, note="天气很好").content.decode()


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_only_grid_staff_get_suggestions_as_only_they_get_the_page(client_for, persona):
    response = suggest(client_for(persona), **NOTE)
    assert response.status_code == (200 if persona in QUICK_REPORT else 404)


def test_anonymous_is_sent_to_sign_in_and_a_get_is_not_allowed(client_for):
    assert suggest(client_for("anonymous"), **NOTE).status_code == 302
    assert client_for("grid_manager_x").get(reverse("web:quick-report-suggest"), NOTE).status_code == 405


def test_the_query_count_does_not_depend_on_the_text(client_for):
    client = client_for("grid_manager_x")

    def queries(note):
        suggest(client, note=note)  # warm
        with CaptureQueriesContext(connection) as captured:
            suggest(client, note=note)
        return len(captured)

    assert queries("楼道灯") == queries(NOTE["note"] * 20)
