"""``manage.py import_hotline FILE --district CODE --as USERNAME [--dry-run]``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from grassroots.cases.models import Case
from grassroots.core.models import AuditAction, AuditRecord


def command(*args):
    out = io.StringIO()
    call_command("import_hotline", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_imports_as_the_named_user_and_prints_the_summary(ledger, hotline_file, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_bytes(
        hotline_file(
            [{"工单编号": "R1", "来电时间": "2024-03-05", "诉求内容": "内容", "所属网格": "集义社区"}],
            fmt="csv",
        )
    )

    output = command(str(path), "--district", "530113", "--as", "da")

    assert "1 rows: 1 created, 0 already imported, 0 failed." in output
    assert Case.objects.get().created_by == ledger.district_admin
    assert AuditRecord.objects.get(action=AuditAction.IMPORT).source == "command:import_hotline"


def test_the_command_lists_bad_rows_keeps_good_ones_and_fails(ledger, hotline_file, hotline_rows, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(hotline_file(hotline_rows))
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 created, 0 already imported, 5 failed"):
        call_command("import_hotline", str(path), "--district", "530113", "--as", "da", stdout=out)

    assert "row 7, 联系电话:" in out.getvalue()
    assert Case.objects.count() == 3


def test_a_dry_run_saves_nothing(ledger, hotline_file, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(
        hotline_file(
            [{"工单编号": "R1", "来电时间": "2024-03-05", "诉求内容": "内容", "所属网格": "集义社区"}]
        )
    )

    output = command(str(path), "--district", "530113", "--as", "da", "--dry-run")

    assert "1 created" in output
    assert "Dry run" in output
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--district", "530113", "--as", "nobody-at-all"], "No active user"),
        (["--district", "999999", "--as", "da"], "No district has the code 999999"),
        (["--district", "530113", "--as", "resident_a"], "You cannot import cases into this district."),
    ],
)
def test_the_command_refuses_unknown_users_districts_and_people_without_rights(
    ledger, hotline_file, tmp_path, args, message
):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(hotline_file([{"工单编号": "R1", "来电时间": "2024-03-05", "诉求内容": "内容"}]))

    with pytest.raises(CommandError, match=message):
        command(str(path), *args)


def test_a_missing_file_is_a_clear_error(ledger, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        command(str(tmp_path / "missing.xlsx"), "--district", "530113", "--as", "da")
