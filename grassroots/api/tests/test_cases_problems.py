"""Common problems (共性问题) over HTTP: scoped lists, creation from case numbers, linking and
unlinking, and resolving and verifying once for every member (docs/domain.md §3.2)."""

from conftest import PERSONAS
from grassroots.api.tests import case_states as states
from grassroots.cases import actions
from grassroots.cases.models import Case, CommonProblem


def create(client, numbers, **extra):
    return client.post("/api/problems/", {"title": "3单元照明", "cases": numbers, **extra}, format="json")


def test_staff_link_cases_into_a_problem_by_their_numbers(client_for, ledger, report):
    a, b = states.registered(ledger, report), states.routed(ledger, report)

    response = create(client_for("community_worker"), [a.number, b.number], category="SQ-01")

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "open"
    assert body["unit"]["code"] == ledger.grid_x.code
    assert body["category"] == {"code": "SQ-01", "name": "楼道照明"}
    assert [c["number"] for c in body["cases"]] == [a.number, b.number]
    linked = Case.objects.select_related("problem").get(pk=a.pk).problem
    assert linked is not None
    assert str(linked.uid) == body["uid"]


def test_creating_needs_two_visible_open_cases(client_for, ledger, report):
    a = states.registered(ledger, report)
    at_w = report(
        actor=ledger.district_admin, household=ledger.household_w, reporter=None, reporter_name="刘"
    )
    client = client_for("community_worker")

    alone = create(client, [a.number])
    unseen = create(client, [a.number, at_w.number])

    assert alone.status_code == 400
    assert "cases" in alone.json()
    assert unseen.status_code == 400
    assert "cases" in unseen.json()
    assert CommonProblem.objects.count() == 0


def test_who_may_create_a_problem(client_for, ledger, report):
    statuses = {}
    for persona in PERSONAS:
        a, b = states.registered(ledger, report), states.registered(ledger, report)
        statuses[persona] = create(client_for(persona), [a.number, b.number]).status_code

    # the triage roles link cases; the others who see them are refused; the rest cannot name them
    assert statuses == {
        "resident_a": 403,
        "resident_b": 400,
        "grid_manager_x": 403,
        "grid_manager_y": 400,
        "community_worker": 201,
        "street_staff": 201,
        "department_handler": 400,
        "district_admin": 201,
        "nobody": 400,
    }


def test_a_problem_is_seen_by_the_staff_of_its_unit(client_for, ledger, report):
    a, b = states.registered(ledger, report), states.registered(ledger, report)
    problem = actions.create_problem(actor=ledger.community_worker, title="照明", cases=[a, b])

    seen = {}
    for persona in PERSONAS:
        client = client_for(persona)
        listed = str(problem.uid) in {row["uid"] for row in client.get("/api/problems/").json()["results"]}
        status = client.get(f"/api/problems/{problem.uid}/").status_code
        seen[persona] = (listed, status)

    readers = {"grid_manager_x", "community_worker", "street_staff", "district_admin"}
    assert seen == {p: (p in readers, 200 if p in readers else 404) for p in PERSONAS}


def test_link_and_unlink_a_case(client_for, ledger, report):
    a, b, c = (states.registered(ledger, report) for _ in range(3))
    problem = actions.create_problem(actor=ledger.community_worker, title="照明", cases=[a, b])
    client = client_for("community_worker")
    url = f"/api/problems/{problem.uid}"

    linked = client.post(f"{url}/link/", {"case": c.number, "version": c.version}, format="json")
    c.refresh_from_db()
    stale = client.post(f"{url}/unlink/", {"case": c.number, "version": c.version - 1}, format="json")
    unlinked = client.post(f"{url}/unlink/", {"case": c.number, "version": c.version}, format="json")
    not_member = client.post(f"{url}/unlink/", {"case": c.number, "version": c.version + 1}, format="json")

    assert linked.status_code == 200
    assert c.number in [row["number"] for row in linked.json()["cases"]]
    assert stale.status_code == 409
    assert unlinked.status_code == 200
    assert c.number not in [row["number"] for row in unlinked.json()["cases"]]
    assert not_member.status_code == 400


def test_resolve_once_then_verify_by_someone_else(client_for, ledger, report):
    a, b = states.routed(ledger, report), states.in_progress(ledger, report)
    problem = actions.create_problem(actor=ledger.community_worker, title="照明", cases=[a, b])
    url = f"/api/problems/{problem.uid}"

    resolved = client_for("community_worker").post(
        f"{url}/resolve/", {"resolution": "整栋更换线路", "version": problem.version}, format="json"
    )
    own = client_for("community_worker").post(
        f"{url}/verify/", {"version": problem.version + 1}, format="json"
    )
    stale = client_for("street_staff").post(f"{url}/verify/", {"version": problem.version}, format="json")
    verified = client_for("street_staff").post(
        f"{url}/verify/", {"note": "已核实"}, format="json", HTTP_IF_MATCH=f'"{problem.version + 1}"'
    )

    assert resolved.status_code == 200
    assert resolved.json()["state"] == "resolved"
    assert {row["state"] for row in resolved.json()["cases"]} == {"resolved"}
    assert own.status_code == 403
    assert stale.status_code == 409
    assert verified.status_code == 200
    assert verified.json()["state"] == "verified"
    assert {row["state"] for row in verified.json()["cases"]} == {"awaiting_rating"}


def test_a_problem_act_needs_a_version(client_for, ledger, report):
    a, b = states.registered(ledger, report), states.registered(ledger, report)
    problem = actions.create_problem(actor=ledger.community_worker, title="照明", cases=[a, b])

    response = client_for("community_worker").post(
        f"/api/problems/{problem.uid}/resolve/", {"resolution": "已修"}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()
