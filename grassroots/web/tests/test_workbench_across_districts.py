"""The workbench in a city of several districts (the ``city`` fixture of
``cases/tests/test_case_scope_follows_the_district.py``): a district's staff triage their own
district's cases and not the neighbouring district's, a city post triages every district of the
city, and every tab's count is still the length of its list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases.tests.test_case_scope_follows_the_district import city  # noqa: F401

TO_TRIAGE = {
    "city_admin": {"d1_g1", "d1_g2", "d2_w1", "moved", "assigned"},
    "d1_admin": {"d1_g1", "d1_g2", "moved", "assigned"},
    "d1_street": {"d1_g1", "moved"},
    "d1_community": {"d1_g1", "moved"},
    "d1_grid_manager": set(),
    "d2_grid_manager": set(),
}


@pytest.mark.parametrize("persona", sorted(TO_TRIAGE))
def test_the_triage_queue_holds_the_registered_cases_of_the_posts_own_district(city, persona):  # noqa: F811
    client = Client()
    client.force_login(city.people[persona])
    names = {case.number: name for name, case in city.city_cases.items()}
    response = client.get(reverse("web:workbench"), {"tab": "to_triage"})
    assert response.status_code == 200
    assert {names[row.number] for row in response.context["rows"]} == TO_TRIAGE[persona]
    counts = {tab.key: tab.count for tab in response.context["tabs"]}
    assert counts["to_triage"] == len(TO_TRIAGE[persona])
    for tab in response.context["tabs"]:
        listed = client.get(reverse("web:workbench"), {"tab": tab.key}).context["rows"]
        assert len(listed) == tab.count, tab.key
