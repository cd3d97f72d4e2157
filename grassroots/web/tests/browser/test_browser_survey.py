"""The base survey in the browser: the table of a unit and its children, drilling down through
the rows and back up through the breadcrumb, the Excel export, and the table on a phone."""

from __future__ import annotations

from grassroots.web.tests.browser.harness import expect_not_found, sticking_out


def test_a_district_admin_drills_down_from_the_district_to_a_community_and_back(page_for, rich_world, ledger):
    page = page_for("district_admin")
    page.goto("/survey/")
    assert page.locator("h1").inner_text().startswith("示范区")
    rows = page.locator("table.survey tbody th[scope=row]")
    assert [rows.nth(i).locator("a, :scope").first.inner_text().split("\n")[0] for i in range(rows.count())][
        1:
    ] == ["碧谷街道", "铜都街道"]

    page.locator("table.survey a", has_text="碧谷街道").click()
    page.locator("table.survey a", has_text="桂苑社区").click()
    assert page.url.endswith(f"/survey/{ledger.community.code}/")
    assert page.locator(".crumbs").inner_text().split("\n") == ["示范区", "碧谷街道", "桂苑社区"]
    total = page.locator("table.survey tr.total td")
    assert total.first.inner_text() == "2"  # households of community C: HX and HY

    page.locator(".crumbs a", has_text="示范区").click()
    assert page.url.endswith(f"/survey/{ledger.district.code}/")


def test_the_table_downloads_as_an_excel_workbook(page_for, ledger):
    page = page_for("community_worker")
    page.goto("/survey/")
    with page.expect_download() as download:
        page.locator(f"a[href='/survey/{ledger.community.code}.xlsx']").click()
    assert download.value.suggested_filename.startswith(f"survey-{ledger.community.code}-")
    with open(download.value.path(), "rb") as workbook:
        assert workbook.read(2) == b"PK"  # a zip: the xlsx container


def test_on_a_phone_the_table_scrolls_in_its_frame_not_the_page(page_for, ledger):
    page = page_for("street_staff", phone=True)
    page.goto("/survey/")
    assert sticking_out(page) == []
    frame = page.locator(".table-wrap")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")


def test_a_grid_manager_cannot_open_the_survey_of_another_grid(page_for, ledger):
    page = page_for("grid_manager_x")
    expect_not_found(page, f"/survey/{ledger.grid_y.code}/")
