"""The intake forms follow what is typed, in the browser: the new-case form lists the possible
duplicates of its text and marks a re-post once the reporting resident is chosen; the quick report
on a phone offers suggested categories for its note, and tapping one chooses it (docs/triage.md)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from grassroots.cases import catalog


def test_the_new_case_form_lists_possible_duplicates_and_flags_a_re_post(
    page_for: Any, ledger: Any, report: Any
) -> None:
    earlier = report()
    page = page_for("community_worker")
    page.goto("/cases/new/")
    page.locator("#id_title").fill("楼道灯坏了")
    page.locator("#id_description").press_sequentially("3单元楼道灯不亮")
    row = page.locator(f"#intake-duplicates [data-candidate='{earlier.number}']")
    expect(row).to_be_visible()
    expect(row.locator("a")).to_have_attribute("target", "_blank")
    expect(row.locator("[data-repost]")).to_have_count(0)

    page.locator("#intake-find").fill("张伟")
    page.locator(f"input[name=reporter][value='{ledger.resident_a.uid}']").check()
    expect(row.locator("[data-repost]")).to_be_visible()
    # Searching on keeps the chosen reporter (the search sends the choices along).
    page.locator("#intake-find").fill("2栋")
    expect(page.locator("#intake-results")).to_contain_text("桂苑社区2栋2单元202")
    expect(page.locator(f"input[name=reporter][value='{ledger.resident_a.uid}']")).to_be_checked()


def test_the_quick_report_suggests_a_category_for_the_note_and_a_tap_chooses_it(
    page_for: Any, ledger: Any, settings: Any, tmp_path: Any
) -> None:
    settings.TRIAGE_MODEL_DIR = tmp_path
    catalog.update_category(actor=None, category=ledger.cat_light, keywords="楼道灯、不亮")
    page = page_for("grid_manager_x", phone=True)
    page.goto("/m/report/")
    page.locator("textarea[name=note]").press_sequentially("3单元楼道灯不亮")
    chip = page.locator(f"#quick-suggestions [data-pick-category='{ledger.cat_light.pk}']")
    expect(chip).to_be_visible()
    chip.click()
    expect(page.locator("select[name=category]")).to_have_value(str(ledger.cat_light.pk))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
