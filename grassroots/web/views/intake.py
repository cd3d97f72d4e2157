"""Entering cases from the pages: staff register a case on behalf of a resident
(``/cases/new/``), and grid staff report what they find on patrol from a phone (``/m/report/``).

Both call ``cases.actions.register_case``, which decides where the case goes and whether the actor
may report there; these views only collect the input. A hidden idempotency key generated when the
form is shown makes a double submit (or a retry after a dropped connection) register one case.

While staff type, the forms follow with the suggested categories (``triage.suggest``; the new-case
form and the quick report share ``suggestions_page``) and, on the new-case form, the possible
duplicates of what is being entered (``triage.duplicates``, docs/triage.md): each a POST of the
few fields they depend on, answered by a partial that the page swaps in.

Residents and households are found through ``people.access.*_visible_to``: by address or name, or
by phone through the keyed hash (``people.filters.PhoneLookup``, docs/domain.md §8) — the phone
typed is hashed, never compared or shown in clear, and results show masked phones only.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.cases import access as case_access
from grassroots.cases import actions
from grassroots.cases.actions.intake import IDEMPOTENCY_KEY_MAX
from grassroots.cases.catalog import categories_visible_to, in_tree_order
from grassroots.cases.choices import Channel, HandlingMode, ReporterKind, Urgency
from grassroots.cases.models import Case, Category
from grassroots.core.admin_site import WriteOnlyInput
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.org.access import active_posts, is_superuser, units_visible_to
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people.access import households_visible_to, residents_visible_to
from grassroots.people.filters import ResidentFilter
from grassroots.people.models import Household, Resident
from grassroots.triage.duplicates import Candidate, find_duplicates
from grassroots.triage.suggest import suggest_categories
from grassroots.web import session
from grassroots.web.forms import add_action_errors

# Households listed for one search; a narrower term finds the rest.
SEARCH_LIMIT = 20
SEARCH_MIN_CHARS = 2
# A masked phone as shown on pages (``138****5678``, ``0871-****5678``): matched as shown.
MASKED_PHONE = re.compile(r"^[0-9-]*\*+[0-9]{4}$")
# Grids drawn on the new-case map, at most (their boundaries are kilobytes each).
MAP_GRIDS = 300
# The longest texts the live look-ups read (the forms' own limits, and the API's for a description).
TITLE_MAX = 200
TEXT_MAX = 10_000
# Staff say how the case came in; a self-report is the resident's own (resident portal).
STAFF_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.SELF_REPORT]


# -- who -------------------------------------------------------------------------------------------


def may_register(user: User) -> bool:
    """Staff report cases: whoever holds a post, and superusers — the same notion of staff as
    ``register_case``, which still checks the district (``cases.access.can_report_in``)."""
    return is_superuser(user) or bool(active_posts(user))


def grid_posts_units(user: User) -> list[Unit]:
    """The grids where the user holds a grid manager's or grid leader's post (马上办 roles,
    ``cases.access.ON_THE_SPOT_ROLES``), in tree order."""
    grids = {
        post.unit.pk: post.unit
        for post in active_posts(user)
        if post.role in case_access.ON_THE_SPOT_ROLES
        and post.unit is not None
        and post.unit.kind == UnitKind.GRID
    }
    return sorted(grids.values(), key=lambda unit: unit.path)


def is_grid_staff(user: User) -> bool:
    return bool(grid_posts_units(user))


def offered_new_case(request: HttpRequest, user: User) -> bool:
    return may_register(user)


def offered_quick_report(request: HttpRequest, user: User) -> bool:
    return is_grid_staff(user)


def _staff(request: HttpRequest) -> User:
    user = session.account(request)
    if not may_register(user):
        raise Http404
    return user


def _grid_staff(request: HttpRequest) -> User:
    user = session.account(request)
    if not is_grid_staff(user):
        raise Http404
    return user


# -- shared pieces ---------------------------------------------------------------------------------


def _new_key() -> str:
    return uuid.uuid4().hex


def _catalog(request: HttpRequest, user: User) -> list[Category]:
    """The active catalog the user reports against, in tree order: that of the district of the
    post they work in now (the unit switcher), else of every district they work in."""
    found = categories_visible_to(user).filter(is_active=True)
    unit = session.current_unit(request)
    district = unit.district_id if unit is not None else None
    if district is not None:
        found = found.filter(district_id=district)
    return list(in_tree_order(found).select_related("district", "parent__parent"))


def category_choices(categories: list[Category]) -> list[tuple[Any, Any]]:
    """The catalog as a grouped select: one group per top-level category (named with its district
    when the catalog spans several), its own option first, then the levels below it as paths."""
    several = len({c.district_id for c in categories}) > 1
    groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
    names: dict[int, str] = {}
    for category in categories:
        chain = list(reversed(category.lineage()))  # top first
        root = chain[0]
        names[root.pk] = f"{root.district.name} · {root.name}" if several else root.name
        label = " › ".join(node.name for node in chain[1:]) or root.name
        groups[root.pk].append((category.pk, label))
    return [
        ("", _("— not sure: triage decides —")),
        *((names[pk], options) for pk, options in groups.items()),
    ]


class CategoryChoiceField(forms.TypedChoiceField):
    """A category of the user's catalog, chosen from a grouped select; the instance in ``clean``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)
        self.by_pk: dict[int, Category] = {}

    def use(self, categories: list[Category]) -> None:
        self.by_pk = {category.pk: category for category in categories}
        self.choices = category_choices(categories)

    def clean(self, value: Any) -> Category | None:
        pk = super().clean(value)
        return None if pk is None else self.by_pk[pk]


