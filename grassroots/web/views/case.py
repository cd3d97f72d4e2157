"""The case page: one case of the ledger with everything the viewer may see of it, and
a form for each act the viewer may take now (docs/domain.md §3, docs/ledger.md).

Reading. The case is looked up by its public number among ``cases.access.cases_visible_to(user)``;
a case the user may not see is "not found" (404), exactly like a number that does not exist. The
reporter's name and masked phone show only when ``access.may_see_reporter``; where they do not, the
timeline does not name the reporter either (as the API). Photos are served by ``case_photo`` to
those who see the case, never as public media.

Residents. A resident who reported the case sees it here like staff do, and is offered what
``cases.acts.available_acts`` gives a reporter — rating and reopening (within the window) — plus
attaching a photo (``actions.attach_photo`` lets the reporter). Their rating and reopening are their
own (``by_phone=False``); staff recording a call-back rate or reopen ``by_phone``. Every other
resident gets 404: the community's public matters are the resident portal's, without personal data.

Acting. The page offers only ``available_acts(user, case)`` (plus the photo upload where
``attach_photo`` allows it), each as the admin's form for that act (``cases.admin.act_forms``), with
the hidden version the page showed. Each form posts to ``/cases/<number>/act/<name>/``; the POST
always goes to the action, which decides (an act offered a moment ago may have been taken by
someone else since). Outcomes:

- done: the case panel is shown again, fresh, with a confirmation (a redirect to the page without JS);
- field errors: the form again, open, with its errors inline (400);
- ``NotAllowed``: the form again with the action's reason above it (403);
- ``Conflict`` on a stale version: "changed by someone else", the case as it is now and what changed
  since, and the person's input kept in the form with the fresh version, so that a deliberate second
  submit can go through — never a lost update (409). A ``Conflict`` that is not about the version
  (the act is impossible in the case's state) says so without the notice (409).

With htmx (loaded by every page) a form swaps the case panel in place, and every answer that
carries the panel is a 200 (the panel says what happened); without JavaScript the same URLs answer
with the whole page and the statuses above.

Category suggestions. Whoever is offered triage or re-triage sees, in that form, the likeliest
categories for the case's own title and description (``triage.suggest``, docs/triage.md), with their
confidence and the words that drove them; a suggestion confident enough (``preselect``) is
pre-selected when the case has no category yet and the form is fresh. Staff decide: nothing is
applied until they submit.

"Me too". The case's figure (``cases.heat``: its linked duplicates and residents' "me too") shows
beside its title when there is any, read in the query that finds the case.

Possible duplicates. Whoever is offered ``mark_duplicate`` on a registered or triaged case sees the
root originals that may repeat it (``triage.duplicates``, docs/triage.md), each with a one-click form
that posts the ``mark_duplicate`` act with the original's number filled in, like the act's own form.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from grassroots.cases import access, deadlines
from grassroots.cases.acts import BY_NAME, available_acts, describe_event
from grassroots.cases.admin.act_forms import (
    ATTACH_PHOTO,
    CASE_ACT_FORMS,
    CaseActForm,
    categories_of,
    category_label,
)
from grassroots.cases.choices import HANDLING_STATES, Color, Outcome, State, TriageClass
from grassroots.cases.heat import with_me_too
from grassroots.cases.models import Case, CaseEvent, Category
from grassroots.cases.photos import photo_response
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import User
from grassroots.core.workdays import WorkCalendar, working_days_between
from grassroots.org.models import Unit
from grassroots.triage.duplicates import Candidate, duplicates_of_case
from grassroots.triage.suggest import CategorySuggestion, suggest_categories
from grassroots.web import session

NUMBER = r"(?P<number>[0-9]{4}-[0-9]{6,})"

# Everything the page shows of a case comes joined in the one query that finds it; the units'
# boundaries (often kilobytes) are left out except the grid's, which the map draws.
_RELATIONS = (
    "category__parent__parent",
    "category__department",
    "category__parent__department",
    "category__parent__parent__department",
    "unit",
    "district",
    "grid",
    "building",
    "household__building",
    "reporter",
    "responsible_unit",
    "responsible_department",
    "planned_department",
    "assignee",
    "handler",
    "verifier",
    "created_by",
    "problem",
)
_DEFERRED = (
    "unit__boundary",
    "district__boundary",
    "building__boundary",
    "household__building__boundary",
    "responsible_unit__boundary",
)


# -- the forms: one per act, shared with the admin (cases/admin/act_forms.py) ----------------------------


FORMS: Mapping[str, type[CaseActForm]] = CASE_ACT_FORMS
PHOTO_LABEL = gettext_lazy("Attach a photo")
# The acts whose form shows the catalog's suggestion for the case's category.
SUGGESTING = frozenset({"triage", "retriage", "route"})
# The acts whose form offers the category suggestions for the case's text (docs/triage.md).
CHOOSING = frozenset({"triage", "retriage"})
MARK_DUPLICATE = "mark_duplicate"
# Possible duplicates are looked for while the case awaits its triage decision.
SEEKING_DUPLICATES = frozenset({State.REGISTERED, State.TRIAGED})
DUPLICATE_NOTE = gettext_lazy("Marked as a duplicate from the possible duplicates.")


def _label(name: str) -> str | Promise:
    act = BY_NAME.get(name)
    return act.label if act is not None else PHOTO_LABEL


def _form(
    name: str,
    case: Case,
    user: User,
    data: QueryDict | None = None,
    files: Any = None,
    initial: dict[str, Any] | None = None,
) -> CaseActForm:
    # Several forms share the page: their ids (not their field names) carry the act's name.
    form = FORMS[name](
        data,
        files,
        initial={**(initial or {}), "version": case.version},
        subject=case,
        user=user,
        auto_id=f"{name}-%s",
    )
    if name == ATTACH_PHOTO:
        form.fields["file"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
    return form


# -- reading -----------------------------------------------------------------------------------------


def visible_case(user: User, number: str) -> Case:
    """The case with ``number`` if the user sees it; otherwise "not found" (module docstring)."""
    case = (
        with_me_too(access.cases_visible_to(user))
        .select_related(*_RELATIONS)
        .defer(*_DEFERRED)
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


@dataclass(frozen=True)
class Suggestion:
    """The matter catalog's default class and department for a category (三事分流 starts from the
    catalog; the person triaging decides, docs/domain.md §3.1)."""

    category: str
    triage_class: str
    department: str

    @property
    def text(self) -> str:
        said = _("The catalog for %(category)s suggests: %(class)s") % {
            "category": self.category,
            "class": self.triage_class or _("no class"),
        }
        if self.department:
            said += " · " + _("department: %(department)s") % {"department": self.department}
        return said


def suggestion_for(category: Category | None) -> Suggestion | None:
    if category is None:
        return None
    klass = category.effective_class()
    department = category.effective_department()
    return Suggestion(
        category=category_label(category),
        triage_class=str(TriageClass(klass).label) if klass else "",
        department=str(department) if department is not None else "",
    )


def catalog_suggestions(district_id: int) -> dict[str, str]:
    """The suggestion of every category a triage form offers, by its value in the form, so that the
    page can follow the category the person picks (one query, ``case.js``)."""
    categories = categories_of(district_id).select_related(
        "department", "parent__department", "parent__parent__department"
    )
    return {
        str(category.pk): suggestion.text
        for category in categories
        if (suggestion := suggestion_for(category)) is not None
    }


@dataclass(frozen=True)
class Deadline:
    """One clock's due moment, its colour chip, and the working days left (or overdue) while it runs."""

    label: str | Promise
    due: dt.datetime
    colour: str  # "", "yellow", "red" (the deadline colours) or "green" (met)
    status: str


