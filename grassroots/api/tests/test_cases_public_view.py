"""The residents' public view: their community's public matters (大事, 小事), with no personal data
and never the reporter (docs/domain.md §3, §8)."""

from conftest import PHONE_A, assert_no_plaintext
from grassroots.api.tests import case_states as states
from grassroots.cases import actions

PUBLIC_FIELDS = {
    "number",
    "title",
    "category",
    "triage_class",
    "state",
    "unit_name",
    "received_at",
    "resolved_at",
    "closed_at",
    "outcome",
    "me_too",
    "supported",
}


def test_a_resident_sees_the_public_matters_of_their_community_without_the_reporter(
    client_for, ledger, report
):
    # resident A reported it with a contact phone; resident B lives in the same community
    case = states.triaged(ledger, report, reporter_phone=PHONE_A, category=ledger.cat_light)

    response = client_for("resident_b").get("/api/public-cases/")

    [row] = response.json()["results"]
    assert set(row) == PUBLIC_FIELDS
    assert row["number"] == case.number
    assert row["unit_name"] == ledger.grid_x.name
    assert row["category"] == {"code": "SQ-01", "name": "楼道照明"}
    text = response.content.decode()
    for private in ("张伟", "resident_a", ledger.household_x.address, "3单元楼道灯不亮", "138****5678"):
        assert private not in text
    assert_no_plaintext(response.content)
    detail = client_for("resident_b").get(f"/api/public-cases/{case.number}/")
    assert set(detail.json()) == PUBLIC_FIELDS


def test_private_matters_untriaged_cases_and_other_communities_stay_out(client_for, ledger, report):
    states.triaged(ledger, report, triage_class="private")
    states.registered(ledger, report)
    other = report(
        actor=ledger.district_admin, household=ledger.household_z, reporter=None, reporter_name="刘"
    )
    actions.triage_case(
        other, actor=ledger.district_admin, version=other.version, triage_class="major", reason="公共"
    )

    rows = client_for("resident_b").get("/api/public-cases/").json()["results"]

    assert rows == []


def test_staff_and_people_without_a_resident_record_get_no_public_view(client_for, ledger, report):
    case = states.triaged(ledger, report)

    for persona in ("community_worker", "nobody"):
        client = client_for(persona)
        assert client.get("/api/public-cases/").json()["results"] == []
        assert client.get(f"/api/public-cases/{case.number}/").status_code == 404


def test_the_public_view_filters_by_state_and_class(client_for, ledger, report):
    community = states.triaged(ledger, report)
    major = states.triaged(ledger, report, triage_class="major")
    client = client_for("resident_b")

    by_class = client.get("/api/public-cases/", {"triage_class": "major"}).json()["results"]
    by_state = client.get("/api/public-cases/", {"state": "routed"}).json()["results"]
    search = client.get("/api/public-cases/", {"q": "楼道灯不亮"}).json()["results"]

    assert [row["number"] for row in by_class] == [major.number]
    assert by_state == []
    # no text search over descriptions the view hides: the parameter is ignored
    assert {row["number"] for row in search} == {community.number, major.number}
