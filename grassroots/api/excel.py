"""Excel in and out of the ledger: the 12345 hotline ledger import and exports of filtered case lists."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

extra_urlpatterns: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
