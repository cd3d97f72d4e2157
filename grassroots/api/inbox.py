"""The in-app inbox of notifications (assigned to you, deadline warnings, reopened, rated …).

Unread notifications come first, newest first within each group. Marking read goes through
``notify.actions.mark_read``.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import BigIntegerField, F, QuerySet, Value, When
from django.db.models import Case as Switch
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from grassroots.api.base import ScopedViewSet, actor
from grassroots.api.pagination import CursorPagination
from grassroots.notify.access import notifications_visible_to
from grassroots.notify.actions import mark_read
from grassroots.notify.models import Kind, Notification

# Unread rows sort above every read row: their key is their id lifted past any id in use.
_UNREAD_LIFT = 1 << 40


class InboxPagination(CursorPagination):
    """Unread first, then newest first; the key is unique, so cursor pages are stable."""

    ordering = "-inbox_order"


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "title", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(label=_("Unread"), field_name="read_at", lookup_expr="isnull")
    kind = filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)

    class Meta:
        model = Notification
        fields: list[str] = []


class CountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class InboxViewSet(ScopedViewSet[Notification]):
    """The signed-in user's notifications; nobody sees another's inbox (404)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = InboxPagination
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_visible_to(self.request.user).annotate(
            inbox_order=Switch(
                When(read_at__isnull=True, then=F("id") + Value(_UNREAD_LIFT)),
                default=F("id"),
                output_field=BigIntegerField(),
            )
        )

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark one notification read."""
        notification = self.get_object()
        mark_read(actor(request), [notification])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        return Response({"marked": mark_read(actor(request), notifications_visible_to(request.user))})

    @extend_schema(responses=CountSerializer, parameters=[])
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def count(self, request: Request) -> Response:
        """How many notifications are unread (for a badge)."""
        unread = notifications_visible_to(request.user).filter(read_at__isnull=True).count()
        return Response({"unread": unread})


extra_urlpatterns: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("inbox", InboxViewSet, basename="inbox")
