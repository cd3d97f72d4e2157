"""What the pages' forms share: the actions' field errors shown on the form they came from."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's ``ValidationError`` on ``form``: errors of a field the form has go under
    it, the rest above the form — so that nothing the action said is lost (docs/architecture.md)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        field = name if name in form.fields else None
        for message in messages:
            if field is None and name != NON_FIELD_ERRORS:
                message = f"{name}: {message}"
            form.add_error(field, message)
