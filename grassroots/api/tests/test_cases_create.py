"""Entering a case over the API: who reports for whom, where it lands, and idempotent retries
(docs/domain.md §3; docs/api.md)."""

import pytest

from conftest import assert_no_plaintext
from grassroots.cases.models import Case

PHONE_CALLER = "13900001111"


def post(client, data, **headers):
    return client.post("/api/cases/", data, format="json", **headers)


def test_a_resident_reports_for_themselves_as_a_self_report(client_for, ledger):
    response = post(client_for("resident_a"), {"title": "路灯不亮", "description": "小区门口路灯坏了"})
    # whatever a resident claims, it is their own self-report
    claimed = post(
        client_for("resident_a"),
        {"title": "路灯", "description": "坏了", "channel": "hotline", "reporter_kind": "anonymous"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "self_report"
    assert (claimed.json()["channel"], claimed.json()["reporter"]["kind"]) == ("self_report", "resident")
    assert body["reporter"]["kind"] == "resident"
    assert body["reporter"]["name"] == "张伟"
    assert body["unit"]["code"] == ledger.grid_x.code  # their own household's grid
    assert body["state"] == "registered"
    assert body["version"] == 1


def test_a_resident_cannot_report_for_another_resident(client_for, ledger):
    # resident B is not even visible to resident A: the reference does not resolve
    unseen = post(
        client_for("resident_a"),
        {"title": "路灯不亮", "description": "门口", "reporter": str(ledger.resident_b.uid)},
    )
    assert unseen.status_code == 400
    assert "reporter" in unseen.json()


def test_a_resident_names_themselves_as_reporter_or_no_one(client_for, ledger):
    response = post(
        client_for("resident_a"),
        {"title": "路灯不亮", "description": "门口", "reporter": str(ledger.resident_a.uid)},
    )
    assert response.status_code == 201


def test_a_user_with_no_post_and_no_resident_record_cannot_report(client_for, ledger):
    response = post(
        client_for("nobody"), {"title": "路灯不亮", "description": "门口", "lat": 26.005, "lng": 103.005}
    )

    assert response.status_code == 403


def test_staff_report_on_behalf_of_a_resident_by_public_id(client_for, ledger):
    response = post(
        client_for("grid_manager_x"),
        {
            "title": "楼道灯坏了",
            "description": "3单元楼道灯不亮",
            "channel": "grid_patrol",
            "reporter": str(ledger.resident_a.uid),
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["reporter"]["kind"] == "on_behalf"
    assert body["reporter"]["resident"] == str(ledger.resident_a.uid)
    assert body["household"] == str(ledger.household_x.uid)  # the resident's household by default
    assert body["created_by"]["uid"] == str(ledger.grid_manager_x.uid)


def test_staff_say_how_the_case_came_in(client_for, ledger):
    response = post(
        client_for("grid_manager_x"),
        {"title": "楼道灯坏了", "description": "3单元", "reporter": str(ledger.resident_a.uid)},
    )

    assert response.status_code == 400
    assert "channel" in response.json()


def test_staff_enter_an_anonymous_report(client_for, ledger):
    response = post(
        client_for("community_worker"),
        {
            "title": "噪音扰民",
            "description": "夜间施工",
            "channel": "hotline",
            "reporter_kind": "anonymous",
            "lat": 26.005,
            "lng": 103.015,
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["reporter"] == {
        "kind": "anonymous",
        "resident": None,
        "name": None,
        "phone_masked": None,
        "public_anonymous": True,
    }
    assert body["unit"]["code"] == ledger.grid_y.code  # the point lies in grid Y


def test_a_named_callers_phone_is_sealed_and_only_shown_masked(client_for, ledger):
    client = client_for("community_worker")

    response = post(
        client,
        {
            "title": "下水道堵塞",
            "description": "2栋下水道堵了",
            "channel": "hotline",
            "reporter_name": "王先生",
            "reporter_phone": PHONE_CALLER,
            "household": str(ledger.household_y.uid),
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["reporter"]["name"] == "王先生"
    assert body["reporter"]["phone_masked"] == "139****1111"
    assert PHONE_CALLER not in response.content.decode()
    case = Case.objects.get(number=body["number"])
    assert case.phone_cipher
    assert PHONE_CALLER not in case.phone_cipher
    detail = client.get(f"/api/cases/{case.number}/")
    assert PHONE_CALLER not in detail.content.decode()
    assert_no_plaintext(detail.content)


def test_a_bad_phone_is_a_field_error(client_for, ledger):
    response = post(
        client_for("community_worker"),
        {
            "title": "下水道堵塞",
            "description": "2栋",
            "channel": "hotline",
            "reporter_name": "王先生",
            "reporter_phone": "12345",
            "unit": ledger.community.code,
        },
    )

    assert response.status_code == 400
    assert "reporter_phone" in response.json()


@pytest.mark.parametrize(
    ("where", "expected_unit"),
    [
        (lambda w: {"lat": 26.005, "lng": 103.025}, "grid_z"),
        (lambda w: {"household": str(w.household_y.uid)}, "grid_y"),
        (lambda w: {"building": w.building_x.code}, "grid_x"),
        (lambda w: {"unit": w.community2.code}, "community2"),
    ],
    ids=["point", "household", "building", "fallback unit"],
)
def test_a_case_lands_where_its_location_says(client_for, ledger, where, expected_unit):
    data = {"title": "井盖缺失", "description": "路口井盖缺失", "channel": "grid_patrol", **where(ledger)}

    response = post(client_for("street_staff"), {**data, "reporter_kind": "anonymous"})

    assert response.status_code == 201, response.json()
    assert response.json()["unit"]["code"] == getattr(ledger, expected_unit).code


def test_a_case_without_any_location_is_a_field_error(client_for, ledger):
    response = post(
        client_for("street_staff"),
        {"title": "井盖缺失", "description": "路口", "channel": "grid_patrol", "reporter_kind": "anonymous"},
    )

    assert response.status_code == 400
    assert "location" in response.json()


def test_a_category_is_named_by_its_code(client_for, ledger):
    response = post(
        client_for("grid_manager_x"),
        {
            "title": "楼道灯坏了",
            "description": "3单元",
            "channel": "grid_patrol",
            "reporter": str(ledger.resident_a.uid),
            "category": "SQ-01",
        },
    )
    unknown = post(
        client_for("grid_manager_x"),
        {
            "title": "x",
            "description": "y",
            "channel": "grid_patrol",
            "reporter": str(ledger.resident_a.uid),
            "category": "NOPE",
        },
    )

    assert response.json()["category"] == {"code": "SQ-01", "name": "楼道照明"}
    assert unknown.status_code == 400
    assert "category" in unknown.json()


def test_a_retry_with_the_same_idempotency_key_returns_the_same_case(client_for, ledger):
    client = client_for("resident_a")
    data = {"title": "路灯不亮", "description": "小区门口路灯坏了"}

    first = post(client, data, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001")
    retry = post(client, data, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001")
    other_body = post(client, {**data, "title": "别的事"}, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0001")
    new_key = post(client, data, HTTP_IDEMPOTENCY_KEY="phone-7f3a-0002")

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["number"] == first.json()["number"]
    # the key is not compared with the body: the first case answers (documented)
    assert other_body.status_code == 200
    assert other_body.json()["number"] == first.json()["number"]
    assert other_body.json()["title"] == "路灯不亮"
    assert new_key.status_code == 201
    assert new_key.json()["number"] != first.json()["number"]
    assert Case.objects.count() == 2


def test_the_same_key_from_another_user_is_another_case(client_for, ledger):
    data = {"title": "路灯不亮", "description": "小区门口路灯坏了"}

    a = post(client_for("resident_a"), data, HTTP_IDEMPOTENCY_KEY="k-1")
    b = post(client_for("resident_b"), data, HTTP_IDEMPOTENCY_KEY="k-1")

    assert a.status_code == b.status_code == 201
    assert a.json()["number"] != b.json()["number"]


def test_an_overlong_idempotency_key_is_refused(client_for, ledger):
    response = post(
        client_for("resident_a"), {"title": "路灯", "description": "坏了"}, HTTP_IDEMPOTENCY_KEY="k" * 101
    )

    assert response.status_code == 400
    assert "idempotency_key" in response.json()
    assert Case.objects.count() == 0


def test_signed_out_clients_cannot_report(client_for, ledger):
    response = post(client_for("anonymous"), {"title": "路灯", "description": "坏了"})

    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["resident_a", "grid_manager_x"])
def test_the_created_case_answers_exactly_what_reading_it_answers(client_for, ledger, persona):
    client = client_for(persona)
    data = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮", "category": ledger.cat_light.code}
    if persona != "resident_a":
        data |= {"channel": "hotline", "reporter": str(ledger.resident_a.uid), "reporter_phone": PHONE_CALLER}
    created = post(client, data)

    assert created.status_code == 201
    read = client.get(f"/api/cases/{created.json()['number']}/")
    assert created.json() == read.json()
    assert created["ETag"] == read["ETag"]
