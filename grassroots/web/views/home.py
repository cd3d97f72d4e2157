"""Sign-in, sign-out, the home page (by role) and the unit switcher."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import TREE_SCOPE_ROLES
from grassroots.org.models import Post, Unit
from grassroots.people import access as people_access
from grassroots.people.models import Household, Resident
from grassroots.web import session


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
    user = session.account(request)
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
        "nav": "home",
        "posts": _post_lines(posts),
        "household": household,
        "members": members,
        "survey_unit": survey_unit,
        "can_use_admin": admin.site.has_permission(request),
        "show_api_docs": bool(posts) or access.is_superuser(user),
    }
    return render(request, "web/home.html", context)


@login_required
@require_POST
def switch_post(request: HttpRequest) -> HttpResponse:
    """The unit switcher: work in another of one's own posts, back on the page one came from."""
    try:
        post_id = int(request.POST.get("post", ""))
    except ValueError:
        post_id = 0
    session.choose_post(request, post_id)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


urlpatterns = [
    path("", home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("switch/", switch_post, name="switch-post"),
]
