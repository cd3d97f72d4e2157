import pytest
from django.db import connection

from conftest import ID_A
from grassroots.core import pii


def test_ciphertext_round_trips_and_differs_each_time():
    first = pii.encrypt(ID_A, kind="id_number")
    second = pii.encrypt(ID_A, kind="id_number")
    assert first != second  # random nonce: equal values do not give equal ciphertexts
    assert ID_A not in first
    assert pii.decrypt(first, kind="id_number") == ID_A


def test_a_ciphertext_cannot_be_moved_to_another_kind_of_field():
    token = pii.encrypt("13812345678", kind="phone")
    with pytest.raises(pii.PiiError):
        pii.decrypt(token, kind="id_number")


def test_tampered_ciphertext_is_rejected():
    token = pii.encrypt("13812345678", kind="phone")
    version, key_id, payload = token.split(":")
    tampered = f"{version}:{key_id}:{payload[:-4]}AAAA"
    with pytest.raises(pii.PiiError):
        pii.decrypt(tampered, kind="phone")


def test_blind_index_is_stable_keyed_and_kind_specific(settings):
    digest = pii.blind_index("13812345678", kind="phone")
    assert digest == pii.blind_index("13812345678", kind="phone")
    assert digest != pii.blind_index("13812345678", kind="id_number")
    settings.PII_KEY = "b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXM="
    assert pii.blind_index("13812345678", kind="phone") != digest


def test_old_keys_still_decrypt_during_rotation(settings):
    old_key = settings.PII_KEY
    token = pii.encrypt(ID_A, kind="id_number")
    settings.PII_KEY = "b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXM="
    with pytest.raises(pii.PiiError):
        pii.decrypt(token, kind="id_number")
    settings.PII_OLD_KEYS = [old_key]
    assert pii.decrypt(token, kind="id_number") == ID_A


def test_malformed_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PII_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured):
        pii.encrypt("x", kind="phone")


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        ("13812345678", "phone", "138****5678"),
        ("0871-12345678", "phone", "0871-****5678"),
        (ID_A, "id_number", "5301**********1230"),
        ("", "phone", ""),
    ],
)
def test_masks_keep_only_the_ends(value, kind, masked):
    assert pii.mask(value, kind=kind) == masked


def test_the_database_holds_no_plaintext_id_or_phone(world):
    plaintexts = [ID_A, "13812345678", "13987654321", world.resident_b.id_number_masked[-4:] + "x"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident")
        rows = cursor.fetchall()
    dump = repr(rows)
    for value in plaintexts[:3]:
        assert value not in dump
    assert world.resident_a.id_number_masked in dump  # the masked form is what is kept for display
