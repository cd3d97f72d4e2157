"""Errors that actions raise; the API and pages turn them into 400/403/409 responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["Conflict", "NotAllowed", "PermissionDenied", "ValidationError"]


class Conflict(Exception):
    """The object changed since the caller read it, or the act is not possible in its state."""

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version


class NotAllowed(PermissionDenied):
    """The actor may not do this act here."""
