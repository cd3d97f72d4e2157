"""Grouping texts into candidate common problems (docs/triage.md, "Common problems"): planted
duplicates group, unrelated messages stay apart, place and category family split, no chaining."""

from __future__ import annotations

from grassroots.triage.grouping import Item, group

LEAK = [
    "幸福小区3号楼屋顶漏水 下雨天屋顶漏水，天花板发霉",
    "3号楼屋顶漏水严重 顶楼屋顶漏水好几年了，请尽快维修",
    "屋顶漏水没人管 我家在3号楼六楼，屋顶漏水，墙皮都掉了",
    "幸福小区屋顶漏水 3号楼屋顶漏水，物业一直推脱",
]
OTHERS = [
    "路口井盖丢失 学校门口的井盖被偷走了，很危险",
    "广场舞噪音扰民 每天晚上广场舞音响太大，孩子无法学习",
    "公交站台破损 站台玻璃碎了一地，没有人清理",
    "流浪狗伤人 小区里流浪狗很多，昨天咬伤了老人",
    "独生子女证补办 请问现在还能办理独生子女证吗",
]
SIMILARITY = 0.2


def members(groups: list, texts: list[str]) -> list[set[str]]:
    return [{texts[i] for i in g.members} for g in groups]


def test_planted_duplicates_group_and_unrelated_messages_stay_apart() -> None:
    texts = OTHERS[:2] + LEAK + OTHERS[2:]
    groups = group([Item(t) for t in texts], min_similarity=SIMILARITY, radius_m=1000, min_size=3)
    assert members(groups, texts) == [set(LEAK)]


def test_the_label_phrases_are_grown_to_the_words_the_members_share() -> None:
    groups = group([Item(t) for t in LEAK + OTHERS], min_similarity=SIMILARITY, radius_m=1000, min_size=3)
    assert "屋顶漏水" in groups[0].phrases[0]


def test_cases_far_apart_are_not_one_problem_though_their_texts_match() -> None:
    near = [Item(t, lat=26.0 + k * 0.001, lng=103.0) for k, t in enumerate(LEAK[:3])]
    far = [Item(LEAK[3], lat=26.1, lng=103.0)]  # about 11 km north
    background = [Item(t) for t in OTHERS]
    groups = group(near + far + background, min_similarity=SIMILARITY, radius_m=1000, min_size=2)
    assert [sorted(g.members) for g in groups] == [[0, 1, 2]]


def test_a_case_without_a_point_is_grouped_by_its_text() -> None:
    items = [Item(LEAK[0], lat=26.0, lng=103.0), Item(LEAK[1]), Item(LEAK[2], lat=26.001, lng=103.0)]
    items += [Item(t) for t in OTHERS]
    groups = group(items, min_similarity=SIMILARITY, radius_m=500, min_size=3)
    assert [sorted(g.members) for g in groups] == [[0, 1, 2]]


def test_different_category_families_are_kept_apart() -> None:
    items = [Item(LEAK[0], family=1), Item(LEAK[1], family=1), Item(LEAK[2], family=2), Item(LEAK[3])]
    items += [Item(t) for t in OTHERS]
    groups = group(items, min_similarity=SIMILARITY, radius_m=1000, min_size=2)
    grouped = [sorted(g.members) for g in groups]
    assert grouped[0][:2] == [0, 1]
    assert all(not (2 in g and (0 in g or 1 in g)) for g in grouped)


def test_a_message_bridging_two_topics_does_not_chain_them_into_one_group() -> None:
    lights = [
        "楼道灯不亮 3单元楼道灯坏了",
        "楼道灯坏了 晚上楼道灯不亮看不见",
        "楼道灯不亮好几天 楼道灯坏了没人修",
    ]
    roads = [
        "路面破损 小区门口路面破损坑洼",
        "路面破损坑洼 门口路面破损下雨积水",
        "路面破损严重 门口路面破损车辆颠簸",
    ]
    bridge = ["楼道灯坏了，门口路面破损 楼道灯不亮，路面破损"]
    texts = lights + bridge + roads
    groups = group([Item(t) for t in texts], min_similarity=0.3, radius_m=1000, min_size=3)
    found = members(groups, texts)
    assert all(not (g & set(lights) and g & set(roads)) for g in found)
    assert set(lights) <= set().union(*found)
    assert set(roads) <= set().union(*found)


def test_fewer_similar_messages_than_the_minimum_make_no_group() -> None:
    texts = LEAK[:2] + OTHERS
    assert group([Item(t) for t in texts], min_similarity=SIMILARITY, radius_m=1000, min_size=3) == []


def test_each_member_carries_its_similarity_to_the_centre() -> None:
    (found,) = group([Item(t) for t in LEAK + OTHERS], min_similarity=SIMILARITY, radius_m=1000, min_size=3)
    assert found.similarity[0] > 0.99
    assert all(SIMILARITY <= s <= 1.0 + 1e-6 for s in found.similarity)
