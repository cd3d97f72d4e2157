"""What every endpoint shares: the acting user, scoped references, create and PATCH through actions.

The API is thin (docs/architecture.md): input serializers check the shape of a request, the actions check
the rules and write, and every read starts from a ``*_visible_to(user)`` queryset. An object the
caller cannot see is "not found" (404); one they see but may not change is refused by the action
(403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import GenericViewSet

from grassroots.core.models import User
from grassroots.org.access import AnyUser

M = TypeVar("M", bound=Model)

# Public ids (``uid``) in URLs; anything else is "not found" before a query is made.
UUID_REGEX = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
# Unit, department and party organisation codes: anything but a slash.
CODE_REGEX = r"[^/]+"


def actor(request: Request) -> User:
    """The signed-in user, as the actions want it."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


class ScopedSlugField(serializers.SlugRelatedField):
    """A reference by public id (``code``/``uid``) to an object the caller can see.

    The choices come from a ``*_visible_to(user)`` function, so an object outside the caller's
    scope gets the same "does not exist" error as one that does not exist at all.
    """

    def __init__(self, model: type[Model], scope: Callable[[AnyUser], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        # The empty queryset only tells the schema generator the type; lookups use ``scope``.
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(self.context["request"].user)


class RefSerializer(serializers.Serializer):
    """A related unit, department or party organisation as its code and name."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ApiSchema(AutoSchema):
    """Writes are documented with their input serializer and answer with the read serializer."""

    def get_response_serializers(self) -> Any:
        view = self.view
        if getattr(view, "action", None) in getattr(view, "write_serializers", {}):
            return getattr(view, "serializer_class", None)
        return super().get_response_serializers()


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet[M]):
    """List and retrieve from a scoped queryset.

    ``write_serializers`` names the input serializer of each write action; the answer to a write
    is the object re-read through the scoped queryset, with its related rows joined.
    """

    write_serializers: dict[str, type[BaseSerializer[Any]]] = {}
    schema = ApiSchema()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return self.write_serializers.get(self.action or "") or super().get_serializer_class()

    def respond_with(self, instance: M, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        assert self.serializer_class is not None
        data = self.serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def validated(self, request: Request, instance: M | None = None) -> dict[str, Any]:
        """The request body checked by this action's input serializer."""
        serializer = self.get_serializer(instance, data=request.data, partial=instance is not None)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class CreateMixin(ScopedViewSet[M]):
    """``POST`` to the list calls ``perform_action_create`` (an action) and answers 201."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.perform_action_create(actor(request), self.validated(request))
        return self.respond_with(instance, status.HTTP_201_CREATED)

    def perform_action_create(self, user: User, data: dict[str, Any]) -> M:
        raise NotImplementedError


class PartialUpdateMixin(ScopedViewSet[M]):
    """``PATCH`` only: the actions change just the fields given, so ``PUT`` would mean the same."""

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        instance = self.perform_action_update(actor(request), instance, self.validated(request, instance))
        return self.respond_with(instance)

    def perform_action_update(self, user: User, instance: M, data: dict[str, Any]) -> M:
        raise NotImplementedError
