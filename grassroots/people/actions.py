"""Every change to people data, and every full view of personal data: checked, one transaction, audited.

Personal values arrive here in plaintext from a form, an API call or an import, are validated
(GB 11643 ID numbers, phone numbers), sealed (``core.pii``) and never stored or logged in clear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, pii
from grassroots.core.errors import NotAllowed, ValidationError, only_fields
from grassroots.core.models import AuditAction, User
from grassroots.core.validators import normalize_phone, parse_id_number
from grassroots.org import access as org_access
from grassroots.org.choices import UnitKind
from grassroots.org.models import PartyOrg, Unit
from grassroots.people.access import forget_resident
from grassroots.people.choices import (
    FacilityKind,
    Gender,
    OrganizationCategory,
    PartyStatus,
    Relation,
    Residency,
    ResidentTag,
)
from grassroots.people.models import CareTag, Facility, Household, Organization, PartyMember, Resident

PURPOSE_MIN_LENGTH = 4


def _district_id(unit: Unit) -> int:
    """The district key of a unit below district level (every such unit has one)."""
    assert unit.district_id is not None, f"unit {unit.code} has no district"
    return unit.district_id


def _require_edit(actor: User, unit: Unit) -> None:
    if not org_access.can_edit_people_in(actor, unit):
        raise NotAllowed(_("You cannot change people records here."))


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


@dataclass
class _Person:
    """Checked personal attributes shared by residents and party members."""

    name: str
    gender: str
    birth_year: int
    id_number: str = ""
    phone: str = ""
    errors: _Errors = field(default_factory=_Errors)


def _check_person(*, name: str, gender: str, birth_year: int | None, id_number: str, phone: str) -> _Person:
    errors = _Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("A name is required."))
    if gender not in Gender.values:
        errors.add("gender", _("Choose male or female."))
    this_year = timezone.localdate().year
    if birth_year is None or not 1900 <= int(birth_year) <= this_year:
        errors.add("birth_year", _("Enter a birth year between 1900 and %(year)s.") % {"year": this_year})
    normalized_id = ""
    if id_number and id_number.strip():
        try:
            parsed = parse_id_number(id_number)
        except ValidationError as exc:
            errors.add("id_number", exc.messages[0])
        else:
            normalized_id = parsed.value
            if birth_year is not None and parsed.birth_date.year != int(birth_year):
                errors.add("birth_year", _("The birth year does not match the ID number."))
            if gender in Gender.values and parsed.gender != gender:
                errors.add("gender", _("The gender does not match the ID number."))
    normalized_phone = ""
    if phone and phone.strip():
        try:
            normalized_phone = normalize_phone(phone)
        except ValidationError as exc:
            errors.add("phone", exc.messages[0])
    return _Person(
        name=name,
        gender=gender,
        birth_year=int(birth_year or 0),
        id_number=normalized_id,
        phone=normalized_phone,
        errors=errors,
    )


def _check_unique_id(
    model: type[Resident] | type[PartyMember],
    district: Unit,
    id_number: str,
    errors: _Errors,
    exclude_pk: int | None = None,
) -> None:
    if not id_number:
        return
    clash = model.objects.filter(
        district=district, is_active=True, id_number_hash=pii.blind_index(id_number, kind="id_number")
    )
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        errors.add("id_number", _("A person with this ID number is already registered in this district."))


def _check_person_update(
    model: type[Resident] | type[PartyMember], obj: Resident | PartyMember, fields: dict[str, Any]
) -> _Person:
    """Check the personal attributes an update gives, against each other and against the stored
    ID number when only the birth year or gender changes."""
    person = _check_person(
        name=fields.get("name", obj.name),
        gender=fields.get("gender", obj.gender),
        birth_year=fields.get("birth_year", obj.birth_year),
        id_number=fields.get("id_number", ""),
        phone=fields.get("phone", ""),
    )
    _check_unique_id(model, obj.district, person.id_number, person.errors, exclude_pk=obj.pk)
    if "id_number" not in fields and obj.id_number_cipher and {"birth_year", "gender"} & set(fields):
        parsed = parse_id_number(pii.reveal(obj, "id_number", kind="id_number"))
        if parsed.birth_date.year != person.birth_year:
            person.errors.add("birth_year", _("The birth year does not match the ID number."))
        if parsed.gender != person.gender:
            person.errors.add("gender", _("The gender does not match the ID number."))
    return person


def _store_sealed(obj: Resident | PartyMember, person: _Person, fields: dict[str, Any]) -> None:
    obj.name, obj.gender, obj.birth_year = person.name, person.gender, person.birth_year
    if "id_number" in fields:
        pii.store(obj, "id_number", person.id_number, kind="id_number")
    if "phone" in fields:
        pii.store(obj, "phone", person.phone, kind="phone")


def _save_unique(obj: Any, message_field: str, message: str, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise ValidationError({message_field: [message]}) from None


# -- households -------------------------------------------------------------------------------------


def _check_place(grid: Unit, building: Unit | None, errors: _Errors) -> None:
    if grid.kind != UnitKind.GRID:
        errors.add("grid", _("A household belongs to a grid."))
    if building is not None and (
        building.kind not in (UnitKind.BUILDING, UnitKind.COURTYARD) or not grid.is_ancestor_of(building)
    ):
        errors.add("building", _("The building must be a building or courtyard in the same grid."))


HOUSEHOLD_FIELDS = ("grid", "building", "door", "address", "is_active")


@transaction.atomic
def register_household(
    *, actor: User, grid: Unit, address: str, building: Unit | None = None, door: str = ""
) -> Household:
    """Register a household at an address in a grid (摸清底数)."""
    _require_edit(actor, grid)
    errors = _Errors()
    _check_place(grid, building, errors)
    if not address.strip():
        errors.add("address", _("An address is required."))
    errors.raise_if_any()
    household = Household.objects.create(
        district_id=_district_id(grid),
        grid=grid,
        building=building,
        door=door.strip(),
        address=address.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=household,
        scope_path=grid.path,
        changes=audit.snapshot(household, HOUSEHOLD_FIELDS),
    )
    return household


@transaction.atomic
def update_household(*, actor: User, household: Household, **fields: Any) -> Household:
    """Change a household's address or move it to another grid/building; its members follow."""
    _require_edit(actor, household.grid)
    allowed = {"grid", "building", "door", "address", "is_active"}
    only_fields(fields, allowed)
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    grid = fields.get("grid", household.grid)
    building = fields.get("building", household.building if "grid" not in fields else None)
    if grid != household.grid:
        _require_edit(actor, grid)
        if grid.district_id != household.district_id:
            raise ValidationError({"grid": [_("A household can only move within its district.")]})
    errors = _Errors()
    _check_place(grid, building, errors)
    if "address" in fields and not str(fields["address"]).strip():
        errors.add("address", _("An address is required."))
    errors.raise_if_any()
    household.grid, household.building = grid, building
    for name in ("door", "address", "is_active"):
        if name in fields:
            setattr(household, name, fields[name].strip() if isinstance(fields[name], str) else fields[name])
    household.save()
    household.members.exclude(grid=grid).update(grid=grid)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=household,
        scope_path=grid.path,
        changes=audit.diff(before, audit.snapshot(household, HOUSEHOLD_FIELDS)),
    )
    return household


