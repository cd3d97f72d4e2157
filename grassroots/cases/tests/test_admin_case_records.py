"""Deadline extensions and supervision records are read-only lists in the admin, scoped through
their cases; they change only through the acts on the case's page. Case events have no admin of
their own (the timeline is on the case's page)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Attachment, CaseEvent, Extension, SupervisionRecord


@pytest.fixture
def records(ledger, report):
    """An extension asked and a supervision record on a case held by grid X."""
    w = ledger
    case = report(category=w.cat_light)
    case = actions.triage_case(
        case, actor=w.community_worker, version=case.version, triage_class="community", reason="社区事务"
    )
    case = actions.route_case(case, actor=w.community_worker, version=case.version, level="grid")
    case = actions.accept_case(case, actor=w.grid_manager_x, version=case.version)
    extension = actions.request_extension(
        case, actor=w.grid_manager_x, version=case.version, days=2, reason="等材料"
    )
    case.refresh_from_db()
    actions.supervise_case(case, actor=w.street_staff, version=case.version, level="normal", reason="督办")
    return {"extension": extension, "supervision": SupervisionRecord.objects.get(case=case)}


def listed(client, admin_name):
    response = client.get(reverse(f"admin:{admin_name}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("admin_name", "name"), [("cases_extension", "extension"), ("cases_supervisionrecord", "supervision")]
)
def test_the_records_of_a_case_are_listed_where_the_case_is_seen(
    ledger, admin_client, records, admin_name, name
):
    w = ledger
    record = records[name]
    for user in (w.grid_manager_x, w.community_worker, w.street_staff, w.district_admin, w.root):
        assert listed(admin_client(user), admin_name) == [record]
    for user in (w.grid_manager_y, w.housing_handler):
        assert listed(admin_client(user), admin_name) == []
    url = reverse(f"admin:{admin_name}_change", args=[record.pk])
    opened = admin_client(w.community_worker).get(url)
    assert opened.status_code == 200
    assert opened.context["has_change_permission"] is False
    refused = admin_client(w.grid_manager_y).get(url)
    assert refused["Location"] == reverse("admin:index")


@pytest.mark.parametrize("admin_name", ["cases_extension", "cases_supervisionrecord", "cases_commonproblem"])
def test_records_are_neither_added_changed_nor_deleted_in_the_admin(
    ledger, admin_client, records, admin_name
):
    client = admin_client(ledger.root)
    assert client.get(reverse(f"admin:{admin_name}_add")).status_code == 403
    record = records["extension"] if admin_name == "cases_extension" else records["supervision"]
    if admin_name != "cases_commonproblem":
        url = reverse(f"admin:{admin_name}_change", args=[record.pk])
        assert client.post(url, {"reason": "改一下"}).status_code == 403
        assert client.get(reverse(f"admin:{admin_name}_delete", args=[record.pk])).status_code == 403
    assert Extension.objects.get().reason == "等材料"


def test_case_events_and_photos_have_no_admin_of_their_own():
    assert not admin.site.is_registered(CaseEvent)
    assert not admin.site.is_registered(Attachment)
