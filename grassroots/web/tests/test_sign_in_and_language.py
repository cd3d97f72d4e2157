"""Signing in and out, and switching language (zh-hans by default, English on request)."""

import pytest
from django.test import Client
from django.urls import reverse


def test_the_sign_in_page_is_chinese_by_default(db):
    response = Client().get(reverse("web:login"))
    assert response.status_code == 200
    assert b'lang="zh-hans"' in response.content
    assert "用户名" in response.content.decode()  # Django's own "Username", translated


def test_a_community_worker_signs_in_and_lands_on_home(world):
    client = Client()
    response = client.post(reverse("web:login"), {"username": "cw", "password": "pw-cw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert "桂苑社区" in home.content.decode()


def test_a_wrong_password_is_an_error_on_the_form(world):
    response = Client().post(reverse("web:login"), {"username": "cw", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in Client().session


def test_signing_out_ends_the_session(world):
    client = Client()
    client.force_login(world.community_worker)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert client.get(reverse("web:home")).status_code == 302


def test_switching_to_english_changes_the_pages(db):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("web:login")})
    assert response.status_code == 302
    page = client.get(reverse("web:login"))
    assert b'lang="en"' in page.content
    assert b"Username" in page.content


@pytest.mark.parametrize("path", ["/", "/survey/", "/survey/530113/", "/survey/530113.xlsx"])
def test_an_anonymous_visitor_is_sent_to_sign_in(world, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")
