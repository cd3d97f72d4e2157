"""The residents' portal (H5): report a problem, follow one's own cases, rate or
reopen them, and see the public matters of one's community (docs/domain.md §3).

The portal is for people with a resident record linked to their account
(``people.access.own_resident``); for everyone else every page is "not found" (404), like a page
that does not exist — staff work from the workbench and the case pages. Pages are phone-first
(375 px wide, no hover-only controls, large tap targets, plain forms that post and redirect) so
that they can be embedded in a WeChat official-account page.

What a resident sees of a case is their own report, its progress in plain words, and the events of
its timeline that mean something to them; never who on the staff acted (names are staff personal
data), nor staff-internal notes (triage reasons, comments, supervision). The community's public
view shows no personal data at all: no reporter, no description, no address.

我也遇到 ("me too"). On an open public matter of their community that they did not report, a
resident may say they have the same problem, and take it back (``actions.support_case`` /
``withdraw_support``); every card shows the case's "me too" figure (``cases.heat``: linked
duplicates and residents' "me too"), read in the list's one query. The button is a plain form that
posts and redirects back; with htmx it swaps itself in place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.cases import actions, catalog
from grassroots.cases.access import cases_visible_to, public_cases_for
from grassroots.cases.actions.intake import IDEMPOTENCY_KEY_MAX
from grassroots.cases.acts import available_acts
from grassroots.cases.choices import (
    Channel,
    EventKind,
    Outcome,
    Satisfaction,
    State,
    TriageClass,
)
from grassroots.cases.heat import with_me_too, with_support_of
from grassroots.cases.models import Attachment, Case, CaseEvent, Category
from grassroots.cases.photos import photo_response
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people.access import own_resident
from grassroots.people.models import Resident
from grassroots.web import session
from grassroots.web.forms import add_action_errors

PAGE_SIZE = 20
# A title made from the description when the resident gives none: its first line, this long.
DERIVED_TITLE_LENGTH = 30
_UNIT_RELATIONS = ("unit", "responsible_unit", "grid")


# -- who: residents only ---------------------------------------------------------------------------


def _resident(request: HttpRequest) -> tuple[User, Resident]:
    """The signed-in user and their resident record; anyone without one gets "not found"."""
    user = session.account(request)
    resident = own_resident(user)
    if resident is None:
        raise Http404
    return user, resident


def _my_cases(user: User, resident: Resident) -> QuerySet[Case]:
    """The cases the resident reported (or that staff entered for them): visible to them, and
    theirs. A resident who also holds a post sees more through ``cases_visible_to``; the portal
    shows only their own."""
    relations = ("category", "responsible_unit", "responsible_department", "unit", "grid")
    return with_me_too(
        cases_visible_to(user)
        .filter(reporter=resident)
        .select_related(*relations)
        .defer(*(f"{name}__boundary" for name in relations if name in _UNIT_RELATIONS))
    )


def _public_cases(user: User) -> QuerySet[Case]:
    """The community's public matters with their "me too" figure and whether the user said it."""
    cases = (
        public_cases_for(user)
        .select_related("category", "unit", "responsible_unit", "responsible_department")
        .defer("unit__boundary", "responsible_unit__boundary")
    )
    return with_support_of(with_me_too(cases), user)


# -- progress in plain words -----------------------------------------------------------------------

