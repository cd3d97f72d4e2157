"""The overdue panel lists the open cases with a yellow or red warning under the unit that the
user may read, red first, each linked to its case page; a long list is paged."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from grassroots.cases.models import CaseDepartment
from grassroots.web.views.board import OVERDUE_PER_PAGE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def overdue(client, unit, **params):
    response = client.get(reverse("web:board-unit", args=[unit.code]), params, **EN)
    assert response.status_code == 200
    return response


def test_open_warned_cases_of_the_unit_red_first_and_linked(rich_world, client_for, put_case):
    w = rich_world
    now = timezone.now()
    yellow_x = put_case(
        w.grid_x,
        received_at=now,
        state="in_progress",
        stage_color="yellow",
        due_at=now + dt.timedelta(days=1),
    )
    red_y = put_case(
        w.grid_y, received_at=now, state="routed", case_color="red", due_at=now + dt.timedelta(days=3)
    )
    red_x = put_case(
        w.grid_x, received_at=now, state="in_progress", stage_color="red", due_at=now + dt.timedelta(days=2)
    )
    put_case(w.grid_x, received_at=now, state="in_progress")  # no warning
    put_case(w.grid_x, received_at=now, outcome="solved", case_color="red")  # closed
    put_case(w.grid_z, received_at=now, state="in_progress", case_color="red")  # another community

    response = overdue(client_for("community_worker"), w.community)

    listed = [case.number for case in response.context["overdue"]]
    assert listed == [red_x.number, red_y.number, yellow_x.number]
    html = response.content.decode()
    for number in listed:
        assert f'<a href="/cases/{number}/">{number}</a>' in html
    assert "3 cases open with a warning now" in html
    # a grid manager's board lists their grid's cases only
    mine = overdue(client_for("grid_manager_x"), w.grid_x).context["overdue"]
    assert [case.number for case in mine] == [red_x.number, yellow_x.number]


def test_a_long_overdue_list_is_paged(rich_world, client_for, put_case):
    w = rich_world
    now = timezone.now()
    for i in range(OVERDUE_PER_PAGE + 3):
        put_case(
            w.grid_x,
            received_at=now,
            state="in_progress",
            case_color="red",
            due_at=now + dt.timedelta(hours=i),
        )
    client = client_for("grid_manager_x")

    first = overdue(client, w.grid_x).context["overdue"]
    second = overdue(client, w.grid_x, page=2).context["overdue"]

    assert len(first) == OVERDUE_PER_PAGE
    assert len(second) == 3
    assert not {c.number for c in first} & {c.number for c in second}


def test_a_department_handler_sees_the_warned_cases_routed_to_their_department(
    rich_world, client_for, put_case
):
    w = rich_world
    now = timezone.now()
    theirs = put_case(w.grid_x, received_at=now, state="in_progress", case_color="red")
    CaseDepartment.objects.create(district=w.district, case=theirs, department=w.department)
    put_case(w.grid_y, received_at=now, state="in_progress", case_color="red")  # not routed to them

    response = client_for("department_handler").get(reverse("web:board"), **EN)

    assert response.status_code == 200
    assert [case.number for case in response.context["overdue"]] == [theirs.number]
    assert f'<a href="/cases/{theirs.number}/">' in response.content.decode()
