from conftest import make_user
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.people import actions
from grassroots.people import survey as survey_mod


def rows_by_code(rows):
    return {row.code: row for row in rows}


def test_counts_roll_up_from_grids_to_the_district(world):
    actions.register_resident(
        actor=world.root, household=world.household_z, name="王芳", gender="female", birth_year=1940
    )
    rows = rows_by_code(survey_mod.survey(world.district, levels=None))
    district = rows[world.district.code]
    assert district.households == 4
    assert district.residents == 3
    assert district.elderly == 1
    assert rows[world.street.code].households == 3  # X, Y, Z
    assert rows[world.street2.code].households == 1
    assert rows[world.community.code].residents == 2
    assert rows[world.grid_x.code].buildings == 1
    assert rows[world.community.code].buildings == 1
    assert district.elderly_share == 1 / 3


def test_levels_limit_the_rows_to_children(world):
    rows = survey_mod.survey(world.district, levels=1)
    assert {row.code for row in rows} == {world.district.code, world.street.code, world.street2.code}


def test_grid_coverage_needs_all_three_core_posts(world):
    rows = rows_by_code(survey_mod.survey(world.community, levels=None))
    assert rows[world.community.code].grids == 2
    assert rows[world.community.code].grids_covered == 0
    org_actions.assign_post(actor=world.root, user=make_user("gl"), role=Role.GRID_LEADER, unit=world.grid_x)
    org_actions.assign_post(actor=world.root, user=make_user("pg"), role=Role.PARTY_GUIDE, unit=world.grid_x)
    rows = rows_by_code(survey_mod.survey(world.community, levels=None))
    assert rows[world.grid_x.code].grids_covered == 1
    assert rows[world.community.code].grid_coverage == 0.5


def test_inactive_households_are_not_counted(world):
    actions.update_household(actor=world.root, household=world.household_w, is_active=False)
    assert rows_by_code(survey_mod.survey(world.district))[world.district.code].households == 3


def test_workbook_is_a_readable_xlsx(world):
    from io import BytesIO

    from openpyxl import load_workbook

    data = survey_mod.workbook(world.district, survey_mod.survey(world.district, levels=None))
    sheet = load_workbook(BytesIO(data)).active
    codes = [sheet.cell(row=r, column=1).value for r in range(3, 3 + 10)]
    assert world.grid_x.code in codes
