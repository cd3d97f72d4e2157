"""The harness itself: the watch catches what it is there to catch, the test and the live server
see one database, and the phone is a phone."""

from __future__ import annotations

from django.contrib.sessions.models import Session

from grassroots.web.tests.browser.harness import expect_not_found, read_case_number, watch_of


def test_the_watch_reports_console_errors_uncaught_exceptions_and_other_hosts(page_for):
    page = page_for(None)
    page.goto("/login/")
    watch = watch_of(page)

    with page.expect_console_message(lambda message: message.text == "wrong"):
        page.evaluate("console.error('wrong')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('thrown') }, 0)")
    with page.expect_event("requestfailed"):
        page.evaluate("fetch('https://cdn.example.com/lib.js').catch(() => null)")

    problems = watch.take_problems()
    assert "console error: wrong" in problems
    assert "uncaught exception: thrown" in problems
    assert "request to another host: https://cdn.example.com/lib.js" in problems


def test_the_site_loads_nothing_from_other_hosts(page_for, ledger):
    page = page_for("community_worker")
    page.goto("/")
    watch = watch_of(page)
    assert watch.requests
    assert all(url.startswith(watch.origin + "/") for url in watch.requests)
    assert any(url.endswith("/htmx.min.js") for url in watch.requests)  # the vendored copy
    assert watch.problems() == []


def test_a_session_written_by_the_test_signs_the_browser_in(page_for, ledger):
    page = page_for("grid_manager_x")
    page.goto("/")
    assert page.url.endswith("/")  # not sent to the sign-in page
    assert Session.objects.count() == 1


def test_not_found_is_expected_only_where_the_test_says(page_for, ledger):
    page = page_for("grid_manager_x")
    expect_not_found(page, "/survey/NO-SUCH-UNIT/")
    assert watch_of(page).problems() == []
    page.goto("/survey/ANOTHER-MISSING/")
    assert len(watch_of(page).take_problems()) == 1


def test_the_case_number_is_read_from_its_mark_or_the_text(page_for):
    page = page_for(None)
    page.goto("/login/")
    page.set_content("<main><p>受理编号 2026-000042，请保存。</p></main>")
    assert read_case_number(page) == "2026-000042"
    page.set_content('<main><h1 data-case-number="2026-000043">楼道灯坏了</h1><p>2026-000001</p></main>')
    assert read_case_number(page) == "2026-000043"


def test_the_phone_is_narrow_and_touch_and_the_desktop_is_not(page_for):
    phone = page_for(None, phone=True)
    desktop = page_for(None)
    for page in (phone, desktop):
        page.goto("/login/")
    assert phone.evaluate("[innerWidth, navigator.maxTouchPoints > 0]") == [375, True]
    assert desktop.evaluate("[innerWidth, navigator.maxTouchPoints > 0]") == [1280, False]


def test_the_demo_like_world_has_a_case_at_each_stage(demo_like):
    states = {}
    for name, case in vars(demo_like.cases).items():
        case.refresh_from_db()
        states[name] = case.state
    assert states == {
        "registered": "registered",
        "triaged": "triaged",
        "at_community": "in_progress",
        "at_grid": "routed",
        "resolved": "resolved",
        "awaiting_rating": "awaiting_rating",
        "closed": "closed",
        "on_the_spot": "awaiting_rating",
        "at_department": "routed",
        "in_grid_y": "registered",
    }
    assert demo_like.cases.in_grid_y.grid == demo_like.grid_y
