"""The board's choices: which period (a month by default; quarters and years), which unit (down
the tree within one's scope), and bad choices shown as form errors."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from grassroots.cases import metrics

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def get(client, board_unit, **params):
    return client.get(reverse("web:board-unit", args=[board_unit.code]), params, **EN)


def test_the_default_period_is_the_current_month(rich_world, client_for):
    response = get(client_for("district_admin"), rich_world.district)

    period = response.context["board"].period
    assert period == metrics.current_period("month")
    assert response.context["board"].table.source == metrics.LIVE
    # nothing to go forward to from the current period
    assert response.context["next_query"] == ""


def test_any_day_chooses_the_quarter_or_year_containing_it(rich_world, client_for):
    client = client_for("district_admin")

    quarter = get(client, rich_world.district, period="quarter", start="2025-05-17").context
    year = get(client, rich_world.district, period="year", start="2025-05-17").context

    assert quarter["board"].period == metrics.Period("quarter", dt.date(2025, 4, 1))
    assert quarter["period_label"] == "2025 Q2"
    assert [p.label for p in quarter["board"].trend][:2] == ["2022 Q3", "2022 Q4"]
    assert year["board"].period == metrics.Period("year", dt.date(2025, 1, 1))
    assert [p.label for p in year["board"].trend] == [str(y) for y in range(2014, 2026)]


def test_the_trend_ends_with_the_chosen_period_and_steps_back_and_forth(rich_world, client_for):
    response = get(client_for("district_admin"), rich_world.district, period="month", start="2025-01-20")

    trend = response.context["board"].trend
    assert len(trend) == 12
    assert (trend[0].label, trend[-1].label) == ("2024-02", "2025-01")
    assert "start=2024-12-01" in response.context["previous_query"]
    assert "start=2025-02-01" in response.context["next_query"]
    # the chosen period is offered in the choice even when it is not among the recent ones
    options = response.context["period_options"]
    assert [o.label for o in options if o.selected] == ["2025-01"]


def test_a_future_or_malformed_day_is_a_form_error(rich_world, client_for):
    client = client_for("district_admin")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    for start in (tomorrow.isoformat(), "2025-13-01", "1900-01-01"):
        response = get(client, rich_world.district, start=start)
        assert response.status_code == 400, start
        assert "board" not in response.context
        assert response.context["form"].errors["start"]
    assert get(client, rich_world.district, period="week").status_code == 400


def test_the_unit_choice_goes_down_the_tree_and_keeps_the_period(rich_world, client_for):
    w = rich_world
    client = client_for("street_staff")

    response = get(client, w.street, unit=w.community.code, period="quarter", start="2025-01-01")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:board-unit", args=[w.community.code]) + "?")
    assert "period=quarter" in response["Location"]
    assert "start=2025-01-01" in response["Location"]
    assert "unit=" not in response["Location"]
    page = client.get(response["Location"], **EN)
    assert page.context["unit"] == w.community
    # the choice offers the street above and the grids below
    html = page.content.decode()
    for unit in (w.street, w.grid_x, w.grid_y):
        assert f'<option value="{unit.code}"' in html
    assert [crumb.code for crumb in page.context["breadcrumb"]] == [w.street.code, w.community.code]
    # a unit outside the scope is not found, from the choice as from the address
    assert get(client, w.street, unit=w.street2.code).status_code == 404


def test_the_children_rows_link_to_their_boards(rich_world, client_for):
    w = rich_world
    html = get(
        client_for("community_worker"), w.community, period="month", start="2025-03-01"
    ).content.decode()
    for grid in (w.grid_x, w.grid_y):
        assert f'href="/board/{grid.code}/?period=month&amp;start=2025-03-01"' in html
