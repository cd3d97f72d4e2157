"""The base survey (摸清底数): a unit's statistics table with its children, and its Excel export.

A unit the user may not read people data of is "not found" (404), like a unit that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import ADMINISTRATIVE_KINDS, UnitKind
from grassroots.org.models import Unit
from grassroots.people import survey
from grassroots.people.choices import FacilityKind, OrganizationCategory
from grassroots.web import session
from grassroots.web.views.home import default_survey_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str


def _survey_unit(user: User, code: str | None) -> Unit:
    """The unit of the survey page: visible, administrative, and open to reading people data."""
    if code is None:
        unit = default_survey_unit(user)
        if unit is None:
            raise Http404
    else:
        unit_or_none = (
            access.units_visible_to(user).filter(code=code, kind__in=sorted(ADMINISTRATIVE_KINDS)).first()
        )
        if unit_or_none is None:
            raise Http404
        unit = unit_or_none
    if not access.can_read_people_in(user, unit):
        raise Http404
    return unit


def _breadcrumb(user: User, unit: Unit) -> list[Crumb]:
    """From the highest ancestor whose table the user may read down to ``unit``."""
    readable = [a for a in unit.ancestors(include_self=True) if access.can_read_people_in(user, a)]
    return [Crumb(code=a.code, name=a.name) for a in readable]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@login_required
@require_GET
def survey_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The statistics table (基本情况统计表) of a unit and its children (docs/domain.md §2)."""
    user = session.account(request)
    unit = _survey_unit(user, code)
    if request.GET.get("format") == "xlsx":
        return _workbook_response(request, unit)
    rows = survey.survey(unit, levels=1)  # the unit first (path order), then its children
    context = {
        "nav": "survey",
        "unit": unit,
        "unit_kind": UnitKind(unit.kind).label,
        "breadcrumb": _breadcrumb(user, unit),
        "org_categories": OrganizationCategory.labels,
        "facility_kinds": FacilityKind.labels,
        "table": [_table_row(row, link=row.unit_id != unit.pk) for row in rows],
        "formulas": survey.formulas(),
        "today": timezone.localdate(),
    }
    return render(request, "web/survey.html", context)


def _table_row(row: survey.SurveyRow, *, link: bool) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "kind": UnitKind(row.kind).label,
        "link": link,
        "counts_before": [row.households, row.residents, row.elderly],
        "elderly_share": _percent(row.elderly_share),
        "counts_middle": [row.party_members, row.buildings, row.grids, row.grids_covered],
        "grid_coverage": _percent(row.grid_coverage),
        "organizations": [row.organizations.get(value, 0) for value in OrganizationCategory.values],
        "facilities": [row.facilities.get(value, 0) for value in FacilityKind.values],
    }


@login_required
@require_GET
def survey_workbook(request: HttpRequest, code: str) -> HttpResponse:
    """The table as an Excel workbook: one level below the unit, or ``?levels=all`` down to grids."""
    return _workbook_response(request, _survey_unit(session.account(request), code))


def _workbook_response(request: HttpRequest, unit: Unit) -> HttpResponse:
    levels = None if request.GET.get("levels") == "all" else 1
    rows = survey.survey(unit, levels=levels)
    response = HttpResponse(survey.workbook(unit, rows), content_type=XLSX)
    safe_code = re.sub(r"[^A-Za-z0-9_.-]", "_", unit.code)
    filename = f"survey-{safe_code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("survey/", survey_page, name="survey"),
    path("survey/<str:code>.xlsx", survey_workbook, name="survey-xlsx"),
    path("survey/<str:code>/", survey_page, name="survey-unit"),
]
