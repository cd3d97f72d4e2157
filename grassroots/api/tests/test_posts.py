"""Posts through the API: assigning, ending and handing over a grid's primary owner (docs/domain.md §2)."""

from conftest import make_user
from grassroots.org.models import Post


def post_of(user):
    return Post.objects.get(user=user, ended_on__isnull=True)


def test_assigning_a_grid_leader_answers_the_new_post(client_for, rich_world):
    leader = make_user("leader")

    response = client_for("community_worker").post(
        "/api/posts/",
        {"user": str(leader.uid), "role": "grid_leader", "unit": rich_world.grid_x.code},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["username"] == "leader"
    assert body["unit"] == {"code": rich_world.grid_x.code, "name": rich_world.grid_x.name}
    assert body["is_primary"] is False  # the grid manager already is the primary owner


def test_a_role_at_the_wrong_kind_of_unit_is_a_field_error(client_for, rich_world):
    response = client_for("street_staff").post(
        "/api/posts/",
        {"user": str(make_user("x").uid), "role": "grid_leader", "unit": rich_world.community.code},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"unit"}


def test_an_unknown_user_is_a_field_error(client_for, rich_world):
    response = client_for("community_worker").post(
        "/api/posts/",
        {
            "user": "00000000-0000-0000-0000-000000000000",
            "role": "grid_leader",
            "unit": rich_world.grid_x.code,
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"user"}


def test_making_another_post_primary_hands_the_grid_over(client_for, rich_world):
    client = client_for("community_worker")
    leader = make_user("leader")
    created = client.post(
        "/api/posts/",
        {"user": str(leader.uid), "role": "grid_leader", "unit": rich_world.grid_x.code},
        format="json",
    ).json()

    response = client.post(f"/api/posts/{created['id']}/make-primary/")

    assert response.status_code == 200
    assert response.json()["is_primary"] is True
    assert post_of(rich_world.grid_manager_x).is_primary is False


def test_ending_the_primary_post_passes_the_primary_on(client_for, rich_world):
    client = client_for("community_worker")
    leader = make_user("leader")
    client.post(
        "/api/posts/",
        {"user": str(leader.uid), "role": "grid_leader", "unit": rich_world.grid_x.code},
        format="json",
    )
    manager_post = post_of(rich_world.grid_manager_x)

    response = client.post(f"/api/posts/{manager_post.pk}/end/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["ended_on"] is not None
    assert post_of(leader).is_primary is True


def test_ending_a_post_twice_is_a_field_error(client_for, rich_world):
    client = client_for("community_worker")
    url = f"/api/posts/{post_of(rich_world.grid_manager_x).pk}/end/"
    client.post(url, {}, format="json")

    response = client.post(url, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"ended_on"}


def test_a_non_core_post_cannot_be_made_primary(client_for, rich_world):
    client = client_for("community_worker")
    officer = client.post(
        "/api/posts/",
        {"user": str(make_user("police").uid), "role": "police_officer", "unit": rich_world.grid_x.code},
        format="json",
    ).json()

    response = client.post(f"/api/posts/{officer['id']}/make-primary/")

    assert response.status_code == 400
    assert "is_primary" in response.json()