STEPS: tuple[Promise, ...] = (
    gettext_lazy("Received"),
    gettext_lazy("Triaged"),
    gettext_lazy("Being handled"),
    gettext_lazy("Resolved"),
    gettext_lazy("Rated / closed"),
)
STEP_OF_STATE: Mapping[str, int] = {
    State.REGISTERED: 0,
    State.TRIAGED: 1,
    State.ROUTED: 2,
    State.IN_PROGRESS: 2,
    State.GUIDED: 2,
    State.RESOLVED: 3,
    State.AWAITING_RATING: 3,
    State.CLOSED: 4,
}
PLAIN_STATE: Mapping[str, Promise] = {
    State.REGISTERED: gettext_lazy("Received — waiting to be looked at"),
    State.TRIAGED: gettext_lazy("Looked at — being passed to whoever handles it"),
    State.ROUTED: gettext_lazy("Passed on — waiting to be taken on"),
    State.IN_PROGRESS: gettext_lazy("Being handled"),
    State.GUIDED: gettext_lazy("We suggested how to solve it and will follow up"),
    State.RESOLVED: gettext_lazy("Done — being checked"),
}
PLAIN_OUTCOME: Mapping[str, Promise] = {
    Outcome.SOLVED: gettext_lazy("Closed: solved"),
    Outcome.UNSOLVED: gettext_lazy("Closed without a solution"),
    Outcome.NOT_RESPONSIBLE: gettext_lazy("Closed: not a matter we handle"),
    Outcome.NOT_TRUE: gettext_lazy("Closed: could not be confirmed"),
    Outcome.DUPLICATE: gettext_lazy("Merged with a report of the same problem"),
}
# What each class means to a resident (三事分流, docs/domain.md §3.1).
PLAIN_CLASS: Mapping[str, Promise] = {
    TriageClass.MAJOR: gettext_lazy("大事: handled by the district department responsible"),
    TriageClass.COMMUNITY: gettext_lazy("小事: handled by the residents' committee"),
    TriageClass.PRIVATE: gettext_lazy("私事: a household matter, with guidance and follow-up"),
}


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    current: bool


def step_index(case: Case) -> int:
    """Where the case stands on the five steps; a rated case has reached the last one."""
    if case.state == State.AWAITING_RATING and case.rated_at is not None:
        return len(STEPS) - 1
    return STEP_OF_STATE.get(case.state, 0)


def progress(case: Case) -> list[Step]:
    """The five steps, those passed marked done. A case closed other than solved (rejected, merged,
    closed unsolved) did not pass through handling and resolution: only its receipt and its end
    are marked, so the steps do not claim a result that was not reached."""
    at = step_index(case)
    short_cut = case.state == State.CLOSED and case.outcome != Outcome.SOLVED
    return [
        Step(label=str(label), done=i < at and not (short_cut and i > 0), current=i == at)
        for i, label in enumerate(STEPS)
    ]


def plain_state(case: Case) -> str:
    if case.state == State.CLOSED:
        return str(PLAIN_OUTCOME.get(case.outcome, gettext_lazy("Closed")))
    if case.state == State.AWAITING_RATING:
        if case.rated_at is None:
            return _("Done — please tell us how it went")
        return _("Done — thank you for rating")
    return str(PLAIN_STATE.get(case.state, State(case.state).label))


def handled_by(case: Case) -> str:
    """The unit or department holding the case (an organisation, never a person)."""
    if case.responsible_department_id and case.responsible_department is not None:
        return case.responsible_department.short_name or case.responsible_department.name
    if case.responsible_unit_id and case.responsible_unit is not None:
        return case.responsible_unit.name
    return ""


def _tone(case: Case) -> str:
    """The chip colour of a state (shared chip styles of site.css)."""
    if case.state == State.CLOSED:
        return "green" if case.outcome == Outcome.SOLVED else ""
    if case.state == State.AWAITING_RATING and case.rated_at is None:
        return "yellow"
    return ""


@dataclass(frozen=True)
class CaseCard:
    number: str
    title: str
    category: str
    received_at: Any
    state: str
    tone: str
    steps: list[Step]
    handled_by: str
    triage_class: str
    unit: str
    mine: bool
    closed_at: Any
    awaiting_my_rating: bool
    me_too: int = 0  # linked duplicates and residents' "me too" (``cases.heat``)
    may_support: bool = False  # the viewer may say "me too" (or take it back)
    supported: bool = False  # the viewer said "me too"


def card(case: Case, *, resident: Resident, public: bool = False) -> CaseCard:
    """The case as a card; ``public``: read from ``public_cases_for`` (so that "me too" may be
    offered without another query, ``access.can_support``)."""
    mine = case.reporter_id == resident.pk
    return CaseCard(
        number=case.number,
        title=case.title,
        category=case.category.name if case.category is not None else "",
        received_at=case.received_at,
        state=plain_state(case),
        tone=_tone(case),
        steps=progress(case),
        handled_by=handled_by(case),
        triage_class=str(TriageClass(case.triage_class).label) if case.triage_class else "",
        unit=case.unit.name,
        mine=mine,
        closed_at=case.closed_at,
        awaiting_my_rating=case.state == State.AWAITING_RATING and case.rated_at is None,
        me_too=getattr(case, "me_too_count", 0) or 0,
        may_support=public and case.is_open and not mine,
        supported=bool(getattr(case, "supported", False)),
    )


