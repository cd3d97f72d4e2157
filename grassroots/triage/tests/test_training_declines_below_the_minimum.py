"""Training needs enough verified decisions; until then it declines with a reason and the
keywords continue to serve (cold start)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from grassroots.cases import actions
from grassroots.triage import store, training


def test_too_few_verified_cases_decline_with_the_count(toy: SimpleNamespace, teach: Any) -> None:
    teach(3)

    result = training.train(toy.district)

    assert result.version is None
    assert "12" in result.reason
    assert "20" in result.reason
    assert store.load(toy.district) is None


def test_fewer_than_two_categories_with_the_minimum_decline(
    toy: SimpleNamespace, teach: Any, settings: Any
) -> None:
    settings.TRIAGE_MIN_PER_CATEGORY = 6
    teach(5, codes=("CJ-01", "SQ-01", "SQ-02"))
    teach(6, codes=("JT-01",), seed=2)

    result = training.train(toy.district)

    assert result.version is None
    assert "6" in result.reason
    assert result.left_out == ["CJ-01", "SQ-01", "SQ-02"]


def test_categories_below_the_minimum_are_left_out_and_listed(toy: SimpleNamespace, teach: Any) -> None:
    teach(6, codes=("CJ-01", "SQ-01", "JT-01"))
    teach(3, codes=("SQ-02",), seed=2)

    result = training.train(toy.district)

    assert result.version == 1
    assert result.left_out == ["SQ-02"]
    _model, meta = store.load(toy.district) or (None, {})
    assert sorted(meta["labels"]) == ["CJ-01", "JT-01", "SQ-01"]


def test_only_verified_or_solved_cases_that_are_not_duplicates_teach(
    toy: SimpleNamespace, bring: SimpleNamespace
) -> None:
    verified = bring.awaiting_rating(title="楼道灯坏了", category=toy.cat_light)
    bring.resolved(title="还没核实", category=toy.cat_light)
    bring.triaged(title="刚分流", category=toy.cat_light)
    original = bring.registered(title="原件", category=toy.cat_light)
    copy = bring.awaiting_rating(title="重复件", category=toy.cat_light)  # verified, then merged
    actions.mark_duplicate(copy, actor=toy.community_worker, version=copy.version, original=original)

    found = training.labelled_cases(toy.district)

    assert [label for _text, label in found] == ["SQ-01"]
    assert found[0][0].startswith(f"{verified.title} {verified.title}")
