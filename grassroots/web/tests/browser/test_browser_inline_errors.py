"""An invalid form comes back with each error under its field and nothing the person entered lost,
in the browser as people use the pages (docs/architecture.md "Errors": inline form errors on
pages): an act on the case page (htmx swaps the panel), a resident's report on a phone, a grid
manager's quick report on a phone (htmx swaps only the messages). Nothing is written. A case
changed by someone else meanwhile says so, keeps the input, and lets a second, knowing submit
through (docs/ledger.md: no lost update)."""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from grassroots.cases import actions
from grassroots.cases.choices import State
from grassroots.cases.models import Case
from grassroots.web.tests.browser.harness import read_case_number


def chinese(text: str) -> str:
    """A msgid as the pages show it by default."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


REQUIRED = "This field is required."


def expect_error_under(control: Locator, message: str) -> None:
    """``message`` shows in the box of ``control``'s field, right under it; the box is marked
    invalid, and so is the control, which names the message as its description (what a screen
    reader says with the field)."""
    field = control.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' field ')][1]")
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    error = field.locator(".errorlist")
    expect(error).to_have_text(message)
    expect(error).to_be_visible()
    expect(control).to_have_attribute("aria-invalid", "true")
    described = (control.get_attribute("aria-describedby") or "").split()
    names_it = "(e, id) => Boolean(document.getElementById(id) && document.getElementById(id).contains(e))"
    assert any(error.evaluate(names_it, name) for name in described), described


def open_act(page: Page, name: str) -> Locator:
    details = page.locator(f"details[data-act='{name}']")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def submit_act(page: Page, form: Locator) -> None:
    """Submit an act's form and wait for htmx to swap the panel that comes back for the old one."""
    old = page.locator("#case-panel").element_handle()
    form.locator("button[type=submit]").click()
    page.wait_for_function("panel => !panel.isConnected", arg=old)
    expect(page.locator("#case-panel")).to_be_visible()


def test_an_act_without_its_reason_shows_the_error_under_the_reason_and_keeps_the_class(
    page_for: Any, ledger: Any, bring: Any
) -> None:
    case = bring.registered(title="楼道灯不亮")
    page = page_for("community_worker")
    page.goto(f"/cases/{case.number}/")

    form = open_act(page, "triage")
    form.locator("input[name=triage_class][value=major]").check()  # not the catalog's suggestion
    form.locator("select[name=category]").select_option(str(ledger.cat_road.pk))
    submit_act(page, form)

    expect(page.locator("#case-panel .flash.error")).to_have_text(chinese("Not done: see the form below."))
    form = page.locator("details[data-act='triage'][open] form")
    expect_error_under(form.locator("textarea[name=reason]"), chinese(REQUIRED))
    expect(form.locator("input[name=triage_class][value=major]")).to_be_checked()
    expect(form.locator("select[name=category]")).to_have_value(str(ledger.cat_road.pk))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version, fresh.triage_class, fresh.category) == (
        State.REGISTERED,
        case.version,
        "",
        ledger.cat_light,
    )

    # Corrected, it goes through from the same form.
    form.locator("textarea[name=reason]").fill("道路塌陷属住建部门")
    submit_act(page, form)
    expect(page.locator("#case-panel .flash.done")).to_be_visible()
    fresh.refresh_from_db()
    assert (fresh.state, fresh.triage_class) == (State.TRIAGED, "major")