# -- the timeline a resident sees ------------------------------------------------------------------

# Events that mean something to the resident, in their words, and whether the event's note is
# shown: what was done, why it was closed or rejected, and the resident's own words. Everything
# else (triage reasons, comments, assignments to a person, warnings, supervision, extensions
# asked for, links to common problems) is staff-internal and left out.
PUBLIC_EVENTS: Mapping[str, tuple[Promise, bool]] = {
    EventKind.REGISTER: (gettext_lazy("We received your report"), False),
    EventKind.TRIAGE: (gettext_lazy("Looked at and classified"), False),
    EventKind.RETRIAGE: (gettext_lazy("Classified again"), False),
    EventKind.ROUTE: (gettext_lazy("Passed to whoever handles it"), False),
    EventKind.GUIDE: (gettext_lazy("We suggested how to solve it"), False),
    EventKind.FOLLOW_UP: (gettext_lazy("We followed up"), False),
    EventKind.ACCEPT: (gettext_lazy("Taken on"), False),
    EventKind.PROGRESS: (gettext_lazy("Work under way"), False),
    EventKind.RESOLVE: (gettext_lazy("Resolved"), True),
    EventKind.SOLVE_ON_SPOT: (gettext_lazy("Solved on the spot"), True),
    EventKind.VERIFY: (gettext_lazy("The result was checked"), False),
    EventKind.VERIFY_FAILED: (gettext_lazy("The check found more to do"), False),
    EventKind.REQUEST_RATING: (gettext_lazy("We asked for your rating"), False),
    EventKind.RATE: (gettext_lazy("You rated the result"), True),
    EventKind.CLOSE: (gettext_lazy("Closed"), False),
    EventKind.CLOSE_UNSOLVED: (gettext_lazy("Closed without a solution"), True),
    EventKind.RETURN: (gettext_lazy("Sent back to be passed on again"), False),
    EventKind.ESCALATE: (gettext_lazy("Passed up to a higher level"), False),
    EventKind.APPROVE_EXTENSION: (gettext_lazy("More time was given to handle it"), False),
    EventKind.REJECT: (gettext_lazy("Not taken up"), True),
    EventKind.MARK_DUPLICATE: (gettext_lazy("Merged with a report of the same problem"), False),
    EventKind.REOPEN: (gettext_lazy("Reopened"), True),
    EventKind.ATTACH: (gettext_lazy("Photo added"), False),
}


@dataclass(frozen=True)
class TimelineLine:
    at: Any
    label: str
    detail: str
    note: str


