"""Filters over the organisation and the audit trail: one definition for pages and the API.

Every filter here narrows a queryset that is already scoped (``org.access.*_visible_to``); none of
them widens it. A unit code that is unknown, or outside the caller's scope, matches nothing, so a
filter never tells "does not exist" apart from "not yours" (docs/domain.md §1).
"""

from __future__ import annotations

from typing import TypeVar

import django_filters as filters
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.org.models import Department, PartyOrg, Post, Unit

M = TypeVar("M", bound=Model)


def in_unit_subtree(queryset: QuerySet[M], path_field: str, code: str) -> QuerySet[M]:
    """Rows whose ``path_field`` lies in the subtree of the unit with ``code`` (the unit included).

    The code is resolved against all units, not the caller's: the queryset is already scoped, so
    an outside code yields the same empty answer as an unknown one.
    """
    if not code:
        return queryset
    path = Unit.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__subtree": path})


class UnitFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    parent = filters.CharFilter(label=_("Parent unit code"), field_name="parent__code")
    district = filters.CharFilter(label=_("District code"), field_name="district__code")
    within = filters.CharFilter(label=_("Within unit (code)"), method="filter_within")
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_within(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return in_unit_subtree(queryset, "path", value)


class DepartmentFilter(filters.FilterSet):
    district = filters.CharFilter(label=_("District code"), field_name="district__code")
    q = filters.CharFilter(label=_("Name contains"), method="filter_q")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class PartyOrgFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=PartyOrgKind.choices)
    parent = filters.CharFilter(label=_("Parent organisation code"), field_name="parent__code")
    district = filters.CharFilter(label=_("District code"), field_name="district__code")
    serves = filters.CharFilter(label=_("Serves unit (code)"), field_name="serves__code")
    within = filters.CharFilter(label=_("Serves a unit within (code)"), method="filter_within")
    q = filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = PartyOrg
        fields: list[str] = []

    def filter_within(self, queryset: QuerySet[PartyOrg], name: str, value: str) -> QuerySet[PartyOrg]:
        return in_unit_subtree(queryset, "serves__path", value)


class PostFilter(filters.FilterSet):
    unit = filters.CharFilter(label=_("Unit code"), field_name="unit__code")
    within = filters.CharFilter(label=_("Within unit (code)"), method="filter_within")
    department = filters.CharFilter(label=_("Department code"), field_name="department__code")
    role = filters.MultipleChoiceFilter(label=_("Role"), choices=Role.choices)
    user = filters.UUIDFilter(label=_("User (public id)"), field_name="user__uid")
    is_primary = filters.BooleanFilter(label=_("Primary owner"))
    active = filters.BooleanFilter(label=_("In post"), field_name="ended_on", lookup_expr="isnull")

    class Meta:
        model = Post
        fields: list[str] = []

    def filter_within(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        return in_unit_subtree(queryset, "unit__path", value)


class AuditRecordFilter(filters.FilterSet):
    """Audit records by who, what and when (docs/domain.md §8); the date range includes both ends."""

    actor = filters.UUIDFilter(label=_("Actor (public id)"), field_name="actor__uid")
    action = filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    target_type = filters.CharFilter(label=_("Object type"))
    target_id = filters.CharFilter(label=_("Object id"))
    date = filters.DateFromToRangeFilter(label=_("Date"), field_name="at")

    class Meta:
        model = AuditRecord
        fields: list[str] = []
