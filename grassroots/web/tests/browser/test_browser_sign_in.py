"""Signing in through the form, in Chinese (the default) and in English (the language switch)."""

from __future__ import annotations

from django.utils import translation

from grassroots.org.choices import Role
from grassroots.web.tests.browser.harness import password_of, sign_in, switch_language


def test_a_community_worker_signs_in_through_the_form_in_chinese(page_for, ledger):
    page = page_for(None)
    page.goto("/")
    assert "/login/" in page.url  # sent to sign in first
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_label("用户名").is_visible()

    sign_in(page, "cw", password_of("cw"))

    assert page.url.endswith("/")
    with translation.override("zh-hans"):
        role = str(Role.COMMUNITY_STAFF.label)
    assert page.locator("ul.posts").inner_text().startswith(f"{role} @ 桂苑社区")
    assert page.get_by_role("button", name="退出").is_visible()


def test_the_language_switch_turns_the_sign_in_and_the_pages_to_english(page_for, ledger):
    page = page_for(None)
    page.goto("/login/")

    switch_language(page, "en")
    assert page.get_by_label("Username").is_visible()
    sign_in(page, "gm_x", password_of("gm_x"))

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Your posts").is_visible()
    switch_language(page, "zh-hans")
    with translation.override("zh-hans"):
        heading = translation.gettext("Your posts")
    assert heading != "Your posts"
    assert page.locator("h2", has_text=heading).is_visible()


def test_a_wrong_password_shows_an_error_on_the_form_and_signs_no_one_in(page_for, ledger):
    page = page_for(None)
    sign_in(page, "cw", "not-the-password")
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()
    assert page.locator("input[name=username]").input_value() == "cw"
