"""Signing in: knox tokens (hashed, expiring) for clients, the session for pages, and ``me``."""

import datetime as dt

from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle


def login(username, password, **headers):
    return APIClient().post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", **headers
    )


def test_a_token_from_login_signs_in_later_requests(rich_world):
    response = login("gm_x", "pw-gm_x")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "gm_x"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = client.get("/api/auth/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "gm_x"
    assert client.get(f"/api/residents/{rich_world.resident_a.uid}/").status_code == 200


def test_tokens_are_stored_only_as_their_hash(rich_world):
    token = login("gm_x", "pw-gm_x").json()["token"]

    row = AuthToken.objects.get(user=rich_world.grid_manager_x)
    assert row.digest == hash_token(token)
    assert token not in (row.digest, row.token_key)
    assert row.token_key == token[: len(row.token_key)]  # the lookup prefix only


def test_tokens_expire_after_the_configured_lifetime(rich_world):
    before = timezone.now()
    body = login("gm_x", "pw-gm_x").json()

    row = AuthToken.objects.get(user=rich_world.grid_manager_x)
    ttl = knox_settings.TOKEN_TTL
    assert before + ttl <= row.expiry <= timezone.now() + ttl
    assert body["expiry"] is not None

    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/auth/me/").status_code == 401


def test_a_wrong_password_is_a_400_and_issues_no_token(rich_world):
    response = login("gm_x", "wrong")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not AuthToken.objects.exists()


def test_a_disabled_account_cannot_sign_in(rich_world):
    rich_world.grid_manager_x.is_active = False
    rich_world.grid_manager_x.save()

    assert login("gm_x", "pw-gm_x").status_code == 400


def test_login_attempts_are_throttled_per_client(rich_world):
    allowed = int(str(ScopedRateThrottle.THROTTLE_RATES["login"]).split("/")[0])

    answers = [login("gm_x", "wrong").status_code for _ in range(allowed + 1)]

    assert answers[:allowed] == [400] * allowed
    assert answers[allowed] == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_login_limit(rich_world):
    allowed = int(str(ScopedRateThrottle.THROTTLE_RATES["login"]).split("/")[0])

    answers = [
        login("gm_x", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(allowed + 1)
    ]

    assert answers[allowed] == 429


def test_logout_deletes_the_token_used(rich_world):
    token = login("gm_x", "pw-gm_x").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.post("/api/auth/logout/").status_code == 204

    assert not AuthToken.objects.exists()
    assert client.get("/api/auth/me/").status_code == 401


def test_logout_ends_a_page_session(client_for):
    client = client_for("grid_manager_x")

    assert client.post("/api/auth/logout/").status_code == 204

    assert client.get("/api/auth/me/").status_code == 401


def test_me_lists_active_posts_with_their_units(client_for, rich_world):
    body = client_for("grid_manager_x").get("/api/auth/me/").json()

    assert body["resident"] is None
    [post] = body["posts"]
    assert post["role"] == "grid_manager"
    assert post["unit_code"] == rich_world.grid_x.code
    assert post["unit_name"] == rich_world.grid_x.name
    assert post["is_primary"] is True


def test_me_names_the_linked_resident_record(client_for, rich_world):
    body = client_for("resident_a").get("/api/auth/me/").json()

    assert body["posts"] == []
    assert body["resident"] == str(rich_world.resident_a.uid)


def test_me_shows_a_department_post_by_its_department(client_for, rich_world):
    [post] = client_for("department_handler").get("/api/auth/me/").json()["posts"]

    assert post["unit_code"] is None
    assert post["department_code"] == rich_world.department.code
