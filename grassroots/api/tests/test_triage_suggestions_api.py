"""Category suggestions over the API (docs/triage.md): ``POST /api/triage/suggest/`` for a text in a
district whose catalog the caller reads, ``GET /api/cases/<number>/suggestions/`` for a case the
caller may triage; bad input is a field error, and nothing is offered outside the caller's catalog."""

import pytest
from django.urls import reverse

from grassroots.cases import catalog

SUGGEST = "/api/triage/suggest/"
TEXT = {"title": "楼道灯坏了", "description": "3单元楼道灯不亮，晚上看不见。"}


@pytest.fixture(autouse=True)
def cold_start(settings, tmp_path, ledger):
    """No trained model (an empty model directory): the catalog's keywords suggest."""
    settings.TRIAGE_MODEL_DIR = tmp_path
    catalog.update_category(actor=None, category=ledger.cat_light, keywords="楼道灯、不亮")
    catalog.update_category(actor=None, category=ledger.cat_road, keywords="路面、坑洼")
    return ledger


def case_url(case):
    return f"/api/cases/{case.number}/suggestions/"


def test_a_worker_gets_the_matching_category_with_its_words_class_and_department(client_for, ledger):
    response = client_for("community_worker").post(
        SUGGEST, {**TEXT, "district": ledger.district.code}, format="json"
    )
    assert response.status_code == 200, response.content
    suggestions = response.json()["suggestions"]
    top = suggestions[0]
    assert top["category"] == {"code": "SQ-01", "name": "楼道照明", "path": ["社区事务", "楼道照明"]}
    assert set(top["words"]) == {"楼道灯", "不亮"}
    assert top["triage_class"] == "community"
    assert top["department"] is None
    assert top["source"] == "keywords"
    assert 0 < top["confidence"] < 1
    assert all(s["category"]["code"] != "CJ-01" for s in suggestions)


def test_the_district_defaults_to_the_callers_own(client_for):
    response = client_for("community_worker").post(SUGGEST, TEXT, format="json")
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["category"]["code"] == "SQ-01"


def test_a_department_is_given_as_code_and_name(client_for, ledger):
    response = client_for("community_worker").post(
        SUGGEST, {"title": "路面坑洼", "description": "", "k": 1}, format="json"
    )
    [top] = response.json()["suggestions"]
    assert top["category"]["code"] == "CJ-01"
    assert top["department"] == {"code": "ZJ", "name": "区住建局"}
    assert top["triage_class"] == "major"


def test_preselect_follows_the_setting(client_for, settings):
    client = client_for("community_worker")
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.99
    assert client.post(SUGGEST, TEXT, format="json").json()["suggestions"][0]["preselect"] is False
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.5
    assert client.post(SUGGEST, TEXT, format="json").json()["suggestions"][0]["preselect"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "description": "  "}, "title"),
        ({**TEXT, "district": "no-such-district"}, "district"),
        ({**TEXT, "k": 0}, "k"),
        ({**TEXT, "k": 6}, "k"),
        ({**TEXT, "k": "many"}, "k"),
    ],
)
def test_bad_input_is_a_field_error(client_for, body, field):
    response = client_for("community_worker").post(SUGGEST, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_k_limits_the_number_of_suggestions(client_for):
    body = {"title": "楼道灯不亮，路面坑洼", "description": "", "k": 1}
    assert len(client_for("community_worker").post(SUGGEST, body, format="json").json()["suggestions"]) == 1


def test_a_district_the_caller_does_not_read_is_a_field_error_on_district(client_for, ledger, personas):
    from grassroots.org import actions as org_actions
    from grassroots.org.choices import UnitKind

    other = org_actions.create_unit(
        actor=ledger.root, parent=ledger.district.parent, kind=UnitKind.DISTRICT, name="另一区", code="539999"
    )
    response = client_for("community_worker").post(SUGGEST, {**TEXT, "district": other.code}, format="json")
    assert response.status_code == 400
    assert "district" in response.json()


def test_someone_without_a_catalog_gets_a_district_error_and_anonymous_is_refused(client_for, ledger):
    response = client_for("nobody").post(SUGGEST, TEXT, format="json")
    assert response.status_code == 400
    assert "district" in response.json()
    response = client_for("nobody").post(SUGGEST, {**TEXT, "district": ledger.district.code}, format="json")
    assert response.status_code == 400
    assert client_for("anonymous").post(SUGGEST, TEXT, format="json").status_code in (401, 403)


def test_a_resident_reads_the_active_catalog_of_their_district(client_for):
    response = client_for("resident_a").post(SUGGEST, TEXT, format="json")
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["category"]["code"] == "SQ-01"


def test_the_case_endpoint_suggests_from_the_cases_own_text_to_a_triager(client_for, report):
    case = report()
    response = client_for("community_worker").get(case_url(case))
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["category"]["code"] == "SQ-01"
    assert set(response.json()["suggestions"][0]["words"]) == {"楼道灯", "不亮"}


def test_the_case_endpoint_is_403_for_one_who_sees_but_may_not_triage(client_for, report):
    case = report()
    assert client_for("grid_manager_x").get(f"/api/cases/{case.number}/").status_code == 200
    assert client_for("grid_manager_x").get(case_url(case)).status_code == 403


@pytest.mark.parametrize("persona", ["grid_manager_y", "resident_b", "nobody"])
def test_the_case_endpoint_is_404_for_a_case_out_of_sight(client_for, report, persona):
    case = report()
    assert client_for(persona).get(case_url(case)).status_code == 404


def test_the_case_endpoint_is_404_for_a_number_that_does_not_exist_and_refuses_anonymous(client_for, report):
    assert client_for("community_worker").get("/api/cases/2026-999999/suggestions/").status_code == 404
    case = report()
    assert client_for("anonymous").get(case_url(case)).status_code in (401, 403)


def test_both_endpoints_are_in_the_openapi_schema(client_for):
    schema = client_for("community_worker").get(reverse("api:schema"), {"format": "json"}).json()
    assert "post" in schema["paths"]["/api/triage/suggest/"]
    assert "get" in schema["paths"]["/api/cases/{number}/suggestions/"]
    assert {"SuggestRequestRequest", "Suggestions"} <= set(schema["components"]["schemas"])
