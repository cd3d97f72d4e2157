"""Suggestions offer only active categories of the district the user reads, and reveal nothing
of cases the user cannot see: they come from the model and the catalog, and the words shown are
words of the text given."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from grassroots.cases.access import cases_visible_to
from grassroots.cases.models import Category
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind
from grassroots.triage import training
from grassroots.triage.suggest import suggest_categories

ROAD = ("东门巷路面塌陷", "井盖坏了，坑洼积水。")


def test_a_user_who_does_not_read_the_districts_catalog_gets_nothing(toy: SimpleNamespace) -> None:
    other = org_actions.create_unit(actor=toy.root, kind=UnitKind.DISTRICT, name="邻区", code="530199")

    assert suggest_categories(toy.nobody, toy.district, *ROAD) == []
    assert suggest_categories(toy.grid_manager_x, other, *ROAD) == []
    assert suggest_categories(toy.grid_manager_x, toy.district, *ROAD)[0].category == toy.cat_road


def test_inactive_categories_are_skipped_by_the_keywords(toy: SimpleNamespace) -> None:
    Category.objects.filter(pk=toy.cat_road.pk).update(is_active=False)

    found = suggest_categories(toy.grid_manager_x, toy.district, *ROAD)

    assert toy.cat_road not in [s.category for s in found]


def test_a_trained_label_no_longer_active_is_skipped(toy: SimpleNamespace, teach: Any) -> None:
    teach(5)
    training.train(toy.district)
    assert suggest_categories(toy.grid_manager_x, toy.district, *ROAD)[0].category == toy.cat_road

    Category.objects.filter(pk=toy.cat_road.pk).update(is_active=False)
    found = suggest_categories(toy.grid_manager_x, toy.district, *ROAD)

    assert found
    assert toy.cat_road not in [s.category for s in found]
    assert all(s.category.district_id == toy.district.pk and s.category.is_active for s in found)


def test_no_word_of_a_case_the_user_cannot_see_is_shown(
    toy: SimpleNamespace, teach: Any, bring: SimpleNamespace
) -> None:
    teach(5)
    secret = bring.awaiting_rating(
        title="张秘密家路面塌陷", description="张秘密家门口井盖丢了", category=toy.cat_road
    )
    training.train(toy.district)
    assert not toy.grid_manager_y.is_superuser
    assert not cases_visible_to(toy.grid_manager_y).filter(pk=secret.pk).exists()

    found = suggest_categories(toy.grid_manager_y, toy.district, "路面塌陷", "井盖坏了")

    assert found[0].category == toy.cat_road
    shown = " ".join(word for s in found for word in s.words)
    assert "秘密" not in shown
    assert "张" not in shown
