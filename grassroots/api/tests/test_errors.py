"""Domain errors become HTTP answers: field errors 400, not allowed 403, conflicts 409."""

from django.core.exceptions import ValidationError

from grassroots.api.errors import exception_handler
from grassroots.core.errors import Conflict, NotAllowed


def handled(exc):
    response = exception_handler(exc, {})
    assert response is not None
    return response


def test_a_conflict_is_a_409_with_the_current_version():
    response = handled(Conflict("The case changed.", current_version=7))

    assert response.status_code == 409
    assert response.data == {"detail": "The case changed.", "code": "conflict", "current_version": 7}


def test_not_allowed_is_a_403_with_the_reason():
    response = handled(NotAllowed("You cannot change this unit."))

    assert response.status_code == 403
    assert response.data["detail"] == "You cannot change this unit."


def test_a_validation_error_with_fields_is_a_400_by_field():
    response = handled(ValidationError({"name": ["A name is required."]}))

    assert response.status_code == 400
    assert response.data == {"name": ["A name is required."]}


def test_a_validation_error_without_fields_is_a_400_with_non_field_errors():
    response = handled(ValidationError("The boundary is empty."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The boundary is empty."]}
