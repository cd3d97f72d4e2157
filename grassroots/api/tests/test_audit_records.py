"""Audit records are read by district administrators (their subtree) and superusers (docs/domain.md §8)."""

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.core.models import AuditAction, AuditRecord


def rows(client, **params):
    response = client.get("/api/audit/", {"page_size": 500, **params})
    assert response.status_code == 200
    return response.json()["results"]


@pytest.mark.parametrize(
    "persona",
    ["resident_a", "grid_manager_x", "community_worker", "street_staff", "department_handler", "nobody"],
)
def test_only_administrators_read_audit_records(client_for, rich_world, persona):
    assert rows(client_for(persona)) == []


def test_a_district_administrator_reads_the_districts_records_newest_first(client_for, rich_world):
    records = rows(client_for("district_admin"))

    assert len(records) == AuditRecord.objects.exclude(scope_path="").count()
    assert [r["id"] for r in records] == sorted((r["id"] for r in records), reverse=True)


def test_records_filter_by_actor_action_target_and_date(client_for, rich_world):
    w = rich_world
    client_for("grid_manager_x").post(
        f"/api/residents/{w.resident_a.uid}/reveal/",
        {"field": "phone", "purpose": "核实联系方式"},
        format="json",
    )
    client = client_for("district_admin")
    today = timezone.localdate()

    by_actor = rows(client, actor=str(w.grid_manager_x.uid))
    by_action = rows(client, action=AuditAction.VIEW_PII)
    by_target = rows(client, target_type="people.resident", target_id=str(w.resident_a.uid))
    yesterday = rows(client, date_before=(today - dt.timedelta(days=1)).isoformat())
    today_rows = rows(client, date_after=today.isoformat(), date_before=today.isoformat())

    assert [r["action"] for r in by_actor] == ["view_pii"]
    assert by_actor[0]["purpose"] == "核实联系方式"
    assert by_actor[0]["actor"] == str(w.grid_manager_x.uid)
    assert len(by_action) == 1
    assert {r["action"] for r in by_target} == {"create", "view_pii"}
    assert yesterday == []
    assert len(today_rows) == len(rows(client))


def test_audit_records_cannot_be_written_through_the_api(client_for, rich_world):
    client = client_for("root")
    record = AuditRecord.objects.latest("id")

    assert client.post("/api/audit/", {}, format="json").status_code == 405
    assert client.patch(f"/api/audit/{record.pk}/", {"purpose": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/audit/{record.pk}/").status_code == 405
