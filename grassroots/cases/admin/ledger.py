"""Admin for the ledger: cases (with every act as a small form), common problems, and the
read-only lists of deadline extensions and supervision records (docs/domain.md §3).

Who enters: the holders of a people-editor post (grid manager, grid leader, community worker,
street staff, district administrator) and department handlers, who work the cases routed to their
department here (``LEDGER_ROLES``); the site admits whoever some model admin lets in
(``grassroots.core.admin_site``).

Reads start from ``cases.access.cases_visible_to`` (extensions and supervision records through
their cases, common problems by their unit). Nothing is edited in place: a case's page is read-only
and offers one button per act the user may take now (``cases.acts.available_acts``, plus attaching
a photo); each opens a form (``act_forms``) with the act's fields and the hidden ``version`` the
user read, and submitting calls the act in ``cases.actions``. Field errors show inline, ``NotAllowed``
as a message, and a ``Conflict`` with the case's fresh state while the user's input stays in the
form. Registering a case is the add form (``actions.register_case``); a common problem is made
from selected cases on the case list. Nothing is deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import access, actions, acts
from grassroots.cases.admin.act_forms import (
    ATTACH_PHOTO,
    CASE_ACT_FORMS,
    PROBLEM_ACT_FORMS,
    ActForm,
    CategoryField,
    ProblemTitleForm,
    category_label,
)
from grassroots.cases.choices import (
    OPEN_STATES,
    Color,
    ProblemState,
    ReporterKind,
    Urgency,
)
from grassroots.cases.models import Case, Category, CommonProblem, Extension, SupervisionRecord
from grassroots.core.admin_site import ActionForm, ScopedModelAdmin, actor_of, signed_in, write_only_field
from grassroots.core.errors import Conflict, NotAllowed, ValidationError
from grassroots.core.models import User
from grassroots.core.tree import subtree_q
from grassroots.org.access import active_posts, has_role, is_superuser
from grassroots.org.choices import PEOPLE_EDITOR_ROLES, Role, UnitKind

LEDGER_ROLES = PEOPLE_EDITOR_ROLES | {Role.DEPARTMENT_HANDLER}
M = TypeVar("M", Case, CommonProblem)


def is_ledger_staff(user: User) -> bool:
    """Holds a post that works cases in the admin (module docstring)."""
    return is_superuser(user) or has_role(user, *LEDGER_ROLES)


def catalog_for(user: User) -> QuerySet[Category]:
    """The catalogs of the districts the user works in (the catalog is not personal data)."""
    if is_superuser(user):
        return Category.objects.all()
    posts = active_posts(user)
    district_ids = {post.unit.district_id for post in posts if post.unit and post.unit.district_id}
    district_ids |= {post.department.district_id for post in posts if post.department is not None}
    paths = [post.unit.path for post in posts if post.unit is not None]  # a city post covers its districts
    return Category.objects.filter(Q(district_id__in=district_ids) | subtree_q("district__path", paths))


def _user_label(user: User | None) -> str:
    return str(user) if user is not None else _("the system")


def _with_version(data: QueryDict, version: int) -> QueryDict:
    fresh = data.copy()
    fresh["version"] = str(version)
    return fresh


# -- acts as forms (shared by cases and common problems) --------------------------------------------


class ActingAdmin(ScopedModelAdmin[M]):
    """A model admin whose objects change only through acts: custom views ``<id>/act/<name>/``
    show the act's form on GET and call the act on POST.

    A GET is refused (back to the object, with a message) when the act is not offered to the user
    now; a POST always goes to the action, which decides. After a ``Conflict`` on a stale version
    the form is shown again with the user's input, the fresh version, and what changed since.
    """

    act_forms: Mapping[str, type[ActForm]] = {}

    def offered(self, user: User, obj: Any) -> list[tuple[str, Any]]:
        """(name, label) of the acts ``user`` may take on ``obj`` now."""
        raise NotImplementedError

    def summary(self, obj: Any) -> list[tuple[Any, Any]]:
        raise NotImplementedError

    def changes_since(self, obj: Any, version: int) -> list[Any]:
        return []

    def url(self, view: str, *args: Any) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args
        )

    def act_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/act/<str:act>/",
                self.admin_site.admin_view(self.act_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_act",
            )
        ]

    def act_buttons(self, user: User, obj: Any) -> list[dict[str, Any]]:
        return [
            {"name": name, "label": label, "url": self.url("act", quote(obj.pk), name)}
            for name, label in self.offered(user, obj)
        ]

    def act_view(self, request: HttpRequest, object_id: str, act: str) -> HttpResponse:
        form_class = self.act_forms.get(act)
        if form_class is None:
            raise Http404
        user = actor_of(request)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self.not_found(request, object_id)
        labels = dict(self.offered(user, obj))
        back = self.url("change", quote(obj.pk))
        label = labels.get(act) or self.label_of(act)
        status, conflict = 200, None
        if request.method != "POST":
            if act not in labels:
                self.message_user(
                    request,
                    _("“%(act)s” is not open to you on %(object)s now.") % {"act": label, "object": obj},
                    messages.WARNING,
                )
                return HttpResponseRedirect(back)
            form = form_class(initial={"version": obj.version}, subject=obj, user=user)
        else:
            form = form_class(request.POST, request.FILES, subject=obj, user=user)
            if form.is_valid():
                version: int = form.cleaned_data["version"]
                try:
                    with transaction.atomic():
                        form.perform(version)
                except ValidationError as exc:
                    form.add_domain_errors(exc)
                except PermissionDenied as exc:
                    status = 403
                    form.add_error(None, str(exc) or _("You are not allowed to do this."))
                except Conflict as exc:
                    status = 409
                    fresh = self.get_object(request, unquote(object_id))
                    if fresh is None:
                        return self.not_found(request, object_id)
                    if fresh.version != version:
                        # Keep what the user typed; carry the fresh version so that a second
                        # submit, made knowingly after reading the fresh state, can go through.
                        conflict = {
                            "yours": version,
                            "current": fresh.version,
                            "changes": self.changes_since(fresh, version),
                        }
                        form.data = _with_version(form.data, fresh.version)  # type: ignore[arg-type]
                        obj = fresh
                    form.add_error(None, exc.message)
                else:
                    done = str(form.done_message) % {"act": label}
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": label,
            "subtitle": str(obj),
            "summary": self.summary(obj),
            "form": form,
            "multipart": form_class.multipart,
            "conflict": conflict,
            "change_url": back,
            "media": form.media,
        }
        return TemplateResponse(request, "admin/cases/act_form.html", context, status=status)

    def label_of(self, act: str) -> Any:
        return act

    def not_found(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Out of scope is "not found", answered as Django's admin answers an unknown id."""
        redirect: HttpResponse = cast(Any, self)._get_obj_does_not_exist_redirect(
            request, self.opts, object_id
        )
        return redirect