# -- residents --------------------------------------------------------------------------------------

RESIDENT_FIELDS = ("household", "name", "gender", "birth_year", "relation", "residency", "is_active", "user")
SEALED_FIELDS = ("id_number", "phone")


def _resident_snapshot(resident: Resident) -> dict[str, Any]:
    data = audit.snapshot(resident, RESIDENT_FIELDS)
    data["id_number"] = resident.id_number_hash
    data["phone"] = resident.phone_hash
    data["tags"] = sorted(resident.tags.values_list("tag", flat=True)) if resident.pk else []
    return data


def _set_tags(resident: Resident, tags: Iterable[str]) -> None:
    wanted = set(tags)
    CareTag.objects.filter(resident=resident).exclude(tag__in=wanted).delete()
    existing = set(CareTag.objects.filter(resident=resident).values_list("tag", flat=True))
    CareTag.objects.bulk_create(
        [
            CareTag(district_id=resident.district_id, resident=resident, tag=tag)
            for tag in sorted(wanted - existing)
        ]
    )


def _check_choices(errors: _Errors, *, relation: str, residency: str, tags: Iterable[str]) -> None:
    if relation not in Relation.values:
        errors.add("relation", _("Unknown relation."))
    if residency not in Residency.values:
        errors.add("residency", _("Unknown residency type."))
    unknown = sorted(set(tags) - set(ResidentTag.values))
    if unknown:
        errors.add("tags", _("Unknown tags: %(tags)s") % {"tags": ", ".join(unknown)})


