"""Who may open the board of which unit: exactly the units whose people data they may read
(``org.access.can_read_people_in``, as the metrics API and the base survey); everything else is 404,
page and exports alike. A department handler's board is the overdue list of what they see."""

import pytest
from django.urls import reverse

from conftest import PERSONAS
from grassroots.core.models import AuditRecord
from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.web import session

UNITS = (
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
)
ALL = frozenset(UNITS)
READABLE = {
    "resident_a": frozenset(),
    "resident_b": frozenset(),
    "grid_manager_x": frozenset({"grid_x"}),
    "grid_manager_y": frozenset({"grid_y"}),
    "community_worker": frozenset({"community", "grid_x", "grid_y"}),
    "street_staff": frozenset({"street", "community", "community2", "grid_x", "grid_y", "grid_z"}),
    "department_handler": frozenset(),
    "district_admin": ALL,
    "nobody": frozenset(),
    "root": ALL,
}
DEFAULT_UNIT = {
    "grid_manager_x": "grid_x",
    "grid_manager_y": "grid_y",
    "community_worker": "community",
    "street_staff": "street",
    "district_admin": "district",
    "root": "district",
}
OFFERED = {"grid_manager_x", "grid_manager_y", "community_worker", "street_staff"}
OFFERED |= {"department_handler", "district_admin", "root"}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_board_opens_exactly_the_units_whose_people_data_one_reads(rich_world, client_for, persona):
    client = client_for(persona)
    for name in UNITS:
        url = reverse("web:board-unit", args=[getattr(rich_world, name).code])
        expected = 200 if name in READABLE[persona] else 404
        assert client.get(url).status_code == expected, (persona, name, "page")
        for panel in ("metrics", "overdue"):
            response = client.get(url, {"export": panel})
            assert response.status_code == expected, (persona, name, panel)


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_default_board_is_the_current_posts_unit(rich_world, client_for, persona):
    response = client_for(persona).get(reverse("web:board"))
    if persona in DEFAULT_UNIT:
        assert response.status_code == 200
        assert response.context["unit"] == getattr(rich_world, DEFAULT_UNIT[persona])
    elif persona == "department_handler":
        assert response.status_code == 200
        assert "unit" not in response.context
        assert response.context["departments"] == [rich_world.department]
    else:
        assert response.status_code == 404


def test_the_unit_switcher_chooses_the_default_board_but_never_widens_it(rich_world, client_for):
    w = rich_world
    # the street staff also manages grid W, in the other street
    post = org_actions.assign_post(actor=w.root, user=w.street_staff, role=Role.GRID_MANAGER, unit=w.grid_w)
    client = client_for("street_staff")
    assert client.get(reverse("web:board")).context["unit"] == w.street

    client.post(reverse("web:switch-post"), {"post": post.pk, "next": "/board/"})

    assert client.session[session.SESSION_KEY] == post.pk
    assert client.get(reverse("web:board")).context["unit"] == w.grid_w
    # grid W opens, its community does not: a post opens its own subtree only
    assert client.get(reverse("web:board-unit", args=[w.grid_w.code])).status_code == 200
    assert client.get(reverse("web:board-unit", args=[w.community3.code])).status_code == 404


def test_a_grid_manager_sees_their_grid_only(rich_world, client_for):
    w = rich_world
    client = client_for("grid_manager_x")
    assert client.get(reverse("web:board")).context["unit"] == w.grid_x
    for unit in (w.grid_y, w.community, w.street, w.district, w.grid_w):
        assert client.get(reverse("web:board-unit", args=[unit.code])).status_code == 404
    # choosing another unit in the form is no way round it
    response = client.get(reverse("web:board-unit", args=[w.grid_x.code]), {"unit": w.grid_y.code})
    assert response.status_code == 404


def test_a_building_and_an_unknown_code_have_no_board(rich_world, client_for):
    client = client_for("root")
    assert client.get(reverse("web:board-unit", args=[rich_world.building_x.code])).status_code == 404
    assert client.get(reverse("web:board-unit", args=["no-such-unit"])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(rich_world, client_for):
    response = client_for("anonymous").get(reverse("web:board-unit", args=[rich_world.district.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_board_is_read_only(rich_world, client_for):
    url = reverse("web:board-unit", args=[rich_world.district.code])
    assert client_for("district_admin").post(url).status_code == 405


def test_a_department_handler_exports_their_overdue_list_and_nothing_else(rich_world, client_for):
    client = client_for("department_handler")
    response = client.get(reverse("web:board"), {"export": "overdue"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert AuditRecord.objects.filter(actor=rich_world.department_handler, action="export").count() == 1
    assert client.get(reverse("web:board"), {"export": "metrics"}).status_code == 404


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_the_board_is_offered_to_staff_of_a_unit_or_a_department(rich_world, client_for, persona):
    page = client_for(persona).get(reverse("web:home"))
    offered = [link.key for link in page.context["nav_links"]]
    assert ("board" in offered) == (persona in OFFERED)
