"""Every export leaves one audit record: who, the format, the filters and the row count."""

from __future__ import annotations

from conftest import PHONE_A
from grassroots.cases.export import export_cases
from grassroots.core.models import AuditAction, AuditRecord
from grassroots.org.access import audit_records_visible_to


def test_an_export_is_recorded_with_its_filters_and_row_count(ledger, report):
    report()
    report(household=ledger.household_y, reporter=ledger.resident_b)

    result = export_cases(
        ledger.community_worker, fmt="xlsx", params={"unit": ledger.grid_x.code, "open": "true"}
    )

    record = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert result.rows == 1
    assert record.actor == ledger.community_worker
    assert record.target_type == "cases.case"
    assert record.changes == {
        "format": "xlsx",
        "filter": {"open": "true", "unit": ledger.grid_x.code},
        "rows": 1,
    }
    assert record.scope_path == ledger.community.path


def test_personal_filter_values_are_recorded_sealed(ledger, report):
    report()

    export_cases(ledger.district_admin, fmt="csv", params={"reporter_phone": PHONE_A})

    record = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert record.changes["filter"] == {"reporter_phone": "changed"}
    assert PHONE_A not in str(record.changes)


def test_the_district_administrator_reads_the_exports_made_below(ledger, report):
    report()

    export_cases(ledger.grid_manager_x, fmt="csv")
    export_cases(ledger.housing_handler, fmt="csv")

    seen = audit_records_visible_to(ledger.district_admin).filter(action=AuditAction.EXPORT)
    assert set(seen.values_list("actor", flat=True)) == {ledger.grid_manager_x.pk, ledger.housing_handler.pk}
    assert not audit_records_visible_to(ledger.community_worker).filter(action=AuditAction.EXPORT).exists()


def test_an_empty_export_is_recorded_too(ledger):
    export_cases(ledger.nobody, fmt="csv")

    assert AuditRecord.objects.get(action=AuditAction.EXPORT).changes["rows"] == 0
