"""Home as each role sees it in the browser: their posts, what they can open, a resident's own
household (masked), on a desk and on a phone."""

from __future__ import annotations

import pytest
from django.utils import translation

from conftest import ID_A, PHONE_A
from grassroots.org.choices import Role
from grassroots.web.tests.browser.harness import sticking_out

# persona → (the role and place their post line starts with, or None; the unit their survey link opens)
HOMES = {
    "grid_manager_x": ((Role.GRID_MANAGER, "第一网格"), "grid_x"),
    "community_worker": ((Role.COMMUNITY_STAFF, "桂苑社区"), "community"),
    "department_handler": ((Role.DEPARTMENT_HANDLER, "区民政局"), None),
    "district_admin": ((Role.DISTRICT_ADMIN, "示范区"), "district"),
    "resident_a": (None, None),
}


def chinese(text):
    """A label or msgid as the pages show it by default."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.mark.parametrize("persona", HOMES)
def test_home_shows_each_role_its_posts_and_what_it_can_open(page_for, ledger, persona):
    post, survey_unit = HOMES[persona]
    page = page_for(persona)
    page.goto("/")

    posts = page.locator("ul.posts")
    if post is None:
        assert posts.count() == 0
        assert page.get_by_text(chinese("You hold no post.")).is_visible()
    else:
        role, place = post
        assert posts.inner_text().startswith(f"{chinese(role.label)} @ {place}")
    survey_links = page.locator("main a[href^='/survey/']")
    if survey_unit is None:
        assert survey_links.count() == 0
    else:
        code = getattr(ledger, survey_unit).code
        assert survey_links.first.get_attribute("href") == f"/survey/{code}/"


def test_a_resident_sees_their_household_masked_on_a_phone(page_for, ledger):
    page = page_for("resident_a", phone=True)
    page.goto("/")

    card = page.locator("section.card", has_text=ledger.household_x.address)
    assert card.is_visible()
    text = card.inner_text()
    assert "张伟" in text
    assert ledger.resident_a.id_number_masked in text
    assert ID_A not in page.content()
    assert PHONE_A not in page.content()
    # The page fits the phone: the household table scrolls inside its frame, the page does not.
    assert sticking_out(page) == []
