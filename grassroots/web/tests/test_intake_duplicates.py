"""The new-case form lists the possible duplicates of what is being typed (htmx, a POST to
``/cases/new/duplicates/``; docs/triage.md, "Duplicates"): each with its number linking to the
case page, its title, state, receipt and reasons; a re-post of the same resident marked; only cases
the user sees; for those who may use the form; in a constant number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TEXT = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮，晚上看不见。"}
NEW_CASE = {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff", "department_handler"}
NEW_CASE |= {"district_admin", "root"}


def look(client, **data):
    return client.post(reverse("web:new-case-duplicates"), data, HTTP_HX_REQUEST="true", **EN)


def listed(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-candidate="([^"]+)"', response.content.decode())


def item(response, number: str) -> str:
    found = re.search(rf'<li [^>]*data-candidate="{number}">(.*?)</li>', response.content.decode(), re.S)
    assert found is not None
    return found.group(1)


def test_the_form_asks_for_duplicates_as_the_text_is_typed_without_the_phone(client_for):
    html = client_for("community_worker").get(reverse("web:new-case"), **EN).content.decode()
    box = re.search(r'<div id="intake-duplicates"[^>]*>', html)
    assert box is not None
    assert f'hx-post="{reverse("web:new-case-duplicates")}"' in box.group(0)
    assert 'hx-trigger="duplicates-check delay:500ms"' in box.group(0)
    assert 'aria-live="polite"' in box.group(0)
    params = re.search(r'hx-params="([^"]+)"', box.group(0))
    assert params is not None
    assert set(params.group(1).split(",")) == {
        "title",
        "description",
        "category",
        "lat",
        "lng",
        "reporter",
        "reporter_kind",
    }


def test_the_case_entered_before_is_listed_with_its_link_state_date_and_reasons(client_for, report):
    case = report()
    report(title="井盖丢失", description="路口井盖被偷走了。")
    response = look(client_for("community_worker"), **TEXT)
    assert listed(response) == [case.number]
    row = item(response, case.number)
    url = reverse("web:case", args=[case.number])
    assert f'<a class="mono" href="{url}" target="_blank" rel="noopener">{case.number}</a>' in row
    assert case.title in row
    assert "Registered" in row
    assert f"Received {timezone.localtime(case.received_at):%Y-%m-%d}" in row
    assert "similar text (100%)" in row
    assert "data-repost" not in row
    assert "Possible duplicates" in response.content.decode()


def test_the_distance_shows_when_both_points_are_known(client_for, report):
    case = report(lat=26.005, lng=103.005, household=None)
    response = look(client_for("community_worker"), **TEXT, lat="26.006", lng="103.005")
    assert listed(response) == [case.number]
    assert re.search(r"1\d\d m away", item(response, case.number))
    assert listed(look(client_for("community_worker"), **TEXT, lat="26.1", lng="103.005")) == []


def test_a_category_of_another_family_leaves_the_case_out(client_for, report, ledger):
    case = report(category=ledger.cat_light)
    client = client_for("community_worker")
    assert listed(look(client, **TEXT, category=str(ledger.cat_comm.pk))) == [case.number]
    assert "related category" in item(look(client, **TEXT, category=str(ledger.cat_comm.pk)), case.number)
    assert listed(look(client, **TEXT, category=str(ledger.cat_road.pk))) == []


def test_the_same_resident_with_the_same_text_minutes_ago_is_flagged_a_re_post(client_for, report, ledger):
    other = report(reporter=ledger.resident_b, household=None, unit=ledger.grid_x)
    first = report(received_at=timezone.now() - timedelta(minutes=3))
    client = client_for("community_worker")
    response = look(client, **TEXT, reporter=str(ledger.resident_a.uid), reporter_kind="resident")
    assert listed(response) == [first.number, other.number]
    flagged = item(response, first.number)
    assert "data-repost" in flagged
    assert "Looks like a re-post" in flagged
    assert "sent again by the same reporter" in flagged
    assert "data-repost" not in item(response, other.number)
    # Not the resident reporting: no re-post.
    anonymous = look(client, **TEXT, reporter=str(ledger.resident_a.uid), reporter_kind="anonymous")
    assert "data-repost" not in anonymous.content.decode()


def test_the_re_post_flag_shows_in_chinese_by_default(client_for, report, ledger):
    report(received_at=timezone.now() - timedelta(minutes=3))
    response = client_for("community_worker").post(
        reverse("web:new-case-duplicates"),
        {**TEXT, "reporter": str(ledger.resident_a.uid), "reporter_kind": "resident"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "data-repost" in response.content.decode()


def test_no_text_answers_an_empty_list_and_bad_input_is_left_out(client_for, report):
    case = report()
    client = client_for("community_worker")
    empty = look(client, title="", description="  ")
    assert listed(empty) == []
    assert empty.content.decode().strip() == ""
    assert listed(look(client)) == []
    odd = {"category": "lamp", "lat": "nan", "lng": "east", "reporter": "not-a-uid", "reporter_kind": "x"}
    assert listed(look(client, **TEXT, **odd)) == [case.number]
    assert listed(look(client, **TEXT, lat="95", lng="103.0")) == [case.number]
    assert listed(look(client, **TEXT, category="999999")) == [case.number]


def test_a_case_the_user_cannot_see_is_never_listed(client_for, report, ledger):
    hidden = report(actor=ledger.grid_manager_y, household=ledger.household_y, reporter=ledger.resident_b)
    seen = report()
    found = listed(look(client_for("grid_manager_x"), **TEXT))
    assert seen.number in found
    assert hidden.number not in found
    assert hidden.number in listed(look(client_for("district_admin"), **TEXT))


def test_a_resident_out_of_sight_gives_no_re_post(client_for, report, ledger):
    report(actor=ledger.grid_manager_y, household=ledger.household_y, reporter=ledger.resident_b)
    response = look(
        client_for("grid_manager_x"), **TEXT, reporter=str(ledger.resident_b.uid), reporter_kind="resident"
    )
    assert "data-repost" not in response.content.decode()


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_only_those_who_may_use_the_form_get_the_list(client_for, report, persona):
    case = report()
    response = look(client_for(persona), **TEXT)
    if persona in NEW_CASE:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert case.number.encode() not in response.content


def test_anonymous_is_sent_to_sign_in_and_a_get_is_not_allowed(client_for):
    assert look(client_for("anonymous"), **TEXT).status_code == 302
    response = client_for("community_worker").get(reverse("web:new-case-duplicates"), TEXT)
    assert response.status_code == 405


def test_the_query_count_does_not_grow_with_the_cases(client_for, report, ledger):
    client = client_for("community_worker")
    data = {
        **TEXT,
        "reporter": str(ledger.resident_a.uid),
        "reporter_kind": "resident",
        "category": str(ledger.cat_light.pk),
        "lat": "26.005",
        "lng": "103.005",
    }

    def queries():
        look(client, **data)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = look(client, **data)
        return len(captured), len(listed(response))

    report(category=ledger.cat_light)
    small = queries()
    for _ in range(7):
        report(category=ledger.cat_light)
    large = queries()
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]
