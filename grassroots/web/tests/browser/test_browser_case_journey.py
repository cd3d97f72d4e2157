"""One request's whole way through the ledger, done from the browser by the people who would do it
(docs/domain.md §3): a resident reports on a phone, a community worker triages it as 小事 and routes
it to the grid, the grid manager takes it and solves it on the spot, another worker verifies, the
resident rates, the worker strikes it off — and the board's completion rate moves. A grid manager of
another grid sees "not found" at every step."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from grassroots.cases import actions
from grassroots.cases.choices import Outcome, State
from grassroots.cases.models import Case
from grassroots.web.tests.browser.harness import expect_not_found, read_case_number


def act(page: Page, name: str, **choices: str) -> None:
    """Open the act's form on the case page, check the radio buttons given (``name=value``), and
    submit; waits for the case panel to come back, at a new version, saying it was done."""
    details = page.locator(f"details[data-act='{name}']")
    expect(details).to_be_visible()
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = details.locator("form")
    for field, value in choices.items():
        form.locator(f"input[name='{field}'][value='{value}']").check()
    version = page.locator("#case-panel").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    expect(page.locator("#case-panel")).not_to_have_attribute("data-version", version or "")
    expect(page.locator("#case-panel .flash.done")).to_be_visible()


def fill(page: Page, name: str, **texts: str) -> None:
    form = page.locator(f"details[data-act='{name}'] form")
    if page.locator(f"details[data-act='{name}']").get_attribute("open") is None:
        page.locator(f"details[data-act='{name}'] summary").click()
    for field, text in texts.items():
        form.locator(f"[name='{field}']").fill(text)


def completion(page: Page) -> tuple[str, str, str]:
    """The board's completion rate as shown: (rate, solved, due)."""
    page.goto("/board/")
    figure = page.locator("li.figure[data-metric='completion']")
    return (
        figure.locator(".figure-value").inner_text().strip(),
        figure.locator(".num").inner_text().strip(),
        figure.locator(".den").inner_text().strip(),
    )


def open_from_workbench(page: Page, queue: str, number: str) -> None:
    page.goto(f"/workbench/?tab={queue}")
    row = page.locator(f"tr[data-case='{number}']")
    expect(row).to_be_visible()
    with page.expect_navigation():
        row.locator("a.wb-open").click()
    assert read_case_number(page) == number


def test_a_report_goes_from_the_residents_phone_to_closed_and_counts_on_the_board(
    page_for: Any, ledger: Any, report: Any
) -> None:
    # Something already settled this month and not solved: the rate starts at 0 of 1.
    rejected = report(title="小区外道路积水", reporter=ledger.resident_a)
    actions.reject_case(
        rejected,
        actor=ledger.community_worker,
        version=rejected.version,
        outcome=Outcome.NOT_TRUE,
        reason="现场核实无积水",
    )
    worker = page_for("community_worker")
    assert completion(worker) == ("0.0%", "0", "1")

    # The resident reports on a phone, from home (household X, grid X).
    resident = page_for("resident_a", phone=True)
    resident.goto("/my/report/")
    resident.locator("select[name=group]").select_option(ledger.cat_comm.code)
    resident.locator("select[name=category]").select_option(ledger.cat_light.code)
    resident.locator("textarea[name=description]").fill("三单元楼道灯坏了一个星期，晚上看不见台阶。")
    with resident.expect_navigation():
        resident.locator("button[data-submit]").click()
    number = read_case_number(resident)
    case = Case.objects.get(number=number)
    assert (case.state, case.grid, case.reporter) == (State.REGISTERED, ledger.grid_x, ledger.resident_a)

    # Not the other grid's business, at any step.
    stranger = page_for("grid_manager_y", phone=True)
    expect_not_found(stranger, f"/cases/{number}/")

    # The community worker finds it to triage, classes it 小事 and sends it to the grid.
    open_from_workbench(worker, "to_triage", number)
    fill(worker, "triage", reason="楼道照明属社区事务")
    act(worker, "triage", triage_class="community")
    act(worker, "route", level="grid")
    case.refresh_from_db()
    assert (case.state, case.triage_class, case.level) == (State.ROUTED, "community", "grid")
    expect_not_found(stranger, f"/cases/{number}/")

    # The grid manager, on a phone, takes it and solves it where it is.
    grid_manager = page_for("grid_manager_x", phone=True)
    grid_manager.goto(f"/cases/{number}/")
    act(grid_manager, "accept")
    fill(grid_manager, "resolve", resolution="当场更换了楼道灯泡")
    act(grid_manager, "resolve")
    case.refresh_from_db()
    assert (case.state, case.handler) == (State.RESOLVED, ledger.grid_manager_x)

    # Someone else verifies: the handler is not offered it.
    grid_manager.reload()
    expect(grid_manager.locator("details[data-act='verify']")).to_have_count(0)
    verifier = page_for("community_worker2")
    open_from_workbench(verifier, "verify", number)
    act(verifier, "verify", passed="yes")
    case.refresh_from_db()
    assert (case.state, case.verifier) == (State.AWAITING_RATING, ledger.community_worker2)

    # The resident rates it on the phone.
    resident.goto(f"/my/cases/{number}/")
    resident.locator("#rate input[name=satisfaction][value=satisfied]").check()
    resident.locator("#rate textarea[name=comment]").fill("修得很快，谢谢网格员")
    with resident.expect_navigation():
        resident.locator("#rate button[type=submit]").click()
    expect(resident.locator("#rate")).to_have_count(0)
    case.refresh_from_db()
    assert (case.satisfaction, case.rating_comment) == ("satisfied", "修得很快，谢谢网格员")

    # Struck off the ledger, and counted: 1 of 2 settled cases solved.
    worker.goto(f"/cases/{number}/")
    act(worker, "close")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (State.CLOSED, Outcome.SOLVED)
    assert completion(worker) == ("50.0%", "1", "2")
    expect_not_found(stranger, f"/cases/{number}/")
