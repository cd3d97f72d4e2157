"""A photo above the size limit is refused with the limit as people write it, whatever its size."""

from __future__ import annotations

import io

import pytest

from grassroots.cases import actions
from grassroots.core.errors import ValidationError

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 600_000


@pytest.mark.parametrize(
    ("limit", "said"),
    [(100, "100\xa0bytes"), (512 * 1024, "512.0\xa0KB"), (10 * 1024 * 1024, "10.0\xa0MB")],
)
def test_the_limit_is_said_in_the_unit_that_fits_it(ledger, report, settings, tmp_path, limit, said):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = limit
    case = report()
    if limit < len(JPEG):
        with pytest.raises(ValidationError) as refused:
            actions.attach_photo(case, actor=ledger.grid_manager_x, upload=io.BytesIO(JPEG))
        assert refused.value.message_dict == {"file": [f"The photo is larger than {said}."]}
    assert actions.photo_too_large() == f"The photo is larger than {said}."
