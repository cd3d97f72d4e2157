import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import ID_A, ID_B
from grassroots.core.validators import id_check_character, normalize_phone, parse_id_number


def test_valid_id_number_gives_birth_date_and_gender():
    parsed = parse_id_number(ID_A)
    assert parsed.birth_date == dt.date(1990, 1, 1)
    assert parsed.gender == "male"
    assert parse_id_number(ID_B).gender == "female"


def test_id_number_is_normalised_to_upper_case_x_and_no_spaces():
    body = "11010519491231002"
    assert id_check_character(body) == "X"
    assert parse_id_number(f" {body}x ").value == body + "X"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("53011319900101123", "shape"),  # 17 characters
        ("5301131990010112301", "shape"),  # 19 characters
        ("53011319900101123A", "shape"),
        ("990113199001011230", "region"),  # no province 99
        ("530113199002301230", "birth_date"),  # 30 February
        ("530113189001011230", "birth_date"),  # before 1900
        ("530113199001011231", "checksum"),  # last character off by one
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(raw, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(raw)
    assert excinfo.value.code == code


def test_future_birth_date_is_refused():
    body = "53011320990101123"
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(body + id_check_character(body), today=dt.date(2026, 1, 1))
    assert excinfo.value.code == "birth_date"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0871-12345678", "0871-12345678"),
        ("087112345678", "0871-12345678"),
        ("(010)12345678", "010-12345678"),
    ],
)
def test_phone_numbers_are_normalised(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "hello", "", "0871-123"])
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)