def _days_text(left: Decimal) -> str:
    days = floatformat(abs(left), -1)
    count = 1 if days == "1" else 2  # fractions read as plural ("1.5 working days")
    if left >= 0:
        return ngettext("%(days)s working day left", "%(days)s working days left", count) % {"days": days}
    return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", count) % {
        "days": days
    }


def _colour_chip(colour: str) -> str:
    return "" if colour == Color.NONE else colour


def deadlines_of(case: Case, now: dt.datetime) -> list[Deadline]:
    """The clocks of docs/ledger.md "Deadlines and colours" that matter in the case's state; the
    colours are what the clocks say now (the sweeper announces rises; the page just reads them)."""
    dues = [
        d
        for d in (
            case.response_due_at,
            case.stage_due_at,
            case.due_at,
            case.follow_up_due_at,
            case.verification_due_at,
            case.rating_due_at,
        )
        if d is not None
    ]
    if not dues:
        return []
    first, last = min([now, *dues]), max([now, *dues])
    calendar = WorkCalendar.load(timezone.localdate(first), timezone.localdate(last))

    def left(due: dt.datetime) -> Decimal:
        return working_days_between(now, due, calendar=calendar)

    rows: list[Deadline] = []
    if case.response_due_at is not None:
        if case.first_response_at is not None:
            on_time = case.first_response_at <= case.response_due_at
            status = _("first acted on %(time)s") % {
                "time": timezone.localtime(case.first_response_at).strftime("%Y-%m-%d %H:%M")
            }
            rows.append(
                Deadline(_("Response"), case.response_due_at, "green" if on_time else Color.RED, status)
            )
        elif case.is_open:
            late = now >= case.response_due_at
            rows.append(
                Deadline(
                    _("Response"),
                    case.response_due_at,
                    Color.RED if late else "",
                    _days_text(left(case.response_due_at)),
                )
            )
    if case.stage_due_at is not None and case.state in HANDLING_STATES:
        rows.append(
            Deadline(
                _("This stage"),
                case.stage_due_at,
                _colour_chip(deadlines.stage_colour(case, now)),
                _days_text(left(case.stage_due_at)),
            )
        )
    if case.due_at is not None:
        running = case.state in deadlines.CASE_CLOCK_STATES
        if running:
            status = _days_text(left(case.due_at))
        elif case.resolved_at is not None:
            status = _("resolved %(time)s") % {
                "time": timezone.localtime(case.resolved_at).strftime("%Y-%m-%d %H:%M")
            }
        else:
            status = _("the clock has stopped")
        rows.append(
            Deadline(_("Whole case"), case.due_at, _colour_chip(deadlines.case_colour(case, now)), status)
        )
    if case.follow_up_due_at is not None and case.state == State.GUIDED:
        rows.append(
            Deadline(_("Follow-up"), case.follow_up_due_at, "", _days_text(left(case.follow_up_due_at)))
        )
    if case.verification_due_at is not None and case.state == State.RESOLVED:
        late = now >= case.verification_due_at
        rows.append(
            Deadline(
                _("Verification"),
                case.verification_due_at,
                Color.RED if late else "",
                _days_text(left(case.verification_due_at)),
            )
        )
    if case.rating_due_at is not None and deadlines.reopen_window_open(case, now):
        rows.append(Deadline(_("Rating and reopening window"), case.rating_due_at, "", ""))
    return rows


