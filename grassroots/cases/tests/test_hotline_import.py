"""A 12345 hotline ledger imports its good rows, reports its bad ones, and never imports twice."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest

from conftest import assert_no_plaintext
from grassroots.cases.choices import Channel, EventKind, ReporterKind, State, Urgency
from grassroots.cases.hotline import import_hotline
from grassroots.cases.models import Case
from grassroots.core.models import AuditAction, AuditRecord

FORMATS = [("xlsx", ""), ("csv", "gb18030"), ("csv", "utf-8-sig"), ("csv", "utf-8")]


def run(ledger, data, **options):
    options.setdefault("actor", ledger.district_admin)
    return import_hotline(io.BytesIO(data), district=ledger.district, **options)


@pytest.mark.parametrize(("fmt", "encoding"), FORMATS)
def test_good_rows_are_kept_and_bad_rows_are_reported_by_row_and_column(
    ledger, hotline_file, hotline_rows, fmt, encoding
):
    report = run(ledger, hotline_file(hotline_rows, fmt=fmt, encoding=encoding))

    assert (report.rows, report.created, report.already_imported, report.failed) == (8, 3, 0, 5)
    problems = {(e.row, e.column) for e in report.errors}
    assert problems == {(5, "工单编号"), (6, "问题分类"), (7, "联系电话"), (8, "来电时间"), (9, "经度")}
    messages = {e.row: e.message for e in report.errors}
    assert "No category is called 不存在/分类" in messages[6]
    assert "outside every unit" in messages[9]
    assert sorted(Case.objects.values_list("source_ref", flat=True)) == [
        "RX2024001",
        "RX2024002",
        "RX2024003",
    ]


@pytest.mark.parametrize(("fmt", "encoding"), FORMATS)
def test_importing_the_same_file_again_creates_no_duplicates(
    ledger, hotline_file, hotline_rows, fmt, encoding
):
    data = hotline_file(hotline_rows, fmt=fmt, encoding=encoding)
    run(ledger, data)

    again = run(ledger, data)

    assert (again.rows, again.created, again.already_imported, again.failed) == (8, 0, 3, 5)
    assert Case.objects.count() == 3
    assert "0 created, 3 already imported, 5 failed" in again.summary()


def test_each_row_becomes_a_hotline_case_placed_categorised_and_sealed(ledger, hotline_file, hotline_rows):
    run(ledger, hotline_file(hotline_rows))

    road = Case.objects.get(source_ref="RX2024001")
    light = Case.objects.get(source_ref="RX2024002")
    waste = Case.objects.get(source_ref="RX2024003")
    assert {road.channel, light.channel, waste.channel} == {Channel.HOTLINE}
    assert {road.state, light.state, waste.state} == {State.REGISTERED}
    assert (road.grid, road.unit, road.category) == (ledger.grid_x, ledger.grid_x, ledger.cat_road)
    assert (light.unit, light.category) == (ledger.grid_y, ledger.cat_light)
    assert (waste.unit, waste.category) == (ledger.community2, ledger.cat_comm)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert road.received_at == dt.datetime(2024, 3, 5, 9, 30, tzinfo=shanghai)
    assert light.received_at == dt.datetime(2024, 3, 6, 14, 5, tzinfo=shanghai)
    assert waste.received_at == dt.datetime(2024, 3, 7, 8, 15, tzinfo=shanghai)
    assert (road.urgency, waste.urgency) == (Urgency.URGENT, Urgency.NORMAL)
    assert (road.title, road.address) == ("路面塌陷", "桂苑路口")
    assert "区住建局" in road.description  # 承办单位 kept for triage
    assert light.title == "2栋楼道灯坏了很久了"  # no title: the description's first line
    assert (road.reporter_kind, road.reporter_name, road.phone_masked) == (
        ReporterKind.ON_BEHALF,
        "王五",
        "138****2222",
    )
    assert "13811112222" not in road.phone_cipher
    assert (light.reporter_kind, light.reporter_name, light.public_anonymous) == (
        ReporterKind.ANONYMOUS,
        "",
        True,
    )
    assert road.created_by == ledger.district_admin
    assert road.events.get().kind == EventKind.REGISTER


def test_every_case_is_audited_by_the_action_and_the_import_once(ledger, hotline_file, hotline_rows):
    run(ledger, hotline_file(hotline_rows), file_name="12345-2024-03.xlsx")

    created = AuditRecord.objects.filter(action=AuditAction.CREATE, target_type="cases.case")
    assert created.count() == 3
    assert set(created.values_list("actor", flat=True)) == {ledger.district_admin.pk}
    summary = AuditRecord.objects.get(action=AuditAction.IMPORT)
    assert summary.target_label == "12345-2024-03.xlsx"
    assert summary.scope_path == ledger.district.path
    assert summary.changes == {"rows": 8, "created": 3, "already_imported": 0, "failed": 5}
    for record in AuditRecord.objects.all():
        assert_no_plaintext(str(record.changes), allowed=())
        assert "13811112222" not in str(record.changes)


def test_a_dry_run_checks_every_row_and_saves_nothing(ledger, hotline_file, hotline_rows):
    report = run(ledger, hotline_file(hotline_rows), dry_run=True)

    assert (report.created, report.failed) == (3, 5)
    assert "Dry run" in report.summary()
    assert not Case.objects.exists()
    assert not AuditRecord.objects.filter(action=AuditAction.IMPORT).exists()
    assert not AuditRecord.objects.filter(target_type="cases.case").exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_ticket_repeated_in_the_file_counts_as_already_imported_across_batches(
    ledger, hotline_file, dry_run
):
    row = {"工单编号": "R1", "来电时间": "2024-03-05 09:30", "诉求内容": "同一工单", "所属网格": "集义社区"}
    rows = [row, {**row, "工单编号": "R2"}, {**row, "工单编号": "R3"}, row, {**row, "工单编号": "R2"}]

    report = run(ledger, hotline_file(rows), batch_size=2, dry_run=dry_run)

    assert (report.created, report.already_imported, report.failed) == (3, 2, 0)
    assert Case.objects.count() == (0 if dry_run else 3)


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_ticket_repeated_within_one_batch_is_entered_once(ledger, hotline_file, dry_run):
    row = {"工单编号": "R1", "来电时间": "2024-03-05 09:30", "诉求内容": "同一工单", "所属网格": "集义社区"}
    report = run(ledger, hotline_file([row, {**row, "工单编号": "R2"}, row]), dry_run=dry_run)

    assert (report.created, report.already_imported, report.failed) == (2, 1, 0)
    assert Case.objects.count() == (0 if dry_run else 2)


def test_a_ticket_entered_meanwhile_by_another_import_is_already_imported(
    ledger, hotline_file, hotline_rows, monkeypatch
):
    """Another import enters one of the batch's tickets after the batch looked at the ledger:
    the batch's insert fails as a whole, so it is entered row by row, and that row counts as
    already imported."""
    from grassroots.cases.hotline import _Importer

    data = hotline_file(hotline_rows)
    run(ledger, hotline_file(hotline_rows[:1]))  # the other import
    monkeypatch.setattr(_Importer, "known", lambda self, refs: set())  # looked before it committed

    report = run(ledger, data)

    assert (report.rows, report.created, report.already_imported, report.failed) == (8, 2, 1, 5)
    assert sorted(Case.objects.values_list("source_ref", flat=True)) == [
        "RX2024001",
        "RX2024002",
        "RX2024003",
    ]
