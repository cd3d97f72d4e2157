"""The unit switcher: a person with several posts works in the one they choose, starting in the
highest; they can choose only their own posts, and choosing never widens what they may read."""

from __future__ import annotations

from django.urls import reverse

from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.web import session


def _second_post(world):
    """The community worker is also the grid leader of grid X."""
    return org_actions.assign_post(
        actor=world.root, user=world.community_worker, role=Role.GRID_LEADER, unit=world.grid_x
    )


def test_a_person_with_several_posts_starts_in_the_highest_and_can_switch(world, client):
    leader_post = _second_post(world)
    client.force_login(world.community_worker)

    page = client.get(reverse("web:home")).content.decode()
    assert 'name="post"' in page  # the switcher is offered
    community_post = world.community_worker.posts.get(role=Role.COMMUNITY_STAFF)
    assert f'value="{community_post.pk}" selected' in page

    response = client.post(reverse("web:switch-post"), {"post": leader_post.pk, "next": "/survey/"})
    assert (response.status_code, response["Location"]) == (302, "/survey/")
    assert client.session[session.SESSION_KEY] == leader_post.pk
    page = client.get(reverse("web:home")).content.decode()
    assert f'value="{leader_post.pk}" selected' in page


def test_someone_elses_post_cannot_be_chosen(world, client):
    client.force_login(world.grid_manager_y)
    foreign = world.grid_manager_x.posts.get()

    response = client.post(reverse("web:switch-post"), {"post": foreign.pk})

    assert response.status_code == 404
    assert session.SESSION_KEY not in client.session


def test_a_garbled_post_or_an_outside_return_address_is_harmless(world, client):
    _second_post(world)
    client.force_login(world.community_worker)
    assert client.post(reverse("web:switch-post"), {"post": "x"}).status_code == 404
    own = world.community_worker.posts.first()
    response = client.post(reverse("web:switch-post"), {"post": own.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_one_post_means_no_switcher(world, client):
    client.force_login(world.grid_manager_x)
    assert 'name="post"' not in client.get(reverse("web:home")).content.decode()


def test_switching_posts_never_widens_what_one_reads(world, client):
    leader_post = _second_post(world)
    client.force_login(world.community_worker)
    client.post(reverse("web:switch-post"), {"post": leader_post.pk})
    # still the whole community's table, as the community post allows
    assert client.get(reverse("web:survey-unit", args=[world.community.code])).status_code == 200
    assert client.get(reverse("web:survey-unit", args=[world.street.code])).status_code == 404


def test_the_switcher_requires_sign_in(world, client):
    response = client.post(reverse("web:switch-post"), {"post": 1})
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]