def _case_url(number: str) -> str:
    """The case page (built in ``views/cases``); its path is fixed by the ledger's notifications."""
    try:
        return reverse("web:case", args=[number])
    except NoReverseMatch:
        return f"/cases/{number}/"


def _errors_to(form: forms.Form, error: ValidationError, renames: dict[str, str]) -> None:
    """The action's field errors on the form, under the form's name for each key."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {renames.get(name, name): messages for name, messages in error.message_dict.items()}
        )
    add_action_errors(form, error)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: a redirect, or for htmx the instruction to load ``url``."""
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def _status(request: HttpRequest, status: int) -> int:
    """The status of a page that comes back with the form's errors: 400 or 403 without script; 200
    for htmx, whose answer carries the messages — a browser logs every 4xx of a script's request
    as an error (the case page's acts answer htmx the same way)."""
    return 200 if request.headers.get("HX-Request") else status


def _error_ids(form: forms.Form) -> str:
    """The error containers an htmx answer replaces (``hx-select-oob``): sent with htmx, a form
    keeps every input as typed — the chosen photo, the phone that is never echoed — and only
    its messages change."""
    return ",".join(["#err-all", *(f"#err-{name}" for name in form.fields if name != "idempotency_key")])


def _boundaries(units: Iterable[Unit]) -> dict[str, Any]:
    """Units' boundaries as a GeoJSON FeatureCollection for the map (names and codes only)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": unit.boundary,
                "properties": {"code": unit.code, "name": unit.name},
            }
            for unit in units
            if unit.boundary
        ],
    }


def _map_config(units: Iterable[Unit]) -> dict[str, Any]:
    return {"tiles": settings.MAP_TILE_URL, "boundaries": _boundaries(units)}


# -- finding a household or resident ---------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    households: list[Household]
    term: str
    too_short: bool = False
    more: bool = False


def _matching_residents(user: User, term: str) -> QuerySet[Resident] | None:
    """Residents whose phone is ``term`` (through the keyed hash) or is shown as ``term``
    (masked); ``None`` when ``term`` is no phone."""
    visible = residents_visible_to(user).filter(is_active=True)
    if MASKED_PHONE.match(term):
        return visible.filter(phone_masked=term)
    lookup = ResidentFilter(data={"phone": term}, queryset=visible)
    if "phone" in lookup.form.errors or not lookup.is_valid():
        return None
    return lookup.qs


def _members(user: User) -> Prefetch[Any]:
    visible = (
        residents_visible_to(user)
        .filter(is_active=True)
        .only("uid", "name", "relation", "phone_masked", "household_id")
        .order_by("id")
    )
    return Prefetch("members", queryset=visible, to_attr="visible_members")


def _households(user: User) -> QuerySet[Household]:
    return (
        households_visible_to(user)
        .filter(is_active=True)
        .select_related("grid", "building")
        .only("uid", "address", "door", "grid__name", "grid__code", "building__name")
        .prefetch_related(_members(user))
    )


def find_households(user: User, term: str) -> Found:
    """Households the user may see whose address (or door) contains ``term``, with a member so
    named, or with a member of that phone (exact, through the hash, or as masked)."""
    term = term.strip()
    if len(term) < SEARCH_MIN_CHARS:
        return Found(households=[], term=term, too_short=bool(term))
    residents = _matching_residents(user, term)
    if residents is not None:
        match = Q(pk__in=residents.values("household_id"))
    else:
        named = residents_visible_to(user).filter(is_active=True, name__icontains=term)
        match = Q(address__icontains=term) | Q(door__icontains=term) | Q(pk__in=named.values("household_id"))
    found = list(_households(user).filter(match).order_by("address", "door", "id")[: SEARCH_LIMIT + 1])
    return Found(households=found[:SEARCH_LIMIT], term=term, more=len(found) > SEARCH_LIMIT)


def _chosen(user: User, reporter: Any, household: Any) -> list[Household]:
    """The households of the chosen reporter and location, kept in the results while the user
    searches on (and shown again when the form comes back with an error)."""
    if not reporter and not household:
        return []
    q = Q(pk__in=[])
    if reporter:
        q |= Q(pk__in=residents_visible_to(user).filter(uid=reporter).values("household_id"))
    if household:
        q |= Q(uid=household)
    return list(_households(user).filter(q).order_by("address", "door", "id"))


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _results_context(user: User, term: str, reporter: Any, household: Any) -> dict[str, Any]:
    chosen = _chosen(user, reporter, household)
    found = find_households(user, term)
    shown = {h.pk for h in chosen}
    return {
        "chosen": chosen,
        "found": found,
        "results": chosen + [h for h in found.households if h.pk not in shown],
        "reporter_uid": str(reporter) if reporter else "",
        "household_uid": str(household) if household else "",
        "min_chars": SEARCH_MIN_CHARS,
    }


@login_required
@require_POST
def find(request: HttpRequest) -> HttpResponse:
    """The search field's results (htmx): households with their members, masked phones only.

    A POST, so that a phone searched for never stands in a URL (access logs, proxies, history)."""
    user = _staff(request)
    reporter = _uuid_or_none(request.POST.get("reporter"))
    household = _uuid_or_none(request.POST.get("household"))
    context = _results_context(user, request.POST.get("find", ""), reporter, household)
    response = render(request, "web/intake/_results.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# -- new case (staff) ------------------------------------------------------------------------------


class ReporterChoice:
    RESIDENT = "resident"
    CALLER = "caller"
    ANONYMOUS = "anonymous"

    choices = [
        (RESIDENT, gettext_lazy("A resident in the register (search below)")),
        (CALLER, gettext_lazy("A caller not in the register (name and phone)")),
        (ANONYMOUS, gettext_lazy("Anonymous")),
    ]


class NewCaseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=gettext_lazy("How it came in"), choices=[("", "—"), *STAFF_CHANNELS])
    urgency = forms.ChoiceField(
        label=gettext_lazy("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    category = CategoryChoiceField(label=gettext_lazy("Category"))
    reporter_kind = forms.ChoiceField(
        label=gettext_lazy("Who reports"),
        choices=ReporterChoice.choices,
        initial=ReporterChoice.RESIDENT,
        widget=forms.RadioSelect,
    )
    reporter = forms.UUIDField(required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Caller's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=gettext_lazy("Caller's phone"),
        max_length=30,
        required=False,
        help_text=gettext_lazy(
            "For the call-back; kept sealed and shown masked afterwards. It is never sent back to the "
            "page: if the page reloads with an error, type it again."
        ),
        widget=WriteOnlyInput(attrs={"inputmode": "tel", "autocomplete": "off", "spellcheck": "false"}),
    )
    public_anonymous = forms.BooleanField(
        label=gettext_lazy("Keep the reporter anonymous to the public"), required=False
    )
    household = forms.UUIDField(required=False)
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    lng = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    address = forms.CharField(label=gettext_lazy("Address or place"), max_length=200, required=False)
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX, required=False
    )

    def __init__(self, *args: Any, user: User, catalog: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        category = self.fields["category"]
        assert isinstance(category, CategoryChoiceField)
        category.use(catalog)
        # As the title and description are typed, the suggested categories follow (``suggest``).
        for name in ("title", "description"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("web:new-case-suggest"),
                    "hx-trigger": "input changed delay:600ms",
                    "hx-target": "#intake-suggestions",
                    "hx-swap": "innerHTML",
                    "hx-params": "title,description",
                    "aria-controls": "intake-suggestions",
                }
            )

    def clean_reporter(self) -> Resident | None:
        uid = self.cleaned_data.get("reporter")
        if uid is None or self.cleaned_data.get("reporter_kind") != ReporterChoice.RESIDENT:
            return None
        resident = (
            residents_visible_to(self.user)
            .filter(uid=uid, is_active=True)
            .select_related("household")
            .first()
        )
        if resident is None:
            raise forms.ValidationError(_("That resident is not in the register you can see; search again."))
        return resident

    def clean_household(self) -> Household | None:
        uid = self.cleaned_data.get("household")
        if uid is None:
            return None
        household = (
            households_visible_to(self.user).filter(uid=uid, is_active=True).select_related("grid").first()
        )
        if household is None:
            raise forms.ValidationError(_("That household is not in the register you can see; search again."))
        return household

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reporter_kind") == ReporterChoice.RESIDENT
            and not data.get("reporter")
            and "reporter" not in self.errors
        ):
            self.add_error("reporter", _("Find the resident and choose them in the results."))
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.has_error("lat"):
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
        return data

    def register(self) -> tuple[Case, bool]:
        data = self.cleaned_data
        kind = data["reporter_kind"]
        resident = kind == ReporterChoice.RESIDENT
        return actions.register_case(
            actor=self.user,
            title=data["title"],
            description=data["description"],
            channel=data["channel"],
            reporter_kind=ReporterKind.ANONYMOUS
            if kind == ReporterChoice.ANONYMOUS
            else ReporterKind.ON_BEHALF,
            reporter=data["reporter"] if resident else None,
            reporter_name=data["reporter_name"] if kind == ReporterChoice.CALLER else "",
            reporter_phone="" if resident else data["reporter_phone"],
            public_anonymous=data["public_anonymous"],
            lat=data["lat"],
            lng=data["lng"],
            address=data["address"],
            household=data["household"],
            category=data["category"],
            urgency=data["urgency"],
            idempotency_key=data["idempotency_key"],
        )


# Keys of ``register_case``'s errors that the form names differently.
NEW_CASE_ERRORS = {"location": "household"}


@login_required
@require_http_methods(["GET", "POST"])
def new_case(request: HttpRequest) -> HttpResponse:
    """Register a case on behalf of a resident, a caller or anonymously (docs/domain.md §3)."""
    user = _staff(request)
    catalog = _catalog(request, user)
    status = 200
    if request.method == "POST":
        form = NewCaseForm(request.POST, user=user, catalog=catalog)
        status = 400
        if form.is_valid():
            try:
                case, _created = form.register()
            except ValidationError as error:
                _errors_to(form, error, NEW_CASE_ERRORS)
            except NotAllowed as error:
                form.add_error(None, str(error))
                status = 403
            else:
                return _go(request, _case_url(case.number))
    else:
        form = NewCaseForm(user=user, catalog=catalog, initial={"idempotency_key": _new_key()})
    reporter = form.data.get("reporter") if form.is_bound else None
    household = form.data.get("household") if form.is_bound else None
    unit = session.current_unit(request)
    grids: QuerySet[Unit] | list[Unit] = []
    if unit is not None:
        grids = (
            units_visible_to(user)
            .filter(path__subtree=unit.path, kind=UnitKind.GRID, is_active=True)
            .only("code", "name", "boundary")
            .order_by("path")[:MAP_GRIDS]
        )
    context = {
        "nav": "new_case",
        "form": form,
        "map_config": _map_config(grids),
        "error_ids": _error_ids(form),
        **_results_context(user, "", _uuid_or_none(reporter), _uuid_or_none(household)),
    }
    return render(request, "web/intake/new_case.html", context, status=_status(request, status))


def suggestions_page(request: HttpRequest, user: User, title: str, description: str) -> HttpResponse:
    """The categories suggested for a text (``web/_category_suggestions.html``), from the catalog
    the forms offer: that of the district the user works in now (``_catalog``)."""
    catalog = _catalog(request, user)
    suggestions = []
    if catalog:
        offered = {category.pk for category in catalog}
        found = suggest_categories(user, catalog[0].district, title[:TITLE_MAX], description[:TEXT_MAX])
        suggestions = [s for s in found if s.category.pk in offered]
    response = render(request, "web/_category_suggestions.html", {"suggestions": suggestions})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The categories suggested for the title and description typed so far (htmx; docs/triage.md).
    Only for those who may enter cases (else 404, as the form).

    A POST, like ``find``: what a resident told stays out of URLs and access logs."""
    user = _staff(request)
    return suggestions_page(request, user, request.POST.get("title", ""), request.POST.get("description", ""))