# -- cases ------------------------------------------------------------------------------------------


class WarningFilter(admin.SimpleListFilter):
    """Deadline warnings on either clock (the stage's or the whole case's)."""

    title = gettext_lazy("deadline warning")
    parameter_name = "warning"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("red", Color.RED.label), ("yellow", Color.YELLOW.label), ("none", Color.NONE.label)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        red = Q(stage_color=Color.RED) | Q(case_color=Color.RED)
        yellow = Q(stage_color=Color.YELLOW) | Q(case_color=Color.YELLOW)
        match self.value():
            case "red":
                return queryset.filter(red)
            case "yellow":
                return queryset.filter(yellow).exclude(red)
            case "none":
                return queryset.filter(stage_color=Color.NONE, case_color=Color.NONE)
        return queryset


class TopCategoryFilter(admin.SimpleListFilter):
    """The catalog's top classes; a case matches through its category at any of the three levels."""

    title = gettext_lazy("category")
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        user = signed_in(request.user)
        if user is None:
            return []
        roots = catalog_for(user).filter(parent__isnull=True).order_by("district_id", "code")
        return [(str(root.pk), root.name) for root in roots]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        root = int(value)
        return queryset.filter(
            Q(category_id=root) | Q(category__parent_id=root) | Q(category__parent__parent_id=root)
        )


