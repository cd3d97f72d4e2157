import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import ID_A, ID_B
from grassroots.core import pii
from grassroots.core.errors import NotAllowed
from grassroots.core.models import AuditRecord
from grassroots.people import actions
from grassroots.people.models import Resident


def register(world, **overrides):
    data = {"household": world.household_x, "name": "赵敏", "gender": "female", "birth_year": 1985}
    data.update(overrides)
    return actions.register_resident(actor=world.grid_manager_x, **data)


def test_id_numbers_and_phones_are_sealed_and_masked(world):
    resident = Resident.objects.get(pk=world.resident_a.pk)
    assert resident.id_number_cipher
    assert ID_A not in resident.id_number_cipher
    assert resident.id_number_masked == "5301**********1230"
    assert resident.phone_masked == "138****5678"
    assert resident.id_number_hash == pii.blind_index(ID_A, kind="id_number")


def test_a_resident_is_found_by_id_number_through_the_keyed_hash(world):
    found = Resident.objects.get(id_number_hash=pii.blind_index(ID_B, kind="id_number"))
    assert found == world.resident_b


def test_bad_checksum_is_a_field_error_and_saves_nothing(world):
    before = Resident.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        register(world, id_number="530113198501011231")
    assert "id_number" in excinfo.value.message_dict
    assert Resident.objects.count() == before


def test_id_number_must_agree_with_birth_year_and_gender(world):
    with pytest.raises(ValidationError) as excinfo:
        register(world, name="张三", gender="female", birth_year=1991, id_number=ID_A)  # ID_A: male, 1990
    errors = excinfo.value.message_dict
    assert "birth_year" in errors
    assert "gender" in errors


def test_bad_phone_is_a_field_error(world):
    with pytest.raises(ValidationError) as excinfo:
        register(world, phone="12345")
    assert "phone" in excinfo.value.message_dict


def test_an_id_number_is_registered_once_per_district(world):
    with pytest.raises(ValidationError) as excinfo:
        register(world, name="张伟", gender="male", birth_year=1990, id_number=ID_A)
    assert "id_number" in excinfo.value.message_dict
    clone = Resident.objects.get(pk=world.resident_a.pk)
    clone.pk, clone.uid, clone.user = None, uuid.uuid4(), None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_a_moved_out_resident_frees_the_id_number(world):
    actions.update_resident(actor=world.grid_manager_x, resident=world.resident_a, is_active=False)
    again = register(world, name="张伟", gender="male", birth_year=1990, id_number=ID_A)
    assert again.is_active


def test_grid_managers_register_only_in_their_grid(world):
    with pytest.raises(NotAllowed):
        register(world, household=world.household_y)


def test_changes_are_audited_without_personal_values(world):
    actions.update_resident(
        actor=world.grid_manager_x, resident=world.resident_a, phone="13700001111", name="张维"
    )
    record = AuditRecord.objects.filter(target_id=str(world.resident_a.uid)).latest("id")
    assert record.actor == world.grid_manager_x
    assert record.changes["phone"] == "changed"
    assert record.changes["name"] == ["张伟", "张维"]
    assert "13700001111" not in repr(record.changes)
    assert "13812345678" not in repr(record.changes)


def test_changing_birth_year_alone_is_checked_against_the_stored_id(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.update_resident(actor=world.grid_manager_x, resident=world.resident_a, birth_year=1991)
    assert "birth_year" in excinfo.value.message_dict


def test_tags_are_set_and_replaced(world):
    actions.update_resident(
        actor=world.grid_manager_x, resident=world.resident_a, tags=["disability", "low_income"]
    )
    assert set(world.resident_a.tags.values_list("tag", flat=True)) == {"disability", "low_income"}
    with pytest.raises(ValidationError):
        actions.update_resident(actor=world.grid_manager_x, resident=world.resident_a, tags=["vip"])


def test_moving_a_household_moves_its_members_grid(world):
    actions.update_household(actor=world.community_worker, household=world.household_x, grid=world.grid_y)
    world.resident_a.refresh_from_db()
    assert world.resident_a.grid == world.grid_y
    assert world.resident_a in Resident.objects.filter(grid=world.grid_y)


def test_full_view_needs_a_purpose_and_is_audited(world):
    with pytest.raises(ValidationError):
        actions.reveal_personal_data(
            actor=world.grid_manager_x, obj=world.resident_a, attribute="id_number", purpose=""
        )
    value = actions.reveal_personal_data(
        actor=world.grid_manager_x, obj=world.resident_a, attribute="id_number", purpose="核对低保申请材料"
    )
    assert value == ID_A
    record = AuditRecord.objects.filter(action="view_pii").get()
    assert record.actor == world.grid_manager_x
    assert record.purpose == "核对低保申请材料"
    assert record.changes == {"field": "id_number"}


def test_full_view_is_refused_outside_the_editors_scope(world):
    with pytest.raises(NotAllowed):
        actions.reveal_personal_data(
            actor=world.grid_manager_y, obj=world.resident_a, attribute="phone", purpose="随便看看"
        )
    with pytest.raises(NotAllowed):
        actions.reveal_personal_data(
            actor=world.resident_a_user, obj=world.resident_a, attribute="phone", purpose="看看自己"
        )
    assert not AuditRecord.objects.filter(action="view_pii").exists()
