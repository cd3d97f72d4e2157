"""Possible duplicates (docs/triage.md, "Duplicates"): the radius, the day window, the category
family, re-posts first, and the user's scope."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from grassroots.triage.duplicates import METRES_PER_DEGREE, find_duplicates

TITLE = "楼道灯坏了"
TEXT = "3单元楼道灯不亮，晚上看不见。"
LAT, LNG = 26.001, 103.005


def north(metres: float) -> float:
    return LAT + metres / METRES_PER_DEGREE


def numbers(found: list[Any]) -> list[str]:
    return [c.case.number for c in found]


def look(w: SimpleNamespace, user: Any = None, **extra: Any) -> list[Any]:
    fields: dict[str, Any] = {"title": TITLE, "description": TEXT, "lat": LAT, "lng": LNG}
    fields.update(extra)
    return find_duplicates(user or w.district_admin, district=w.district, **fields)


def test_a_similar_case_inside_the_radius_is_found_and_one_outside_is_not(
    ledger: SimpleNamespace, report: Any
) -> None:
    near = report(lat=north(450), lng=LNG, household=None)
    far = report(lat=north(550), lng=LNG, household=None)
    found = look(ledger)
    assert numbers(found) == [near.number]
    assert 440 < (found[0].distance_m or 0) < 460
    assert far.number not in numbers(found)


def test_a_category_override_widens_the_radius_for_its_sub_categories(
    ledger: SimpleNamespace, report: Any, settings: Any
) -> None:
    settings.TRIAGE_DUPLICATE_RADIUS_BY_CATEGORY = {"SQ": 600}
    far = report(lat=north(550), lng=LNG, household=None, category=ledger.cat_light)
    assert numbers(look(ledger, category=ledger.cat_light)) == [far.number]
    settings.TRIAGE_DUPLICATE_RADIUS_BY_CATEGORY = {"SQ": 400}
    near = report(lat=north(450), lng=LNG, household=None, category=ledger.cat_light)
    assert near.number not in numbers(look(ledger, category=ledger.cat_light))


def test_a_case_without_a_point_is_judged_by_its_text_alone(ledger: SimpleNamespace, report: Any) -> None:
    unplaced = report(household=None, unit=ledger.grid_x)
    other = report(household=None, unit=ledger.grid_x, title="井盖丢失", description="路口井盖被偷走了。")
    found = numbers(look(ledger))
    assert unplaced.number in found
    assert other.number not in found


def test_a_case_received_before_the_day_window_is_not_found(
    ledger: SimpleNamespace, report: Any, settings: Any
) -> None:
    now = timezone.now()
    old = report(received_at=now - timedelta(days=settings.TRIAGE_DUPLICATE_DAYS + 1))
    recent = report(received_at=now - timedelta(days=settings.TRIAGE_DUPLICATE_DAYS - 1))
    found = numbers(look(ledger, lat=None, lng=None, now=now))
    assert recent.number in found
    assert old.number not in found


def test_a_case_of_another_top_category_is_not_found(ledger: SimpleNamespace, report: Any) -> None:
    sibling = report(category=ledger.cat_comm)
    foreign = report(category=ledger.cat_road)
    found = numbers(look(ledger, lat=None, lng=None, category=ledger.cat_light))
    assert sibling.number in found
    assert foreign.number not in found
    assert foreign.number in numbers(look(ledger, lat=None, lng=None))


def test_a_duplicate_is_never_a_candidate_only_its_root(ledger: SimpleNamespace, report: Any) -> None:
    from grassroots.cases import actions

    root = report()
    copy = report()
    actions.mark_duplicate(copy, actor=ledger.district_admin, version=copy.version, original=root)
    found = numbers(look(ledger, lat=None, lng=None))
    assert root.number in found
    assert copy.number not in found


def test_the_same_reporter_sending_the_same_text_minutes_apart_is_a_repost_ranked_first(
    ledger: SimpleNamespace, report: Any
) -> None:
    now = timezone.now()
    other = report(
        reporter=ledger.resident_b, household=None, unit=ledger.grid_x, received_at=now - timedelta(minutes=2)
    )
    first = report(received_at=now - timedelta(minutes=10))
    found = look(ledger, lat=None, lng=None, reporter=ledger.resident_a, now=now)
    assert numbers(found)[:2] == [first.number, other.number]
    assert found[0].repost
    assert not found[1].repost
    stale = look(ledger, lat=None, lng=None, reporter=ledger.resident_a, now=now + timedelta(hours=2))
    assert not any(c.repost for c in stale)


def test_dissimilar_text_is_not_a_candidate(ledger: SimpleNamespace, report: Any) -> None:
    report()
    assert look(ledger, lat=None, lng=None, title="保洁", description="想请家政阿姨上门打扫。") == []


def test_a_user_who_cannot_see_a_case_never_gets_it(ledger: SimpleNamespace, report: Any) -> None:
    hidden = report(actor=ledger.grid_manager_y, household=ledger.household_y, reporter=ledger.resident_b)
    seen = report()
    found = numbers(look(ledger, ledger.grid_manager_x, lat=None, lng=None))
    assert seen.number in found
    assert hidden.number not in found
    assert hidden.number in numbers(look(ledger, ledger.district_admin, lat=None, lng=None))


def test_the_case_itself_is_left_out(ledger: SimpleNamespace, report: Any) -> None:
    case = report()
    assert look(ledger, lat=None, lng=None, exclude=case) == []
