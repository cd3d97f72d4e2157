"""Departments, party organisations and posts (docs/domain.md §1–2)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.api.base import (
    CODE_REGEX,
    CreateMixin,
    PartialUpdateMixin,
    RefSerializer,
    ScopedSlugField,
    actor,
)
from grassroots.core.models import User
from grassroots.org import access, actions
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.org.filters import DepartmentFilter, PartyOrgFilter, PostFilter
from grassroots.org.models import Department, PartyOrg, Post, Unit


def _districts_visible_to(user: Any) -> QuerySet[Unit]:
    return access.units_visible_to(user).filter(kind=UnitKind.DISTRICT)


# -- departments ----------------------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "short_name", "district", "is_active"]
        read_only_fields = fields


class DepartmentCreateSerializer(serializers.Serializer):
    district = ScopedSlugField(Unit, _districts_visible_to, slug_field="code")
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=40)
    short_name = serializers.CharField(max_length=20, required=False, allow_blank=True)


class DepartmentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    code = serializers.CharField(max_length=40, required=False)
    short_name = serializers.CharField(max_length=20, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class DepartmentViewSet(CreateMixin[Department], PartialUpdateMixin[Department]):
    """District departments (职能部门), by ``code``."""

    serializer_class = DepartmentSerializer
    write_serializers = {"create": DepartmentCreateSerializer, "partial_update": DepartmentUpdateSerializer}
    filterset_class = DepartmentFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[Department]:
        return access.departments_visible_to(self.request.user).select_related("district")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Department:
        return actions.create_department(actor=user, **data)

    def perform_action_update(self, user: User, instance: Department, data: dict[str, Any]) -> Department:
        return actions.update_department(actor=user, department=instance, **data)


# -- party organisations --------------------------------------------------------------------------


class PartyOrgSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)  # type: ignore[assignment]
    district = serializers.CharField(source="district.code", read_only=True)
    serves = RefSerializer(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PartyOrg
        fields = ["code", "name", "kind", "kind_label", "parent", "district", "serves", "depth", "is_active"]
        read_only_fields = fields


class PartyOrgCreateSerializer(serializers.Serializer):
    """The district comes from the parent or the served unit; give it only for a top organisation
    that serves the whole district."""

    kind = serializers.ChoiceField(choices=PartyOrgKind.choices)
    name = serializers.CharField(max_length=100)
    parent = ScopedSlugField(  # type: ignore[assignment]
        PartyOrg, access.party_orgs_visible_to, slug_field="code", required=False, allow_null=True
    )
    serves = ScopedSlugField(
        Unit, access.units_visible_to, slug_field="code", required=False, allow_null=True
    )
    district = ScopedSlugField(Unit, _districts_visible_to, slug_field="code", required=False)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        parent: PartyOrg | None = attrs.get("parent")
        serves: Unit | None = attrs.get("serves")
        if "district" not in attrs:
            if parent is not None:
                attrs["district"] = parent.district
            elif serves is not None and serves.district is not None:
                attrs["district"] = serves.district
            else:
                raise ValidationError({"district": [_("Name the district, the parent or the served unit.")]})
        return attrs


class PartyOrgUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    serves = ScopedSlugField(
        Unit, access.units_visible_to, slug_field="code", required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class PartyOrgViewSet(CreateMixin[PartyOrg], PartialUpdateMixin[PartyOrg]):
    """The party organisation tree (党工委 → 大党委 → 支部 → 党小组), by ``code``."""

    serializer_class = PartyOrgSerializer
    write_serializers = {"create": PartyOrgCreateSerializer, "partial_update": PartyOrgUpdateSerializer}
    filterset_class = PartyOrgFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[PartyOrg]:
        return access.party_orgs_visible_to(self.request.user).select_related("parent", "district", "serves")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> PartyOrg:
        return actions.create_party_org(actor=user, **data)

    def perform_action_update(self, user: User, instance: PartyOrg, data: dict[str, Any]) -> PartyOrg:
        return actions.update_party_org(actor=user, org=instance, **data)


# -- posts ----------------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    uid = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class PostSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    unit = RefSerializer(read_only=True, allow_null=True)
    department = RefSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "user",
            "role",
            "role_label",
            "unit",
            "department",
            "is_primary",
            "title",
            "started_on",
            "ended_on",
            "is_active",
        ]
        read_only_fields = fields


class PostCreateSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(slug_field="uid", queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=Role.choices)
    unit = ScopedSlugField(Unit, access.units_visible_to, slug_field="code", required=False, allow_null=True)
    department = ScopedSlugField(
        Department, access.departments_visible_to, slug_field="code", required=False, allow_null=True
    )
    is_primary = serializers.BooleanField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)


class PostEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True)


class PostViewSet(CreateMixin[Post]):
    """Posts (a role at a unit or department). Posts have no public id of their own, so they go by
    their number; they are the staff directory, not personal records."""

    serializer_class = PostSerializer
    write_serializers = {
        "create": PostCreateSerializer,
        "end": PostEndSerializer,
        "make_primary": serializers.Serializer,
    }
    filterset_class = PostFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Post]:
        return access.posts_visible_to(self.request.user).select_related("user", "unit", "department")

    def perform_action_create(self, user: User, data: dict[str, Any]) -> Post:
        return actions.assign_post(actor=user, **data)

    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        """End the post; a grid's primary passes to the next of its 一长两员."""
        post = self.get_object()
        ended_on = self.validated(request).get("ended_on")
        return self.respond_with(actions.end_post(actor=actor(request), post=post, ended_on=ended_on))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="make-primary")
    def make_primary(self, request: Request, pk: str) -> Response:
        """Make this post its grid's primary owner."""
        post = self.get_object()
        return self.respond_with(actions.set_primary(actor=actor(request), post=post))
