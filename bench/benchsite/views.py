"""The baseline endpoint and the profile report.

``POST /bench/ping/`` does the least an authenticated API write can do: the API's default
authentication (knox token) and permission (IsAuthenticated), a one-field serializer, and one
INSERT into ``bench_ping``, a bare table the benchmark creates with raw SQL (``prepare.py``). The
case intake's rate over this one shows what the ledger's own work costs on the same server.

``GET /bench/page/`` is the baseline of the pages: a signed-in user (session cookie), the product's
middleware, and a tiny template rendered through the project's template engine with its context
processors, with no query of its own beyond the session and the user."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PingSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200)


class PingView(APIView):
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_ping (user_id, note, at) VALUES (%s, %s, %s) RETURNING id",
                [request.user.pk, serializer.validated_data["note"], timezone.now()],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)


PAGE = """<!doctype html><html lang="{{ LANGUAGE_CODE|default:'en' }}"><head><meta charset="utf-8">
<title>ping</title></head><body><p>{{ request.user.get_username }}: {{ now }}</p></body></html>"""


@cache
def _page_template() -> Any:
    # Compiled once per process, as the product's templates are by the cached loader.
    return engines["django"].from_string(PAGE)


@login_required
def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_page_template().render({"now": timezone.now()}, request))


class ProfileView(APIView):
    """This worker's query counts and profile (``BENCH_PROFILE=1`` only; run one worker)."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        if os.environ.get("BENCH_PROFILE") != "1":
            raise Http404
        from bench.benchsite import profile

        return HttpResponse(profile.report(), content_type="text/plain; charset=utf-8")
