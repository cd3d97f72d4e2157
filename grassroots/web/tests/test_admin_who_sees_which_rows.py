"""Every admin change list shows exactly the rows of the model's ``*_visible_to`` scope, per persona."""

import pytest
from django.urls import reverse

from grassroots.core.models import AuditRecord, User
from grassroots.org import access
from grassroots.org.models import Post
from grassroots.web.tests.conftest import ADMITTED, KEPT_OUT

ALL_UNITS = frozenset(
    {
        "district",
        "street",
        "street2",
        "community",
        "community2",
        "community3",
        "grid_x",
        "grid_y",
        "grid_z",
        "grid_w",
        "building_x",
    }
)
ALL_HOUSEHOLDS = frozenset({"household_x", "household_y", "household_z", "household_w"})

# model admin → persona → names of world objects on the change list
EXPECTED: dict[str, dict[str, frozenset[str] | set[str]]] = {
    "people_household": {
        "grid_manager_x": {"household_x"},
        "grid_manager_y": {"household_y"},
        "community_worker": {"household_x", "household_y"},
        "street_staff": {"household_x", "household_y", "household_z"},
        "district_admin": ALL_HOUSEHOLDS,
        "root": ALL_HOUSEHOLDS,
    },
    "people_resident": {
        "grid_manager_x": {"resident_a"},
        "grid_manager_y": {"resident_b"},
        "community_worker": {"resident_a", "resident_b"},
        "street_staff": {"resident_a", "resident_b"},
        "district_admin": {"resident_a", "resident_b"},
        "root": {"resident_a", "resident_b"},
    },
    "people_partymember": {
        "grid_manager_x": set(),
        "grid_manager_y": set(),
        "community_worker": {"member"},
        "street_staff": {"member"},
        "district_admin": {"member"},
        "root": {"member"},
    },
    "people_organization": {
        "grid_manager_x": {"organization"},
        "grid_manager_y": set(),
        "community_worker": {"organization"},
        "street_staff": {"organization"},
        "district_admin": {"organization"},
        "root": {"organization"},
    },
    "people_facility": {  # the community's 一有七中心 serve its grids too
        "grid_manager_x": {"facility"},
        "grid_manager_y": {"facility"},
        "community_worker": {"facility"},
        "street_staff": {"facility"},
        "district_admin": {"facility"},
        "root": {"facility"},
    },
    "org_unit": {
        "grid_manager_x": {"grid_x", "building_x"},
        "grid_manager_y": {"grid_y"},
        "community_worker": {"community", "grid_x", "grid_y", "building_x"},
        "street_staff": {"street", "community", "community2", "grid_x", "grid_y", "grid_z", "building_x"},
        "district_admin": ALL_UNITS,
        "root": ALL_UNITS,
    },
    "org_partyorg": {  # grid staff work with their community's branches
        "grid_manager_x": {"branch"},
        "grid_manager_y": {"branch"},
        "community_worker": {"branch"},
        "street_staff": {"branch"},
        "district_admin": {"branch"},
        "root": {"branch"},
    },
    "org_department": {persona: {"department"} for persona in ADMITTED},
}


def listed(client, admin_name):
    response = client.get(reverse(f"admin:{admin_name}_changelist"))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("admin_name", sorted(EXPECTED))
@pytest.mark.parametrize("persona", ADMITTED)
def test_a_change_list_shows_the_personas_scope(rich_world, client_for, admin_name, persona):
    expected = {getattr(rich_world, name).pk for name in EXPECTED[admin_name][persona]}
    assert listed(client_for(persona), admin_name) == expected


def test_a_grid_manager_sees_only_their_grids_households(rich_world, client_for):
    assert listed(client_for("grid_manager_x"), "people_household") == {rich_world.household_x.pk}


@pytest.mark.parametrize("persona", ADMITTED)
def test_the_posts_list_is_the_staff_directory_of_the_visible_units(rich_world, client_for, user_of, persona):
    expected = set(access.posts_visible_to(user_of(persona)).values_list("pk", flat=True))
    assert listed(client_for(persona), "org_post") == expected
    if persona == "grid_manager_x":
        assert expected == {Post.objects.get(user=rich_world.grid_manager_x).pk}


def test_a_district_admin_reads_the_audit_log_of_their_district(rich_world, client_for):
    expected = set(access.audit_records_visible_to(rich_world.district_admin).values_list("pk", flat=True))
    assert expected
    assert listed(client_for("district_admin"), "core_auditrecord") == expected


def test_the_superuser_reads_every_audit_record(rich_world, client_for):
    assert listed(client_for("root"), "core_auditrecord") == set(
        AuditRecord.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("persona", ["grid_manager_x", "grid_manager_y", "community_worker", "street_staff"])
def test_other_staff_cannot_open_the_audit_log(rich_world, client_for, persona):
    assert client_for(persona).get(reverse("admin:core_auditrecord_changelist")).status_code == 403


def test_only_the_superuser_manages_accounts(rich_world, client_for):
    assert listed(client_for("root"), "core_user") == set(User.objects.values_list("pk", flat=True))
    for persona in ("district_admin", "street_staff", "community_worker", "grid_manager_x"):
        assert client_for(persona).get(reverse("admin:core_user_changelist")).status_code == 403


@pytest.mark.parametrize("admin_name", [*sorted(EXPECTED), "org_post", "core_auditrecord", "core_user"])
@pytest.mark.parametrize("persona", [*KEPT_OUT, "anonymous"])
def test_the_kept_out_reach_no_change_list(rich_world, client_for, admin_name, persona):
    response = client_for(persona).get(reverse(f"admin:{admin_name}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
