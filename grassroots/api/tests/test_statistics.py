"""The base survey (摸清底数) through the API: JSON rows with their formulas, or the Excel workbook."""

import io

from openpyxl import load_workbook

from grassroots.api.renderers import XLSX


def test_statistics_roll_up_the_subtree_with_the_published_formulas(client_for, rich_world):
    w = rich_world
    response = client_for("community_worker").get(f"/api/units/{w.community.code}/statistics/")

    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["code"] == w.community.code
    assert body["levels"] == 1
    rows = {row["code"]: row for row in body["rows"]}
    assert set(rows) == {w.community.code, w.grid_x.code, w.grid_y.code}
    assert rows[w.community.code]["households"] == 2
    assert rows[w.community.code]["residents"] == 2
    assert rows[w.community.code]["party_members"] == 1
    assert rows[w.community.code]["facilities"]["party_service"] == 1
    assert rows[w.grid_x.code]["organizations"]["shop"] == 1
    assert set(body["formulas"]) == {"elderly_share", "grid_coverage"}


def test_levels_choose_how_deep_the_rows_go(client_for, rich_world):
    w = rich_world
    response = client_for("district_admin").get(f"/api/units/{w.district.code}/statistics/", {"levels": 0})

    assert [row["code"] for row in response.json()["rows"]] == [w.district.code]


def test_the_excel_export_is_the_same_table(client_for, rich_world):
    w = rich_world
    response = client_for("community_worker").get(
        f"/api/units/{w.community.code}/statistics/", {"format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, max_col=1, values_only=True) if row[0]]
    assert w.community.code in codes
    assert w.grid_x.code in codes


def test_the_excel_export_of_an_unreadable_unit_is_a_json_404(client_for, rich_world):
    response = client_for("department_handler").get(
        f"/api/units/{rich_world.community.code}/statistics/", {"format": "xlsx"}
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_unit_whose_people_the_caller_cannot_read_has_no_statistics(client_for, rich_world):
    """The department handler sees the district's units but none of its people records."""
    client = client_for("department_handler")

    assert client.get(f"/api/units/{rich_world.community.code}/").status_code == 200
    assert client.get(f"/api/units/{rich_world.community.code}/statistics/").status_code == 404
