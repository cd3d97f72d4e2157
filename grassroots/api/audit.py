"""Audit records, read by district administrators for their subtree (docs/domain.md §8)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from grassroots.api.base import ScopedViewSet
from grassroots.api.pagination import NewestFirstCursorPagination
from grassroots.core.models import AuditRecord
from grassroots.org.access import audit_records_visible_to
from grassroots.org.filters import AuditRecordFilter


class AuditRecordSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor.uid", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "purpose",
            "source",
            "ip",
            "user_agent",
        ]
        read_only_fields = fields


class AuditRecordViewSet(ScopedViewSet[AuditRecord]):
    """Append-only: list and retrieve, nothing else."""

    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[AuditRecord]:
        return audit_records_visible_to(self.request.user).select_related("actor")