@transaction.atomic
def register_resident(
    *,
    actor: User,
    household: Household,
    name: str,
    gender: str,
    birth_year: int | None,
    id_number: str = "",
    phone: str = "",
    relation: str = Relation.HEAD,
    residency: str = Residency.REGISTERED,
    tags: Iterable[str] = (),
    user: User | None = None,
) -> Resident:
    """Register a person in a household; the ID number and phone are checked and sealed."""
    _require_edit(actor, household.grid)
    tags = list(tags)
    person = _check_person(name=name, gender=gender, birth_year=birth_year, id_number=id_number, phone=phone)
    errors = person.errors
    _check_choices(errors, relation=relation, residency=residency, tags=tags)
    _check_unique_id(Resident, household.district, person.id_number, errors)
    errors.raise_if_any()
    resident = Resident(
        district_id=household.district_id,
        household=household,
        grid_id=household.grid_id,
        name=person.name,
        gender=person.gender,
        birth_year=person.birth_year,
        relation=relation,
        residency=residency,
        user=user,
    )
    pii.store(resident, "id_number", person.id_number, kind="id_number")
    pii.store(resident, "phone", person.phone, kind="phone")
    _save_unique(
        resident, "id_number", _("A person with this ID number is already registered in this district.")
    )
    _set_tags(resident, tags)
    forget_resident(user)
    changes = audit.diff({}, _resident_snapshot(resident), sealed=SEALED_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=resident,
        scope_path=household.grid.path,
        changes=changes,
    )
    return resident


@transaction.atomic
def update_resident(*, actor: User, resident: Resident, **fields: Any) -> Resident:
    """Change a resident's details, tags or household. Only the fields given change."""
    _require_edit(actor, resident.grid)
    allowed = {*RESIDENT_FIELDS, "id_number", "phone", "tags"} - {"user"}
    only_fields(fields, allowed)
    before = _resident_snapshot(resident)
    household: Household = fields.get("household", resident.household)
    if household.pk != resident.household_id:
        _require_edit(actor, household.grid)
        if household.district_id != resident.district_id:
            raise ValidationError({"household": [_("A resident can only move within the district.")]})
    person = _check_person_update(Resident, resident, fields)
    errors = person.errors
    tags = list(fields.get("tags", []))
    _check_choices(
        errors,
        relation=fields.get("relation", resident.relation),
        residency=fields.get("residency", resident.residency),
        tags=tags,
    )
    errors.raise_if_any()
    resident.household, resident.grid_id = household, household.grid_id
    for name in ("relation", "residency", "is_active"):
        if name in fields:
            setattr(resident, name, fields[name])
    _store_sealed(resident, person, fields)
    _save_unique(
        resident, "id_number", _("A person with this ID number is already registered in this district.")
    )
    if "tags" in fields:
        _set_tags(resident, tags)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=resident,
        scope_path=household.grid.path,
        changes=audit.diff(before, _resident_snapshot(resident), sealed=SEALED_FIELDS),
    )
    return resident


@transaction.atomic
def link_resident_account(*, actor: User, resident: Resident, user: User | None) -> Resident:
    """Let a resident sign in (residents see their own household and cases) or unlink the account."""
    _require_edit(actor, resident.grid)
    before = resident.user_id
    resident.user = user
    _save_unique(
        resident, "user", _("This account is already linked to another resident."), update_fields=["user"]
    )
    forget_resident(user)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=resident,
        scope_path=resident.grid.path,
        changes={"user": [before, user.pk if user else None]},
    )
    return resident


# -- full view of personal data ---------------------------------------------------------------------

PiiHolder = Resident | PartyMember | Organization


def _unit_of(obj: PiiHolder) -> Unit:
    return obj.grid if isinstance(obj, Resident) else obj.unit


def reveal_personal_data(*, actor: User, obj: PiiHolder, attribute: str, purpose: str) -> str:
    """The full ID number or phone, for a stated purpose, with an audit record (docs/domain.md §8).

    Only people who may edit the record may see it in full; everyone else sees the masked form.
    """
    if attribute not in ("id_number", "phone") or not hasattr(obj, f"{attribute}_cipher"):
        raise ValidationError({"field": [_("Choose the ID number or the phone.")]})
    if not org_access.can_edit_people_in(actor, _unit_of(obj)):
        raise NotAllowed(_("You may not see this record's personal data in full."))
    purpose = (purpose or "").strip()
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise ValidationError(
            {
                "purpose": [
                    _("State why you need the full value (at least %(n)s characters).")
                    % {"n": PURPOSE_MIN_LENGTH}
                ]
            }
        )
    kind: pii.PiiKind = "id_number" if attribute == "id_number" else "phone"
    value = pii.reveal(obj, attribute, kind=kind)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.VIEW_PII,
            target=obj,
            scope_path=_unit_of(obj).path,
            changes={"field": attribute},
            purpose=purpose,
        )
    return value