class RegisterCaseForm(ActionForm):
    """Registering a case (``actions.register_case``): the reporter is a resident found by search,
    or a name and phone (the phone is sealed and never shown again), or anonymous; the place is a
    household, a building or a point."""

    reporter_kind = forms.ChoiceField(
        label=gettext_lazy("reporter"),
        choices=[
            (ReporterKind.ON_BEHALF.value, gettext_lazy("A resident (found below, or by name and phone)")),
            (ReporterKind.ANONYMOUS.value, ReporterKind.ANONYMOUS.label),
        ],
        initial=ReporterKind.ON_BEHALF,
        widget=forms.RadioSelect,
    )
    reporter_phone = write_only_field(
        gettext_lazy("reporter's phone"),
        gettext_lazy("For the call-back; kept sealed and shown masked afterwards."),
    )
    # A double submit registers one case (``register_case``'s idempotency key).
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=lambda: uuid.uuid4().hex
    )
    error_fields = {"location": "household"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reporter_kind") == ReporterKind.ANONYMOUS and data.get("reporter") is not None:
            self.add_error("reporter", _("An anonymous report names no resident."))
        return data


@admin.register(Case)
class CaseAdmin(ActingAdmin[Case]):
    """The ledger: scoped list, registration, and each case's page with its acts and history."""

    form = RegisterCaseForm
    act_forms = CASE_ACT_FORMS
    list_display = (
        "number",
        "title",
        "state",
        "triage_class",
        "level",
        "held_by",
        "warnings",
        "supervision",
        "received_at",
        "due_at",
    )
    list_select_related = ("responsible_unit", "responsible_department")
    list_filter = ("state", "triage_class", "channel", WarningFilter, "supervision", TopCategoryFilter)
    search_fields = ("number", "title")
    ordering = ("-received_at", "-id")
    autocomplete_fields = ("reporter", "household", "building")
    fk_filters = {"building": {"kind__in": [UnitKind.BUILDING, UnitKind.COURTYARD]}}
    actions = ["link_as_problem"]
    change_form_template = "admin/cases/case/change_form.html"

    # -- hooks --------------------------------------------------------------------------------------
    def visible(self, user: User) -> QuerySet[Case]:
        return access.cases_visible_to(user)

    def may_view(self, user: User) -> bool:
        return is_ledger_staff(user)

    def may_add(self, user: User) -> bool:
        return is_ledger_staff(user)

    def has_link_permission(self, request: HttpRequest) -> bool:
        user = signed_in(request.user)
        return user is not None and (is_superuser(user) or has_role(user, *access.TRIAGE_ROLES))

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Case:
        case, _created = actions.register_case(
            actor=actor_of(request),
            title=data.get("title") or "",
            description=data.get("description") or "",
            channel=data.get("channel") or "",
            reporter_kind=data.get("reporter_kind") or ReporterKind.ON_BEHALF,
            reporter=data.get("reporter"),
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=data.get("reporter_phone") or "",
            public_anonymous=bool(data.get("public_anonymous")),
            lat=data.get("lat"),
            lng=data.get("lng"),
            address=data.get("address") or "",
            household=data.get("household"),
            building=data.get("building"),
            category=data.get("category"),
            urgency=data.get("urgency") or Urgency.NORMAL,
            idempotency_key=data.get("idempotency_key") or "",
        )
        return case

    # -- the list -----------------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("held by"))
    def held_by(self, obj: Case) -> str:
        holder = obj.responsible_department or obj.responsible_unit
        return str(holder) if holder is not None else "—"

    @admin.display(description=gettext_lazy("deadline warning"))
    def warnings(self, obj: Case) -> str:
        shown = [
            (colour, label)
            for colour, label in (
                (obj.stage_color, _("stage %(colour)s")),
                (obj.case_color, _("case %(colour)s")),
            )
            if colour
        ]
        if not shown:
            return "—"
        return format_html_join(
            " ",
            '<span class="case-warning case-warning-{}">{}</span>',
            ((colour, label % {"colour": Color(colour).label}) for colour, label in shown),
        )

    # -- registration -------------------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Case | None = None) -> Any:
        if obj is None:
            return (
                (None, {"fields": ("title", "description", "channel", "category", "urgency")}),
                (
                    gettext_lazy("Reporter"),
                    {
                        "fields": (
                            "reporter_kind",
                            "reporter",
                            "reporter_name",
                            "reporter_phone",
                            "public_anonymous",
                        )
                    },
                ),
                (
                    gettext_lazy("Location"),
                    {
                        "fields": ("household", "building", "lat", "lng", "address", "idempotency_key"),
                        "description": gettext_lazy(
                            "A household, a building, or a point; a point is placed in its grid."
                        ),
                    },
                ),
            )
        return (
            (None, {"fields": ("number", "title", "description", "channel", "state", "outcome", "version")}),
            (
                gettext_lazy("Reporter"),
                {"fields": ("reporter_kind", "reporter", "reporter_name", "phone_masked", "created_by")},
            ),
            (
                gettext_lazy("Location"),
                {"fields": ("address", "household", "building", "grid", "unit", "lat", "lng")},
            ),
            (
                gettext_lazy("Triage and handling"),
                {
                    "fields": (
                        "category_path",
                        "triage_class",
                        "triage_reason",
                        "private_mode",
                        "urgency",
                        "handling_mode",
                        "level",
                        "responsible_unit",
                        "responsible_department",
                        "planned_department",
                        "assignee",
                        "handler",
                        "verifier",
                        "resolution",
                        "closure_reason",
                    )
                },
            ),
            (
                gettext_lazy("Deadlines and supervision"),
                {
                    "fields": (
                        "received_at",
                        "first_response_at",
                        "response_due_at",
                        "stage_due_at",
                        "stage_color",
                        "due_at",
                        "case_color",
                        "supervision",
                        "follow_up_due_at",
                        "verification_due_at",
                        "resolved_at",
                        "verified_at",
                        "rating_due_at",
                        "closed_at",
                    )
                },
            ),
            (
                gettext_lazy("Rating"),
                {"fields": ("satisfaction", "score", "rating_comment", "rated_at", "reopen_count")},
            ),
        )

    @admin.display(description=gettext_lazy("category"))
    def category_path(self, obj: Case) -> str:
        return category_label(obj.category) if obj.category is not None else "—"

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "category":
            user = signed_in(request.user)
            queryset = catalog_for(user) if user is not None else Category.objects.none()
            return CategoryField(
                queryset=queryset.filter(is_active=True).select_related("parent__parent").order_by("code"),
                label=db_field.verbose_name,
                required=False,
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"title": _("Register a case"), **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def response_add(
        self, request: HttpRequest, obj: Case, post_url_continue: str | None = None
    ) -> HttpResponse:
        done = _("Case %(number)s registered.") % {"number": obj.number}
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self.url("change", quote(obj.pk)))

    # -- the case's page ----------------------------------------------------------------------------
    def offered(self, user: User, obj: Case) -> list[tuple[str, Any]]:
        offered = [(act.name, act.label) for act in acts.available_acts(user, obj)]
        if access.may_attach(user, obj):
            offered.append((ATTACH_PHOTO, gettext_lazy("Attach a photo")))
        return offered

    def label_of(self, act: str) -> Any:
        known = acts.BY_NAME.get(act)
        return known.label if known is not None else gettext_lazy("Attach a photo")

    def summary(self, obj: Case) -> list[tuple[Any, Any]]:
        return [
            (gettext_lazy("number"), obj.number),
            (gettext_lazy("title"), obj.title),
            (gettext_lazy("state"), obj.get_state_display()),
            (gettext_lazy("class"), obj.get_triage_class_display() or "—"),
            (gettext_lazy("category"), category_label(obj.category) if obj.category else "—"),
            (gettext_lazy("level"), obj.get_level_display() or "—"),
            (gettext_lazy("held by"), self.held_by(obj)),
            (gettext_lazy("assignee"), obj.assignee or "—"),
            (gettext_lazy("version"), obj.version),
        ]

    def changes_since(self, obj: Case, version: int) -> list[Any]:
        return list(obj.events.filter(version__gt=version).select_related("actor").order_by("at", "id"))

    def get_urls(self) -> list[URLPattern]:
        photo = path(
            "<path:object_id>/photo/<uuid:uid>/",
            self.admin_site.admin_view(self.photo_view),
            name="cases_case_photo",
        )
        return [*self.act_urls(), photo, *super().get_urls()]

    def photo_view(self, request: HttpRequest, object_id: str, uid: uuid.UUID) -> HttpResponseBase:
        """A case's photo, for whoever sees the case; never a public media URL."""
        case = self.get_object(request, unquote(object_id))
        attachment = case.attachments.filter(uid=uid).first() if case is not None else None
        if attachment is None:
            raise Http404
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        user = signed_in(request.user)
        case = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if user is not None and case is not None:
            context.update(self.sections(request, user, case))
        return super().change_view(request, object_id, form_url, context)

    def sections(self, request: HttpRequest, user: User, case: Case) -> dict[str, Any]:
        """What the case's page shows below its fields (module docstring)."""
        events = case.events.select_related("actor").order_by("at", "id")
        visible = access.cases_visible_to(user)
        original = visible.filter(pk=case.duplicate_of_id).first() if case.duplicate_of_id else None
        duplicates = visible.filter(duplicate_of=case).order_by("received_at", "id")
        problem = (
            access.problems_visible_to(user).filter(pk=case.problem_id).first() if case.problem_id else None
        )
        return {
            "acts": self.act_buttons(user, case),
            "timeline": [
                {"event": event, "actor": _user_label(event.actor), "details": acts.describe_event(event)}
                for event in events
            ],
            "photos": [
                {"attachment": a, "url": self.url("photo", quote(case.pk), a.uid)}
                for a in case.attachments.select_related("uploaded_by").order_by("id")
            ],
            "extensions": list(
                case.extensions.select_related("requested_by", "decided_by").order_by("requested_at")
            ),
            "supervisions": list(case.supervisions.select_related("issued_by").order_by("at")),
            "original": {"case": original, "url": self.url("change", quote(original.pk))}
            if original
            else None,
            "duplicates": [{"case": d, "url": self.url("change", quote(d.pk))} for d in duplicates],
            "problem": (
                {
                    "problem": problem,
                    "url": reverse("admin:cases_commonproblem_change", args=[quote(problem.pk)]),
                }
                if problem
                else None
            ),
        }

    # -- common problems from the list --------------------------------------------------------------
    @admin.action(description=gettext_lazy("Link as a common problem"), permissions=["link"])
    def link_as_problem(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
        """共性问题 (docs/domain.md §3.2): the selected cases become one problem, handled once."""
        form = ProblemTitleForm(request.POST if "apply" in request.POST else None)
        cases = list(queryset.select_related("unit"))
        if form.is_bound and form.is_valid():
            try:
                problem = actions.create_problem(
                    actor=actor_of(request),
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    cases=cases,
                )
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    form.add_error("title" if key == "title" else None, errors)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Common problem “%(title)s” links %(count)s cases.")
                    % {"title": problem.title, "count": len(cases)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:cases_commonproblem_change", args=[problem.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Link as a common problem"),
            "form": form,
            "cases": cases,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "link_as_problem",
            "media": form.media,
        }
        return TemplateResponse(request, "admin/cases/case/link_as_problem.html", context)


# -- common problems --------------------------------------------------------------------------------

PROBLEM_ACT_LABELS = {
    "resolve": gettext_lazy("Resolve the problem"),
    "verify": gettext_lazy("Verify the problem"),
}


@admin.register(CommonProblem)
class CommonProblemAdmin(ActingAdmin[CommonProblem]):
    """共性问题: made from selected cases on the case list; resolved once and verified by someone else,
    which carries every open member along (docs/domain.md §3.2)."""

    act_forms = PROBLEM_ACT_FORMS
    list_display = ("title", "unit", "state", "member_count", "created_at")
    list_select_related = ("unit",)
    list_filter = ("state",)
    search_fields = ("title",)
    ordering = ("-created_at", "-id")
    change_form_template = "admin/cases/commonproblem/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "description",
                    "unit",
                    "category",
                    "state",
                    "resolution",
                    "created_by",
                    "created_at",
                    "resolved_by",
                    "resolved_at",
                    "verified_at",
                    "version",
                )
            },
        ),
    )

    def visible(self, user: User) -> QuerySet[CommonProblem]:
        return access.problems_visible_to(user).annotate(members=Count("cases"))

    def may_view(self, user: User) -> bool:
        return is_ledger_staff(user)

    @admin.display(description=gettext_lazy("cases"), ordering="members")
    def member_count(self, obj: CommonProblem) -> int:
        return getattr(obj, "members", 0) or 0

    def offered(self, user: User, obj: CommonProblem) -> list[tuple[str, Any]]:
        open_members = list(obj.cases.filter(state__in=sorted(OPEN_STATES)).select_related("unit"))
        if not all(access.can_triage(user, case) for case in open_members):
            return []
        if obj.state == ProblemState.OPEN:
            return [("resolve", PROBLEM_ACT_LABELS["resolve"])]
        if obj.state == ProblemState.RESOLVED and obj.resolved_by_id != user.pk:
            return [("verify", PROBLEM_ACT_LABELS["verify"])]
        return []

    def label_of(self, act: str) -> Any:
        return PROBLEM_ACT_LABELS[act]

    def summary(self, obj: CommonProblem) -> list[tuple[Any, Any]]:
        return [
            (gettext_lazy("title"), obj.title),
            (gettext_lazy("unit"), obj.unit),
            (gettext_lazy("state"), obj.get_state_display()),
            (gettext_lazy("cases"), self.member_count(obj)),
            (gettext_lazy("version"), obj.version),
        ]

    def get_urls(self) -> list[URLPattern]:
        return [*self.act_urls(), *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        user = signed_in(request.user)
        problem = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if user is not None and problem is not None:
            members = (
                access.cases_visible_to(user)
                .filter(problem=problem)
                .select_related("responsible_unit", "responsible_department")
                .order_by("received_at", "id")
            )
            context["acts"] = self.act_buttons(user, problem)
            context["members"] = [
                {"case": case, "url": reverse("admin:cases_case_change", args=[quote(case.pk)])}
                for case in members
            ]
        return super().change_view(request, object_id, form_url, context)


# -- read-only records of cases ---------------------------------------------------------------------


class CaseRecordAdmin(ScopedModelAdmin[Any]):
    """Rows that belong to a case, read-only, scoped through their case; written by the case's acts."""

    def visible(self, user: User) -> QuerySet[Any]:
        queryset: QuerySet[Any] = self.model._default_manager.all()
        if is_superuser(user):
            return queryset
        return queryset.filter(case__in=access.cases_visible_to(user).values("pk"))

    def may_view(self, user: User) -> bool:
        return is_ledger_staff(user)

    @admin.display(description=gettext_lazy("case"), ordering="case__number")
    def case_link(self, obj: Any) -> str:
        url = reverse("admin:cases_case_change", args=[quote(obj.case_id)])
        return format_html('<a href="{}">{}</a>', url, obj.case.number)


@admin.register(Extension)
class ExtensionAdmin(CaseRecordAdmin):
    """Deadline extensions asked for and decided on cases (decided through the case's page)."""

    list_display = ("requested_at", "case_link", "days", "status", "requested_by", "decided_by", "decided_at")
    list_select_related = ("case", "requested_by", "decided_by")
    list_filter = ("status",)
    search_fields = ("case__number",)
    ordering = ("-requested_at", "-id")
    fields = (
        "case",
        "days",
        "reason",
        "requested_by",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    )


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(CaseRecordAdmin):
    """督办 records: by the sweeper when overdue, or by an administrator from the case's page."""

    list_display = ("at", "case_link", "level", "reason", "issued_by")
    list_select_related = ("case", "issued_by")
    list_filter = ("level",)
    search_fields = ("case__number",)
    ordering = ("-at", "-id")
    fields = ("case", "level", "reason", "issued_by", "at", "responsible_unit", "responsible_department")


__all__ = [
    "LEDGER_ROLES",
    "CaseAdmin",
    "CommonProblemAdmin",
    "ExtensionAdmin",
    "SupervisionRecordAdmin",
    "catalog_for",
    "is_ledger_staff",
]
