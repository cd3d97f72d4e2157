"""Generated ID numbers and phones are valid, agree with the person, and are never stored in clear."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models

from grassroots.core import pii
from grassroots.core.validators import normalize_phone, parse_id_number
from grassroots.demo.tests.tiny import TODAY
from grassroots.people.models import Organization, PartyMember, Resident


def test_every_id_number_passes_gb11643_and_matches_birth_year_and_gender(tiny):
    residents = list(Resident.objects.all())
    assert residents
    for resident in residents:
        parsed = parse_id_number(pii.reveal(resident, "id_number", kind="id_number"), today=TODAY)
        assert parsed.birth_date.year == resident.birth_year
        assert parsed.gender == resident.gender
        assert resident.id_number_masked == pii.mask(parsed.value, kind="id_number")


def test_id_numbers_are_unique_in_the_district(tiny):
    hashes = list(Resident.objects.values_list("id_number_hash", flat=True))
    assert len(hashes) == len(set(hashes))


def test_every_phone_is_a_valid_mobile_number(tiny):
    phones = [pii.reveal(r, "phone", kind="phone") for r in Resident.objects.exclude(phone_cipher="")]
    phones += [pii.reveal(o, "phone", kind="phone") for o in Organization.objects.all()]
    assert phones
    for phone in phones:
        assert normalize_phone(phone) == phone
        assert re.fullmatch(r"1[3-9]\d{9}", phone)


def test_party_members_carry_their_residents_id_number(tiny):
    members = list(PartyMember.objects.select_related("resident"))
    assert members
    for member in members:
        assert member.resident is not None
        assert member.id_number_hash == member.resident.id_number_hash
        assert (member.name, member.gender, member.birth_year) == (
            member.resident.name,
            member.resident.gender,
            member.resident.birth_year,
        )


def test_no_table_holds_a_plaintext_id_number_or_phone(tiny):
    secrets = {pii.reveal(r, "id_number", kind="id_number") for r in Resident.objects.all()}
    secrets |= {pii.reveal(r, "phone", kind="phone") for r in Resident.objects.exclude(phone_cipher="")}
    secrets |= {pii.reveal(o, "phone", kind="phone") for o in Organization.objects.all()}
    pattern = re.compile("|".join(re.escape(s) for s in secrets))
    scanned = 0
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model._default_manager.values_list(*fields) if fields else ():
            for value in row:
                if value is not None:
                    scanned += 1
                    assert not pattern.search(str(value)), f"{model._meta.label}: {value!r}"
    assert scanned > 1000
