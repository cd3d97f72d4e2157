"""The register search on the new-case page: households by address, residents by name, by phone
through the keyed hash or by the masked phone as shown; only what the user may see, phones only
masked, and a query count that does not grow with the results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PHONE_A, PHONE_B, assert_no_plaintext
from grassroots.core import pii
from grassroots.people import actions as people_actions


def search(client_for, persona, term, **extra):
    response = client_for(persona).post(reverse("web:new-case-find"), {"find": term, **extra})
    assert response.status_code == 200
    return response


def households(response):
    return [household.address for household in response.context["results"]]


def test_an_address_finds_the_households_one_may_see(rich_world, client_for):
    assert households(search(client_for, "grid_manager_x", "桂苑")) == [rich_world.household_x.address]
    assert households(search(client_for, "grid_manager_y", "桂苑")) == [rich_world.household_y.address]
    assert households(search(client_for, "community_worker", "桂苑")) == [
        rich_world.household_x.address,
        rich_world.household_y.address,
    ]
    assert households(search(client_for, "grid_manager_x", "集义")) == []


def test_a_department_handler_sees_no_households(rich_world, client_for):
    assert households(search(client_for, "department_handler", "社区")) == []


def test_a_full_phone_finds_the_resident_through_the_hash_and_shows_it_masked(rich_world, client_for):
    response = search(client_for, "grid_manager_x", PHONE_A)
    assert households(response) == [rich_world.household_x.address]
    assert "138****5678" in response.content.decode()
    assert_no_plaintext(response.content)
    assert rich_world.resident_a.phone_hash == pii.blind_index(PHONE_A, kind="phone")


def test_a_phone_in_another_form_is_normalised_before_hashing(rich_world, client_for):
    response = search(client_for, "grid_manager_x", "+86 138 1234 5678")
    assert households(response) == [rich_world.household_x.address]
    assert_no_plaintext(response.content)


def test_a_phone_outside_ones_scope_finds_nothing(rich_world, client_for):
    response = search(client_for, "grid_manager_x", PHONE_B)
    assert households(response) == []
    assert "李娜" not in response.content.decode()
    assert_no_plaintext(response.content)


def test_the_masked_phone_as_shown_finds_the_resident(rich_world, client_for):
    assert households(search(client_for, "grid_manager_x", "138****5678")) == [rich_world.household_x.address]
    assert households(search(client_for, "grid_manager_y", "138****5678")) == []


def test_a_name_finds_the_household_of_that_resident(rich_world, client_for):
    assert households(search(client_for, "community_worker", "李娜")) == [rich_world.household_y.address]
    assert households(search(client_for, "grid_manager_x", "李娜")) == []


def test_no_result_ever_carries_an_id_number_or_a_phone_in_clear(rich_world, client_for):
    for persona in ("grid_manager_x", "community_worker", "street_staff", "district_admin", "root"):
        for term in ("桂苑", PHONE_A, PHONE_B, "张伟", "138****5678"):
            assert_no_plaintext(search(client_for, persona, term).content)


def test_a_term_too_short_lists_nothing_and_says_so(rich_world, client_for):
    response = search(client_for, "district_admin", "桂")
    assert households(response) == []
    assert response.context["found"].too_short


def test_the_chosen_reporter_stays_in_the_results_while_searching_on(rich_world, client_for):
    reporter = rich_world.resident_a.uid
    response = search(client_for, "community_worker", "集义", reporter=str(reporter))
    assert households(response) == [rich_world.household_x.address]
    assert f'value="{reporter}" checked' in response.content.decode()


def test_a_chosen_resident_one_may_not_see_is_not_shown(rich_world, client_for):
    response = search(client_for, "grid_manager_x", "", reporter=str(rich_world.resident_b.uid))
    assert households(response) == []
    assert "李娜" not in response.content.decode()


@pytest.mark.parametrize("persona", ["grid_manager_x", "district_admin"])
def test_the_search_costs_the_same_queries_for_few_or_many_households(rich_world, client_for, persona):
    w = rich_world

    def add(n):
        for i in range(n):
            household = people_actions.register_household(
                actor=w.root, grid=w.grid_x, address=f"幸福路{len(w.__dict__)}-{i}号"
            )
            for name in ("甲", "乙"):
                people_actions.register_resident(
                    actor=w.root, household=household, name=name, gender="male", birth_year=1980
                )

    def count():
        client = client_for(persona)
        client.post(reverse("web:new-case-find"), {"find": "幸福路"})  # the session and posts, once
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("web:new-case-find"), {"find": "幸福路"})
        return len(queries), len(response.context["results"])

    add(2)
    few, shown = count()
    assert shown == 2
    add(15)
    many, shown = count()
    assert shown == 17
    assert many == few


def test_the_search_is_never_a_get_so_a_phone_never_stands_in_a_url(rich_world, client_for):
    response = client_for("community_worker").get(reverse("web:new-case-find"), {"find": "桂苑"})
    assert response.status_code == 405
    page = client_for("community_worker").get(reverse("web:new-case")).content.decode()
    assert f'hx-post="{reverse("web:new-case-find")}"' in page