@dataclass(frozen=True)
class TimelineRow:
    event: CaseEvent
    actor: str
    details: str


@dataclass
class ActView:
    """One act offered on the page: its form, where it posts, and whether it opens unfolded."""

    name: str
    label: str | Promise
    form: CaseActForm
    url: str
    open: bool = False
    suggests: bool = False  # shows the catalog's suggestion (``SUGGESTING``)
    suggestion: Suggestion | None = None
    categories: list[CategorySuggestion] = field(default_factory=list)  # suggested (``CHOOSING``)
    preselected: bool = False  # its category field starts at the top suggestion


@dataclass(frozen=True)
class Result:
    """What the last POST did, for the panel to say: a confirmation, or the posted act's form with
    its errors and, after a stale version, the conflict."""

    name: str = ""
    form: CaseActForm | None = None
    done: str = ""
    conflict: dict[str, Any] | None = None


def _map_data(case: Case) -> dict[str, Any] | None:
    """The point (the case's, else its building's or its household's building's) and the boundary
    of its grid (else of its unit) for the small map; ``None`` when there is nothing to draw."""
    point: list[float] | None = None
    building = case.building or (case.household.building if case.household is not None else None)
    if case.lat is not None and case.lng is not None:
        point = [case.lat, case.lng]
    elif building is not None and building.lat is not None and building.lng is not None:
        point = [building.lat, building.lng]
    area = case.grid if case.grid is not None else case.unit
    boundary = (
        case.grid.boundary
        if case.grid is not None
        else Unit.objects.filter(pk=case.unit_id).values_list("boundary", flat=True).first()
    )
    if point is None and not boundary:
        return None
    return {
        "point": point,
        "boundary": boundary or None,
        "area": area.name,
        "tiles": settings.MAP_TILE_URL,
    }


