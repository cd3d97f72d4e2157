"""The pages speak Chinese by default and English after the switch in the header, and the choice
sticks from page to page (a cookie) until switched back; a browser that already chose English
starts in English. Texts are compared with the translations of their msgids, not typed here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from grassroots.cases.choices import State
from grassroots.web import nav
from grassroots.web.tests.browser.harness import sticking_out, switch_language

CHINESE, ENGLISH = "zh-hans", "en"
PORTAL_TABS = ("Report a problem", "My cases", "My community")


def say(language: str, text: Any) -> str:
    """A msgid or a lazy label in ``language``."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def expect_language(page: Page, language: str) -> None:
    """The page is in ``language``: its ``lang``, the brand, and every link of the navigation."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("header a.brand")).to_have_text(say(language, "Grassroots governance platform"))
    links = page.locator("nav.bar-nav a")
    labels = {reverse(entry.url_name): entry.label for entry in nav.ENTRIES}
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert hrefs, "no navigation"
    expect(links).to_have_text([say(language, labels[href]) for href in hrefs])


def test_staff_pages_switch_to_english_and_the_choice_sticks_until_switched_back(
    page_for: Any, ledger: Any, bring: Any
) -> None:
    # Without a translation the Chinese and English pages would look alike and prove nothing.
    msgids = ["Grassroots governance platform", "Workbench", "What you can do now", *PORTAL_TABS]
    msgids += [str(entry.label) for entry in nav.ENTRIES]
    assert [msgid for msgid in msgids if say(CHINESE, msgid) == msgid] == []

    case = bring.registered(title="楼道灯不亮")
    page = page_for("community_worker")

    page.goto("/workbench/")
    expect_language(page, CHINESE)
    expect(page.locator("main h1")).to_have_text(say(CHINESE, "Workbench"))

    switch_language(page, ENGLISH)
    assert page.url.endswith("/workbench/")  # the same page, in English
    expect_language(page, ENGLISH)
    expect(page.locator("main h1")).to_have_text(say(ENGLISH, "Workbench"))

    # Other pages follow: the case page, the board.
    page.goto(f"/cases/{case.number}/")
    expect_language(page, ENGLISH)
    expect(page.locator("#case-acts-title")).to_have_text(say(ENGLISH, "What you can do now"))
    expect(page.locator("#case-panel .chip.state")).to_have_text(say(ENGLISH, State.REGISTERED.label))
    page.goto("/board/")
    expect_language(page, ENGLISH)
    split = "Major, community and private matters"
    expect(page.locator("#split-title")).to_have_text(say(ENGLISH, split))

    # Back to Chinese, which sticks in the same way.
    switch_language(page, CHINESE)
    expect_language(page, CHINESE)
    expect(page.locator("#split-title")).to_have_text(say(CHINESE, split))
    page.goto(f"/cases/{case.number}/")
    expect_language(page, CHINESE)
    expect(page.locator("#case-panel .chip.state")).to_have_text(say(CHINESE, State.REGISTERED.label))

    # A browser that chose English before starts in English.
    english = page_for("district_admin", language=ENGLISH)
    english.goto("/")
    expect_language(english, ENGLISH)
    english.goto("/board/")
    expect_language(english, ENGLISH)
    expect(english.locator("#split-title")).to_have_text(say(ENGLISH, split))


def test_a_resident_switches_the_portal_to_english_on_a_phone_and_it_still_fits(
    page_for: Any, ledger: Any
) -> None:
    page = page_for("resident_a", phone=True)
    page.goto("/my/")
    expect_language(page, CHINESE)
    expect(page.locator(".portal-tabs a")).to_have_text([say(CHINESE, tab) for tab in PORTAL_TABS])

    switch_language(page, ENGLISH)
    expect_language(page, ENGLISH)
    expect(page.locator(".portal-tabs a")).to_have_text([say(ENGLISH, tab) for tab in PORTAL_TABS])
    assert sticking_out(page) == []  # English is longer: still nothing cut off

    with page.expect_navigation():
        page.locator(".portal-tabs a.report").click()
    expect_language(page, ENGLISH)
    expect(page.locator("main h1")).to_have_text(say(ENGLISH, "Report a problem"))
    expect(page.locator("label[for=id_description]")).to_have_text(say(ENGLISH, "What is the problem?"))
    assert sticking_out(page) == []
