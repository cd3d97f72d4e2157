"""The first pages: sign-in, home (by role) and the base survey with its Excel export.

Views are thin (docs/architecture.md): they read through the scoping functions (``org.access``,
``people.access``) and the survey module, and render. A unit the user may not read people data
of is "not found" (404), like a unit that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.core.admin_site import signed_in
from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import ADMINISTRATIVE_KINDS, TREE_SCOPE_ROLES, UnitKind
from grassroots.org.models import Post, Unit
from grassroots.people import access as people_access
from grassroots.people import survey
from grassroots.people.choices import FacilityKind, OrganizationCategory
from grassroots.people.models import Household, Resident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _account(request: HttpRequest) -> User:
    user = signed_in(request.user)
    if user is None:  # login_required has let an inactive account through
        raise Http404
    return user


# -- home ---------------------------------------------------------------------------------------------


def default_survey_unit(user: User) -> Unit | None:
    """The unit of the user's highest post that opens people data (docs/domain.md §1); for a system
    administrator without posts, the first top-level unit."""
    posts = [p for p in access.active_posts(user) if p.unit is not None and p.role in TREE_SCOPE_ROLES]
    if posts:
        return min((p.unit for p in posts if p.unit is not None), key=lambda unit: (unit.depth, unit.path))
    if access.is_superuser(user):
        return access.units_visible_to(user).filter(parent__isnull=True).order_by("path").first()
    return None


@dataclass(frozen=True)
class PostLine:
    role: str
    place: str
    primary: bool


def _post_lines(posts: list[Post]) -> list[PostLine]:
    lines = []
    for post in sorted(posts, key=lambda p: (p.unit.path if p.unit else "~", p.role)):
        place = post.department if post.department is not None else post.unit
        lines.append(PostLine(role=post.get_role_display(), place=str(place), primary=post.is_primary))
    return lines


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user holds and can use now; a resident also sees their household."""
    user = _account(request)
    posts = access.active_posts(user)
    resident = people_access.own_resident(user)
    household: Household | None = None
    members: list[Resident] = []
    if resident is not None:
        household = people_access.households_visible_to(user).filter(pk=resident.household_id).first()
        members = list(
            people_access.residents_visible_to(user)
            .filter(household_id=resident.household_id, is_active=True)
            .order_by("id")
        )
    survey_unit = default_survey_unit(user)
    context = {
        "posts": _post_lines(posts),
        "household": household,
        "members": members,
        "survey_unit": survey_unit,
        "can_use_admin": admin.site.has_permission(request),
        "show_api_docs": bool(posts) or access.is_superuser(user),
    }
    return render(request, "web/home.html", context)


# -- base survey --------------------------------------------------------------------------------------


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
    user = _account(request)
    unit = _survey_unit(user, code)
    if request.GET.get("format") == "xlsx":
        return _workbook_response(request, unit)
    rows = survey.survey(unit, levels=1)  # the unit first (path order), then its children
    context = {
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
    return _workbook_response(request, _survey_unit(_account(request), code))


def _workbook_response(request: HttpRequest, unit: Unit) -> HttpResponse:
    levels = None if request.GET.get("levels") == "all" else 1
    rows = survey.survey(unit, levels=levels)
    response = HttpResponse(survey.workbook(unit, rows), content_type=XLSX)
    safe_code = re.sub(r"[^A-Za-z0-9_.-]", "_", unit.code)
    filename = f"survey-{safe_code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
