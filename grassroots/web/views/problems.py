"""Candidate common problems (共性问题): the list, hottest first, and one candidate with its cases,
where staff accept it — the common problem is created through the ledger's act — or dismiss it
(docs/triage.md, "Common problems").

The pages are for the triage roles; a candidate is seen where its place lies in the user's scope
(``triage.problems.candidates_visible_to``) and decided by the triage roles at or above it
(``triage.actions.may_decide``). Out of sight is "not found".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from grassroots.cases.access import TRIAGE_ROLES
from grassroots.cases.models import Case
from grassroots.core.errors import Conflict
from grassroots.core.models import User
from grassroots.org import access
from grassroots.triage import problems
from grassroots.triage.actions import accept_candidate, dismiss_candidate, may_decide
from grassroots.triage.models import CandidateState, ProblemCandidate
from grassroots.web import session
from grassroots.web.forms import add_action_errors

STATES = [
    (CandidateState.PROPOSED, pgettext_lazy("candidate", "Proposed")),
    (CandidateState.ACCEPTED, pgettext_lazy("candidate", "Accepted")),
    (CandidateState.DISMISSED, pgettext_lazy("candidate", "Dismissed")),
]
PAGE_SIZE = 50


def offered(user: User) -> bool:
    """The triage roles (community, street and district staff), who link common problems."""
    return access.is_superuser(user) or access.has_role(user, *TRIAGE_ROLES)


def _staff(request: HttpRequest) -> User:
    user = session.account(request)
    if not offered(user):
        raise Http404
    return user


def _candidate(user: User, uid: str) -> ProblemCandidate:
    return get_object_or_404(
        problems.candidates_visible_to(user).select_related("unit", "problem", "decided_by"), uid=uid
    )


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=gettext_lazy("Title of the common problem"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea)
    cases = forms.MultipleChoiceField(
        label=gettext_lazy("Cases to link"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, members: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {case.number: case for case in members}
        field = self.fields["cases"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(case.number, f"{case.number} {case.title}") for case in members]

    def chosen(self) -> list[Case]:
        return [self.members[number] for number in self.cleaned_data["cases"]]


def _accept_form(candidate: ProblemCandidate, members: list[Case], data: Any = None) -> AcceptForm:
    linkable = [case.number for case in members if case.is_open and case.problem_id is None]
    return AcceptForm(
        data,
        members=members,
        initial={"version": candidate.version, "title": candidate.label, "cases": linkable},
    )


def _render(
    request: HttpRequest,
    user: User,
    candidate: ProblemCandidate,
    form: AcceptForm | None = None,
    status: int = 200,
    members: list[Case] | None = None,
) -> HttpResponse:
    if members is None:
        members = list(problems.members_visible_to(user, candidate))
    deciding = candidate.state == CandidateState.PROPOSED and may_decide(user, candidate)
    if deciding and form is None:
        form = _accept_form(candidate, members)
    context = {
        "nav": "problems",
        "candidate": candidate,
        "members": members,
        "form": form if deciding else None,
        "deciding": deciding,
    }
    return render(request, "web/problems/detail.html", context, status=status)


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    state = request.GET.get("state", CandidateState.PROPOSED)
    if state not in CandidateState.values:
        state = CandidateState.PROPOSED
    found: QuerySet[ProblemCandidate] = (
        problems.candidates_visible_to(user)
        .filter(state=state)
        .select_related("unit", "problem")
        .order_by("-heat", "-case_count", "id")
    )
    context = {
        "nav": "problems",
        "candidates": list(found[:PAGE_SIZE]),
        "state": state,
        "states": STATES,
        "last_run": problems.candidates_visible_to(user)
        .order_by("-found_at")
        .values_list("found_at", flat=True)
        .first(),
    }
    return render(request, "web/problems/list.html", context)


@login_required
@require_GET
def problem_detail(request: HttpRequest, uid: str) -> HttpResponse:
    user = _staff(request)
    return _render(request, user, _candidate(user, uid))


@login_required
@require_POST
def problem_accept(request: HttpRequest, uid: str) -> HttpResponse:
    user = _staff(request)
    candidate = _candidate(user, uid)
    members = list(problems.members_visible_to(user, candidate))
    form = _accept_form(candidate, members, request.POST)
    if not form.is_valid():
        return _render(request, user, candidate, form, 400, members)
    try:
        with transaction.atomic():
            accept_candidate(
                candidate,
                actor=user,
                version=form.cleaned_data["version"],
                cases=form.chosen(),
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
    except ValidationError as exc:
        add_action_errors(form, exc)
        return _render(request, user, candidate, form, 400, members)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You are not allowed to do this."))
        return _render(request, user, candidate, form, 403, members)
    except Conflict as exc:
        # Decided or changed meanwhile: the page as it is now (its cases may have changed), with the
        # person's input kept; the message stands above it, whether or not it is still offered.
        candidate.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(candidate.version)
        form = _accept_form(candidate, list(problems.members_visible_to(user, candidate)), data)
        form.is_valid()
        messages.error(request, exc.message)
        return _render(request, user, candidate, form, 409)
    messages.success(request, _("The common problem was created."))
    return redirect(reverse("web:problem", args=[candidate.uid]))


@login_required
@require_POST
def problem_dismiss(request: HttpRequest, uid: str) -> HttpResponse:
    user = _staff(request)
    candidate = _candidate(user, uid)
    version = request.POST.get("version", "")
    if not version.isdigit():  # the page always sends the version it showed
        messages.error(request, _("Reload the page and try again."))
        return redirect(reverse("web:problem", args=[candidate.uid]))
    try:
        dismiss_candidate(candidate, actor=user, version=int(version))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You are not allowed to do this."))
        return redirect(reverse("web:problem", args=[candidate.uid]))
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(reverse("web:problem", args=[candidate.uid]))
    messages.success(request, _("The candidate was dismissed."))
    return redirect(reverse("web:problems"))


urlpatterns = [
    path("problems/", problem_list, name="problems"),
    path("problems/<uuid:uid>/", problem_detail, name="problem"),
    path("problems/<uuid:uid>/accept/", problem_accept, name="problem-accept"),
    path("problems/<uuid:uid>/dismiss/", problem_dismiss, name="problem-dismiss"),
]
