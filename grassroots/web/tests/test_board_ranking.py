"""The ranking panel ranks the units below by the chosen rate, as ``metrics.ranking`` does: ties
share a rank, and a unit resting on fewer cases than the minimum sample is listed, unranked, as
"insufficient sample" (docs/domain.md §3.5). Data: ``cases/tests/test_metrics_ranking.py``."""

import datetime as dt
import re

from django.urls import reverse

from grassroots.cases import metrics
from grassroots.cases.models import SlaSettings
from grassroots.cases.tests import test_metrics_ranking as known

grids = known.grids  # four grids of community C with cases due in March 2025, as a fixture here
MARCH = {"period": "month", "start": "2025-03-01"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def ranking_page(client, unit, **params):
    response = client.get(reverse("web:board-unit", args=[unit.code]), {**MARCH, **params}, **EN)
    assert response.status_code == 200
    return response


def test_units_below_the_minimum_sample_are_listed_unranked(grids, client_for):
    w = grids
    SlaSettings.objects.create(district=w.district, min_ranking_sample=3)

    response = ranking_page(client_for("community_worker"), w.community)

    lines = response.context["board"].ranked
    expected = metrics.ranking(w.community, "month", dt.date(2025, 3, 1), "completion")
    assert [(line.code, line.rank, line.insufficient) for line in lines] == [
        (entry.row.code, entry.rank, entry.status == metrics.INSUFFICIENT_SAMPLE)
        for entry in expected.entries
    ]
    assert [(line.rank, line.insufficient) for line in lines] == [
        (1, False),
        (2, False),
        (2, False),
        (None, True),
    ]
    assert lines[0].code == w.grid_u.code
    assert lines[-1].code == w.grid_v.code
    # V's 100 % on 2 cases: shown with its figures, marked, after the ranked units
    html = response.content.decode()
    row = re.search(r'<tr class="unranked">(.*?)</tr>', html, re.S)
    assert row is not None
    assert "insufficient sample" in row.group(1)
    assert w.grid_v.name in row.group(1)
    assert "100.0%" in row.group(1)
    assert "2/2" in row.group(1)
    assert "below 3 cases" in html
    # the chart ranks only the ranked units
    assert response.context["charts"]["ranking"]["values"] == [100.0, 75.0, 75.0]


def test_with_the_default_minimum_of_twenty_nobody_is_ranked(grids, client_for):
    response = ranking_page(client_for("community_worker"), grids.community)

    assert all(line.insufficient and line.rank is None for line in response.context["board"].ranked)
    assert "ranking" not in response.context["charts"]
    assert "below 20 cases" in response.content.decode()


def test_the_ranking_follows_the_chosen_rate(grids, client_for):
    w = grids
    SlaSettings.objects.create(district=w.district, min_ranking_sample=3)

    response = ranking_page(client_for("community_worker"), w.community, rank="reopen")

    lines = response.context["board"].ranked
    # U 0/5 and Y 0/3 share first place; X 1/3 is third; V closed 2 < 3
    assert {line.code for line in lines if line.rank == 1} == {w.grid_u.code, w.grid_y.code}
    assert [(line.code, line.rank) for line in lines[2:]] == [(w.grid_x.code, 3), (w.grid_v.code, None)]
    assert response.context["board"].ranking.metric == "reopen"


def test_a_grid_has_nothing_to_rank(grids, client_for):
    response = ranking_page(client_for("grid_manager_x"), grids.grid_x)

    assert response.context["board"].ranking is None
    assert "A grid has no units below it to rank." in response.content.decode()
    export = client_for("grid_manager_x").get(
        reverse("web:board-unit", args=[grids.grid_x.code]), {**MARCH, "export": "ranking"}
    )
    assert export.status_code == 404


def test_an_unknown_rate_is_a_form_error(grids, client_for):
    response = client_for("community_worker").get(
        reverse("web:board-unit", args=[grids.community.code]), {**MARCH, "rank": "speed"}, **EN
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
