"""Home shows each persona their posts, what they can use now, and a resident their household."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import PERSONAS, assert_no_plaintext
from grassroots.org.choices import Role

# persona → (the unit its survey link opens, or None; sees the admin link)
EXPECTED = {
    "resident_a": (None, False),
    "resident_b": (None, False),
    "grid_manager_x": ("grid_x", True),
    "grid_manager_y": ("grid_y", True),
    "community_worker": ("community", True),
    "street_staff": ("street", True),
    "department_handler": (None, True),  # the ledger's cases of their department
    "district_admin": ("district", True),
    "nobody": (None, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_offers_each_persona_what_they_can_use(rich_world, client_for, persona):
    survey_unit, admin_link = EXPECTED[persona]
    response = client_for(persona).get(reverse("web:home"))
    assert response.status_code == 200
    body = response.content.decode()
    survey_urls = [
        reverse("web:survey-unit", args=[getattr(rich_world, name).code])
        for name in ("grid_x", "grid_y", "community", "street", "district")
    ]
    if survey_unit is None:
        assert not any(url in body for url in survey_urls)
    else:
        assert reverse("web:survey-unit", args=[getattr(rich_world, survey_unit).code]) in body
    assert (reverse("admin:index") in body) is admin_link
    assert_no_plaintext(body)


def test_home_lists_the_users_posts(rich_world, client_for):
    body = client_for("grid_manager_x").get(reverse("web:home")).content.decode()
    with translation.override("zh-hans"):
        role = str(Role.GRID_MANAGER.label)
    assert f"{role}</strong> @ 第一网格" in body


def test_a_resident_sees_their_own_household_masked(rich_world, client_for):
    body = client_for("resident_a").get(reverse("web:home")).content.decode()
    assert rich_world.household_x.address in body
    assert "张伟" in body
    assert rich_world.resident_a.id_number_masked in body
    assert rich_world.resident_a.phone_masked in body
    assert "李娜" not in body  # resident B lives in another household
    assert_no_plaintext(body)


def test_staff_see_no_household_card(rich_world, client_for):
    body = client_for("community_worker").get(reverse("web:home")).content.decode()
    assert "张伟" not in body
