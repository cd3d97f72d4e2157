"""An action's field errors land under the form's field of that name; others above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from grassroots.web.forms import add_action_errors


class Form(forms.Form):
    title = forms.CharField()


def bound() -> Form:
    form = Form({"title": "x"})
    assert form.is_valid()
    return form


def test_a_field_error_goes_under_its_field():
    form = bound()
    add_action_errors(form, ValidationError({"title": ["Too short."]}))
    assert form.errors == {"title": ["Too short."]}


def test_an_error_of_a_field_the_form_lacks_is_shown_above_it_with_the_name():
    form = bound()
    add_action_errors(form, ValidationError({"category": ["Choose one."]}))
    assert form.non_field_errors() == ["category: Choose one."]


def test_a_plain_error_is_shown_above_the_form():
    form = bound()
    add_action_errors(form, ValidationError("Nothing to do."))
    assert form.non_field_errors() == ["Nothing to do."]
