"""Lists are cursor-paginated: stable pages, opaque cursors, every row exactly once."""

from grassroots.api.pagination import CursorPagination
from grassroots.people import actions as people_actions


def test_following_next_links_visits_every_row_once(client_for, rich_world):
    w = rich_world
    for i in range(7):
        people_actions.register_household(actor=w.root, grid=w.grid_x, address=f"桂苑社区{i}号")
    client = client_for("grid_manager_x")

    seen, url, pages = [], "/api/households/?page_size=3", 0
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        assert len(body["results"]) <= 3
        seen += [row["uid"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert len(seen) == len(set(seen)) == 8  # household X and the seven new ones


def test_a_row_added_between_pages_does_not_shift_the_next_page(client_for, rich_world):
    w = rich_world
    for i in range(4):
        people_actions.register_household(actor=w.root, grid=w.grid_x, address=f"桂苑社区{i}号")
    client = client_for("grid_manager_x")
    first = client.get("/api/households/", {"page_size": 2}).json()

    people_actions.register_household(actor=w.root, grid=w.grid_x, address="新来的一户")
    second = client.get(first["next"]).json()

    first_uids = {row["uid"] for row in first["results"]}
    assert not first_uids & {row["uid"] for row in second["results"]}
    assert len(second["results"]) == 2


def test_the_page_size_has_a_ceiling(client_for, rich_world, monkeypatch):
    monkeypatch.setattr(CursorPagination, "max_page_size", 3)

    body = client_for("district_admin").get("/api/units/", {"page_size": 100000}).json()

    assert len(body["results"]) == 3
    assert body["next"] is not None
