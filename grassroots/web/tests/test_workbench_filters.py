"""The workbench's filters narrow the current queue with the ledger's own filters
(``cases.filters.CaseFilter``): state, class, category (with its sub-categories), channel, urgency,
text in number or title, and the received date range; the tabs count what the filters leave, and
tab and page links keep the filters."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.cases import actions


@pytest.fixture
def mix(ledger, report, bring):
    """Three cases waiting for the community worker's triage:

    lamp    路灯不亮, 12345 hotline, urgent, 楼道照明 (under 社区事务), received now
    noise   噪音扰民, grid patrol, 家政保洁 (under 家庭事务), received on 10 January 2024
    road    道路塌陷, triaged as 大事, 道路维修, received now
    """
    w = ledger
    lamp = report(title="路灯不亮", channel="hotline", urgency="urgent", category=w.cat_light)
    noise = report(
        title="噪音扰民",
        category=w.cat_clean,
        received_at=timezone.make_aware(dt.datetime(2024, 1, 10, 9, 0)),
    )
    road = report(title="道路塌陷", category=w.cat_road)
    road = actions.triage_case(
        road, actor=w.community_worker, version=road.version, triage_class="major", reason="道路属于住建"
    )
    w.mix = {"lamp": lamp, "noise": noise, "road": road}
    w.mix_names = {case.number: name for name, case in w.mix.items()}
    return w


@pytest.fixture
def worker(mix):
    client = Client(headers={"accept-language": "en"})
    client.force_login(mix.community_worker)
    return client


def names(mix, response):
    assert response.status_code == 200
    return {mix.mix_names[row.number] for row in response.context["rows"]}


def get(client, **params):
    return client.get(reverse("web:workbench"), {"tab": "to_triage", **params})


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"lamp", "noise", "road"}),
        ({"q": "路灯"}, {"lamp"}),
        ({"state": "triaged"}, {"road"}),
        ({"state": "registered"}, {"lamp", "noise"}),
        ({"triage_class": "major"}, {"road"}),
        ({"category": "SQ"}, {"lamp"}),  # 社区事务 takes in 楼道照明
        ({"category": "JT-01"}, {"noise"}),
        ({"category": "NO-SUCH"}, set()),
        ({"channel": "hotline"}, {"lamp"}),
        ({"urgency": "urgent"}, {"lamp"}),
        ({"received_before": "2024-01-31"}, {"noise"}),
        ({"received_after": "2024-02-01"}, {"lamp", "road"}),
        ({"received_after": "2024-01-10", "received_before": "2024-01-10"}, {"noise"}),
        ({"channel": "hotline", "urgency": "normal"}, set()),
        # An empty choice is "any".
        (
            {"state": "", "triage_class": "", "category": "", "channel": "", "q": "  "},
            {"lamp", "noise", "road"},
        ),
    ],
)
def test_each_filter_narrows_the_queue(mix, worker, params, expected):
    assert names(mix, get(worker, **params)) == expected


def test_the_text_search_finds_a_case_by_its_number(mix, worker):
    number = mix.mix["noise"].number
    assert names(mix, get(worker, q=number)) == {"noise"}
    assert names(mix, get(worker, q=number[-4:])) == {"noise"}


def test_the_tabs_count_what_the_filters_leave(mix, worker):
    response = get(worker, channel="hotline")
    counts = {tab.key: tab.count for tab in response.context["tabs"]}
    assert counts["to_triage"] == 1 == len(response.context["rows"])


def test_tab_links_keep_the_filters_and_drop_the_page(mix, worker):
    response = get(worker, q="路灯", urgency="urgent", page="1")
    for tab in response.context["tabs"]:
        params = parse_qs(tab.query)
        assert params == {"q": ["路灯"], "urgency": ["urgent"], "tab": [tab.key]}


def test_a_bad_date_is_shown_as_an_error_and_the_other_filters_still_apply(mix, worker):
    response = get(worker, received_after="2024-13-45", channel="hotline")
    assert response.status_code == 200
    assert response.context["filter_errors"]
    assert "Enter a valid date." in response.content.decode()
    assert names(mix, response) == {"lamp"}


def test_the_form_shows_the_chosen_filters(mix, worker):
    body = get(worker, channel="hotline", q="路灯").content.decode()
    assert '<option value="hotline" selected>' in body
    assert 'value="路灯"' in body
    # The category list is the user's district catalog, labelled with its path.
    assert '<option value="SQ-01">社区事务 › 楼道照明</option>' in body


def test_parameters_the_page_does_not_show_are_ignored(mix, worker):
    """A tab link never carries a filter the form does not show, so none may act unseen."""
    response = get(worker, outcome="duplicate", assignee="me")
    assert names(mix, response) == {"lamp", "noise", "road"}
    assert all("outcome" not in tab.query for tab in response.context["tabs"])


def test_pages_keep_the_queue_and_the_filters(ledger, report):
    for i in range(30):
        report(title=f"井盖缺失 {i}", channel="hotline")
    report(title="别的事")
    client = Client()
    client.force_login(ledger.community_worker)
    first = client.get(reverse("web:workbench"), {"tab": "to_triage", "q": "井盖"})
    assert first.context["count"] == 30
    assert len(first.context["rows"]) == 25
    body = first.content.decode()
    assert "/workbench/?q=%E4%BA%95%E7%9B%96&amp;tab=to_triage&amp;page=2" in body
    second = client.get(reverse("web:workbench"), {"tab": "to_triage", "q": "井盖", "page": "2"})
    assert len(second.context["rows"]) == 5
    seen = {row.number for row in first.context["rows"]} | {row.number for row in second.context["rows"]}
    assert len(seen) == 30
    # A page past the end shows the last one.
    assert (
        client.get(reverse("web:workbench"), {"tab": "to_triage", "q": "井盖", "page": "9"})
        .context["page"]
        .number
        == 2
    )
    assert urlsplit(reverse("web:workbench")).path == "/workbench/"