def panel_context(
    request: HttpRequest, user: User, case: Case, result: Result | None = None
) -> dict[str, Any]:
    """Everything the case panel shows (module docstring), and the forms of the acts offered now."""
    result = result or Result()
    now = timezone.now()
    sees_reporter = access.may_see_reporter(user, case)
    hidden_actor = (
        case.reporter.user_id
        if not sees_reporter and case.reporter is not None and case.reporter.user_id
        else None
    )
    visible = access.cases_visible_to(user)
    original = (
        visible.filter(pk=case.duplicate_of_id).only("number", "title").first()
        if case.duplicate_of_id
        else None
    )
    duplicates = list(visible.filter(duplicate_of=case).only("number", "title").order_by("received_at", "id"))
    problem = access.problems_visible_to(user).filter(pk=case.problem_id).first() if case.problem_id else None
    events = case.events.select_related("actor").order_by("at", "id")
    timeline = [
        TimelineRow(
            event=event,
            actor=(
                _("the reporter")
                if hidden_actor is not None and event.actor_id == hidden_actor
                else str(event.actor)
                if event.actor is not None
                else _("the system")
            ),
            details=describe_event(event),
        )
        for event in events
    ]
    photos = list(case.attachments.select_related("uploaded_by").order_by("id"))

    opened = request.GET.get("act", "")
    offered_acts = [act for act in available_acts(user, case) if act.name in FORMS]
    categories = (
        suggest_categories(user, case.district, case.title, case.description)
        if any(act.name in CHOOSING for act in offered_acts)
        else []
    )
    # Pre-selected only on a fresh form of a case without a category (the person decides).
    preselect = (
        categories[0].category if categories and categories[0].preselect and not case.category_id else None
    )
    acts: list[ActView] = []
    for act in offered_acts:
        posted = act.name == result.name and result.form is not None
        picks = act.name in CHOOSING
        fills = picks and preselect is not None and not posted
        if posted and result.form is not None:
            form = result.form
        else:
            form = _form(
                act.name, case, user, initial={"category": preselect.pk} if fills and preselect else None
            )
        acts.append(
            ActView(
                name=act.name,
                label=act.label,
                form=form,
                url=reverse("web:case-act", args=[case.number, act.name]),
                open=posted or act.name == opened,
                categories=categories if picks else [],
                preselected=fills,
            )
        )
    offered = {act.name for act in acts}
    if result.form is not None and result.name != ATTACH_PHOTO and result.name not in offered:
        # Not (or no longer) offered: the person's input stays on the page with the reason.
        acts.insert(
            0,
            ActView(
                name=result.name,
                label=_label(result.name),
                form=result.form,
                url=reverse("web:case-act", args=[case.number, result.name]),
                open=True,
            ),
        )
    suggestion = suggestion_for(case.category)
    for view in acts:
        if view.name in SUGGESTING:
            view.suggests, view.suggestion = True, suggestion
            if view.preselected:
                view.suggestion = suggestion_for(preselect)
    candidates: list[Candidate] = (
        duplicates_of_case(user, case)
        if case.state in SEEKING_DUPLICATES and any(act.name == MARK_DUPLICATE for act in offered_acts)
        else []
    )
    # The triage forms let the person pick another category: the page follows with its suggestion.
    choosing = any(view.name in ("triage", "retriage") for view in acts)

    photo_form: CaseActForm | None = None
    if result.name == ATTACH_PHOTO and result.form is not None:
        photo_form = result.form
    elif access.may_attach(user, case) and len(photos) < settings.ATTACHMENTS_PER_CASE:
        photo_form = _form(ATTACH_PHOTO, case, user)

    return {
        "case": case,
        "sees_reporter": sees_reporter,
        "reporter_name": (case.reporter.name if case.reporter else case.reporter_name)
        if sees_reporter
        else "",
        "reporter_phone": (
            (case.phone_masked or (case.reporter.phone_masked if case.reporter else ""))
            if sees_reporter
            else ""
        ),
        "category": category_label(case.category) if case.category else "",
        "held_by": case.responsible_department or case.responsible_unit,
        "deadlines": deadlines_of(case, now),
        "solved": case.outcome == Outcome.SOLVED,
        "original": original,
        "duplicates": duplicates,
        "problem": problem,
        "timeline": timeline,
        "photos": [
            {"attachment": a, "url": reverse("web:case-photo", args=[case.number, a.uid])} for a in photos
        ],
        "photo_form": photo_form,
        "photo_url": reverse("web:case-act", args=[case.number, ATTACH_PHOTO]),
        "photo_limit": settings.ATTACHMENTS_PER_CASE,
        "extensions": list(
            case.extensions.select_related("requested_by", "decided_by").order_by("requested_at")
        ),
        "supervisions": list(case.supervisions.select_related("issued_by").order_by("at")),
        "acts": acts,
        "candidates": [
            {
                "candidate": candidate,
                "url": reverse("web:case", args=[candidate.case.number]),
                "percent": round(candidate.score * 100),
                "distance": round(candidate.distance_m) if candidate.distance_m is not None else None,
            }
            for candidate in candidates
        ],
        "duplicate_url": reverse("web:case-act", args=[case.number, MARK_DUPLICATE]),
        "duplicate_note": DUPLICATE_NOTE,
        "suggestions": catalog_suggestions(case.district_id) if choosing else None,
        "map": _map_data(case),
        "result": result,
    }


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(
    request: HttpRequest, user: User, case: Case, result: Result | None = None, status: int = 200
) -> HttpResponse:
    """The whole page, or for htmx the case panel alone. htmx gets every panel with 200: the panel
    says what happened, and a browser would log a 4xx of its request as an error."""
    context = panel_context(request, user, case, result)
    if _is_htmx(request):
        return TemplateResponse(request, "web/case/_panel.html", context)
    return TemplateResponse(request, "web/case/page.html", context, status=status)