# -- party members -----------------------------------------------------------------------------------

PARTY_FIELDS = (
    "unit",
    "party_org",
    "resident",
    "name",
    "gender",
    "birth_year",
    "status",
    "joined_on",
    "is_in_service",
    "workplace",
    "registered_community",
    "registered_on",
    "is_active",
)


@transaction.atomic
def register_party_member(
    *,
    actor: User,
    party_org: PartyOrg,
    name: str,
    gender: str,
    birth_year: int | None,
    status: str = PartyStatus.FULL,
    joined_on: dt.date | None = None,
    id_number: str = "",
    phone: str = "",
    resident: Resident | None = None,
    user: User | None = None,
    is_in_service: bool = False,
    workplace: str = "",
) -> PartyMember:
    """Record a party member in their branch; they are counted at the unit the branch serves."""
    unit = party_org.serves or party_org.district
    _require_edit(actor, unit)
    person = _check_person(name=name, gender=gender, birth_year=birth_year, id_number=id_number, phone=phone)
    errors = person.errors
    if status not in PartyStatus.values:
        errors.add("status", _("Unknown status."))
    if resident is not None and resident.district_id != party_org.district_id:
        errors.add("resident", _("The resident lives in another district."))
    _check_unique_id(PartyMember, party_org.district, person.id_number, errors)
    errors.raise_if_any()
    member = PartyMember(
        district_id=party_org.district_id,
        unit=unit,
        party_org=party_org,
        resident=resident,
        user=user,
        name=person.name,
        gender=person.gender,
        birth_year=person.birth_year,
        status=status,
        joined_on=joined_on,
        is_in_service=is_in_service,
        workplace=workplace.strip(),
    )
    pii.store(member, "id_number", person.id_number, kind="id_number")
    pii.store(member, "phone", person.phone, kind="phone")
    _save_unique(
        member, "id_number", _("A person with this ID number is already registered in this district.")
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=member,
        scope_path=unit.path,
        changes=audit.diff({}, audit.snapshot(member, PARTY_FIELDS)),
    )
    return member


@transaction.atomic
def register_with_community(
    *, actor: User, member: PartyMember, community: Unit, registered_on: dt.date | None = None
) -> PartyMember:
    """双报到: an (in-service) party member reports to the community where they live (docs/domain.md §5)."""
    if community.kind not in (UnitKind.COMMUNITY, UnitKind.VILLAGE):
        raise ValidationError({"community": [_("Members register with a community or village.")]})
    own = member.user_id is not None and member.user_id == actor.pk
    if not own:
        _require_edit(actor, community)
    before = audit.snapshot(member, PARTY_FIELDS)
    member.registered_community = community
    member.registered_on = registered_on or timezone.localdate()
    member.save(update_fields=["registered_community", "registered_on", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=member,
        scope_path=community.path,
        changes=audit.diff(before, audit.snapshot(member, PARTY_FIELDS)),
    )
    return member


@transaction.atomic
def update_party_member(*, actor: User, member: PartyMember, **fields: Any) -> PartyMember:
    """Change a party member's details or branch; they are then counted at the new branch's unit."""
    _require_edit(actor, member.unit)
    allowed = {
        "party_org",
        "resident",
        "name",
        "gender",
        "birth_year",
        "status",
        "joined_on",
        "is_in_service",
        "workplace",
        "is_active",
        "id_number",
        "phone",
    }
    only_fields(fields, allowed)
    before = {
        **audit.snapshot(member, PARTY_FIELDS),
        "id_number": member.id_number_hash,
        "phone": member.phone_hash,
    }
    person = _check_person_update(PartyMember, member, fields)
    errors = person.errors
    party_org: PartyOrg = fields.get("party_org", member.party_org)
    unit = party_org.serves or party_org.district
    if party_org.pk != member.party_org_id:
        if party_org.district_id != member.district_id:
            errors.add("party_org", _("The organisation belongs to another district."))
        elif not org_access.can_edit_people_in(actor, unit):
            errors.add("party_org", _("You cannot move members to that organisation."))
    if fields.get("status", member.status) not in PartyStatus.values:
        errors.add("status", _("Unknown status."))
    errors.raise_if_any()
    member.party_org, member.unit = party_org, unit
    for key in ("resident", "status", "joined_on", "is_in_service", "workplace", "is_active"):
        if key in fields:
            setattr(member, key, fields[key])
    _store_sealed(member, person, fields)
    _save_unique(
        member, "id_number", _("A person with this ID number is already registered in this district.")
    )
    after = {
        **audit.snapshot(member, PARTY_FIELDS),
        "id_number": member.id_number_hash,
        "phone": member.phone_hash,
    }
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=member,
        scope_path=unit.path,
        changes=audit.diff(before, after, sealed=SEALED_FIELDS),
    )
    return member


