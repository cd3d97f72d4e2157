"""Signing in for API clients: hashed, expiring knox tokens; pages use the session (``/api/auth/me/`` works
with both)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from grassroots.api.base import actor
from grassroots.core.middleware import client_ip
from grassroots.core.models import User
from grassroots.org.access import active_posts
from grassroots.people.access import own_resident


class MePostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    unit_code = serializers.CharField(source="unit.code", allow_null=True, default=None)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    unit_kind = serializers.CharField(source="unit.kind", allow_null=True, default=None)
    department_code = serializers.CharField(source="department.code", allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    is_primary = serializers.BooleanField()
    title = serializers.CharField()


class MeSerializer(serializers.Serializer):
    uid = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    posts = MePostSerializer(many=True)
    resident = serializers.UUIDField(
        allow_null=True, help_text=_("The resident record linked to this account, if any.")
    )


def me_data(user: User) -> dict[str, Any]:
    resident = own_resident(user)
    return MeSerializer(
        {
            "uid": user.uid,
            "username": user.username,
            "display_name": str(user),
            "is_superuser": user.is_superuser,
            "posts": active_posts(user),
            "resident": resident.uid if resident is not None else None,
        }
    ).data


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`. Shown once."))
    expiry = serializers.DateTimeField(allow_null=True)
    user = MeSerializer()


class LoginRateThrottle(ScopedRateThrottle):
    """Counts attempts per client address as the audit trail sees it (``TRUSTED_PROXY_COUNT``).

    DRF's own notion of the address trusts any X-Forwarded-For header unless ``NUM_PROXIES`` is
    set, so a client could dodge the limit by sending a new header with every guess.
    """

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or ""


class LoginView(APIView):
    """Exchange a username and password for an API token. Throttled per client address."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses=TokenSerializer, auth=[])
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if not isinstance(user, User):
            # One message for unknown users, wrong passwords and disabled accounts.
            raise ValidationError(
                {"non_field_errors": [_("Unable to sign in with this username and password.")]}
            )
        # The token is stored as its hash (knox); the plaintext exists only in this answer.
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=User, request=request._request, user=user)
        return Response(
            {"token": token, "expiry": instance.expiry, "user": me_data(user)},
            status=status.HTTP_200_OK,
            headers={"Cache-Control": "no-store"},
        )


class LogoutView(APIView):
    """End this client's sign-in: delete the token used, or end the session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who is signed in: their active posts and whether they are linked to a resident record."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(me_data(actor(request)))
