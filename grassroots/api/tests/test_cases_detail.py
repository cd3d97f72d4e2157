"""A case's detail: every field the viewer may see, its timeline in order, photos, extensions,
supervision records, links, and the acts the viewer may take now (docs/domain.md §3)."""

import io

from grassroots.api.tests import case_states as states
from grassroots.cases import actions
from grassroots.cases.models import Case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_timeline_lists_every_event_in_order_with_who_did_it(client_for, ledger, report):
    case = states.awaiting_rating(ledger, report)

    body = client_for("community_worker").get(f"/api/cases/{case.number}/").json()

    assert [(e["kind"], e["from_state"], e["to_state"], e["actor"]) for e in body["timeline"]] == [
        ("register", "", "registered", "gm_x"),
        ("triage", "registered", "triaged", "cw"),
        ("route", "triaged", "routed", "cw"),
        ("accept", "routed", "in_progress", "cw"),
        ("resolve", "in_progress", "resolved", "cw"),
        ("verify", "resolved", "awaiting_rating", "cw2"),
    ]
    assert body["timeline"][1]["note"] == "按类分流"
    assert body["timeline"][1]["data"]["class"] == "community"
    assert [e["version"] for e in body["timeline"]] == [1, 2, 3, 4, 5, 6]
    assert body["version"] == 6
    assert body["handler"]["name"] == "cw"
    assert body["verifier"]["name"] == "cw2"
    assert body["responsible_unit"]["code"] == ledger.community.code
    assert body["level"] == "community"


def test_the_acts_offered_are_those_the_viewer_may_take_now(client_for, ledger, report):
    case = states.registered(ledger, report)

    worker = client_for("community_worker").get(f"/api/cases/{case.number}/").json()
    resident = client_for("resident_a").get(f"/api/cases/{case.number}/").json()

    names = {act["name"] for act in worker["available_acts"]}
    assert {"triage", "solve_on_the_spot", "reject", "mark_duplicate", "comment"} <= names
    assert "accept" not in names
    triage = next(act for act in worker["available_acts"] if act["name"] == "triage")
    assert triage["url"] == f"/api/cases/{case.number}/triage/"
    assert resident["available_acts"] == []


def test_staff_in_scope_and_the_reporter_see_who_reported(client_for, ledger, report):
    case = states.registered(ledger, report)

    for persona in ("resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"):
        reporter = client_for(persona).get(f"/api/cases/{case.number}/").json()["reporter"]
        assert reporter["name"] == "张伟", persona
        assert reporter["resident"] == str(ledger.resident_a.uid)
        assert reporter["phone_masked"] is None  # entered without a contact phone


def test_a_department_sees_the_reporter_of_a_case_routed_to_it(client_for, ledger, report):
    case = states.triaged(ledger, report, triage_class="major")
    actions.route_case(
        case,
        actor=ledger.community_worker,
        version=case.version,
        level="department",
        department=ledger.department,
    )

    reporter = client_for("department_handler").get(f"/api/cases/{case.number}/").json()["reporter"]

    assert reporter["name"] == "张伟"


def test_links_show_the_original_its_duplicates_and_the_problem(client_for, ledger, report):
    original = states.registered(ledger, report)
    copy = states.registered(ledger, report, title="同一盏灯")
    actions.mark_duplicate(copy, actor=ledger.community_worker, version=copy.version, original=original)
    a, b = states.registered(ledger, report), states.registered(ledger, report)
    problem = actions.create_problem(actor=ledger.community_worker, title="3单元照明", cases=[a, b])
    client = client_for("community_worker")

    original_body = client.get(f"/api/cases/{original.number}/").json()
    copy_body = client.get(f"/api/cases/{copy.number}/").json()
    member = client.get(f"/api/cases/{a.number}/").json()

    assert original_body["duplicates"] == [copy.number]
    assert copy_body["duplicate_of"] == original.number
    assert copy_body["outcome"] == "duplicate"
    assert member["problem"] == {"uid": str(problem.uid), "title": "3单元照明", "state": "open"}


def test_extensions_and_supervision_records_are_shown(client_for, ledger, report):
    case = states.with_pending_extension(ledger, report)
    actions.supervise_case(
        case, actor=ledger.street_staff, version=case.version, level="yellow_card", reason="拖延"
    )

    body = client_for("street_staff").get(f"/api/cases/{case.number}/").json()

    [extension] = body["extensions"]
    assert extension["status"] == "pending"
    assert extension["days"] == "2.00"
    assert extension["requested_by"]["name"] == "cw"
    [record] = body["supervisions"]
    assert record["level"] == "yellow_card"
    assert record["issued_by"]["name"] == "ss"
    assert body["supervision"] == "yellow_card"
    assert "decide_extension" in {act["name"] for act in body["available_acts"]}


def test_photos_are_linked_to_their_access_checked_download(client_for, ledger, report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = states.registered(ledger, report)
    photo = actions.attach_photo(case, actor=ledger.grid_manager_x, upload=io.BytesIO(PNG), name="灯.png")

    [attachment] = client_for("community_worker").get(f"/api/cases/{case.number}/").json()["attachments"]

    assert attachment["uid"] == str(photo.uid)
    assert attachment["content_type"] == "image/png"
    assert attachment["url"] == f"/api/cases/{case.number}/attachments/{photo.uid}/"


def test_the_detail_carries_its_version_as_an_etag(client_for, ledger, report):
    case = states.triaged(ledger, report)

    response = client_for("community_worker").get(f"/api/cases/{case.number}/")

    assert response["ETag"] == f'"{Case.objects.get(pk=case.pk).version}"'