# -- organisations and facilities --------------------------------------------------------------------

ORG_FIELDS = (
    "unit",
    "category",
    "kind",
    "name",
    "address",
    "lat",
    "lng",
    "contact_name",
    "party_org",
    "is_active",
)


def _check_point(errors: _Errors, lat: float | None, lng: float | None, *, required: bool) -> None:
    if lat is None or lng is None:
        if required or (lat is None) != (lng is None):
            errors.add("lat", _("Give both latitude and longitude."))
        return
    if not (-90 <= lat <= 90):
        errors.add("lat", _("Latitude must be between -90 and 90."))
    if not (-180 <= lng <= 180):
        errors.add("lng", _("Longitude must be between -180 and 180."))


@transaction.atomic
def register_organization(
    *,
    actor: User,
    unit: Unit,
    category: str,
    name: str,
    kind: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    party_org: PartyOrg | None = None,
) -> Organization:
    """Record an in-area organisation (驻区单位), social organisation or shop in a unit's area."""
    _require_edit(actor, unit)
    errors = _Errors()
    if category not in OrganizationCategory.values:
        errors.add("category", _("Unknown category."))
    if not name.strip():
        errors.add("name", _("A name is required."))
    elif Organization.objects.filter(unit=unit, category=category, name=name.strip()).exists():
        errors.add("name", _("This unit already has an organisation with this name."))
    _check_point(errors, lat, lng, required=False)
    phone = ""
    if contact_phone.strip():
        try:
            phone = normalize_phone(contact_phone)
        except ValidationError as exc:
            errors.add("contact_phone", exc.messages[0])
    errors.raise_if_any()
    org = Organization(
        district_id=_district_id(unit),
        unit=unit,
        category=category,
        kind=kind.strip(),
        name=name.strip(),
        address=address.strip(),
        lat=lat,
        lng=lng,
        contact_name=contact_name.strip(),
        party_org=party_org,
    )
    pii.store(org, "phone", phone, kind="phone")
    _save_unique(org, "name", _("This unit already has an organisation with this name."))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=org,
        scope_path=unit.path,
        changes={
            **audit.diff({}, audit.snapshot(org, ORG_FIELDS)),
            **({"phone": audit.SEALED} if phone else {}),
        },
    )
    return org


