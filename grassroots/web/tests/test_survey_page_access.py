"""Who may open the base survey of which unit: exactly the units whose people data they may read
(``org.access.can_read_people_in``); everything else is 404, page and Excel export alike."""

import pytest
from django.urls import reverse

from conftest import PERSONAS

UNITS = (
    "district",
    "street",
    "street2",
    "community",
    "community2",
    "community3",
    "grid_x",
    "grid_y",
    "grid_z",
    "grid_w",
)
ALL = frozenset(UNITS)
READABLE = {
    "resident_a": frozenset(),
    "resident_b": frozenset(),
    "grid_manager_x": frozenset({"grid_x"}),
    "grid_manager_y": frozenset({"grid_y"}),
    "community_worker": frozenset({"community", "grid_x", "grid_y"}),
    "street_staff": frozenset({"street", "community", "community2", "grid_x", "grid_y", "grid_z"}),
    "department_handler": frozenset(),
    "district_admin": ALL,
    "nobody": frozenset(),
    "root": ALL,
}
DEFAULT_UNIT = {
    "grid_manager_x": "grid_x",
    "grid_manager_y": "grid_y",
    "community_worker": "community",
    "street_staff": "street",
    "district_admin": "district",
    "root": "district",
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_survey_opens_exactly_the_readable_units(rich_world, client_for, persona):
    client = client_for(persona)
    for name in UNITS:
        code = getattr(rich_world, name).code
        expected = 200 if name in READABLE[persona] else 404
        page = client.get(reverse("web:survey-unit", args=[code]))
        assert page.status_code == expected, (persona, name, "page")
        export = client.get(reverse("web:survey-xlsx", args=[code]))
        assert export.status_code == expected, (persona, name, "xlsx")
        as_format = client.get(reverse("web:survey-unit", args=[code]), {"format": "xlsx"})
        assert as_format.status_code == expected, (persona, name, "?format=xlsx")


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_default_survey_is_the_users_highest_post(rich_world, client_for, persona):
    response = client_for(persona).get(reverse("web:survey"))
    if persona not in DEFAULT_UNIT:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response.context["unit"] == getattr(rich_world, DEFAULT_UNIT[persona])


def test_a_building_has_no_survey_of_its_own(rich_world, client_for):
    code = rich_world.building_x.code
    assert client_for("district_admin").get(reverse("web:survey-unit", args=[code])).status_code == 404


def test_an_unknown_code_is_not_found(rich_world, client_for):
    assert client_for("root").get(reverse("web:survey-unit", args=["no-such-unit"])).status_code == 404
    assert client_for("root").get(reverse("web:survey-xlsx", args=["no-such-unit"])).status_code == 404
