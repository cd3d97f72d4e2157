"""Every panel of the board is an Excel file (``?export=<panel>``) with the figures of the page;
the overdue list, a list of cases, goes through ``cases.export`` and leaves an audit record."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from grassroots.cases import export, metrics
from grassroots.cases.models import SlaSettings
from grassroots.cases.tests import test_metrics_formulas as formulas_data
from grassroots.cases.tests import test_metrics_ranking as ranking_data
from grassroots.core.models import AuditRecord
from grassroots.people import survey

march = formulas_data.march
grids = ranking_data.grids
MARCH = {"period": "month", "start": "2025-03-01"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
RATES = ["Response rate", "Completion rate", "On-time rate", "Satisfaction rate", "Reopen rate"]
COUNTS = [
    "Cases received",
    "Responded in time",
    "Cases due",
    "Solved of those due",
    "Solved in time",
    "Cases rated",
    "Satisfied or basically satisfied",
    "Closed as solved",
    "Reopened at least once",
]


def download(client, unit, panel, **params):
    response = client.get(
        reverse("web:board-unit", args=[unit.code]), {**MARCH, **params, "export": panel}, **EN
    )
    assert response.status_code == 200, panel
    assert response["Content-Type"] == export.XLSX
    assert response["Content-Disposition"].startswith(f'attachment; filename="board-{panel}-')
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_metrics_panel_exports_the_unit_and_its_children(march, client_for):
    w = march
    rows = download(client_for("district_admin"), w.district, "metrics")

    assert rows[0][0] == "示范区 — Metrics (2025-03)"
    assert rows[1] == ["Code", "Unit", "Kind", "Source", *COUNTS, *RATES]
    district = rows[2]
    assert district[:4] == [w.district.code, "示范区", "District", "live"]
    assert district[4:13] == [10, 6, 8, 5, 3, 4, 3, 5, 2]
    assert district[13:] == [0.6, 0.625, 0.375, 0.75, 0.4]
    assert [row[0] for row in rows[3:5]] == [w.street.code, w.street2.code]
    # a ratio on an empty denominator is an empty cell, not 0
    assert rows[4][13:] == [0.0, None, None, None, None]
    # the formulas travel with the figures
    with translation.override("en"):
        assert [row[0] for row in rows[-5:]] == list(metrics.formulas().values())


def test_the_trend_panel_exports_twelve_periods(march, client_for):
    rows = download(client_for("district_admin"), march.district, "trend")

    assert rows[1] == ["Period", "First day", "Last day", "Source", *COUNTS, *RATES]
    periods = rows[2:14]
    assert [row[0] for row in periods] == [f"2024-{m:02d}" for m in range(4, 13)] + [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    last = periods[-1]
    assert (last[1].date(), last[2].date()) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert last[4:13] == [10, 6, 8, 5, 3, 4, 3, 5, 2]
    assert last[13:] == [0.6, 0.625, 0.375, 0.75, 0.4]


def test_the_quarter_trend_counts_quarters(march, client_for):
    rows = download(client_for("district_admin"), march.district, "trend", period="quarter")

    assert rows[13][0] == "2025 Q1"
    assert rows[2][0] == "2022 Q2"


@pytest.fixture
def split_cases(ledger, put_case):
    """March 2025 under street S: 2 major (城乡建设), 3 community (社区事务), 1 private
    (家庭事务), 1 neither triaged nor categorised (as in ``test_metrics_split.py``)."""
    w = ledger
    at = timezone.make_aware(dt.datetime(2025, 3, 10, 9, 0))
    for triage_class, category, unit in [
        ("major", w.cat_road, w.grid_x),
        ("major", w.cat_build, w.grid_y),
        ("community", w.cat_light, w.grid_x),
        ("community", w.cat_light, w.grid_z),
        ("community", w.cat_comm, w.grid_x),
        ("private", w.cat_clean, w.grid_x),
        ("", None, w.grid_x),
    ]:
        put_case(unit, received_at=at, triage_class=triage_class, category=category)
    return w


def test_the_split_panel_exports_the_three_classes(split_cases, client_for):
    rows = download(client_for("street_staff"), split_cases.street, "split")

    assert rows[1] == ["Class", "Cases received", "Share"]
    assert rows[2:7] == [
        ["Major (大事)", 2, pytest.approx(2 / 7)],
        ["Community (小事)", 3, pytest.approx(3 / 7)],
        ["Private (私事)", 1, pytest.approx(1 / 7)],
        ["Not yet triaged", 1, pytest.approx(1 / 7)],
        ["Total received", 7, None],
    ]


def test_the_categories_panel_exports_the_top_categories(split_cases, client_for):
    rows = download(client_for("street_staff"), split_cases.street, "categories")

    assert rows[1] == ["Category", "Cases received", "Share"]
    assert rows[2:7] == [
        ["社区事务", 3, pytest.approx(3 / 7)],
        ["城乡建设", 2, pytest.approx(2 / 7)],
        ["家庭事务", 1, pytest.approx(1 / 7)],
        ["No category", 1, pytest.approx(1 / 7)],
        ["Total received", 7, None],
    ]


def test_the_ranking_panel_exports_ranked_and_unranked_units(grids, client_for):
    w = grids
    SlaSettings.objects.create(district=w.district, min_ranking_sample=3)

    rows = download(client_for("community_worker"), w.community, "ranking")

    assert rows[1] == [
        "Rank",
        "Code",
        "Unit",
        "Completion rate",
        "Solved of those due",
        "Cases due",
        "Status",
    ]
    assert rows[2] == [1, w.grid_u.code, "第三网格", 1.0, 5, 5, "ranked"]
    assert sorted(row[1] for row in rows[3:5]) == sorted([w.grid_x.code, w.grid_y.code])
    assert [row[0] for row in rows[3:5]] == [2, 2]
    assert rows[5] == [None, w.grid_v.code, "第四网格", 1.0, 2, 2, "insufficient sample"]
    notes = [row[0] for row in rows[7:]]
    assert notes[0].startswith("Completion rate =")
    assert "below 3 cases" in notes[1]


def test_the_survey_panel_exports_the_base_survey(rich_world, client_for):
    w = rich_world
    rows = download(client_for("community_worker"), w.community, "survey")

    with translation.override("en"):
        expected = load_workbook(io.BytesIO(survey.workbook(w.community, survey.survey(w.community)))).active
    expected_rows = [list(row) for row in expected.iter_rows(values_only=True)]
    assert rows == expected_rows
    assert rows[1][:5] == ["Code", "Unit", "Kind", "Households", "Residents"]
    assert rows[2][:5] == [w.community.code, "桂苑社区", "Community", 2, 2]


def test_the_overdue_list_exports_through_the_audited_case_export(rich_world, client_for, put_case):
    w = rich_world
    now = timezone.now()
    red = put_case(w.grid_x, received_at=now - dt.timedelta(days=9), state="in_progress", case_color="red")
    yellow = put_case(w.grid_y, received_at=now, state="routed", stage_color="yellow")
    put_case(w.grid_x, received_at=now, state="in_progress")  # no warning
    put_case(w.grid_x, received_at=now, outcome="solved", case_color="red")  # closed
    put_case(w.grid_z, received_at=now, state="in_progress", case_color="red")  # other community

    rows = download(client_for("community_worker"), w.community, "overdue")

    with translation.override("en"):
        assert rows[0] == export.headers()
    assert sorted(row[0] for row in rows[1:]) == sorted([red.number, yellow.number])
    record = AuditRecord.objects.get(actor=w.community_worker, action="export")
    assert record.changes["rows"] == 2
    assert record.changes["filter"] == {"color": ["red", "yellow"], "open": "true", "unit": w.community.code}
