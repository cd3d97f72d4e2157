"""The in-app inbox of notifications."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

extra_urlpatterns: list[URLPattern] = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
