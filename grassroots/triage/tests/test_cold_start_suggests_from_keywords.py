"""Before a model is trained, suggestions come from the catalog's keywords, names and examples,
and show the keyword that matched (cold start)."""

from __future__ import annotations

from types import SimpleNamespace

from grassroots.triage.keywords import KeywordModel, split_keywords
from grassroots.triage.suggest import suggest_categories


def test_a_keyword_in_the_text_suggests_its_category_and_shows_the_keyword(toy: SimpleNamespace) -> None:
    found = suggest_categories(toy.grid_manager_x, toy.district, "路口有个大坑洼", "电动车差点摔了")

    assert found[0].category == toy.cat_road
    assert found[0].source == "keywords"
    assert "坑洼" in found[0].words
    assert found[0].triage_class == "major"
    assert found[0].department == toy.housing


def test_the_category_name_and_the_words_of_its_examples_count_too(toy: SimpleNamespace) -> None:
    by_name = suggest_categories(toy.grid_manager_x, toy.district, "家政保洁", "")
    by_example = suggest_categories(toy.grid_manager_x, toy.district, "楼上装修", "每天施工到很晚")

    assert by_name[0].category == toy.cat_clean
    assert by_example[0].category == toy.cat_noise
    assert "装修" in by_example[0].words


def test_a_text_without_any_term_gets_no_suggestion(toy: SimpleNamespace) -> None:
    assert suggest_categories(toy.grid_manager_x, toy.district, "你好", "谢谢") == []


def test_keywords_are_split_on_every_usual_separator() -> None:
    assert split_keywords("楼道灯,照明 不亮，灯泡、开关;电线\n黑") == [
        "楼道灯",
        "照明",
        "不亮",
        "灯泡",
        "开关",
        "电线",
        "黑",
    ]


def test_confidences_sum_to_at_most_one_over_the_categories_with_hits(toy: SimpleNamespace) -> None:
    model = KeywordModel.from_catalog(toy.toy_categories.values())

    [found] = model.suggest(["路面塌陷井盖坏了，楼道灯不亮，噪音扰民，家政保洁"], k=10)

    assert len(found) == 4
    assert sum(s.confidence for s in found) <= 1
    assert found[0].label == "CJ-01"  # three of its keywords against two of the others
