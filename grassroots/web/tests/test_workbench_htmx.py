"""The workbench works with and without JavaScript: plain links and a GET form give whole pages;
htmx requests aimed at the results get only the results (tabs, list, paging), and the bulk
assignment's answer replaces the same part. A history restore gets the whole page."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from grassroots.web.tests.test_workbench_queues import build_desk

HTMX = {"HX-Request": "true", "HX-Target": "wb-results"}


@pytest.fixture
def desk(ledger, bring, report):
    return build_desk(ledger, bring, report)


@pytest.fixture
def worker(desk):
    client = Client(headers={"accept-language": "en"})
    client.force_login(desk.community_worker)
    return client


def templates(response):
    return [template.name for template in response.templates]


def test_a_plain_request_gets_the_whole_page(worker):
    response = worker.get(reverse("web:workbench"), {"tab": "unit"})
    body = response.content.decode()
    assert "web/workbench/page.html" in templates(response)
    assert "<html" in body
    assert 'id="wb-filters"' in body
    assert 'id="wb-results"' in body
    assert "web/workbench.js" in body
    assert "web/workbench.css" in body


def test_an_htmx_request_for_the_results_gets_the_results_only(worker):
    response = worker.get(reverse("web:workbench"), {"tab": "unit"}, headers=HTMX)
    body = response.content.decode()
    assert templates(response)[0] == "web/workbench/_results.html"
    assert "web/workbench/page.html" not in templates(response)
    assert "<html" not in body
    assert 'id="wb-filters"' not in body
    assert 'class="wb-tabs"' in body
    assert 'class="wb-table"' in body
    # The queue the results show travels with the filter form, which stays on the page.
    assert '<input type="hidden" name="tab" value="unit" form="wb-filters">' in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_or_another_target_gets_the_whole_page(worker):
    restore = worker.get(reverse("web:workbench"), headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "web/workbench/page.html" in templates(restore)
    other = worker.get(reverse("web:workbench"), headers={"HX-Request": "true", "HX-Target": "main"})
    assert "web/workbench/page.html" in templates(other)


def test_tabs_paging_and_filters_work_as_plain_links_and_forms_and_through_htmx(worker):
    body = worker.get(reverse("web:workbench"), {"tab": "unit", "q": "灯"}).content.decode()
    # The tab is a link any browser follows, which htmx fetches into the results instead.
    assert 'href="/workbench/?q=%E7%81%AF&amp;tab=mine"' in body
    assert 'hx-get="/workbench/?q=%E7%81%AF&amp;tab=mine" hx-target="#wb-results" hx-push-url="true"' in body
    assert 'method="get" action="/workbench/"' in body
    assert 'hx-get="/workbench/" hx-target="#wb-results" hx-push-url="true"' in body
    assert 'method="post" action="/workbench/assign/?q=%E7%81%AF&amp;tab=unit"' in body
    assert 'hx-post="/workbench/assign/?q=%E7%81%AF&amp;tab=unit" hx-target="#wb-results"' in body


def test_the_bulk_assignment_answers_htmx_with_the_results_and_a_plain_post_with_the_page(desk, worker):
    comm = desk.cases["comm"]
    data = {
        "case": [comm.number],
        f"version-{comm.number}": comm.version,
        "assignee": str(desk.community_worker2.uid),
    }
    url = reverse("web:workbench-assign") + "?tab=unit"
    partial = worker.post(url, data, headers=HTMX)
    assert templates(partial)[0] == "web/workbench/_results.html"
    assert "Assigned: 1. Refused: 0." in partial.content.decode()
    data[f"version-{comm.number}"] = comm.version + 1
    data["assignee"] = str(desk.community_worker.uid)
    whole = worker.post(url, data)
    assert "web/workbench/page.html" in templates(whole)
    assert "Assigned: 1. Refused: 0." in whole.content.decode()


def test_the_keyboard_script_and_styles_are_served_from_the_app(worker):
    assert finders.find("web/workbench.js")
    assert finders.find("web/workbench.css")
    body = worker.get(reverse("web:workbench"), {"tab": "unit"}).content.decode()
    # The keys act on rows and their open links and checkboxes, and on the search box.
    assert 'data-case="' in body
    assert 'class="wb-open mono"' in body
    assert 'id="wb-q"' in body
