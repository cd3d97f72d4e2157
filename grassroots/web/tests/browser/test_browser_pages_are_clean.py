"""Every page that exists loads without a JavaScript error and asks no host but the site's own
for anything: no CDN, no fonts, no analytics (vendored static files, offline maps); on a
phone nothing is cut off at the right edge. Pages are added here as they are built; every browser
test checks errors and hosts on teardown too."""

from __future__ import annotations

import pytest

from grassroots.web.tests.browser.harness import sticking_out, watch_of

# who → the pages they open
PAGES = {
    None: ["/login/"],
    "resident_a": ["/"],
    "grid_manager_x": ["/", "/survey/"],
    "community_worker": ["/", "/survey/"],
    "department_handler": ["/"],
    "district_admin": ["/", "/survey/"],
}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_pages_load_without_errors_and_only_from_the_site(page_for, ledger, phone):
    for who, paths in PAGES.items():
        page = page_for(who, phone=phone)
        for path in paths:
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, (who, path)
            assert page.locator("html").get_attribute("lang") == "zh-hans"
            if phone:
                assert sticking_out(page) == [], (who, path)
        watch = watch_of(page)
        assert watch.problems() == [], who
        assert all(url.startswith(watch.origin + "/") for url in watch.requests), who


def test_the_first_tab_offers_the_skip_link_to_the_content(page_for, ledger):
    page = page_for("community_worker")
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
