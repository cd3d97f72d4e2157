"""The 三事分流 split and the top categories of a unit's cases in a period (for the board)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.cases import metrics

SHANGHAI = timezone.get_default_timezone()
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 4, 1))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_cases_received_split_by_class_and_by_top_level_category(ledger, put_case):
    w = ledger
    march = at("2025-03-10 09:00")
    # class      category (top level)           unit
    # major      道路维修 (城乡建设)             X
    # major      城乡建设                        Y
    # community  楼道照明 (社区事务)             X
    # community  楼道照明 (社区事务)             Z (other community, same street)
    # community  社区事务                        X
    # private    家政保洁 (家庭事务)             X
    # (none)     (none)                          X
    # and, not counted: one in February, one in grid W (other street)
    for triage_class, category, unit in [
        ("major", w.cat_road, w.grid_x),
        ("major", w.cat_build, w.grid_y),
        ("community", w.cat_light, w.grid_x),
        ("community", w.cat_light, w.grid_z),
        ("community", w.cat_comm, w.grid_x),
        ("private", w.cat_clean, w.grid_x),
        ("", None, w.grid_x),
    ]:
        put_case(unit, received_at=march, triage_class=triage_class, category=category)
    put_case(w.grid_x, received_at=at("2025-02-27 09:00"), triage_class="major", category=w.cat_road)
    put_case(w.grid_w, received_at=march, triage_class="major", category=w.cat_road)

    result = metrics.split(w.street, *MARCH)

    # hand count: 7 received under street S; 2 major, 3 community, 1 private, 1 not triaged;
    # 社区事务 3, 城乡建设 2, 家庭事务 1, no category 1
    assert result.received == 7
    assert result.by_class == {"major": 2, "community": 3, "private": 1, "unclassified": 1}
    assert [(c.code, c.name, c.count) for c in result.top_categories] == [
        ("SQ", "社区事务", 3),
        ("CJ", "城乡建设", 2),
        ("JT", "家庭事务", 1),
    ]
    assert result.uncategorised == 1
    assert [c.code for c in metrics.split(w.street, *MARCH, top=2).top_categories] == ["SQ", "CJ"]
    # a grid sees its own cases only
    assert metrics.split(w.grid_y, *MARCH).by_class["major"] == 1


def test_a_unit_with_no_cases_has_an_empty_split(ledger):
    result = metrics.split(ledger.community3, *MARCH)

    assert result.received == 0
    assert set(result.by_class.values()) == {0}
    assert result.top_categories == []