@login_required
@require_GET
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    """The case (module docstring); ``?act=<name>`` opens that act's form."""
    user = session.account(request)
    return _render(request, user, visible_case(user, number))


# -- acting ------------------------------------------------------------------------------------------


def _with_version(data: QueryDict, version: int) -> QueryDict:
    fresh = data.copy()
    fresh["version"] = str(version)
    return fresh


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, name: str) -> HttpResponseBase:
    """Take one act on the case through its action (module docstring: outcomes and answers)."""
    if name not in FORMS:
        raise Http404
    user = session.account(request)
    case = visible_case(user, number)
    form = _form(name, case, user, request.POST, request.FILES)
    label = _label(name)
    if not form.is_valid():
        return _render(request, user, case, Result(name=name, form=form), 400)
    version: int = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            form.perform(version)
    except ValidationError as exc:
        form.add_domain_errors(exc)
        status, conflict = 400, None
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You are not allowed to do this."))
        status, conflict = 403, None
    except Conflict as exc:
        status, conflict = 409, None
        fresh = visible_case(user, number)
        if fresh.version != version:
            conflict = {
                "yours": version,
                "current": fresh.version,
                "changes": list(
                    fresh.events.filter(version__gt=version).select_related("actor").order_by("at", "id")
                ),
            }
            # The person's input, on the fresh case with the fresh version: a second submit, made
            # knowingly after reading what changed, can go through.
            form = _form(name, fresh, user, _with_version(request.POST, fresh.version), request.FILES)
            form.is_valid()
            form.add_error(
                None, _("Not done: the case changed meanwhile. Read what changed, then submit again.")
            )
        else:
            form.add_error(None, exc.message)
    else:
        done = str(form.done_message) % {"act": label}
        if not _is_htmx(request):
            messages.success(request, done)
            return redirect(reverse("web:case", args=[number]))
        return _render(request, user, visible_case(user, number), Result(done=done))
    # Whatever failed, the panel shows the case as it is now (an action may have touched the object
    # it was given before refusing).
    result = Result(name=name, form=form, conflict=conflict)
    return _render(request, user, visible_case(user, number), result, status)


# -- photos --------------------------------------------------------------------------------------------


@login_required
@require_GET
def case_photo(request: HttpRequest, number: str, uid: str) -> HttpResponseBase:
    """A photo of the case, to those who see the case; never cached by anyone else."""
    case = visible_case(session.account(request), number)
    try:
        key = uuid.UUID(uid)
    except ValueError:
        raise Http404 from None
    return photo_response(case.attachments.filter(uid=key).first())


urlpatterns = [
    re_path(rf"^cases/{NUMBER}/$", case_page, name="case"),
    re_path(rf"^cases/{NUMBER}/act/(?P<name>[a-z_]+)/$", case_act, name="case-act"),
    re_path(rf"^cases/{NUMBER}/photos/(?P<uid>[0-9a-f-]{{36}})/$", case_photo, name="case-photo"),
]

__all__ = ["FORMS", "case_act", "case_page", "case_photo", "panel_context", "visible_case"]
