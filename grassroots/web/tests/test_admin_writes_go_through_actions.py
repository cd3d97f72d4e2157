"""Every admin save is an action call: checked, written, audited; a domain error is shown inline on
its field (never a 500) and nothing is saved; a refusal is a message on the form."""

from django.urls import reverse

from conftest import ID_A
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org.models import Post, Unit
from grassroots.people.models import Household, Resident


def form_errors(response):
    return response.context["adminform"].form.errors


def resident_data(resident, **overrides):
    data = {
        "household": resident.household_id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_year": resident.birth_year,
        "relation": resident.relation,
        "residency": resident.residency,
        "id_number": "",
        "phone": "",
        "tags": sorted(resident.tags.values_list("tag", flat=True)),
        "account": resident.user.username if resident.user else "",
        "is_active": "on" if resident.is_active else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_household_calls_the_action_and_leaves_an_audit_record(rich_world, client_for):
    client = client_for("grid_manager_x")
    response = client.post(
        reverse("admin:people_household_add"),
        {"grid": rich_world.grid_x.pk, "building": "", "door": "2单元201", "address": "桂苑社区1栋2单元201"},
    )
    assert response.status_code == 302
    household = Household.objects.get(address="桂苑社区1栋2单元201")
    assert household.district_id == rich_world.district.pk  # set by the action, not by the form
    record = AuditRecord.objects.get(target_id=str(household.uid))
    assert record.action == AuditAction.CREATE
    assert record.actor == rich_world.grid_manager_x
    assert record.source == "admin"


def test_a_grid_outside_the_scope_is_not_a_choice(rich_world, client_for):
    response = client_for("grid_manager_x").post(
        reverse("admin:people_household_add"), {"grid": rich_world.grid_y.pk, "address": "别人的网格1号"}
    )
    assert response.status_code == 200
    assert "grid" in form_errors(response)
    assert not Household.objects.filter(address="别人的网格1号").exists()


def test_an_invalid_id_number_is_a_field_error_and_saves_nothing(rich_world, client_for):
    residents, records = Resident.objects.count(), AuditRecord.objects.count()
    response = client_for("grid_manager_x").post(
        reverse("admin:people_resident_add"),
        {
            "household": rich_world.household_x.pk,
            "name": "王五",
            "gender": "male",
            "birth_year": 1990,
            "relation": "child",
            "residency": "registered",
            "id_number": ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2"),  # wrong check character
        },
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == ["id_number"]
    assert "GB 11643" in str(errors["id_number"])
    assert 'class="errorlist' in response.content.decode()
    assert Resident.objects.count() == residents
    assert AuditRecord.objects.count() == records


def test_a_birth_year_that_contradicts_the_stored_id_number_is_an_error_on_the_birth_year(
    rich_world, client_for
):
    resident = rich_world.resident_a
    response = client_for("community_worker").post(
        reverse("admin:people_resident_change", args=[resident.pk]), resident_data(resident, birth_year=1991)
    )
    assert response.status_code == 200
    assert list(form_errors(response)) == ["birth_year"]
    resident.refresh_from_db()
    assert resident.birth_year == 1990


def test_a_duplicate_id_number_is_an_error_on_the_id_field(rich_world, client_for):
    response = client_for("grid_manager_x").post(
        reverse("admin:people_resident_add"),
        {
            "household": rich_world.household_x.pk,
            "name": "张伟同号",
            "gender": "male",
            "birth_year": 1990,
            "relation": "other",
            "residency": "registered",
            "id_number": ID_A,
        },
    )
    assert response.status_code == 200
    assert list(form_errors(response)) == ["id_number"]


def test_changing_a_resident_writes_only_the_changed_fields_through_the_action(rich_world, client_for):
    resident = rich_world.resident_a
    response = client_for("grid_manager_x").post(
        reverse("admin:people_resident_change", args=[resident.pk]),
        resident_data(resident, name="张伟伟", tags=["veteran", "disability"]),
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == "张伟伟"
    assert sorted(resident.tags.values_list("tag", flat=True)) == ["disability", "veteran"]
    assert resident.id_number_masked  # an empty write-only field keeps the stored number
    record = AuditRecord.objects.filter(target_id=str(resident.uid)).latest("id")
    assert record.action == AuditAction.UPDATE
    assert record.changes["name"] == ["张伟", "张伟伟"]
    assert "id_number" not in record.changes


def test_a_new_phone_replaces_the_sealed_one(rich_world, client_for):
    resident = rich_world.resident_a
    response = client_for("grid_manager_x").post(
        reverse("admin:people_resident_change", args=[resident.pk]),
        resident_data(resident, phone="13511112222"),
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.phone_masked == "135****2222"
    record = AuditRecord.objects.filter(target_id=str(resident.uid)).latest("id")
    assert record.changes["phone"] == "changed"


def test_another_grids_resident_cannot_be_changed(rich_world, client_for):
    resident = rich_world.resident_a
    response = client_for("grid_manager_y").post(
        reverse("admin:people_resident_change", args=[resident.pk]), resident_data(resident, name="被改")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    resident.refresh_from_db()
    assert resident.name == "张伟"


def test_a_refused_act_is_a_message_on_the_form_not_an_error_page(rich_world, client_for):
    # A community worker shapes what lies below the community, not the community's own posts.
    response = client_for("community_worker").post(
        reverse("admin:org_post_add"),
        {
            "username": "nobody",
            "role": "community_staff",
            "unit": rich_world.community.pk,
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Post.objects.filter(user=rich_world.nobody).exists()


def test_deactivating_households_goes_through_the_action(rich_world, client_for):
    client = client_for("community_worker")
    response = client.post(
        reverse("admin:people_household_changelist"),
        {
            "action": "deactivate_selected",
            "_selected_action": [rich_world.household_x.pk, rich_world.household_y.pk],
        },
    )
    assert response.status_code == 302
    assert not Household.objects.filter(
        pk__in=[rich_world.household_x.pk, rich_world.household_y.pk], is_active=True
    )
    records = AuditRecord.objects.filter(
        target_id__in=[str(rich_world.household_x.uid), str(rich_world.household_y.uid)],
        action=AuditAction.UPDATE,
    )
    assert {r.changes["is_active"][1] for r in records} == {False}


def test_a_selection_outside_the_scope_is_ignored(rich_world, client_for):
    client_for("grid_manager_x").post(
        reverse("admin:people_household_changelist"),
        {"action": "deactivate_selected", "_selected_action": [rich_world.household_y.pk]},
    )
    assert Household.objects.get(pk=rich_world.household_y.pk).is_active


def test_adding_a_unit_numbers_it_after_its_parent(rich_world, client_for):
    response = client_for("community_worker").post(
        reverse("admin:org_unit_add"),
        {"parent": rich_world.grid_x.pk, "kind": "building", "name": "2栋", "code": "", "sort_order": 0},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(parent=rich_world.grid_x, name="2栋")
    assert unit.code.startswith(rich_world.grid_x.code + "-")
    assert AuditRecord.objects.filter(target_id=unit.code, action=AuditAction.CREATE, source="admin").exists()
