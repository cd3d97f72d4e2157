"""The hotline import reads the shapes real 12345 exports come in, and says clearly what it cannot read."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zoneinfo

import pytest

from conftest import square
from grassroots.cases.choices import Urgency
from grassroots.cases.hotline import import_hotline
from grassroots.cases.models import Case
from grassroots.core.errors import ValidationError
from grassroots.org import actions as org_actions
from grassroots.org.choices import UnitKind

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def run(ledger, data, **options):
    return import_hotline(io.BytesIO(data), actor=ledger.district_admin, district=ledger.district, **options)


def row(ref, **fields):
    return {
        "工单编号": ref,
        "来电时间": "2024-03-05 09:30",
        "诉求内容": "内容",
        "所属网格": "集义社区",
        **fields,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05 14:30:15", dt.datetime(2024, 3, 5, 14, 30, 15)),
        ("2024-03-05T14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024/3/5 14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024.03.05", dt.datetime(2024, 3, 5)),
        ("2024年3月5日 14时30分", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024年3月5日14:30", dt.datetime(2024, 3, 5, 14, 30)),
        ("2024年3月5日 8点", dt.datetime(2024, 3, 5, 8, 0)),
        ("20240305143000", dt.datetime(2024, 3, 5, 14, 30)),
        (dt.datetime(2024, 3, 5, 14, 30), dt.datetime(2024, 3, 5, 14, 30)),
        (45356.5, dt.datetime(2024, 3, 5, 12, 0)),  # a date cell stored as its serial number
    ],
)
def test_the_call_time_is_read_in_the_forms_hotline_exports_use(ledger, hotline_file, value, expected):
    report = run(ledger, hotline_file([row("R1", 来电时间=value)]))

    assert report.created == 1, report.errors
    assert Case.objects.get().received_at == expected.replace(tzinfo=SHANGHAI)


def test_a_time_in_the_future_is_refused(ledger, hotline_file):
    report = run(ledger, hotline_file([row("R1", 来电时间="2999-01-01 08:00")]))

    assert [(e.column, e.message) for e in report.errors] == [("来电时间", "The time lies in the future.")]


def test_the_header_is_found_below_a_title_line_by_its_aliases(ledger, hotline_file):
    rows = [
        {
            "工单编号（必填）": "R1",
            "受理时间": "2024-03-05 09:30",
            "诉求标题": "噪音扰民",
            "来电内容": "夜间施工噪音。",
            "联系人": "赵六",
            "联系方式": "0871-12345678",
            "诉求分类": "社区事务-楼道照明",
            "地址": "桂苑社区2栋",
            "所属社区": "桂苑社区",
            "所属网格": "第二网格",
            "紧急程度": "特急",
        }
    ]

    report = run(ledger, hotline_file(rows, title="12345热线工单台账（2024年3月）"))

    assert report.created == 1, report.errors
    case = Case.objects.get()
    assert (case.title, case.reporter_name, case.phone_masked) == ("噪音扰民", "赵六", "0871-****5678")
    # 所属网格 is preferred to 所属社区; a name path with "-" finds the category.
    assert (case.unit, case.category, case.urgency) == (ledger.grid_y, ledger.cat_light, Urgency.CRITICAL)


def test_tab_separated_utf16_unicode_text_is_read(ledger, hotline_file):
    text = "工单编号\t来电时间\t诉求内容\t所属网格\nR1\t2024-03-05 09:30\t内容\t集义社区\n"

    report = run(ledger, codecs.BOM_UTF16_LE + text.encode("utf-16-le"))

    assert report.created == 1, report.errors


@pytest.mark.parametrize(
    ("fields", "column", "message"),
    [
        ({"所属网格": "第一网格"}, "所属网格", "Several units are called 第一网格"),
        ({"所属网格": "不存在社区"}, "所属网格", "No grid or community is called 不存在社区"),
        ({"所属网格": "", "经度": "103.005"}, "纬度", "Give both longitude and latitude."),
        ({"所属网格": "", "经度": "东经103", "纬度": "26"}, "经度", "Not a number."),
        ({"所属网格": ""}, "所属网格", "Give the grid or community, or the longitude and latitude."),
        ({"紧急程度": "很急"}, "紧急程度", "Use 一般, 紧急 or 特急."),
        ({"诉求内容": ""}, "诉求内容", "Describe the problem."),
        ({"工单编号": "R" * 65}, "工单编号", "At most 64 characters."),
        ({"来电时间": ""}, "来电时间", "The time of the call is missing."),
    ],
)
def test_a_bad_cell_is_reported_with_its_column_and_the_row_is_skipped(
    ledger, hotline_file, fields, column, message
):
    report = run(ledger, hotline_file([row("R1", **fields), row("R2")]))

    assert (report.created, report.failed) == (1, 1)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.column) == (2, column)
    assert error.message.startswith(message)


def test_a_point_in_another_district_is_refused(ledger, hotline_file):
    other = org_actions.create_unit(actor=ledger.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")
    street = org_actions.create_unit(actor=ledger.root, kind=UnitKind.STREET, name="邻街道", parent=other)
    community = org_actions.create_unit(
        actor=ledger.root, kind=UnitKind.COMMUNITY, name="邻社区", parent=street
    )
    org_actions.create_unit(
        actor=ledger.root, kind=UnitKind.GRID, name="邻网格", parent=community, boundary=square(104.0, 26.0)
    )

    report = run(ledger, hotline_file([row("R1", 所属网格="", 经度=104.005, 纬度=26.005)]))

    assert [(e.column, e.message) for e in report.errors] == [
        ("经度", "The point lies outside the district.")
    ]


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(ledger, hotline_file):
    rows = [row("R1"), {"工单编号": None}, row("R3", 紧急程度="?")]

    report = run(ledger, hotline_file(rows))

    assert (report.rows, report.created, report.failed) == (2, 1, 1)
    assert report.errors[0].row == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Old-style .xls workbooks cannot be read"),
        (b"PK\x03\x04 not really a zip", "The workbook cannot be read"),
        ("标题,内容\n一,二\n".encode(), "No header row with a 工单编号 column"),
        ("工单编号,标题\nR1,一\n".encode("gb18030"), "The header row has no column for: 来电时间、诉求内容."),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_as_a_whole(ledger, data, message):
    with pytest.raises(ValidationError) as caught:
        run(ledger, data)

    assert caught.value.message_dict["file"][0].startswith(message)
    assert not Case.objects.exists()
