"""Personal data in the admin: masked everywhere, written through write-only fields, found by exact
value through the keyed hash, and shown in full only for a stated purpose, with an audit record."""

import pytest
from django.urls import reverse

from conftest import ID_A, ID_B, PHONE_A, PHONE_M, PHONE_O, assert_no_plaintext
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.web.tests.conftest import ADMITTED
from grassroots.web.tests.test_admin_who_sees_which_rows import EXPECTED


@pytest.mark.parametrize("persona", ADMITTED)
def test_no_admin_page_shows_a_plaintext_id_or_phone(rich_world, client_for, persona):
    client = client_for(persona)
    for admin_name, by_persona in EXPECTED.items():
        assert_no_plaintext(client.get(reverse(f"admin:{admin_name}_changelist")).content)
        for name in by_persona[persona]:
            obj = getattr(rich_world, name)
            assert_no_plaintext(client.get(reverse(f"admin:{admin_name}_change", args=[obj.pk])).content)
    assert_no_plaintext(client.get(reverse("admin:people_resident_add")).content)


def test_the_audit_log_keeps_no_plaintext_either(rich_world, client_for):
    client = client_for("root")
    response = client.get(reverse("admin:core_auditrecord_changelist"))
    assert_no_plaintext(response.content)
    for record in AuditRecord.objects.all():
        assert_no_plaintext(client.get(reverse("admin:core_auditrecord_change", args=[record.pk])).content)


def test_the_change_list_and_household_page_show_masked_values(rich_world, client_for):
    client = client_for("community_worker")
    body = client.get(reverse("admin:people_resident_changelist")).content.decode()
    assert rich_world.resident_a.id_number_masked in body
    assert rich_world.resident_b.phone_masked in body
    members = client.get(reverse("admin:people_household_change", args=[rich_world.household_x.pk]))
    assert rich_world.resident_a.id_number_masked in members.content.decode()


def test_a_typed_id_number_is_not_sent_back_when_the_form_has_another_error(rich_world, client_for):
    new_id = "530113200001010011"
    response = client_for("grid_manager_x").post(
        reverse("admin:people_resident_add"),
        {
            "household": rich_world.household_x.pk,
            "name": "",  # the error
            "gender": "male",
            "birth_year": 2000,
            "relation": "child",
            "residency": "registered",
            "id_number": new_id,
            "phone": "13500001234",
        },
    )
    assert response.status_code == 200
    assert new_id not in response.content.decode()
    assert "13500001234" not in response.content.decode()


def test_an_exact_id_number_or_phone_finds_the_resident_through_the_keyed_hash(rich_world, client_for):
    url = reverse("admin:people_resident_changelist")
    by_id = client_for("community_worker").get(url, {"q": ID_A}).context["cl"].result_list
    assert [r.pk for r in by_id] == [rich_world.resident_a.pk]
    by_phone = client_for("community_worker").get(url, {"q": PHONE_A}).context["cl"].result_list
    assert [r.pk for r in by_phone] == [rich_world.resident_a.pk]
    # the search stays inside the scope
    assert not list(client_for("grid_manager_y").get(url, {"q": ID_A}).context["cl"].result_list)
    assert [r.pk for r in client_for("grid_manager_y").get(url, {"q": ID_B}).context["cl"].result_list] == [
        rich_world.resident_b.pk
    ]


def reveal_url(admin_name, obj, attribute):
    return reverse(f"admin:{admin_name}_reveal", args=[obj.pk, attribute])


def test_a_full_view_needs_a_purpose_and_leaves_an_audit_record(rich_world, client_for):
    client = client_for("grid_manager_x")
    url = reveal_url("people_resident", rich_world.resident_a, "id_number")
    asked = client.get(url)
    assert asked.status_code == 200
    assert_no_plaintext(asked.content)
    refused = client.post(url, {"purpose": "看"})
    assert refused.status_code == 200
    assert "purpose" in refused.context["form"].errors
    assert_no_plaintext(refused.content)
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()

    shown = client.post(url, {"purpose": "核对低保申请材料"})
    assert shown.status_code == 200
    assert ID_A in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    record = AuditRecord.objects.get(action=AuditAction.VIEW_PII)
    assert record.actor == rich_world.grid_manager_x
    assert record.target_id == str(rich_world.resident_a.uid)
    assert record.purpose == "核对低保申请材料"
    assert record.changes == {"field": "id_number"}
    assert record.source == "admin"
    assert_no_plaintext(shown.content, allowed={ID_A})
    # the change page after it still shows the masked value only
    change = client.get(reverse("admin:people_resident_change", args=[rich_world.resident_a.pk]))
    assert_no_plaintext(change.content)


@pytest.mark.parametrize(
    ("admin_name", "name", "attribute", "value"),
    [
        ("people_resident", "resident_a", "phone", PHONE_A),
        ("people_partymember", "member", "phone", PHONE_M),
        ("people_organization", "organization", "phone", PHONE_O),
    ],
)
def test_phones_of_members_and_organisations_can_be_revealed_too(
    rich_world, client_for, admin_name, name, attribute, value
):
    url = reveal_url(admin_name, getattr(rich_world, name), attribute)
    shown = client_for("community_worker").post(url, {"purpose": "联系上门走访"})
    assert value in shown.content.decode()
    assert AuditRecord.objects.filter(action=AuditAction.VIEW_PII, purpose="联系上门走访").count() == 1


def test_a_full_view_outside_the_scope_is_not_found(rich_world, client_for):
    url = reveal_url("people_resident", rich_world.resident_a, "id_number")
    response = client_for("grid_manager_y").post(url, {"purpose": "看看别人的"})
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()


@pytest.mark.parametrize("persona", ["resident_a", "anonymous"])
def test_a_full_view_is_closed_to_those_kept_out_of_the_admin(rich_world, client_for, persona):
    url = reveal_url("people_resident", rich_world.resident_a, "id_number")
    response = client_for(persona).post(url, {"purpose": "看看自己的"})
    assert response.status_code == 302
    assert ID_A not in response.content.decode()
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()


def test_only_sealed_attributes_can_be_revealed(rich_world, client_for):
    url = reveal_url("people_resident", rich_world.resident_a, "name")
    assert client_for("root").get(url).status_code == 404
