"""The audit log in the admin: read by district administrators (their district) and superusers,
filtered by action, date and object type, searched by object id and actor; an object's "history"
is its audit records."""

from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditAction, AuditRecord
from grassroots.people import actions as people_actions


def listed(client, **params):
    response = client.get(reverse("admin:core_auditrecord_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_filters_by_action_and_object_type(rich_world, client_for):
    people_actions.reveal_personal_data(
        actor=rich_world.district_admin, obj=rich_world.resident_b, attribute="phone", purpose="回访核实"
    )
    client = client_for("district_admin")
    views = listed(client, action__exact=AuditAction.VIEW_PII)
    assert [r.purpose for r in views] == ["回访核实"]
    households = listed(client, target_type="people.household")
    assert {r.target_id for r in households} == {
        str(h.uid)
        for h in (
            rich_world.household_x,
            rich_world.household_y,
            rich_world.household_z,
            rich_world.household_w,
        )
    }


def test_filters_by_date(rich_world, client_for):
    # the parameters of the date filter's "today" link: local midnight, with its offset
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    client = client_for("district_admin")
    assert listed(client, at__gte=midnight.isoformat())
    assert not listed(client, at__lt=midnight.replace(year=2000).isoformat())


def test_searches_by_object_id_and_actor(rich_world, client_for):
    client = client_for("district_admin")
    by_id = listed(client, q=str(rich_world.resident_a.uid))
    assert {r.target_id for r in by_id} == {str(rich_world.resident_a.uid)}
    people_actions.update_household(
        actor=rich_world.grid_manager_x, household=rich_world.household_x, door="1单元102"
    )
    by_actor = listed(client, q="gm_x")
    assert [r.actor for r in by_actor] == [rich_world.grid_manager_x]


def test_an_objects_history_is_its_audit_records(rich_world, client_for):
    client = client_for("district_admin")
    response = client.get(reverse("admin:people_resident_history", args=[rich_world.resident_a.pk]))
    assert response.status_code == 302
    records = listed(
        client, **dict(item.split("=") for item in response["Location"].split("?")[1].split("&"))
    )
    assert records
    assert {r.target_id for r in records} == {str(rich_world.resident_a.uid)}


def test_staff_without_the_audit_log_get_no_history(rich_world, client_for):
    url = reverse("admin:people_resident_history", args=[rich_world.resident_a.pk])
    assert client_for("community_worker").get(url).status_code == 403


def test_admin_account_changes_are_audited_for_superusers_only(rich_world, client_for):
    client = client_for("root")
    user = rich_world.nobody
    response = client.post(
        reverse("admin:core_user_change", args=[user.pk]),
        {
            "username": user.username,
            "display_name": "新名字",
            "email": "",
            "is_active": "on",
            "last_login_0": "",
            "date_joined_0": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = AuditRecord.objects.filter(target_type="core.user", target_id=str(user.uid)).get()
    assert record.action == AuditAction.UPDATE
    assert record.scope_path == ""
    assert record not in listed(client_for("district_admin"))
