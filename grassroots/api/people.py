"""Households, residents, party members, organisations and facilities (docs/domain.md §2, §8).

ID numbers and phones go in as plaintext (write-only fields, sealed by the actions) and come out
only masked (``*_masked``); the full value is answered by ``reveal``, which states a purpose and
leaves an audit record (``people.actions.reveal_personal_data``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.api.base import (
    UUID_REGEX,
    CreateMixin,
    PartialUpdateMixin,
    RefSerializer,
    ScopedSlugField,
    ScopedViewSet,
    actor,
)
from grassroots.core.models import User
from grassroots.org.access import party_orgs_visible_to, units_visible_to
from grassroots.org.models import PartyOrg, Unit
from grassroots.people import access, actions
from grassroots.people.choices import (
    FacilityKind,
    Gender,
    OrganizationCategory,
    PartyStatus,
    Relation,
    Residency,
    ResidentTag,
)
from grassroots.people.filters import (
    FacilityFilter,
    HouseholdFilter,
    OrganizationFilter,
    PartyMemberFilter,
    ResidentFilter,
)
from grassroots.people.models import Facility, Household, Organization, PartyMember, Resident

# Units come joined to every people row; their boundaries (often kilobytes) are never needed there.
_NO_BOUNDARY = {
    "grid": "grid__boundary",
    "building": "building__boundary",
    "unit": "unit__boundary",
    "registered_community": "registered_community__boundary",
}


def _joined(queryset: QuerySet[Any], *relations: str) -> QuerySet[Any]:
    deferred = [_NO_BOUNDARY[name] for name in relations if name in _NO_BOUNDARY]
    return queryset.select_related(*relations).defer(*deferred)


def _unit_field(**kwargs: Any) -> ScopedSlugField:
    return ScopedSlugField(Unit, units_visible_to, slug_field="code", **kwargs)


def _party_org_field(**kwargs: Any) -> ScopedSlugField:
    return ScopedSlugField(PartyOrg, party_orgs_visible_to, slug_field="code", **kwargs)


def _sealed_input(**kwargs: Any) -> serializers.CharField:
    """A personal value in plaintext: accepted, never echoed."""
    return serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=30, **kwargs)


# -- reveal ---------------------------------------------------------------------------------------


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    purpose = serializers.CharField(max_length=300)


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


SEALED_FILTERS = ("id_number", "phone")


class SealedDataMixin(ScopedViewSet[Any]):
    """Endpoints of records holding sealed numbers (docs/domain.md §8).

    - ``POST …/{uid}/reveal/``: the full ID number or phone, for a stated purpose, audited. Who can
      see the record but not edit it is refused (403); who cannot see it gets 404.
    - ``POST …/lookup/``: the list filters, taken from the request body, so that an exact lookup by
      ID number or phone never puts the number in a URL (and so in access logs, proxies and browser
      history). The list (``GET``) refuses those two filters with a 400 that says where they go.
    """

    filterset_class: type[FilterSet]

    @extend_schema(request=RevealSerializer, responses=RevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, uid: str) -> Response:
        obj = self.get_object()
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        value = actions.reveal_personal_data(
            actor=actor(request), obj=obj, attribute=field, purpose=serializer.validated_data["purpose"]
        )
        # The answer holds personal data: no cache, proxy or browser may keep it.
        return Response({"field": field, "value": value}, headers={"Cache-Control": "no-store"})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        in_url = [name for name in SEALED_FILTERS if name in request.query_params]
        if in_url:
            message = _("Personal numbers never go in a URL: send them in the body of POST %(path)slookup/.")
            raise ValidationError({name: [message % {"path": request.path}] for name in in_url})
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": {"type": "object", "additionalProperties": {"type": "string"}}},
        description="The list's filters in the request body; use it for exact ID number and phone lookups.",
    )
    @action(detail=False, methods=["post"])
    def lookup(self, request: Request) -> Response:
        filterset = self.filterset_class(data=request.data, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class PeopleViewSet(ScopedViewSet[Any]):
    lookup_field = "uid"
    lookup_value_regex = UUID_REGEX


# -- households -----------------------------------------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer):
    grid = RefSerializer(read_only=True)
    building = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Household
        fields = ["uid", "grid", "building", "door", "address", "is_active", "created_at", "updated_at"]
        read_only_fields = fields


class HouseholdCreateSerializer(serializers.Serializer):
    grid = _unit_field()
    building = _unit_field(required=False, allow_null=True)
    door = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200)


class HouseholdUpdateSerializer(serializers.Serializer):
    grid = _unit_field(required=False)
    building = _unit_field(required=False, allow_null=True)
    door = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False)
    is_active = serializers.BooleanField(required=False)


class HouseholdViewSet(CreateMixin[Household], PartialUpdateMixin[Household], PeopleViewSet):
    serializer_class = HouseholdSerializer
    write_serializers = {"create": HouseholdCreateSerializer, "partial_update": HouseholdUpdateSerializer}
    filterset_class = HouseholdFilter

    def get_queryset(self) -> QuerySet[Household]:
        return _joined(access.households_visible_to(self.request.user), "grid", "building")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Household:
        return actions.register_household(actor=user, **data)

    def perform_action_update(self, user: User, instance: Household, data: dict[str, Any]) -> Household:
        return actions.update_household(actor=user, household=instance, **data)


# -- residents ------------------------------------------------------------------------------------


class ResidentSerializer(serializers.ModelSerializer):
    household = serializers.UUIDField(source="household.uid", read_only=True)
    grid = RefSerializer(read_only=True)
    tags = serializers.SerializerMethodField()
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "uid",
            "household",
            "grid",
            "name",
            "gender",
            "birth_year",
            "relation",
            "residency",
            "tags",
            "id_number_masked",
            "phone_masked",
            "has_account",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ResidentTag.choices)))
    def get_tags(self, obj: Resident) -> list[str]:
        return sorted(tag.tag for tag in obj.tags.all())

    def get_has_account(self, obj: Resident) -> bool:
        return obj.user_id is not None


class ResidentWriteSerializer(serializers.Serializer):
    household = ScopedSlugField(Household, access.households_visible_to, slug_field="uid")
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100)
    id_number = _sealed_input(help_text="GB 11643 citizen ID number (18 characters)")
    phone = _sealed_input()
    relation = serializers.ChoiceField(choices=Relation.choices, required=False)
    residency = serializers.ChoiceField(choices=Residency.choices, required=False)
    tags = serializers.ListField(child=serializers.ChoiceField(choices=ResidentTag.choices), required=False)


class ResidentUpdateSerializer(ResidentWriteSerializer):
    is_active = serializers.BooleanField(required=False)


class ResidentViewSet(CreateMixin[Resident], PartialUpdateMixin[Resident], SealedDataMixin, PeopleViewSet):
    serializer_class = ResidentSerializer
    write_serializers = {"create": ResidentWriteSerializer, "partial_update": ResidentUpdateSerializer}
    filterset_class = ResidentFilter

    def get_queryset(self) -> QuerySet[Resident]:
        queryset = _joined(access.residents_visible_to(self.request.user), "household", "grid")
        return queryset.prefetch_related("tags")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Resident:
        return actions.register_resident(actor=user, **data)

    def perform_action_update(self, user: User, instance: Resident, data: dict[str, Any]) -> Resident:
        return actions.update_resident(actor=user, resident=instance, **data)


# -- party members --------------------------------------------------------------------------------


class PartyMemberSerializer(serializers.ModelSerializer):
    party_org = RefSerializer(read_only=True)
    unit = RefSerializer(read_only=True)
    registered_community = RefSerializer(read_only=True, allow_null=True)
    resident = serializers.UUIDField(source="resident.uid", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PartyMember
        fields = [
            "uid",
            "party_org",
            "unit",
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
            "id_number_masked",
            "phone_masked",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PartyMemberWriteSerializer(serializers.Serializer):
    party_org = _party_org_field()
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100)
    status = serializers.ChoiceField(choices=PartyStatus.choices, required=False)
    joined_on = serializers.DateField(required=False, allow_null=True)
    id_number = _sealed_input(help_text="GB 11643 citizen ID number (18 characters)")
    phone = _sealed_input()
    resident = ScopedSlugField(
        Resident, access.residents_visible_to, slug_field="uid", required=False, allow_null=True
    )
    is_in_service = serializers.BooleanField(required=False)
    workplace = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PartyMemberUpdateSerializer(PartyMemberWriteSerializer):
    is_active = serializers.BooleanField(required=False)


class PartyMemberViewSet(
    CreateMixin[PartyMember], PartialUpdateMixin[PartyMember], SealedDataMixin, PeopleViewSet
):
    serializer_class = PartyMemberSerializer
    write_serializers = {"create": PartyMemberWriteSerializer, "partial_update": PartyMemberUpdateSerializer}
    filterset_class = PartyMemberFilter

    def get_queryset(self) -> QuerySet[PartyMember]:
        return _joined(
            access.party_members_visible_to(self.request.user),
            "party_org",
            "unit",
            "resident",
            "registered_community",
        )

    def perform_action_create(self, user: User, data: dict[str, Any]) -> PartyMember:
        return actions.register_party_member(actor=user, **data)

    def perform_action_update(self, user: User, instance: PartyMember, data: dict[str, Any]) -> PartyMember:
        return actions.update_party_member(actor=user, member=instance, **data)


# -- organisations --------------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    unit = RefSerializer(read_only=True)
    party_org = RefSerializer(read_only=True, allow_null=True)
    registered_community = RefSerializer(read_only=True, allow_null=True)
    contact_phone_masked = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "uid",
            "unit",
            "category",
            "kind",
            "name",
            "address",
            "lat",
            "lng",
            "contact_name",
            "contact_phone_masked",
            "party_org",
            "registered_community",
            "registered_on",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrganizationUpdateSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40, required=False, allow_blank=True)
    name = serializers.CharField(max_length=100, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    lng = serializers.FloatField(required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = _sealed_input()
    party_org = _party_org_field(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class OrganizationCreateSerializer(OrganizationUpdateSerializer):
    unit = _unit_field()
    category = serializers.ChoiceField(choices=OrganizationCategory.choices)
    name = serializers.CharField(max_length=100)
    is_active = None  # type: ignore[assignment]


class OrganizationViewSet(
    CreateMixin[Organization], PartialUpdateMixin[Organization], SealedDataMixin, PeopleViewSet
):
    """In-area organisations (驻区单位), social organisations, shops; ``reveal`` shows the contact phone."""

    serializer_class = OrganizationSerializer
    write_serializers = {
        "create": OrganizationCreateSerializer,
        "partial_update": OrganizationUpdateSerializer,
    }
    filterset_class = OrganizationFilter

    def get_queryset(self) -> QuerySet[Organization]:
        return _joined(
            access.organizations_visible_to(self.request.user), "unit", "party_org", "registered_community"
        )

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Organization:
        return actions.register_organization(actor=user, **data)

    def perform_action_update(self, user: User, instance: Organization, data: dict[str, Any]) -> Organization:
        return actions.update_organization(actor=user, organization=instance, **data)


# -- facilities -----------------------------------------------------------------------------------


class FacilitySerializer(serializers.ModelSerializer):
    unit = RefSerializer(read_only=True)

    class Meta:
        model = Facility
        fields = [
            "uid",
            "unit",
            "kind",
            "name",
            "address",
            "lat",
            "lng",
            "service_phone",
            "opening_hours",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FacilityUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FacilityKind.choices, required=False)
    name = serializers.CharField(max_length=100, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False)
    lng = serializers.FloatField(required=False)
    service_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    opening_hours = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class FacilityCreateSerializer(FacilityUpdateSerializer):
    unit = _unit_field()
    kind = serializers.ChoiceField(choices=FacilityKind.choices)
    name = serializers.CharField(max_length=100)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    is_active = None  # type: ignore[assignment]


class FacilityViewSet(CreateMixin[Facility], PartialUpdateMixin[Facility], PeopleViewSet):
    """Service facilities (一有七中心) with their locations."""

    serializer_class = FacilitySerializer
    write_serializers = {"create": FacilityCreateSerializer, "partial_update": FacilityUpdateSerializer}
    filterset_class = FacilityFilter

    def get_queryset(self) -> QuerySet[Facility]:
        return _joined(access.facilities_visible_to(self.request.user), "unit")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Facility:
        return actions.register_facility(actor=user, **data)

    def perform_action_update(self, user: User, instance: Facility, data: dict[str, Any]) -> Facility:
        return actions.update_facility(actor=user, facility=instance, **data)
