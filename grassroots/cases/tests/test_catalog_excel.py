"""The catalog workbook: export, import back unchanged (nothing changes), edits applied through
the actions, bad rows reported with their row numbers while the good ones are kept (or nothing,
with ``atomic``), and the ``catalog_xlsx`` command."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from grassroots.cases import catalog, catalog_excel
from grassroots.cases.models import Category, TimeLimit
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org import actions as org_actions
from grassroots.org.models import Department


def sheet_of(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def workbook(rows: list) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def state() -> dict:
    return {
        "categories": list(Category.objects.order_by("district_id", "code").values()),
        "limits": list(TimeLimit.objects.order_by("id").values()),
    }


def test_the_export_has_a_row_per_category_with_path_class_department_flags_and_limits(default_catalog):
    w = default_catalog
    sheet = sheet_of(catalog_excel.export_catalog(w.district, actor=w.district_admin))
    rows = list(sheet.iter_rows(values_only=True))
    header, defaults, by_code = rows[0], rows[1], {row[0]: row for row in rows[2:]}

    assert header[:13] == tuple(catalog_excel.COLUMNS.values())
    assert {"不限·社区·办理", "大事·全程·办理", "小事·全程·核实", "不限·部门·响应"} <= set(header)
    assert defaults[0] == "*"
    assert len(by_code) == Category.objects.filter(district=w.district).count()
    road = dict(zip(header, by_code["CJ-01-01"], strict=True))
    assert road["路径"] == "城乡建设 / 市政设施 / 道路破损"
    assert road["责任部门"] == "住建"
    assert road["超时自动升级"] == "是"
    assert road["不限·部门·办理"] == 10
    light = dict(zip(header, by_code["SQ-01-02"], strict=True))
    assert light["不限·社区·办理"] == 3
    assert "楼道灯" in light["关键词"]
    record = AuditRecord.objects.get(action=AuditAction.EXPORT, target_type="cases.category")
    assert record.actor == w.district_admin


def test_importing_the_exported_workbook_changes_nothing(default_catalog):
    w = default_catalog
    catalog.deactivate_category(actor=None, category=Category.objects.get(district=w.district, code="SH-02"))
    data = catalog_excel.export_catalog(w.district, actor=None)
    before, audit_before = state(), AuditRecord.objects.count()

    report = catalog_excel.import_catalog(data, actor=w.district_admin, district=w.district)

    assert report.errors == []
    assert (report.created, report.updated, report.limits_written, report.limits_removed) == (0, 0, 0, 0)
    assert report.unchanged == Category.objects.filter(district=w.district).count()
    assert state() == before
    assert AuditRecord.objects.count() == audit_before


def test_an_exported_catalog_loads_into_another_district_matching_departments_by_short_name(default_catalog):
    w = default_catalog
    for name, code, short in (
        ("邻区民政局", "L-MZ", "民政"),
        ("邻区住建局", "L-ZJ", "住建"),
        ("邻区城管局", "L-CG", "城管"),
    ):
        org_actions.create_department(
            actor=w.root, district=w.district2, name=name, code=code, short_name=short
        )
    data = catalog_excel.export_catalog(w.district, actor=None)

    report = catalog_excel.import_catalog(data, actor=w.other_admin, district=w.district2)

    assert report.errors == []
    assert report.created == Category.objects.filter(district=w.district).count()
    road = Category.objects.get(district=w.district2, code="CJ-01-01")
    assert road.department == Department.objects.get(code="L-ZJ")
    assert (
        TimeLimit.objects.filter(district=w.district2).count()
        == TimeLimit.objects.filter(district=w.district).count()
    )


def test_edits_in_the_workbook_are_applied_parents_first(default_catalog):
    w = default_catalog
    rows = [
        [
            "编码",
            "名称",
            "上级编码",
            "默认分类",
            "责任部门",
            "关键词",
            "小事·社区·办理",
            "小事·社区·响应",
            "启用",
        ],
        ["SQ-01-06", "楼道扶手", "SQ-01", "", "", "扶手 栏杆", 4, None, "是"],
        ["SQ-01", "社区物业服务", "SQ", "", "城管", None, None, None, "是"],
        ["NEW-01", "新的子类", "NEW", "", "", "", None, None, "是"],  # its parent comes below
        ["NEW", "新的大类", "", "大事", "区住房和城乡建设局", "", None, None, "是"],
        ["SH-02", "家电维修", "SH", "私事", "", "家电", None, None, "否"],
    ]

    report = catalog_excel.import_catalog(workbook(rows), actor=w.district_admin, district=w.district)

    assert report.errors == []
    assert (report.created, report.updated) == (3, 2)
    rail = Category.objects.get(district=w.district, code="SQ-01-06")
    assert rail.parent == Category.objects.get(district=w.district, code="SQ-01")
    assert rail.keywords == "扶手、栏杆"
    assert (
        TimeLimit.objects.get(category=rail, triage_class="community", stage="community").handling_days == 4
    )
    assert Category.objects.get(district=w.district, code="SQ-01").department == w.city_management
    assert Category.objects.get(district=w.district, code="NEW-01").parent == Category.objects.get(code="NEW")
    assert Category.objects.get(district=w.district, code="NEW").department == w.housing
    assert not Category.objects.get(district=w.district, code="SH-02").is_active
    # columns not in the sheet are left alone
    assert Category.objects.get(district=w.district, code="SQ-01").examples == ""


def test_bad_rows_are_reported_with_their_row_numbers_and_the_good_ones_kept(default_catalog):
    w = default_catalog
    rows = [
        ["编码", "名称", "上级编码", "默认分类", "超时自动升级", "全程", "不限·全程·办理", "大事·部门·办理"],
        ["OK-1", "好的一行", "", "小事", "否", "x", 5, None],
        ["BAD-1", "坏的分类", "", "中事", "否", None, None, None],
        ["BAD-2", "找不到上级", "NOPE", "", "否", None, None, None],
        ["", "没有编码", "", "", "否", None, None, None],
        ["OK-1", "重复编码", "", "", "否", None, None, None],
        ["BAD-3", "", "", "", "否", None, None, None],
        ["BAD-4", "负数时限", "", "", "也许", None, -2, "abc"],
        [None, None, None, None, None, None, None, None],
        ["CJ-01-01", "道路破损", "CJ-01-01-01", "", "是", None, None, None],
    ]

    report = catalog_excel.import_catalog(workbook(rows), actor=w.district_admin, district=w.district)

    errors = {error.row: error for error in report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 10]
    assert set(errors[3].errors) == {"default_class"}
    assert set(errors[4].errors) == {"parent"}
    assert set(errors[5].errors) == {"code"}
    assert set(errors[6].errors) == {"code"}
    assert set(errors[7].errors) == {"name"}
    assert set(errors[8].errors) == {"auto_escalate"}
    assert set(errors[10].errors) == {"parent"}
    assert report.ignored_columns == ["全程"]
    assert report.created == 1
    assert TimeLimit.objects.get(category__code="OK-1", stage="case").handling_days == 5
    assert not Category.objects.filter(code__startswith="BAD").exists()


def test_a_row_with_a_bad_limit_keeps_nothing_of_that_row(default_catalog):
    w = default_catalog
    rows = [["编码", "名称", "不限·全程·办理", "大事·部门·办理"], ["ROW", "一行", 5, -1]]

    report = catalog_excel.import_catalog(workbook(rows), actor=w.district_admin, district=w.district)

    assert set(report.errors[0].errors) == {"大事·部门·办理"}
    assert not Category.objects.filter(code="ROW").exists()


def test_atomic_keeps_nothing_when_a_row_fails(default_catalog):
    w = default_catalog
    before = state()
    rows = [["编码", "名称", "默认分类"], ["GOOD", "好的", "小事"], ["WORSE", "坏的", "中事"]]

    report = catalog_excel.import_catalog(
        workbook(rows), actor=w.district_admin, district=w.district, atomic=True
    )

    assert not report.committed
    assert [error.row for error in report.errors] == [3]
    assert state() == before


def test_emptying_a_limit_group_removes_the_row(default_catalog):
    w = default_catalog
    rows = [["编码", "不限·社区·响应", "不限·社区·办理", "不限·社区·核实"], ["SQ-01-02", None, None, None]]

    report = catalog_excel.import_catalog(workbook(rows), actor=w.district_admin, district=w.district)

    assert report.limits_removed == 1
    assert not TimeLimit.objects.filter(category__code="SQ-01-02", stage="community").exists()
    assert TimeLimit.objects.filter(category__code="SQ-01-02", stage="case").exists()


def test_english_headers_are_accepted(default_catalog):
    w = default_catalog
    rows = [
        ["Code", "Name", "Parent", "Class", "community.case.handling"],
        ["EN", "英文表头", "", "private", "2.5"],
    ]

    report = catalog_excel.import_catalog(workbook(rows), actor=w.district_admin, district=w.district)

    assert report.errors == []
    limit = TimeLimit.objects.get(category__code="EN")
    assert (limit.triage_class, limit.stage, limit.handling_days) == ("community", "case", Decimal("2.5"))


def test_a_file_that_is_not_a_catalog_workbook_is_refused(default_catalog):
    w = default_catalog
    with pytest.raises(ValidationError) as caught:
        catalog_excel.import_catalog(b"not a workbook", actor=w.district_admin, district=w.district)
    assert set(caught.value.message_dict) == {"file"}
    with pytest.raises(ValidationError):
        catalog_excel.import_catalog(workbook([["名称"], ["x"]]), actor=w.district_admin, district=w.district)


def test_only_the_districts_administrators_import(default_catalog):
    w = default_catalog
    data = workbook([["编码", "名称"], ["X", "甲"]])
    for user in (w.community_worker, w.other_admin, w.resident_a_user):
        with pytest.raises(NotAllowed):
            catalog_excel.import_catalog(data, actor=user, district=w.district)


def test_the_command_exports_and_imports(default_catalog, tmp_path):
    target = tmp_path / "catalog.xlsx"
    out = io.StringIO()
    call_command("catalog_xlsx", "export", "--district", "530113", "-o", str(target), stdout=out)
    sheet = load_workbook(target).active
    sheet.cell(row=3, column=2, value="城乡建设（改）")
    sheet.append(["BAD", None])
    sheet.parent.save(target)

    with pytest.raises(CommandError, match="atomic"):
        call_command(
            "catalog_xlsx", "import", str(target), "--district", "530113", "--atomic", stdout=io.StringIO()
        )
    assert Category.objects.get(code="CJ").name == "城乡建设"

    out = io.StringIO()
    call_command("catalog_xlsx", "import", str(target), "--district", "530113", "--as", "da", stdout=out)
    assert Category.objects.get(code="CJ").name == "城乡建设（改）"
    assert "Row " in out.getvalue()
    assert "1 updated" in out.getvalue()
