"""Who may enter the admin: holders of a people-editor post and superusers, by their posts alone
(no ``is_staff`` flag set by hand); residents and the rest are kept out. (Department handlers enter
for the ledger only: grassroots/cases/tests/test_admin_case_access.py.)"""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.web.tests.conftest import ADMITTED, KEPT_OUT


@pytest.mark.parametrize("persona", ADMITTED)
def test_post_holders_enter_the_admin_without_a_staff_flag(rich_world, client_for, user_of, persona):
    if persona != "root":
        assert not user_of(persona).is_staff
    response = client_for(persona).get(reverse("admin:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", [*KEPT_OUT, "anonymous"])
def test_others_are_sent_to_the_admin_sign_in(rich_world, client_for, persona):
    response = client_for(persona).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.PARTY_GUIDE, "grid_x"),
        (Role.MICRO_GRID_WORKER, "grid_x"),
        (Role.POLICE_OFFICER, "grid_y"),
        (Role.PARTY_MEMBER, "community"),
        (Role.VOLUNTEER, "community"),
    ],
)
def test_readers_party_members_volunteers_and_couriers_are_kept_out(rich_world, role, unit):
    user = make_user(f"u-{role}")
    org_actions.assign_post(actor=rich_world.root, user=user, role=role, unit=getattr(rich_world, unit))
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_community_worker_signs_in_through_the_admin_form(rich_world):
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "cw", "password": "pw-cw", "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_form_refuses_a_resident(rich_world):
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "resident_a", "password": "pw-resident_a"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_ended_post_closes_the_admin(rich_world, client_for):
    post = rich_world.community_worker.posts.get()
    client = client_for("community_worker")
    assert client.get(reverse("admin:index")).status_code == 200
    org_actions.end_post(actor=rich_world.root, post=post)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_speaks_chinese(rich_world, client_for):
    body = client_for("district_admin").get(reverse("admin:index")).content.decode()
    assert 'lang="zh-hans"' in body
    assert "注销" in body  # Django's "Log out"


def test_only_district_admins_and_superusers_see_the_audit_log_in_the_index(rich_world, client_for):
    audit_url = reverse("admin:core_auditrecord_changelist")
    assert audit_url in client_for("district_admin").get(reverse("admin:index")).content.decode()
    assert audit_url in client_for("root").get(reverse("admin:index")).content.decode()
    for persona in ("community_worker", "street_staff", "grid_manager_x"):
        assert audit_url not in client_for(persona).get(reverse("admin:index")).content.decode()
