"""A model trained on the ledger's verified decisions suggests the right category for new toy
texts far more often than chance."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

from grassroots.triage import training
from grassroots.triage.suggest import suggest_categories
from grassroots.triage.tests.conftest import VOCABULARY, toy_text


def test_the_trained_model_beats_chance_by_a_wide_margin_on_new_texts(
    toy: SimpleNamespace, teach: Any
) -> None:
    teach(10)

    result = training.train(toy.district)

    assert result.version == 1
    assert result.evaluation["n"] == 8  # a fifth of each category held out
    assert result.evaluation["accuracy"] >= 0.75
    rng = random.Random(99)
    trials = [(code, *toy_text(code, rng)) for code in VOCABULARY for _ in range(10)]
    right = 0
    for code, title, description in trials:
        top = suggest_categories(toy.community_worker, toy.district, title, description)[0]
        assert top.source == "text"
        right += top.category.code == code
    chance = 1 / len(VOCABULARY)
    assert right / len(trials) >= 0.8 > 2 * chance


def test_the_suggestion_carries_the_class_department_and_driving_words(
    toy: SimpleNamespace, teach: Any
) -> None:
    teach(6)
    training.train(toy.district)

    top = suggest_categories(toy.community_worker, toy.district, "东门巷井盖塌陷", "路面塌陷，车辆绕行。")[0]

    assert top.category == toy.cat_road
    assert top.triage_class == "major"  # inherited from 城乡建设
    assert top.department == toy.housing
    assert set(top.words) & {"井盖", "塌陷", "路面", "车辆"}
