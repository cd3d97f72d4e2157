"""Optimistic locking over HTTP: an act names the version it read; a stale version or an act the
case's state does not allow is a 409 that says the current version (docs/api.md)."""

from grassroots.api.tests import case_states as states
from grassroots.cases.models import Case


def triage(client, case, version=None, **headers):
    data = {"triage_class": "community", "reason": "公共照明"}
    if version is not None:
        data["version"] = version
    return client.post(f"/api/cases/{case.number}/triage/", data, format="json", **headers)


def test_an_act_on_a_stale_version_is_a_conflict_and_changes_nothing(client_for, ledger, report):
    case = states.registered(ledger, report)
    client = client_for("community_worker")
    client.post(f"/api/cases/{case.number}/comment/", {"note": "先记一笔", "version": 1}, format="json")

    response = triage(client, case, version=1)

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["current_version"] == 2
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_two_people_acting_on_the_same_version_one_wins_and_one_gets_409(client_for, ledger, report):
    case = states.registered(ledger, report)

    first = triage(client_for("community_worker"), case, version=case.version)
    second = client_for("street_staff").post(
        f"/api/cases/{case.number}/reject/",
        {"outcome": "not_true", "reason": "不属实", "version": case.version},
        format="json",
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["current_version"] == first.json()["version"]
    saved = Case.objects.get(pk=case.pk)
    assert (saved.state, saved.outcome) == ("triaged", "")


def test_an_act_the_state_does_not_allow_is_a_conflict(client_for, ledger, report):
    case = states.triaged(ledger, report)

    response = triage(client_for("community_worker"), case, version=case.version, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Not possible while the case is Triaged.",
        "code": "conflict",
        "current_version": case.version,
    }


def test_the_version_may_come_as_if_match(client_for, ledger, report):
    case = states.registered(ledger, report)
    client = client_for("community_worker")

    stale = triage(client, case, HTTP_IF_MATCH='"7"')
    fresh = triage(client, case, HTTP_IF_MATCH=f'"{case.version}"')

    assert stale.status_code == 409
    assert fresh.status_code == 200
    assert fresh["ETag"] == f'"{case.version + 1}"'


def test_an_act_without_a_version_is_a_field_error(client_for, ledger, report):
    case = states.registered(ledger, report)
    client = client_for("community_worker")

    missing = triage(client, case)
    garbled = triage(client, case, HTTP_IF_MATCH="*")
    disagreeing = triage(client, case, version=1, HTTP_IF_MATCH='"2"')

    for response in (missing, garbled, disagreeing):
        assert response.status_code == 400
        assert "version" in response.json()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_field_errors_name_the_field(client_for, ledger, report):
    case = states.registered(ledger, report)

    response = client_for("community_worker").post(
        f"/api/cases/{case.number}/triage/",
        {"triage_class": "huge", "reason": "x", "version": case.version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    too_short = client_for("community_worker").post(
        f"/api/cases/{case.number}/triage/",
        {"triage_class": "major", "reason": "x", "version": case.version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"triage_class"}
    assert too_short.status_code == 400
    assert too_short.json() == {"reason": ["Say why (a few words at least)."]}


def test_deciding_when_no_extension_is_pending_is_a_conflict(client_for, ledger, report):
    case = states.in_progress(ledger, report)

    response = client_for("street_staff").post(
        f"/api/cases/{case.number}/decide-extension/",
        {"approve": True, "version": case.version},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == case.version
