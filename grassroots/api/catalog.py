"""The matter catalog, time limits, the holiday calendar and deadline settings."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

extra_urlpatterns: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
