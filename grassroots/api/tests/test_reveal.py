"""Full view of an ID number or phone: a stated purpose, one audit record, no caching (docs/domain.md §8)."""

import pytest

from conftest import ID_A, PHONE_M, PHONE_O
from grassroots.core.models import AuditAction, AuditRecord


def reveal(client, url, field, purpose="入户走访核实身份"):
    return client.post(url, {"field": field, "purpose": purpose}, format="json")


def test_revealing_an_id_number_answers_it_and_records_who_why_and_from_where(client_for, rich_world):
    url = f"/api/residents/{rich_world.resident_a.uid}/reveal/"

    response = reveal(client_for("grid_manager_x"), url, "id_number")

    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": ID_A}
    assert response["Cache-Control"] == "no-store"
    record = AuditRecord.objects.get(action=AuditAction.VIEW_PII)
    assert record.actor == rich_world.grid_manager_x
    assert record.target_id == str(rich_world.resident_a.uid)
    assert record.purpose == "入户走访核实身份"
    assert record.changes == {"field": "id_number"}
    assert record.source == "api"
    assert record.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("target", "field", "value"),
    [("member", "phone", PHONE_M), ("organization", "phone", PHONE_O)],
)
def test_party_members_and_organisations_reveal_their_phone(client_for, rich_world, target, field, value):
    obj = getattr(rich_world, target)
    path = "party-members" if target == "member" else "organizations"

    response = reveal(client_for("community_worker"), f"/api/{path}/{obj.uid}/reveal/", field)

    assert response.json()["value"] == value
    assert AuditRecord.objects.filter(action=AuditAction.VIEW_PII, target_id=str(obj.uid)).count() == 1


def test_a_purpose_too_short_to_mean_anything_is_a_field_error_and_reveals_nothing(client_for, rich_world):
    response = reveal(
        client_for("grid_manager_x"), f"/api/residents/{rich_world.resident_a.uid}/reveal/", "phone", "看"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"purpose"}
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()


@pytest.mark.parametrize("body", [{"field": "name", "purpose": "核实信息"}, {"field": "phone"}])
def test_a_reveal_must_name_the_field_and_the_purpose(client_for, rich_world, body):
    response = client_for("grid_manager_x").post(
        f"/api/residents/{rich_world.resident_a.uid}/reveal/", body, format="json"
    )

    assert response.status_code == 400
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()


def test_an_organisation_has_no_id_number_to_reveal(client_for, rich_world):
    response = reveal(
        client_for("grid_manager_x"), f"/api/organizations/{rich_world.organization.uid}/reveal/", "id_number"
    )

    assert response.status_code == 400
    assert "field" in response.json()


def test_a_resident_cannot_reveal_even_their_own_record(client_for, rich_world):
    """Full views are for those who may edit the record; the resident sees their record masked."""
    response = reveal(
        client_for("resident_a"), f"/api/residents/{rich_world.resident_a.uid}/reveal/", "phone"
    )

    assert response.status_code == 403
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()


def test_a_record_out_of_sight_cannot_be_revealed(client_for, rich_world):
    response = reveal(
        client_for("grid_manager_y"), f"/api/residents/{rich_world.resident_a.uid}/reveal/", "phone"
    )

    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()