@transaction.atomic
def register_organization_with_community(
    *, actor: User, organization: Organization, community: Unit, registered_on: dt.date | None = None
) -> Organization:
    """单位双报到: an in-area organisation reports to a community and takes tasks there."""
    _require_edit(actor, community)
    if community.kind not in (UnitKind.COMMUNITY, UnitKind.VILLAGE):
        raise ValidationError({"community": [_("Organisations register with a community or village.")]})
    organization.registered_community = community
    organization.registered_on = registered_on or timezone.localdate()
    organization.save(update_fields=["registered_community", "registered_on", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=organization,
        scope_path=community.path,
        changes={"registered_community": [None, community.code]},
    )
    return organization


@transaction.atomic
def update_organization(*, actor: User, organization: Organization, **fields: Any) -> Organization:
    """Change an organisation's details, contact or party organisation, or deactivate it."""
    _require_edit(actor, organization.unit)
    allowed = {
        "kind",
        "name",
        "address",
        "lat",
        "lng",
        "contact_name",
        "contact_phone",
        "party_org",
        "is_active",
    }
    only_fields(fields, allowed)
    before = {**audit.snapshot(organization, ORG_FIELDS), "phone": organization.phone_hash}
    errors = _Errors()
    name = str(fields.get("name", organization.name)).strip()
    if not name:
        errors.add("name", _("A name is required."))
    elif (
        Organization.objects.filter(unit=organization.unit, category=organization.category, name=name)
        .exclude(pk=organization.pk)
        .exists()
    ):
        errors.add("name", _("This unit already has an organisation with this name."))
    _check_point(
        errors, fields.get("lat", organization.lat), fields.get("lng", organization.lng), required=False
    )
    phone = ""
    if str(fields.get("contact_phone", "")).strip():
        try:
            phone = normalize_phone(fields["contact_phone"])
        except ValidationError as exc:
            errors.add("contact_phone", exc.messages[0])
    errors.raise_if_any()
    for key, value in fields.items():
        if key != "contact_phone":
            setattr(organization, key, value.strip() if isinstance(value, str) else value)
    organization.name = name
    if "contact_phone" in fields:
        pii.store(organization, "phone", phone, kind="phone")
    _save_unique(organization, "name", _("This unit already has an organisation with this name."))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=organization,
        scope_path=organization.unit.path,
        changes=audit.diff(
            before,
            {**audit.snapshot(organization, ORG_FIELDS), "phone": organization.phone_hash},
            sealed=("phone",),
        ),
    )
    return organization


FACILITY_FIELDS = (
    "unit",
    "kind",
    "name",
    "address",
    "lat",
    "lng",
    "service_phone",
    "opening_hours",
    "is_active",
)


@transaction.atomic
def register_facility(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    name: str,
    lat: float | None,
    lng: float | None,
    address: str = "",
    service_phone: str = "",
    opening_hours: str = "",
) -> Facility:
    """Record a service facility with its location (一有七中心, the 15-minute service circle)."""
    _require_edit(actor, unit)
    errors = _Errors()
    if kind not in FacilityKind.values:
        errors.add("kind", _("Unknown facility kind."))
    if not name.strip():
        errors.add("name", _("A name is required."))
    elif Facility.objects.filter(unit=unit, name=name.strip()).exists():
        errors.add("name", _("This unit already has a facility with this name."))
    _check_point(errors, lat, lng, required=True)
    errors.raise_if_any()
    assert lat is not None
    assert lng is not None
    facility = Facility(
        district_id=_district_id(unit),
        unit=unit,
        kind=kind,
        name=name.strip(),
        address=address.strip(),
        lat=lat,
        lng=lng,
        service_phone=service_phone.strip(),
        opening_hours=opening_hours.strip(),
    )
    _save_unique(facility, "name", _("This unit already has a facility with this name."))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=facility,
        scope_path=unit.path,
        changes=audit.diff({}, audit.snapshot(facility, FACILITY_FIELDS)),
    )
    return facility


@transaction.atomic
def update_facility(*, actor: User, facility: Facility, **fields: Any) -> Facility:
    _require_edit(actor, facility.unit)
    allowed = {"kind", "name", "address", "lat", "lng", "service_phone", "opening_hours", "is_active"}
    only_fields(fields, allowed)
    before = audit.snapshot(facility, FACILITY_FIELDS)
    errors = _Errors()
    if fields.get("kind", facility.kind) not in FacilityKind.values:
        errors.add("kind", _("Unknown facility kind."))
    name = str(fields.get("name", facility.name)).strip()
    if not name:
        errors.add("name", _("A name is required."))
    elif Facility.objects.filter(unit=facility.unit, name=name).exclude(pk=facility.pk).exists():
        errors.add("name", _("This unit already has a facility with this name."))
    _check_point(errors, fields.get("lat", facility.lat), fields.get("lng", facility.lng), required=True)
    errors.raise_if_any()
    for key, value in fields.items():
        setattr(facility, key, value.strip() if isinstance(value, str) else value)
    _save_unique(facility, "name", _("This unit already has a facility with this name."))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=facility,
        scope_path=facility.unit.path,
        changes=audit.diff(before, audit.snapshot(facility, FACILITY_FIELDS)),
    )
    return facility


__all__ = [
    "link_resident_account",
    "register_facility",
    "register_household",
    "register_organization",
    "register_organization_with_community",
    "register_party_member",
    "register_resident",
    "register_with_community",
    "reveal_personal_data",
    "update_facility",
    "update_household",
    "update_organization",
    "update_party_member",
    "update_resident",
]
