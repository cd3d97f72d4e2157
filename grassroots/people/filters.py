"""Filters over people data, one definition for pages and the API (docs/architecture.md).

They narrow querysets that ``people.access.*_visible_to`` has already scoped. ID numbers and
phones are found by exact match only, through their keyed hash (``core.pii.blind_index``): the
value given is normalised like a stored one, hashed and compared with the ``*_hash`` column, so
no plaintext is compared, stored or returned (docs/domain.md §8).
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core import pii
from grassroots.core.validators import normalize_phone, parse_id_number
from grassroots.org.filters import in_unit_subtree
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


class IdNumberField(forms.CharField):
    """An ID number, normalised; a wrong shape or checksum is a form error (GB 11643)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return parse_id_number(text).value if text else ""


class PhoneField(forms.CharField):
    """A phone number, normalised to the stored form (``13812345678``, ``0871-12345678``)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return normalize_phone(text) if text else ""


class IdNumberLookup(filters.CharFilter):
    """Exact match on a sealed ID number; a malformed number is a form error, not an empty result."""

    field_class = IdNumberField

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}_hash": pii.blind_index(value, kind="id_number")})


class PhoneLookup(filters.CharFilter):
    """Exact match on a sealed phone number, in any of the forms ``normalize_phone`` accepts."""

    field_class = PhoneField

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}_hash": pii.blind_index(value, kind="phone")})


class HouseholdFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Grid or unit above it (code)"), method="filter_unit")
    building = filters.CharFilter(label=_("Building code"), field_name="building__code")
    q = filters.CharFilter(label=_("Address contains"), field_name="address", lookup_expr="icontains")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return in_unit_subtree(queryset, "grid__path", value)


class ResidentFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Grid or unit above it (code)"), method="filter_unit")
    building = filters.CharFilter(label=_("Building code"), field_name="household__building__code")
    household = filters.UUIDFilter(label=_("Household (public id)"), field_name="household__uid")
    tag = filters.ChoiceFilter(label=_("Care tag"), choices=ResidentTag.choices, method="filter_tag")
    gender = filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    birth_year = filters.RangeFilter(label=_("Birth year"))
    residency = filters.ChoiceFilter(label=_("Residency"), choices=Residency.choices)
    relation = filters.ChoiceFilter(label=_("Relation to head"), choices=Relation.choices)
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    id_number = IdNumberLookup(label=_("ID number (exact)"), field_name="id_number")
    phone = PhoneLookup(label=_("Phone (exact)"), field_name="phone")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Resident
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[Resident], name: str, value: str) -> QuerySet[Resident]:
        return in_unit_subtree(queryset, "grid__path", value)

    def filter_tag(self, queryset: QuerySet[Resident], name: str, value: str) -> QuerySet[Resident]:
        # EXISTS, not a join, so a resident with several tags appears once.
        return queryset.filter(Exists(CareTag.objects.filter(resident=OuterRef("pk"), tag=value)))


class PartyMemberFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Counted at a unit within (code)"), method="filter_unit")
    party_org = filters.CharFilter(label=_("Party organisation code"), field_name="party_org__code")
    registered_community = filters.CharFilter(
        label=_("Registered community code (双报到)"), field_name="registered_community__code"
    )
    status = filters.ChoiceFilter(label=_("Status"), choices=PartyStatus.choices)
    gender = filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    birth_year = filters.RangeFilter(label=_("Birth year"))
    is_in_service = filters.BooleanFilter(label=_("In-service member"))
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    id_number = IdNumberLookup(label=_("ID number (exact)"), field_name="id_number")
    phone = PhoneLookup(label=_("Phone (exact)"), field_name="phone")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = PartyMember
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[PartyMember], name: str, value: str) -> QuerySet[PartyMember]:
        return in_unit_subtree(queryset, "unit__path", value)


class OrganizationFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Unit within (code)"), method="filter_unit")
    category = filters.ChoiceFilter(label=_("Category"), choices=OrganizationCategory.choices)
    kind = filters.CharFilter(label=_("Type"))
    registered_community = filters.CharFilter(
        label=_("Registered community code (双报到)"), field_name="registered_community__code"
    )
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    phone = PhoneLookup(label=_("Contact phone (exact)"), field_name="phone")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return in_unit_subtree(queryset, "unit__path", value)


class FacilityFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Unit within (code)"), method="filter_unit")
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=FacilityKind.choices)
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Facility
        fields: list[str] = []

    def filter_unit(self, queryset: QuerySet[Facility], name: str, value: str) -> QuerySet[Facility]:
        return in_unit_subtree(queryset, "unit__path", value)
