from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from grassroots.core import context


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting exactly ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Records where each request comes from so that audit records can name it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith("/api/"):
            source = "api"
        elif path.startswith("/admin/"):
            source = "admin"
        else:
            source = "web"
        ctx = context.RequestContext(
            source=source,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        )
        with context.use(ctx):
            return self.get_response(request)
