"""Validation and normalisation of Chinese identity numbers and phone numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: weights of the first 17 digits and the check character for each sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (first two digits of the address code).
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class IdNumber:
    """A checked citizen identity number with what it encodes."""

    value: str
    birth_date: dt.date
    gender: str  # "male" or "female", from the parity of the 17th digit

    @property
    def region_code(self) -> str:
        return self.value[:6]


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Normalise and check an 18-character ID number (GB 11643-1999), or raise ValidationError."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if not _ID_SHAPE.match(value):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."), code="shape"
        )
    if int(value[:2]) not in _PROVINCES:
        raise ValidationError(_("The ID number's region code is not a valid province code."), code="region")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The ID number's birth date is not a real date."), code="birth_date"
        ) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("The ID number's birth date is out of range."), code="birth_date")
    if id_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The ID number's check character is wrong (GB 11643 checksum)."), code="checksum"
        )
    return IdNumber(value=value, birth_date=birth, gender="male" if int(value[16]) % 2 else "female")


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area codes: 010 and 02x have three digits, every other has four (0xxx).
_LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-?([1-9]\d{6,7})$")


def normalize_phone(raw: str) -> str:
    """Return ``13812345678`` or ``0871-12345678``, or raise ValidationError."""
    value = re.sub(r"[\s()（）]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    digits_only = value.replace("-", "")
    if _MOBILE.match(digits_only):
        return digits_only
    landline = _LANDLINE.match(value)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValidationError(
        _("Enter a mainland mobile number (11 digits starting with 1) or a landline such as 0871-12345678."),
        code="phone",
    )
