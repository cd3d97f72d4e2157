"""The metrics through the API: rows with counts, ratios and formulas; rankings; the class split.

Data (March 2025, Asia/Shanghai):
    grid X: received 03-05, first acted on in time, due 03-20, closed solved 03-10, rated satisfied
    grid Y: received 03-06, never acted on, due 03-15, still open (overdue)
Hand computation: X: response 1/1, completion 1/1, on time 1/1, satisfaction 1/1, reopen 0/1.
    Y: response 0/1, completion 0/1, on time 0/1, satisfaction and reopen empty (nothing rated or closed).
    community C = X + Y: response 1/2, completion 1/2, on time 1/2, satisfaction 1/1, reopen 0/1.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from conftest import PERSONAS
from grassroots.cases import metrics
from grassroots.cases.models import SlaSettings

SHANGHAI = timezone.get_default_timezone()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def march(rich_world, put_case):
    w = rich_world
    put_case(
        w.grid_x,
        received_at=at("2025-03-05 09:00"),
        response_due_at=at("2025-03-06 09:00"),
        first_response_at=at("2025-03-05 10:00"),
        due_at=at("2025-03-20 18:00"),
        closed_at=at("2025-03-10 12:00"),
        outcome="solved",
        rated_at=at("2025-03-11 12:00"),
        satisfaction="satisfied",
        triage_class="community",
    )
    put_case(
        w.grid_y,
        received_at=at("2025-03-06 09:00"),
        response_due_at=at("2025-03-07 09:00"),
        due_at=at("2025-03-15 18:00"),
        state="in_progress",
        triage_class="major",
    )
    return w


def get(client, path, **params):
    return client.get(path, params)


def test_the_table_has_counts_ratios_and_the_published_formulas(client_for, march):
    w = march
    response = get(client_for("community_worker"), "/api/metrics/", unit=w.community.code, start="2025-03-15")

    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["start"], body["end"]) == ("month", "2025-03-01", "2025-03-31")
    assert body["complete"] is True
    assert body["source"] == "live"
    rows = {row["code"]: row for row in body["rows"]}
    assert list(rows) == [w.community.code, w.grid_x.code, w.grid_y.code]
    assert rows[w.community.code]["ratios"] == {
        "response": 0.5,
        "completion": 0.5,
        "on_time": 0.5,
        "satisfaction": 1.0,
        "reopen": 0.0,
    }
    assert rows[w.grid_y.code]["ratios"] == {
        "response": 0.0,
        "completion": 0.0,
        "on_time": 0.0,
        "satisfaction": None,
        "reopen": None,
    }
    assert rows[w.grid_x.code]["counts"] == {
        "received": 1,
        "responded_in_time": 1,
        "due": 1,
        "solved": 1,
        "solved_in_time": 1,
        "rated": 1,
        "satisfied": 1,
        "closed": 1,
        "reopened": 0,
    }
    assert set(body["formulas"]) == set(rows[w.community.code]["ratios"])


def test_the_formulas_come_in_the_language_asked_for(client_for, march):
    response = client_for("community_worker").get(
        "/api/metrics/", {"unit": march.community.code}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["formulas"]["satisfaction"].startswith("Satisfaction rate = (satisfied")


def test_frozen_figures_say_so(client_for, march):
    call_command("freeze_metrics", "--kind", "month", "--until", "2025-04-01", stdout=io.StringIO())

    body = get(
        client_for("district_admin"), "/api/metrics/", unit=march.community.code, start="2025-03-01"
    ).json()

    assert body["source"] == "frozen"
    assert all(row["frozen_at"] for row in body["rows"])
    assert body["rows"][0]["counts"]["due"] == 2


EXPECTED = {
    "resident_a": 404,
    "resident_b": 404,
    "grid_manager_x": 404,  # a grid manager reads their grid, not the community above it
    "grid_manager_y": 404,
    "community_worker": 200,
    "street_staff": 200,
    "department_handler": 404,  # sees the units, not the people's requests under them
    "district_admin": 200,
    "nobody": 404,
    "root": 200,
}


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
@pytest.mark.parametrize("path", ["/api/metrics/", "/api/metrics/ranking/", "/api/metrics/split/"])
def test_only_people_whose_scope_covers_the_unit_see_its_figures(client_for, march, persona, path):
    params = {"unit": march.community.code, "start": "2025-03-01", "metric": "completion"}

    response = client_for(persona).get(path, params)

    assert response.status_code == EXPECTED[persona]


def test_a_grid_manager_sees_the_figures_of_their_grid(client_for, march):
    response = get(client_for("grid_manager_x"), "/api/metrics/", unit=march.grid_x.code)

    assert response.status_code == 200


def test_anonymous_callers_must_sign_in(client_for, march):
    response = get(client_for("anonymous"), "/api/metrics/", unit=march.community.code)

    assert response.status_code == 401


def test_the_ranking_lists_small_units_as_insufficient_sample(client_for, march):
    w = march
    body = get(
        client_for("community_worker"),
        "/api/metrics/ranking/",
        unit=w.community.code,
        start="2025-03-01",
        metric="completion",
    ).json()

    assert body["min_sample"] == 20
    with translation.override("zh-hans"):  # the page's language, here the default
        assert body["formula"] == str(metrics.FORMULAS["completion"])
    assert body["formula"].startswith("办结率")
    assert [(e["code"], e["rank"], e["insufficient_sample"]) for e in body["entries"]] == [
        (w.grid_x.code, None, True),
        (w.grid_y.code, None, True),
    ]


def test_the_ranking_ranks_once_the_sample_is_large_enough(client_for, march):
    w = march
    SlaSettings.objects.create(district=w.district, min_ranking_sample=1)

    body = get(
        client_for("community_worker"),
        "/api/metrics/ranking/",
        unit=w.community.code,
        start="2025-03-01",
        metric="completion",
    ).json()

    assert [(e["code"], e["rank"], e["value"], e["sample"]) for e in body["entries"]] == [
        (w.grid_x.code, 1, 1.0, 1),
        (w.grid_y.code, 2, 0.0, 1),
    ]


def test_the_split_counts_classes_and_categories(client_for, march):
    body = get(
        client_for("community_worker"),
        "/api/metrics/split/",
        unit=march.community.code,
        period="quarter",
        start="2025-02-01",
    ).json()

    assert (body["period"], body["start"], body["end"]) == ("quarter", "2025-01-01", "2025-03-31")
    assert body["received"] == 2
    assert body["by_class"] == {"major": 1, "community": 1, "private": 0, "unclassified": 0}
    assert body["top_categories"] == []
    assert body["uncategorised"] == 2


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/metrics/", {}, "unit"),
        ("/api/metrics/", {"period": "week"}, "period"),
        ("/api/metrics/", {"start": "March"}, "start"),
        ("/api/metrics/", {"levels": 9}, "levels"),
        ("/api/metrics/ranking/", {}, "metric"),
        ("/api/metrics/ranking/", {"metric": "speed"}, "metric"),
        ("/api/metrics/split/", {"top": 0}, "top"),
    ],
)
def test_bad_parameters_are_field_errors(client_for, march, path, params, field):
    query = {"unit": march.community.code} | params if field != "unit" else params

    response = client_for("community_worker").get(path, query)

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_unit_is_not_found(client_for, march):
    response = get(client_for("district_admin"), "/api/metrics/", unit="nowhere")

    assert response.status_code == 404


def test_without_a_start_the_current_period_is_shown(client_for, march):
    body = get(client_for("community_worker"), "/api/metrics/", unit=march.community.code).json()

    today = timezone.localdate()
    assert body["start"] == today.replace(day=1).isoformat()
    assert body["complete"] is False