def _coordinate(value: str | None, bound: float) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _intake_district(request: HttpRequest, catalog: list[Category], category: Category | None) -> Unit | None:
    """The district a case being entered goes to, as far as the form tells: the chosen category's,
    else that of the catalog offered (one district), else that of the post the user works in now."""
    if category is not None:
        return category.district
    districts = {c.district_id: c.district for c in catalog}
    if len(districts) == 1:
        return next(iter(districts.values()))
    post = session.current_post(request)
    if post is None:
        return None
    place = post.unit.district_id if post.unit is not None else None
    if place is None and post.department is not None:
        place = post.department.district_id
    if place is None:
        return None
    return districts.get(place) or Unit.objects.filter(pk=place).first()


def possible_duplicates(
    request: HttpRequest, user: User, catalog: list[Category], data: Any
) -> list[Candidate]:
    """The possible duplicates of the case being entered (``triage.duplicates.find_duplicates``):
    its title and description, and the category, point and reporting resident once chosen. Input
    that does not parse is left out, never an error: the form says what is wrong when it is sent."""
    title = str(data.get("title", ""))[:TITLE_MAX]
    description = str(data.get("description", ""))[:TEXT_MAX]
    if not (title.strip() or description.strip()):
        return []
    category = {c.pk: c for c in catalog}.get(_int_or_none(data.get("category")) or 0)
    district = _intake_district(request, catalog, category)
    if district is None:
        return []
    lat, lng = _coordinate(data.get("lat"), 90), _coordinate(data.get("lng"), 180)
    if lat is None or lng is None:
        lat = lng = None
    reporter = None
    uid = _uuid_or_none(data.get("reporter"))
    if uid is not None and data.get("reporter_kind", ReporterChoice.RESIDENT) == ReporterChoice.RESIDENT:
        reporter = residents_visible_to(user).filter(uid=uid).only("pk").first()
    return find_duplicates(
        user,
        district=district,
        title=title,
        description=description,
        category=category,
        lat=lat,
        lng=lng,
        reporter=reporter,
    )