def test_a_case_changed_meanwhile_says_so_and_keeps_the_input_for_a_second_submit(
    page_for: Any, ledger: Any, bring: Any
) -> None:
    case = bring.registered(title="楼道灯不亮")
    opened = case.version
    page = page_for("community_worker")
    page.goto(f"/cases/{case.number}/")
    form = open_act(page, "triage")
    expect(form.locator("input[name=version]")).to_have_value(str(opened))
    form.locator("input[name=triage_class][value=community]").check()
    form.locator("textarea[name=reason]").fill("楼道照明属社区事务")

    # Meanwhile the second worker notes a call on the case.
    actions.comment_case(case, actor=ledger.community_worker2, version=case.version, note="已电话联系居民")
    submit_act(page, form)

    conflict = page.locator("#case-panel [data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(chinese("Changed by someone else."))
    expect(conflict).to_contain_text("已电话联系居民")
    form = page.locator("details[data-act='triage'][open] form")
    expect(form.locator("textarea[name=reason]")).to_have_value("楼道照明属社区事务")
    expect(form.locator("input[name=triage_class][value=community]")).to_be_checked()
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (State.REGISTERED, opened + 1)
    expect(form.locator("input[name=version]")).to_have_value(str(fresh.version))

    # Having read what changed, the worker submits again, and it goes through.
    submit_act(page, form)
    expect(page.locator("#case-panel .flash.done")).to_be_visible()
    fresh.refresh_from_db()
    assert (fresh.state, fresh.triage_class, fresh.triage_reason) == (
        State.TRIAGED,
        "community",
        "楼道照明属社区事务",
    )


def test_a_residents_report_without_a_description_keeps_the_rest_on_a_phone(
    page_for: Any, ledger: Any
) -> None:
    before = Case.objects.count()
    page = page_for("resident_a", phone=True)
    page.goto("/my/report/")
    page.locator("select[name=group]").select_option(ledger.cat_comm.code)
    page.locator("select[name=category]").select_option(ledger.cat_light.code)
    page.locator("input[name=title]").fill("楼道灯坏了")
    page.locator("input[name=where][value=elsewhere]").check()
    page.locator("input[name=address]").fill("桂苑社区3栋门口")
    with page.expect_navigation():
        page.locator("button[data-submit]").click()

    expect_error_under(page.locator("textarea[name=description]"), chinese(REQUIRED))
    expect(page.locator("input[name=title]")).to_have_value("楼道灯坏了")
    expect(page.locator("select[name=group]")).to_have_value(ledger.cat_comm.code)
    expect(page.locator("select[name=category]")).to_have_value(ledger.cat_light.code)
    expect(page.locator("input[name=where][value=elsewhere]")).to_be_checked()
    expect(page.locator("input[name=address]")).to_have_value("桂苑社区3栋门口")
    assert Case.objects.count() == before

    page.locator("textarea[name=description]").fill("三单元楼道灯坏了一个星期。")
    with page.expect_navigation():
        page.locator("button[data-submit]").click()
    case = Case.objects.get(number=read_case_number(page))
    assert (case.title, case.category, case.address) == ("楼道灯坏了", ledger.cat_light, "桂苑社区3栋门口")


def test_a_quick_report_without_a_note_keeps_the_rest_on_a_phone(page_for: Any, ledger: Any) -> None:
    before = Case.objects.count()
    page = page_for("grid_manager_x", phone=True)
    page.goto("/m/report/")
    page.locator("select[name=category]").select_option(str(ledger.cat_light.pk))
    page.locator("input[name=solved][value=yes]").check()
    page.locator("textarea[name=resolution]").fill("当场更换了灯泡")
    with page.expect_response(lambda response: "/m/report/" in response.url):
        page.locator("button.send").click()

    expect_error_under(page.locator("textarea[name=note]"), chinese(REQUIRED))
    expect(page.locator("select[name=category]")).to_have_value(str(ledger.cat_light.pk))
    expect(page.locator("input[name=solved][value=yes]")).to_be_checked()
    expect(page.locator("textarea[name=resolution]")).to_have_value("当场更换了灯泡")
    assert Case.objects.count() == before

    page.locator("textarea[name=note]").fill("楼道灯不亮")
    with page.expect_navigation():
        page.locator("button.send").click()
    case = Case.objects.get(number=read_case_number(page))
    assert (case.category, case.unit, case.state) == (ledger.cat_light, ledger.grid_x, State.AWAITING_RATING)
