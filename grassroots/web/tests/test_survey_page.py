"""The base survey page: the unit's row, its children to drill into, a breadcrumb up to the user's
highest readable unit, the published formulas beside the ratios, and the Excel export."""

import io
from html import escape

from django.urls import reverse
from openpyxl import load_workbook

from conftest import PLAINTEXT, assert_no_plaintext
from grassroots.people import survey


def page(client, unit):
    response = client.get(reverse("web:survey-unit", args=[unit.code]))
    assert response.status_code == 200
    return response


def test_the_table_has_the_unit_then_its_children_to_drill_into(rich_world, client_for):
    w = rich_world
    response = page(client_for("street_staff"), w.street)
    rows = response.context["table"]
    assert [row["code"] for row in rows] == [w.street.code, w.community.code, w.community2.code]
    assert [row["link"] for row in rows] == [False, True, True]
    body = response.content.decode()
    assert reverse("web:survey-unit", args=[w.community.code]) in body
    assert reverse("web:survey-unit", args=[w.community2.code]) in body
    # counts rolled up: households X, Y, Z; residents A, B
    assert rows[0]["counts_before"][:2] == [3, 2]


def test_the_breadcrumb_stops_at_the_highest_unit_the_user_may_read(rich_world, client_for):
    w = rich_world
    crumbs = page(client_for("community_worker"), w.grid_x).context["breadcrumb"]
    assert [c.code for c in crumbs] == [w.community.code, w.grid_x.code]
    crumbs = page(client_for("district_admin"), w.grid_x).context["breadcrumb"]
    assert [c.code for c in crumbs] == [w.district.code, w.street.code, w.community.code, w.grid_x.code]


def test_every_ratio_shows_its_formula_beside_it_and_in_a_footnote(rich_world, client_for):
    body = page(client_for("district_admin"), rich_world.district).content.decode()
    for formula in survey.formulas().values():
        assert f'title="{escape(formula)}"' in body
        assert '<li id="formula-' in body
        assert escape(formula) in body.split('<ol class="notes">', 1)[1]


def test_the_excel_export_is_the_table_with_its_formulas(rich_world, client_for):
    w = rich_world
    response = client_for("street_staff").get(reverse("web:survey-xlsx", args=[w.street.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="survey-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    codes = [row[0] for row in values[2:] if row and row[0]]
    assert codes[:3] == [w.street.code, w.community.code, w.community2.code]
    texts = {str(cell) for row in values for cell in row if cell is not None}
    for formula in survey.formulas().values():
        assert formula in texts


def test_all_levels_goes_down_to_the_grids(rich_world, client_for):
    w = rich_world
    response = client_for("street_staff").get(
        reverse("web:survey-xlsx", args=[w.street.code]), {"levels": "all"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert {w.grid_x.code, w.grid_y.code, w.grid_z.code} <= codes
    assert w.grid_w.code not in codes  # another street


def test_no_personal_value_reaches_the_page_or_the_export(rich_world, client_for):
    client = client_for("district_admin")
    assert_no_plaintext(page(client, rich_world.district).content)
    export = client.get(reverse("web:survey-xlsx", args=[rich_world.district.code]), {"levels": "all"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    for row in sheet.iter_rows(values_only=True):
        for cell in row:
            assert str(cell) not in PLAINTEXT