@login_required
@require_POST
def duplicates(request: HttpRequest) -> HttpResponse:
    """The possible duplicates of the case being entered on the new-case form (htmx;
    docs/triage.md, "Duplicates"), re-posts of the same resident first and marked. For those who
    may use the form (else 404, as the form); the candidates are cases the user already sees, so
    the list reveals nothing new. A POST, like ``find``."""
    user = _staff(request)
    found = possible_duplicates(request, user, _catalog(request, user), request.POST)
    context = {"candidates": [(candidate, _case_url(candidate.case.number)) for candidate in found]}
    response = render(request, "web/intake/_duplicates.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


# -- quick report (grid staff, phone) --------------------------------------------------------------


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Photos taken on the spot: each checked from its first bytes, as ``attach_photo`` does,
    before anything is written (so a wrong file never leaves half a report behind)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", PhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.ATTACHMENTS_PER_CASE:
            raise forms.ValidationError(
                _("A case has at most %(n)s photos.") % {"n": settings.ATTACHMENTS_PER_CASE}
            )
        for upload in files:
            if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
                raise forms.ValidationError(actions.photo_too_large())
            head = upload.read(16)
            upload.seek(0)
            if actions.sniff_image(head) is None:
                raise forms.ValidationError(
                    _("“%(name)s” is not a photo: only JPEG, PNG, WebP or GIF can be attached.")
                    % {"name": upload.name}
                )
        return files


class QuickReportForm(forms.Form):
    photo = PhotosField(label=gettext_lazy("Photo"))
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    grid = forms.ChoiceField(label=gettext_lazy("Without a point: my grid"), required=False)
    category = CategoryChoiceField(label=gettext_lazy("Category"))
    note = forms.CharField(
        label=gettext_lazy("What did you find?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    solved = forms.TypedChoiceField(
        label=gettext_lazy("Solved on the spot?"),
        choices=[("no", gettext_lazy("No, report it")), ("yes", gettext_lazy("Yes, solved"))],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX, required=False
    )

    def __init__(
        self, *args: Any, user: User, grids: list[Unit], catalog: list[Category], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.grids = {grid.code: grid for grid in grids}
        grid = self.fields["grid"]
        assert isinstance(grid, forms.ChoiceField)
        grid.choices = [("", "—"), *((g.code, str(g)) for g in grids)]
        if len(grids) == 1:
            grid.initial = grids[0].code
        category = self.fields["category"]
        assert isinstance(category, CategoryChoiceField)
        category.use(catalog)
        # As the note is typed, the suggested categories follow (``quick_suggest``).
        self.fields["note"].widget.attrs.update(
            {
                "hx-post": reverse("web:quick-report-suggest"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#quick-suggestions",
                "hx-swap": "innerHTML",
                "hx-params": "note",
                "aria-controls": "quick-suggestions",
            }
        )

    def clean_grid(self) -> Unit | None:
        code = self.cleaned_data.get("grid")
        return self.grids.get(code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        point = data.get("lat") is not None and data.get("lng") is not None
        if not point and data.get("grid") is None and not self.has_error("grid"):
            self.add_error(
                "grid", _("Give a location: use the device's location, tap the map, or choose your grid.")
            )
        # The action checks this too; checking first keeps the photos from being stored for nothing.
        if data.get("solved") and len((data.get("resolution") or "").strip()) < 2:
            self.add_error("resolution", _("Say what was done (a few words at least)."))
        return data

    def title(self) -> str:
        category = self.cleaned_data.get("category")
        return quick_title(self.cleaned_data["note"]) or (category.name if category else _("Found on patrol"))


def quick_title(note: str) -> str:
    """A quick report's title: the first line of its note, shortened."""
    note = note.strip()
    first = note.splitlines()[0].strip() if note else ""
    return first[:39] + "…" if len(first) > 40 else first


@login_required
@require_POST
def quick_suggest(request: HttpRequest) -> HttpResponse:
    """The categories suggested for the quick report's note as it is typed (htmx): the same
    suggestions as on the new-case form, for the title and text the report will have. Only for
    grid staff (else 404, as the page)."""
    user = _grid_staff(request)
    note = request.POST.get("note", "")[:TEXT_MAX]
    return suggestions_page(request, user, quick_title(note), note)


class NotHere(Exception):
    """The point lies outside the grids where the reporter may solve on the spot."""

    def __init__(self, unit: Unit) -> None:
        super().__init__(unit.name)
        self.unit = unit


def _quick_register(form: QuickReportForm) -> Case:
    """Register, attach the photos and, if solved, 马上办 — all or nothing, so that an error leaves
    no half-made case (and the same idempotency key can be sent again)."""
    data = form.cleaned_data
    user = form.user
    point = data["lat"] is not None and data["lng"] is not None
    with transaction.atomic():
        case, created = actions.register_case(
            actor=user,
            title=form.title(),
            description=data["note"],
            channel=Channel.GRID_PATROL,
            lat=data["lat"] if point else None,
            lng=data["lng"] if point else None,
            unit=data["grid"],  # the queue if there is no point, or it lies in no unit
            category=data["category"],
            idempotency_key=data["idempotency_key"],
        )
        if not created:
            return case  # the first submit did the rest
        if data["solved"] and not case_access.can_solve_on_the_spot(user, case):
            raise NotHere(case.unit)
        for upload in data["photo"]:
            actions.attach_photo(case, actor=user, upload=upload, name=upload.name or "")
        if data["solved"]:
            actions.solve_on_the_spot(case, actor=user, version=case.version, resolution=data["resolution"])
        return case


QUICK_ERRORS = {"location": "grid", "file": "photo", "lat": "grid", "description": "note", "title": "note"}


@login_required
@require_http_methods(["GET", "POST"])
def quick_report(request: HttpRequest) -> HttpResponse:
    """The grid staff's phone page: photo, point, category, note, solved on the spot or not.

    Sent with htmx, an error answers only the error messages (``hx-select-oob``), so the chosen
    photo stays in the form; without script the page comes back with everything typed."""
    user = _grid_staff(request)
    grids = grid_posts_units(user)
    catalog = _catalog(request, user)
    status = 200
    if request.method == "POST":
        form = QuickReportForm(request.POST, request.FILES, user=user, grids=grids, catalog=catalog)
        status = 400
        if form.is_valid():
            try:
                case = _quick_register(form)
            except ValidationError as error:
                _errors_to(form, error, QUICK_ERRORS)
            except NotHere as outside:
                form.add_error(
                    "solved",
                    _(
                        "This point lies in %(unit)s, outside your grids: you cannot solve it on the spot "
                        "there. Choose “No, report it”, or move the point."
                    )
                    % {"unit": outside.unit.name},
                )
            except NotAllowed as error:
                form.add_error(None, str(error))
                status = 403
            else:
                return _go(request, reverse("web:quick-report-done", args=[case.number]))
    else:
        form = QuickReportForm(
            user=user, grids=grids, catalog=catalog, initial={"idempotency_key": _new_key()}
        )
    context = {
        "nav": "quick_report",
        "form": form,
        "map_config": _map_config(grids),
        "photo_dropped": form.is_bound and bool(request.FILES),
        "error_ids": _error_ids(form),
    }
    return render(request, "web/intake/quick_report.html", context, status=_status(request, status))


@login_required
@require_GET
def quick_report_done(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation: the case's number, where it went, and a way to report the next one."""
    user = _grid_staff(request)
    case = (
        case_access.cases_visible_to(user)
        .filter(number=number, created_by=user)
        .select_related("unit", "category")
        .defer("unit__boundary")
        .first()
    )
    if case is None:
        raise Http404
    grids = {grid.pk for grid in grid_posts_units(user)}
    context = {
        "nav": "quick_report",
        "case": case,
        "case_url": _case_url(case.number),
        "solved": case.handling_mode == HandlingMode.ON_THE_SPOT,
        "outside": case.unit_id not in grids,
    }
    return render(request, "web/intake/quick_report_done.html", context)


urlpatterns = [
    path("cases/new/", new_case, name="new-case"),
    path("cases/new/find/", find, name="new-case-find"),
    path("cases/new/suggest/", suggest, name="new-case-suggest"),
    path("cases/new/duplicates/", duplicates, name="new-case-duplicates"),
    path("m/report/", quick_report, name="quick-report"),
    path("m/report/suggest/", quick_suggest, name="quick-report-suggest"),
    path("m/report/<str:number>/", quick_report_done, name="quick-report-done"),
]
