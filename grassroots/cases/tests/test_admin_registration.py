"""Registering a case in the admin is ``actions.register_case``: the reporter is a resident found in
the user's scope, or a name with a sealed phone (never shown again in clear), or anonymous; the
place is a household, a building or a point; bad input comes back as field errors."""

import pytest
from django.urls import reverse

from conftest import PHONE_B, assert_no_plaintext
from grassroots.cases.models import Case
from grassroots.core.models import AuditRecord


def new_case(response):
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Case.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


def test_a_case_is_registered_for_a_resident_of_the_grid(ledger, admin_client, admin_register):
    w = ledger
    case = new_case(admin_register(admin_client(w.grid_manager_x)))
    assert (case.reporter, case.reporter_kind, case.household, case.unit) == (
        w.resident_a,
        "on_behalf",
        w.household_x,
        w.grid_x,
    )
    assert (case.created_by, case.category, case.state) == (w.grid_manager_x, w.cat_light, "registered")
    assert [e.kind for e in case.events.all()] == ["register"]


def test_a_callers_phone_is_sealed_and_never_shown_again(ledger, admin_client, admin_register):
    w = ledger
    client = admin_client(w.grid_manager_x)
    response = admin_register(client, reporter="", reporter_name="王先生", reporter_phone=PHONE_B)
    case = new_case(response)
    assert (case.reporter, case.reporter_name, case.phone_masked) == (None, "王先生", "139****4321")
    assert case.phone_cipher
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert "139****4321" in page.content.decode()
    assert_no_plaintext(page.content)
    assert_no_plaintext(client.get(reverse("admin:cases_case_changelist")).content)
    for record in AuditRecord.objects.filter(target_id=case.number):
        assert PHONE_B not in str(record.changes)


def test_a_form_shown_again_does_not_echo_the_phone(ledger, admin_client, admin_register):
    response = admin_register(
        admin_client(ledger.grid_manager_x),
        title="",
        reporter="",
        reporter_name="王先生",
        reporter_phone=PHONE_B,
    )
    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert PHONE_B not in response.content.decode()
    assert not Case.objects.exists()


def test_an_anonymous_report_is_anonymous_to_the_public(ledger, admin_client, admin_register):
    case = new_case(
        admin_register(admin_client(ledger.grid_manager_x), reporter_kind="anonymous", reporter="")
    )
    assert (case.reporter_kind, case.reporter, case.public_anonymous) == ("anonymous", None, True)


def test_an_anonymous_report_names_no_resident(ledger, admin_client, admin_register):
    response = admin_register(admin_client(ledger.grid_manager_x), reporter_kind="anonymous")
    assert response.status_code == 200
    assert "reporter" in response.context["adminform"].form.errors


def test_a_report_names_someone_or_is_anonymous(ledger, admin_client, admin_register):
    response = admin_register(admin_client(ledger.grid_manager_x), reporter="", reporter_name="")
    assert response.status_code == 200
    assert "reporter" in response.context["adminform"].form.errors
    assert not Case.objects.exists()


def test_a_point_is_placed_in_its_grid(ledger, admin_client, admin_register):
    w = ledger
    case = new_case(
        admin_register(
            admin_client(w.street_staff),
            reporter="",
            reporter_name="路人",
            household="",
            lat="26.005",
            lng="103.015",
            address="桂苑路口",
        )
    )
    assert (case.grid, case.unit, case.address) == (w.grid_y, w.grid_y, "桂苑路口")


def test_a_building_places_the_case_in_its_grid(ledger, admin_client, admin_register):
    w = ledger
    case = new_case(
        admin_register(
            admin_client(w.community_worker),
            reporter="",
            reporter_name="路人",
            household="",
            building=w.building_x.pk,
        )
    )
    assert (case.building, case.unit) == (w.building_x, w.grid_x)


def test_a_case_without_any_place_is_a_form_error(ledger, admin_client, admin_register):
    response = admin_register(
        admin_client(ledger.community_worker, english=True), reporter="", reporter_name="路人", household=""
    )
    assert response.status_code == 200
    assert "Give a location" in str(response.context["adminform"].form.errors)
    assert not Case.objects.exists()


def test_a_resident_outside_the_scope_cannot_be_chosen(ledger, admin_client, admin_register):
    response = admin_register(admin_client(ledger.grid_manager_y), reporter=ledger.resident_a.pk)
    assert response.status_code == 200
    assert "reporter" in response.context["adminform"].form.errors


def test_a_double_submit_registers_one_case(ledger, admin_client):
    w = ledger
    client = admin_client(w.grid_manager_x)
    page = client.get(reverse("admin:cases_case_add"))
    data = {
        "title": "楼道灯坏了",
        "description": "不亮",
        "channel": "grid_patrol",
        "urgency": "normal",
        "reporter_kind": "on_behalf",
        "reporter": w.resident_a.pk,
        "household": w.household_x.pk,
        "idempotency_key": page.context["adminform"].form["idempotency_key"].value(),
    }
    first = client.post(reverse("admin:cases_case_add"), data)
    second = client.post(reverse("admin:cases_case_add"), data)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize("persona", ["housing_handler", "grid_leader_x", "district_admin"])
def test_every_ledger_post_may_register(ledger, admin_personas, admin_client, admin_register, persona):
    client = admin_client(admin_personas[persona])
    assert client.get(reverse("admin:cases_case_add")).status_code == 200
    # A department handler sees no households; they place a case by its point.
    response = admin_register(
        client,
        reporter="",
        reporter_name="来电人",
        channel="department",
        household="",
        lat="26.005",
        lng="103.005",
    )
    case = new_case(response)
    assert (case.created_by, case.unit) == (admin_personas[persona], ledger.grid_x)


def autocomplete(client, field, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "case", "field_name": field, "term": term},
    )
    ok = response.status_code == 200
    return response.status_code, [row["text"] for row in response.json()["results"]] if ok else []


def test_the_form_finds_residents_households_and_buildings_in_the_users_scope(ledger, admin_client):
    w = ledger
    status, residents = autocomplete(admin_client(w.grid_manager_x), "reporter", "张")
    assert status == 200
    assert residents == [f"张伟 {w.resident_a.id_number_masked}"]
    assert autocomplete(admin_client(w.grid_manager_y), "reporter", "张") == (200, [])
    status, buildings = autocomplete(admin_client(w.community_worker), "building")
    assert (status, buildings) == (200, ["1栋 · " + w.building_x.code])
    status, households = autocomplete(admin_client(w.grid_manager_x), "household")
    assert (status, len(households)) == (200, 1)