def _detail(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind in (EventKind.TRIAGE, EventKind.RETRIAGE):
        value = data.get("class") or data.get("to")
        return str(PLAIN_CLASS.get(value, "")) if value else ""
    if event.kind == EventKind.RATE:
        value = data.get("satisfaction")
        return str(Satisfaction(value).label) if value in Satisfaction.values else ""
    return ""


def timeline(events: Iterable[CaseEvent]) -> list[TimelineLine]:
    lines = []
    for event in events:
        shown = PUBLIC_EVENTS.get(event.kind)
        if shown is None:
            continue
        label, with_note = shown
        lines.append(
            TimelineLine(
                at=event.at, label=str(label), detail=_detail(event), note=event.note if with_note else ""
            )
        )
    return lines


# -- forms -----------------------------------------------------------------------------------------


class PhotoInput(forms.FileInput):
    """A plain ``<input type=file accept="image/*" multiple>``: a phone offers camera and album."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos. The shape is checked here (so that nothing is written for a file that
    is not a photo); ``actions.attach_photo`` checks everything again."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PhotoInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        photos = []
        for item in files:
            cleaned = super().clean(item, initial)
            if cleaned:
                photos.append(cleaned)
        if self.required and not photos:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(photos) > settings.ATTACHMENTS_PER_CASE:
            most = settings.ATTACHMENTS_PER_CASE
            raise forms.ValidationError(
                ngettext("At most %(n)s photo.", "At most %(n)s photos.", most) % {"n": most}, code="too_many"
            )
        for photo in photos:
            _check_photo(photo)
        return photos


def _check_photo(photo: UploadedFile) -> None:
    if (photo.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(actions.photo_too_large())
    head = photo.read(16)
    photo.seek(0)
    if actions.sniff_image(head) is None:
        raise forms.ValidationError(_("Only photos (JPEG, PNG, WebP or GIF) can be attached."))


class CategorySelect(forms.Select):
    """A select whose options carry the code of their top-level category (``data-group``), so that
    portal.js can narrow the second step to the kind chosen in the first."""

    def __init__(self, groups: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.groups = dict(groups)

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        group = self.groups.get(str(value))
        if group:
            option["attrs"]["data-group"] = group
        return option


@dataclass(frozen=True)
class Catalog:
    """The active matter catalog of the resident's district, read for a two-step choice: the kind
    of problem (top level), then the matter within it."""

    by_code: dict[str, Category]
    roots: list[Category]
    below: list[Category]

    def group_of(self, category: Category) -> Category:
        return category.lineage()[-1]


def _catalog(user: User, resident: Resident) -> Catalog:
    rows = list(
        catalog.in_tree_order(
            catalog.categories_visible_to(user).filter(district_id=resident.district_id, is_active=True)
        ).select_related("parent__parent")
    )
    # A category under an inactive parent is not offered (deactivation runs down the tree anyway).
    by_code = {c.code: c for c in rows if all(node.is_active for node in c.lineage())}
    roots = [c for c in by_code.values() if c.parent_id is None]
    below = [c for c in by_code.values() if c.parent_id is not None]
    return Catalog(by_code=by_code, roots=roots, below=below)


WHERE_HOME = "home"
WHERE_ELSEWHERE = "elsewhere"


class ReportForm(forms.Form):
    """Report a problem: the kind and matter (both optional), what it is, photos, where, and
    whether to stay anonymous to the public. The hidden key makes a double tap harmless."""

    group = forms.ChoiceField(label=gettext_lazy("Kind of problem"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Matter"), required=False)
    description = forms.CharField(
        label=gettext_lazy("What is the problem?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("In a few words; left empty, the start of your description is used."),
    )
    photos = PhotosField(label=gettext_lazy("Photos (optional)"), required=False)
    where = forms.ChoiceField(
        label=gettext_lazy("Where is it?"),
        choices=[
            (WHERE_HOME, gettext_lazy("At my home")),
            (WHERE_ELSEWHERE, gettext_lazy("Somewhere else")),
        ],
        initial=WHERE_HOME,
        widget=forms.RadioSelect,
    )
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=gettext_lazy("Address or landmark"),
        max_length=200,
        required=False,
    )
    public_anonymous = forms.BooleanField(
        label=gettext_lazy("Keep me anonymous to the public"),
        required=False,
        help_text=gettext_lazy("Staff handling your report still see who you are."),
    )
    idempotency_key = forms.CharField(max_length=IDEMPOTENCY_KEY_MAX, widget=forms.HiddenInput)

    # Domain error keys that show under another field of this form.
    error_fields: ClassVar[Mapping[str, str]] = {
        "file": "photos",
        "location": "address",
        "lat": "address",
        "idempotency_key": NON_FIELD_ERRORS,  # a hidden field shows no errors of its own
    }

    def __init__(self, *args: Any, catalog: Catalog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [("", _("Not sure"))] + [(c.code, c.name) for c in catalog.roots]
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        grouped: dict[str, list[tuple[str, str]]] = {}
        groups: dict[str, str] = {}
        for category in catalog.below:
            root = catalog.group_of(category)
            chain = [node.name for node in reversed(category.lineage()[:-1])]
            grouped.setdefault(root.name, []).append((category.code, " › ".join(chain)))
            groups[category.code] = root.code
        category_field.widget = CategorySelect(groups)  # before the choices, which it carries
        category_field.choices = [("", _("Not sure")), *grouped.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("where") == WHERE_ELSEWHERE:
            if data.get("lat") is None or data.get("lng") is None:
                data["lat"] = data["lng"] = None
                if not data.get("address", "").strip():
                    self.add_error(
                        "address", _("Tap the map, use your current location, or write the address.")
                    )
        else:
            data["lat"] = data["lng"] = None
        return data

    def chosen_category(self) -> Category | None:
        """The matter if one was chosen, else the kind, else none (staff classify it at triage)."""
        code = self.cleaned_data.get("category") or self.cleaned_data.get("group") or ""
        return self.catalog.by_code.get(code)

    def title_text(self) -> str:
        title = self.cleaned_data["title"].strip()
        if title:
            return title
        first = self.cleaned_data["description"].strip().splitlines()[0].strip()
        if len(first) > DERIVED_TITLE_LENGTH:
            return first[: DERIVED_TITLE_LENGTH - 1] + "…"
        return first

    def add_domain_errors(self, error: ValidationError) -> None:
        add_action_errors(self, _renamed(error, self.error_fields))


def _renamed(error: ValidationError, names: Mapping[str, str]) -> ValidationError:
    """The action's field errors under the names of the form's fields."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[str]] = {}
    for key, messages_ in error.message_dict.items():
        renamed.setdefault(names.get(key, key), []).extend(messages_)
    return ValidationError(renamed)


class VersionedForm(forms.Form):
    """An act on the case as the page showed it (the hidden version: optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RateForm(VersionedForm):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How did it go?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(VersionedForm):
    comment = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required: the case goes back to whoever handled it."),
    )


class PhotoForm(VersionedForm):
    photos = PhotosField(label=gettext_lazy("Add photos"))


# -- pages -----------------------------------------------------------------------------------------


def _page(request: HttpRequest, queryset: QuerySet[Case]) -> Page:
    return Paginator(queryset.order_by("-received_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """The resident's own cases, newest first, each with its progress."""
    user, resident = _resident(request)
    page = _page(request, _my_cases(user, resident))
    context = {
        "nav": "portal",
        "tab": "mine",
        "page": page,
        "cards": [card(case, resident=resident) for case in page.object_list],
    }
    return render(request, "web/portal/my_cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Report a problem (居民自报): the case is entered through ``actions.register_case`` with its
    photos through ``actions.attach_photo``, in one transaction — a photo refused leaves no case
    behind. A retry with the same hidden key returns the first case instead of a second one."""
    user, resident = _resident(request)
    the_catalog = _catalog(user, resident)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, catalog=the_catalog)
        if form.is_valid():
            try:
                case, created = _register(form, user=user, resident=resident)
            except ValidationError as error:
                form.add_domain_errors(error)
            else:
                if created:
                    messages.success(
                        request, _("We received your report, number %(number)s.") % {"number": case.number}
                    )
                return redirect("web:portal-case", number=case.number)
    else:
        form = ReportForm(initial={"idempotency_key": uuid.uuid4().hex}, catalog=the_catalog)
    context = {
        "nav": "portal",
        "tab": "report",
        "form": form,
        "household": resident.household.address if resident.household_id else "",
        "map": _map_context(resident),
    }
    return render(request, "web/portal/report.html", context)


def _register(form: ReportForm, *, user: User, resident: Resident) -> tuple[Case, bool]:
    data = form.cleaned_data
    elsewhere = data["where"] == WHERE_ELSEWHERE
    # The point and the address are kept on the case for the staff; where it is queued is the
    # action's decision (register_case places a resident's own report by their household).
    with transaction.atomic():
        case, created = actions.register_case(
            actor=user,
            title=form.title_text(),
            description=data["description"],
            channel=Channel.SELF_REPORT,
            reporter=resident,
            public_anonymous=data["public_anonymous"],
            lat=data["lat"] if elsewhere else None,
            lng=data["lng"] if elsewhere else None,
            address=data["address"] if elsewhere else "",
            household=None if elsewhere else resident.household,
            category=form.chosen_category(),
            idempotency_key=data["idempotency_key"],
        )
        if created:
            for photo in data["photos"]:
                actions.attach_photo(case, actor=user, upload=photo, name=photo.name or "")
    return case, created


def _map_context(resident: Resident) -> dict[str, Any]:
    """The small map of the report form: the grids of the resident's community drawn for
    orientation (unit boundaries are not personal data, docs/architecture.md; the community is the
    same one ``public_cases_for`` opens to the resident), over tiles if ``MAP_TILE_URL`` is set;
    for ``portal.js``, as JSON."""
    grid = resident.grid
    community = grid.parent_id
    grids = (
        Unit.objects.filter(parent_id=community, kind=UnitKind.GRID, boundary__isnull=False)
        .only("code", "name", "boundary")
        .order_by("path")
        if community
        else Unit.objects.filter(pk=grid.pk).only("code", "name", "boundary")
    )
    boundaries = [
        {"name": unit.name, "own": unit.pk == grid.pk, "geometry": unit.boundary}
        for unit in grids
        if unit.boundary
    ]
    building = resident.household.building if resident.household_id else None
    center = None
    if building is not None and building.lat is not None and building.lng is not None:
        center = (building.lat, building.lng)
    elif grid.lat is not None and grid.lng is not None:
        center = (grid.lat, grid.lng)
    return {"tiles": settings.MAP_TILE_URL, "boundaries": boundaries, "center": center}


@login_required
@require_GET
def community(request: HttpRequest) -> HttpResponse:
    """The public matters (大事, 小事) of the resident's community: what and how it went, never who
    reported it (``access.public_cases_for``, docs/domain.md §3, §8). ``?show=open|closed``."""
    user, resident = _resident(request)
    cases = _public_cases(user)
    show = request.GET.get("show", "")
    if show == "open":
        cases = cases.exclude(state=State.CLOSED)
    elif show == "closed":
        cases = cases.filter(state=State.CLOSED)
    else:
        show = ""
    page = _page(request, cases)
    context = {
        "nav": "portal",
        "tab": "community",
        "show": show,
        "community": resident.grid.parent.name if resident.grid.parent is not None else resident.grid.name,
        "page": page,
        "cards": [card(case, resident=resident, public=True) for case in page.object_list],
        "back": request.get_full_path(),
    }
    return render(request, "web/portal/community.html", context)


@login_required
@require_POST
def support(request: HttpRequest, number: str) -> HttpResponse:
    """我也遇到, or (``do=withdraw``) taking it back, on a public matter of my community (module
    docstring). A case I see neither as a public matter nor as my own is "not found"; one the
    action refuses (my own, closed) says why. Answers htmx with the button alone, else redirects
    to ``next`` (a page of this site) or the community view."""
    user, resident = _resident(request)
    seen = public_cases_for(user) | cases_visible_to(user).filter(reporter=resident)
    case = seen.select_related("unit").filter(number=number).first()
    if case is None:
        raise Http404
    withdraw = request.POST.get("do") == "withdraw"
    error = ""
    try:
        if withdraw:
            actions.withdraw_support(case, actor=user)
        else:
            actions.support_case(case, actor=user)
    except NotAllowed as refused:
        error = str(refused)
    if request.headers.get("HX-Request") == "true":
        fresh = _public_cases(user).filter(pk=case.pk).first()
        shown = card(fresh, resident=resident, public=True) if fresh is not None else None
        context = {"card": shown, "error": error, "back": request.POST.get("next", "")}
        return render(request, "web/portal/_support.html", context)
    if error:
        messages.error(request, error)
    elif withdraw:
        messages.success(request, _("Taken back."))
    else:
        messages.success(request, _("Noted: you have the same problem."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("web:portal-community")
    return redirect(f"{back}#me-too-{case.number}")


# -- one case of mine ------------------------------------------------------------------------------


def _my_case(user: User, resident: Resident, number: str) -> Case:
    """One of the resident's own cases with its attachments and events; any other is 404."""
    case = (
        _my_cases(user, resident)
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.filter(kind__in=list(PUBLIC_EVENTS)).order_by("at", "id"),
            ),
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _case_page(
    request: HttpRequest,
    user: User,
    case: Case,
    *,
    resident: Resident,
    forms_: Mapping[str, forms.Form] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    acts = {act.name for act in available_acts(user, case)}
    attachments = list(case.attachments.all())
    may_add_photos = case.is_open and len(attachments) < settings.ATTACHMENTS_PER_CASE
    bound = dict(forms_ or {})
    initial = {"version": case.version}
    context = {
        "nav": "portal",
        "tab": "mine",
        "case": case,
        "card": card(case, resident=resident),
        "timeline": timeline(case.events.all()),
        "attachments": attachments,
        "notice": notice,
        "rate_form": (bound.get("rate") or RateForm(initial=initial)) if "rate" in acts else None,
        "reopen_form": (bound.get("reopen") or ReopenForm(initial=initial)) if "reopen" in acts else None,
        "photo_form": (bound.get("photo") or PhotoForm(initial=initial)) if may_add_photos else None,
        "triage_class": PLAIN_CLASS.get(case.triage_class, ""),
        "outcome_reason": case.closure_reason if case.state == State.CLOSED else "",
    }
    return render(request, "web/portal/case.html", context, status=status)


@login_required
@require_GET
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    """One of my cases: what I reported, where it stands, its timeline, and what I may do now."""
    user, resident = _resident(request)
    return _case_page(request, user, _my_case(user, resident, number), resident=resident)


Perform = Callable[[Case, User, int, dict[str, Any]], None]


def _act(
    request: HttpRequest,
    number: str,
    key: str,
    form_class: type[VersionedForm],
    perform: Perform,
    done: str,
) -> HttpResponse:
    """Take one act on one of my cases: field errors inline, a stale page or an act no longer
    possible as a notice above the case as it is now (never a lost update)."""
    user, resident = _resident(request)
    case = _my_case(user, resident, number)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, user, case, resident=resident, forms_={key: form})
    version = form.cleaned_data["version"]
    try:
        perform(case, user, version, form.cleaned_data)
    except ValidationError as error:
        if isinstance(form, PhotoForm):
            error = _renamed(error, {"file": "photos"})
        add_action_errors(form, error)
        fresh = _my_case(user, resident, number)
        return _case_page(request, user, fresh, resident=resident, forms_={key: form})
    except Conflict as conflict:
        fresh = _my_case(user, resident, number)
        if version != fresh.version:
            notice = _("This case changed while you were looking at it; here it is now.")
        else:
            notice = conflict.message
        return _case_page(request, user, fresh, resident=resident, notice=notice, status=409)
    messages.success(request, done)
    return redirect("web:portal-case", number=number)


def _rate(case: Case, user: User, version: int, data: dict[str, Any]) -> None:
    actions.rate_case(
        case, actor=user, version=version, satisfaction=data["satisfaction"], comment=data["comment"]
    )


def _reopen(case: Case, user: User, version: int, data: dict[str, Any]) -> None:
    actions.reopen_case(case, actor=user, version=version, comment=data["comment"])


def _add_photos(case: Case, user: User, version: int, data: dict[str, Any]) -> None:
    """Photos do not change the case, so its version is not checked; ``attach_photo`` checks who
    may add them and how many a case may have."""
    with transaction.atomic():
        for photo in data["photos"]:
            actions.attach_photo(case, actor=user, upload=photo, name=photo.name or "")


@login_required
@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """满意 / 基本满意 / 不满意 with a comment (docs/domain.md §3.4)."""
    return _act(request, number, "rate", RateForm, _rate, _("Thank you for rating."))


@login_required
@require_POST
def reopen(request: HttpRequest, number: str) -> HttpResponse:
    """Not solved after all: reopen within the window, with a required comment (docs/domain.md §3.4)."""
    return _act(request, number, "reopen", ReopenForm, _reopen, _("Your case was reopened."))


@login_required
@require_POST
def add_photos(request: HttpRequest, number: str) -> HttpResponse:
    return _act(request, number, "photo", PhotoForm, _add_photos, _("Photos added."))


@login_required
@require_GET
def photo(request: HttpRequest, number: str, uid: uuid.UUID) -> FileResponse:
    """A photo of one of my cases, to me only; never cached by anyone else."""
    user, resident = _resident(request)
    case_id = _my_cases(user, resident).filter(number=number).values_list("pk", flat=True).first()
    return photo_response(Attachment.objects.filter(case_id=case_id, uid=uid).first() if case_id else None)


NUMBER = "<str:number>"

urlpatterns = [
    path("my/", my_cases, name="portal"),
    path("my/report/", report, name="portal-report"),
    path("my/community/", community, name="portal-community"),
    path(f"my/community/{NUMBER}/support/", support, name="portal-support"),
    path(f"my/cases/{NUMBER}/", my_case, name="portal-case"),
    path(f"my/cases/{NUMBER}/rate/", rate, name="portal-rate"),
    path(f"my/cases/{NUMBER}/reopen/", reopen, name="portal-reopen"),
    path(f"my/cases/{NUMBER}/photos/", add_photos, name="portal-photos"),
    path(f"my/cases/{NUMBER}/photos/<uuid:uid>/", photo, name="portal-photo"),
]
