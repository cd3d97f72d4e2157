"""Possible duplicates over the API (docs/triage.md, "Duplicates"): ``POST /api/triage/duplicates/``
for a request being entered, ``GET /api/cases/<number>/duplicates/`` for a case the caller may
triage (404 out of sight, 403 for one who sees but may not triage)."""

import pytest

DUPLICATES = "/api/triage/duplicates/"
TEXT = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮，晚上看不见。"}
KEYS = {"number", "title", "state", "received_at", "score", "distance_m", "repost", "reasons"}


def case_url(case):
    return f"/api/cases/{case.number}/duplicates/"


def test_a_text_being_entered_gets_the_similar_case_with_its_fields(client_for, report, ledger):
    case = report(lat=26.005, lng=103.005, household=None, category=ledger.cat_light)
    report(title="井盖丢失", description="路口井盖被偷走了。")
    response = client_for("community_worker").post(
        DUPLICATES, {**TEXT, "category": "SQ-01", "lat": 26.0052, "lng": 103.005}, format="json"
    )
    assert response.status_code == 200, response.content
    [candidate] = response.json()["candidates"]
    assert set(candidate) == KEYS
    assert candidate["number"] == case.number
    assert candidate["state"] == "registered"
    assert candidate["score"] == 1.0
    assert 15 <= candidate["distance_m"] <= 30
    assert candidate["repost"] is False
    assert candidate["reasons"]


def test_an_unknown_category_or_no_text_is_a_field_error(client_for):
    client = client_for("community_worker")
    response = client.post(DUPLICATES, {**TEXT, "category": "NOPE"}, format="json")
    assert response.status_code == 400
    assert "category" in response.json()
    response = client.post(DUPLICATES, {"title": "", "description": ""}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_the_case_endpoint_lists_others_and_flags_a_repost_but_not_the_case_itself(client_for, report):
    first = report()
    again = report()
    response = client_for("community_worker").get(case_url(again))
    assert response.status_code == 200
    candidates = response.json()["candidates"]
    assert [c["number"] for c in candidates] == [first.number]
    assert candidates[0]["repost"] is True
    assert candidates[0]["distance_m"] is None


def test_the_case_endpoint_is_403_for_one_who_sees_but_may_not_triage(client_for, report):
    case = report()
    assert client_for("grid_manager_x").get(f"/api/cases/{case.number}/").status_code == 200
    assert client_for("grid_manager_x").get(case_url(case)).status_code == 403


@pytest.mark.parametrize("persona", ["grid_manager_y", "resident_b", "nobody"])
def test_the_case_endpoint_is_404_for_a_case_out_of_sight(client_for, report, persona):
    case = report()
    assert client_for(persona).get(case_url(case)).status_code == 404


def test_a_caller_never_gets_a_case_out_of_their_sight(client_for, report, ledger):
    hidden = report(actor=ledger.grid_manager_y, household=ledger.household_y, reporter=ledger.resident_b)
    response = client_for("grid_manager_x").post(
        DUPLICATES, {**TEXT, "district": ledger.district.code}, format="json"
    )
    assert response.status_code == 200
    assert hidden.number not in [c["number"] for c in response.json()["candidates"]]
    response = client_for("district_admin").post(
        DUPLICATES, {**TEXT, "district": ledger.district.code}, format="json"
    )
    assert hidden.number in [c["number"] for c in response.json()["candidates"]]


def test_anonymous_is_refused(client_for, report):
    case = report()
    assert client_for("anonymous").get(case_url(case)).status_code in (401, 403)
    assert client_for("anonymous").post(DUPLICATES, TEXT, format="json").status_code in (401, 403)
