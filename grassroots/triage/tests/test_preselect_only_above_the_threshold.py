"""A suggestion is marked for pre-selection only at or above TRIAGE_PRESELECT_CONFIDENCE; it is
never applied (staff always decide)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from grassroots.triage.suggest import suggest_categories

STRONG = ("路面塌陷，井盖坑洼", "道路维修：路面坑洼，井盖塌陷")  # four keywords and the name


def test_preselect_follows_the_configured_threshold(toy: SimpleNamespace, settings: Any) -> None:
    top = suggest_categories(toy.grid_manager_x, toy.district, *STRONG)[0]
    assert top.category == toy.cat_road
    assert 0.5 < top.confidence < 0.95

    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.5
    high = suggest_categories(toy.grid_manager_x, toy.district, *STRONG)
    settings.TRIAGE_PRESELECT_CONFIDENCE = 0.95
    low = suggest_categories(toy.grid_manager_x, toy.district, *STRONG)

    assert high[0].preselect
    assert not low[0].preselect
    assert all(s.preselect == (s.confidence >= 0.5) for s in high)


def test_a_weak_suggestion_is_not_preselected(toy: SimpleNamespace) -> None:
    found = suggest_categories(toy.grid_manager_x, toy.district, "楼道灯", "")

    assert found[0].confidence < 0.8
    assert not any(s.preselect for s in found)
