"""Errors that actions raise; the API and pages turn them into 400/403/409 responses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

__all__ = ["Conflict", "NotAllowed", "PermissionDenied", "ValidationError", "only_fields"]


class Conflict(Exception):
    """The object changed since the caller read it, or the act is not possible in its state."""

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version


class NotAllowed(PermissionDenied):
    """The actor may not do this act here."""


def only_fields(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """An update action changes only the fields it names; any other is a field error, not ignored."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
