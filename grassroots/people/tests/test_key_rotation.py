import io

from django.core.management import call_command

from conftest import ID_A
from grassroots.core import pii
from grassroots.people.models import Resident

NEW_KEY = "bmV3LWtleS1mb3Itcm90YXRpb24tdGVzdHMtMzJieXQ="


def test_rotation_reseals_under_the_new_key_and_keeps_lookups_working(world, settings):
    old_key = settings.PII_KEY
    settings.PII_KEY = NEW_KEY
    settings.PII_OLD_KEYS = [old_key]
    call_command("rotate_pii_key", stdout=io.StringIO())
    resident = Resident.objects.get(pk=world.resident_a.pk)
    assert pii.key_id_of(resident.id_number_cipher) == pii.current_keyring().key_id
    settings.PII_OLD_KEYS = []  # the old key can now be removed
    assert pii.reveal(resident, "id_number", kind="id_number") == ID_A
    assert Resident.objects.get(id_number_hash=pii.blind_index(ID_A, kind="id_number")) == resident
    assert pii.reveal(resident, "phone", kind="phone") == "13812345678"
