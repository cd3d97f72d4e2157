"""Change and add views: an object outside the user's scope is "not found"; one inside it opens,
editable only where the posts allow; add views open for the posts that may create the record."""

import pytest
from django.urls import reverse

from grassroots.core.models import AuditRecord
from grassroots.web.tests.conftest import ADMITTED
from grassroots.web.tests.test_admin_who_sees_which_rows import EXPECTED

OBJECTS = {
    admin_name: sorted(set().union(*by_persona.values())) for admin_name, by_persona in EXPECTED.items()
}

ADD_ALLOWED = {
    "org_unit": {"community_worker", "street_staff", "district_admin", "root"},
    "org_partyorg": {"community_worker", "street_staff", "district_admin", "root"},
    "org_post": {"community_worker", "street_staff", "district_admin", "root"},
    "org_department": {"district_admin", "root"},
    "people_household": set(ADMITTED),
    "people_resident": set(ADMITTED),
    "people_partymember": set(ADMITTED),
    "people_organization": set(ADMITTED),
    "people_facility": set(ADMITTED),
    "core_auditrecord": set(),
    "core_user": {"root"},
}


@pytest.mark.parametrize("admin_name", sorted(EXPECTED))
@pytest.mark.parametrize("persona", ADMITTED)
def test_a_change_view_opens_only_inside_the_scope(rich_world, client_for, admin_name, persona):
    client = client_for(persona)
    for name in OBJECTS[admin_name]:
        obj = getattr(rich_world, name)
        response = client.get(reverse(f"admin:{admin_name}_change", args=[obj.pk]))
        if name in EXPECTED[admin_name][persona]:
            assert response.status_code == 200, (persona, name)
        else:
            # not found and not allowed look the same: back to the index with "does not exist"
            assert response.status_code == 302, (persona, name)
            assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("admin_name", sorted(ADD_ALLOWED))
@pytest.mark.parametrize("persona", ADMITTED)
def test_an_add_view_opens_for_the_posts_that_may_create(rich_world, client_for, admin_name, persona):
    response = client_for(persona).get(reverse(f"admin:{admin_name}_add"))
    assert response.status_code == (200 if persona in ADD_ALLOWED[admin_name] else 403)


def test_a_grid_manager_edits_their_households_but_only_views_their_grid(rich_world, client_for):
    client = client_for("grid_manager_x")
    household = client.get(reverse("admin:people_household_change", args=[rich_world.household_x.pk]))
    assert household.context["has_change_permission"] is True
    grid = client.get(reverse("admin:org_unit_change", args=[rich_world.grid_x.pk]))
    assert grid.status_code == 200
    assert grid.context["has_change_permission"] is False
    refused = client.post(reverse("admin:org_unit_change", args=[rich_world.grid_x.pk]), {"name": "改名"})
    assert refused.status_code == 403
    rich_world.grid_x.refresh_from_db()
    assert rich_world.grid_x.name == "第一网格"


def test_the_audit_log_is_read_only_even_for_the_superuser(rich_world, client_for):
    client = client_for("root")
    entry = AuditRecord.objects.filter(target_id=str(rich_world.resident_a.uid)).earliest("id")
    url = reverse("admin:core_auditrecord_change", args=[entry.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(url, {"purpose": "x"}).status_code == 403
    assert client.get(reverse("admin:core_auditrecord_add")).status_code == 403


@pytest.mark.parametrize("admin_name", sorted(EXPECTED))
def test_nothing_can_be_deleted(rich_world, client_for, admin_name):
    obj = getattr(rich_world, OBJECTS[admin_name][0])
    client = client_for("root")
    assert client.get(reverse(f"admin:{admin_name}_delete", args=[obj.pk])).status_code == 403
    actions = client.get(reverse(f"admin:{admin_name}_changelist")).context["action_form"].fields["action"]
    assert "delete_selected" not in dict(actions.choices)
