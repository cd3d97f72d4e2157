"""Admin for the matter catalog (with its time limits inline), the holiday calendar and deadline
settings; reads and permissions from ``cases.catalog``, every save through its actions (see
``grassroots.core.admin_site``).

Who comes in through these models: superusers and holders of a people-editor post (grid staff,
community workers, street staff, district administrators) read the catalog of their districts;
district administrators edit their district's catalog and deadline settings, and the holiday
calendar (one for the whole deployment), which only they and superusers see here.

A category's change form and its time-limit rows are saved as one: every row calls
``set_time_limit`` / ``remove_time_limit`` while the form is checked, and when anything on the
page is refused the whole request is rolled back, so the page never half-saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import catalog
from grassroots.cases.models import Category, SlaSettings, TimeLimit
from grassroots.core.admin_site import ActionForm, ScopedModelAdmin, actor_of, signed_in
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import Holiday, User
from grassroots.org import access
from grassroots.org.admin import tree_label
from grassroots.org.choices import PEOPLE_EDITOR_ROLES, Role, UnitKind

if TYPE_CHECKING:
    _TimeLimitFormBase = forms.ModelForm[TimeLimit]
    _TimeLimitInlineBase = admin.TabularInline[TimeLimit, Category]
else:
    _TimeLimitFormBase = forms.ModelForm
    _TimeLimitInlineBase = admin.TabularInline


def _reads_catalog(user: User) -> bool:
    return access.is_superuser(user) or access.has_role(user, *PEOPLE_EDITOR_ROLES)


def _edits_catalogs(user: User) -> bool:
    return access.is_superuser(user) or access.has_role(user, Role.DISTRICT_ADMIN)


# -- time limits, inline --------------------------------------------------------------------------------


class TimeLimitForm(_TimeLimitFormBase):
    """A time-limit row of a category; checking it writes it (``set_time_limit``) or, ticked for
    deletion, removes it (``remove_time_limit``). Domain errors become field errors."""

    request: HttpRequest

    class Meta:
        model = TimeLimit
        fields = ("triage_class", "stage", "response_days", "handling_days", "verification_days")

    def _post_clean(self) -> None:
        if self.errors:
            return
        category = self.instance.category
        assert category is not None  # the inline formset sets it
        actor = actor_of(self.request)
        try:
            with transaction.atomic():
                if self.cleaned_data.get("DELETE"):
                    if self.instance.pk:
                        # A copy goes: the admin still inspects this form's instance afterwards.
                        stored = TimeLimit.objects.get(pk=self.instance.pk)
                        catalog.remove_time_limit(actor=actor, limit=stored)
                    return
                if self.instance.pk and self.has_changed():
                    if any(
                        self.cleaned_data[name] != getattr(self.instance, name)
                        for name in ("triage_class", "stage")
                    ):
                        # A changed class or level is another row: the old one goes.
                        old = TimeLimit.objects.get(pk=self.instance.pk)
                        catalog.remove_time_limit(actor=actor, limit=old)
                elif self.instance.pk:
                    return
                self.instance = catalog.set_time_limit(
                    actor=actor,
                    district=category.district,
                    category=category,
                    triage_class=self.cleaned_data["triage_class"],
                    stage=self.cleaned_data["stage"],
                    response_days=self.cleaned_data["response_days"],
                    handling_days=self.cleaned_data["handling_days"],
                    verification_days=self.cleaned_data["verification_days"],
                )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or _("You are not allowed to make this change."))
        except Conflict as exc:
            self.add_error(None, exc.message)


class TimeLimitInline(_TimeLimitInlineBase):
    model = TimeLimit
    form = TimeLimitForm
    extra = 1
    fk_name = "category"
    verbose_name = gettext_lazy("time limit (working days)")
    verbose_name_plural = gettext_lazy("time limits (working days)")

    def get_formset(self, request: HttpRequest, obj: Category | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"request": request})
        return formset

    def _may_change(self, request: HttpRequest, obj: Category | None) -> bool:
        user = signed_in(request.user)
        return user is not None and obj is not None and catalog.can_edit_catalog(user, obj.district)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = signed_in(request.user)
        return user is not None and _reads_catalog(user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)


# -- categories -----------------------------------------------------------------------------------------


class CategoryForm(ActionForm):
    keywords = forms.CharField(
        label=gettext_lazy("keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Separated by 、 , or spaces."),
    )
    examples = forms.CharField(
        label=gettext_lazy("examples"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("How residents put it, one per line."),
    )


@admin.register(Category)
class CategoryAdmin(ScopedModelAdmin[Category]):
    """The matter catalog (事项清单) in tree order, with each category's time limits inline."""

    form = CategoryForm
    list_display = (
        "tree_name",
        "code",
        "default_class",
        "department",
        "auto_escalate",
        "urgent_may_skip",
        "is_active",
    )
    list_select_related = ("department",)
    list_filter = ("is_active", "level", "default_class", "auto_escalate")
    search_fields = ("^code", "name", "keywords")
    list_per_page = 200
    autocomplete_fields = ("parent",)
    fk_filters = {"district": {"kind": UnitKind.DISTRICT}}
    inlines = [TimeLimitInline]

    def visible(self, user: User) -> QuerySet[Category]:
        return catalog.in_tree_order(catalog.categories_visible_to(user))

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return catalog.TREE_ORDERING

    def may_view(self, user: User) -> bool:
        return _reads_catalog(user)

    def may_add(self, user: User) -> bool:
        return _edits_catalogs(user)

    def may_change(self, user: User, obj: Category | None) -> bool:
        return catalog.can_edit_catalog(user, obj.district) if obj is not None else _edits_catalogs(user)

    def choice_label(self, obj: Category) -> str:
        return f"{obj.name} · {obj.code}"

    @admin.display(description=gettext_lazy("name"))
    def tree_name(self, obj: Category) -> str:
        return tree_label(obj.name, obj.level - 1)

    def get_inlines(self, request: HttpRequest, obj: Category | None) -> list[Any]:
        # Rows belong to a saved category: they are added once it exists.
        return list(self.inlines) if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        common = (
            "parent",
            "code",
            "name",
            "default_class",
            "department",
            "keywords",
            "examples",
            "auto_escalate",
            "urgent_may_skip",
            "sort_order",
        )
        return ("district", *common) if obj is None else ("district", *common, "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        return ("district",) if obj is not None else ()

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Category | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            # A POST shown again means something on the page was refused: keep none of it.
            transaction.set_rollback(True)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        # The rows were written by the actions while checking the forms (the formsets are never
        # saved); the audit records are the history, so there is no admin message to build.
        return []

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Category:
        return catalog.create_category(
            actor=actor_of(request),
            district=data["district"],
            code=data.get("code") or "",
            name=data.get("name") or "",
            parent=data.get("parent"),
            default_class=data.get("default_class") or "",
            department=data.get("department"),
            keywords=data.get("keywords") or "",
            examples=data.get("examples") or "",
            auto_escalate=bool(data.get("auto_escalate")),
            urgent_may_skip=bool(data.get("urgent_may_skip")),
            sort_order=data.get("sort_order") or 0,
        )

    def update(self, request: HttpRequest, obj: Category, changes: dict[str, Any]) -> Category:
        return catalog.update_category(actor=actor_of(request), category=obj, **changes)


# -- the holiday calendar -------------------------------------------------------------------------------


@admin.register(Holiday)
class HolidayAdmin(ScopedModelAdmin[Holiday]):
    """The holiday calendar: days off and make-up working days, for the whole deployment. Entries
    are plain data and are deleted (through ``remove_holiday``)."""

    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)
    fields = ("date", "kind", "name")

    def visible(self, user: User) -> QuerySet[Holiday]:
        return catalog.holidays_visible_to(user)

    def may_view(self, user: User) -> bool:
        return catalog.can_edit_calendar(user)

    def may_add(self, user: User) -> bool:
        return catalog.can_edit_calendar(user)

    def may_change(self, user: User, obj: Holiday | None) -> bool:
        return catalog.can_edit_calendar(user)

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj: Holiday) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def has_delete_permission(self, request: HttpRequest, obj: Holiday | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        catalog.remove_holiday(actor=actor_of(request), holiday=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        actor = actor_of(request)
        for holiday in queryset:
            catalog.remove_holiday(actor=actor, holiday=holiday)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Holiday:
        return catalog.add_holiday(
            actor=actor_of(request), date=data["date"], kind=data["kind"], name=data.get("name") or ""
        )

    def update(self, request: HttpRequest, obj: Holiday, changes: dict[str, Any]) -> Holiday:
        return catalog.update_holiday(actor=actor_of(request), holiday=obj, **changes)


# -- deadline settings ----------------------------------------------------------------------------------


@admin.register(SlaSettings)
class SlaSettingsAdmin(ScopedModelAdmin[SlaSettings]):
    """A district's deadline settings (warning fraction, urgency factors, fallback limits …)."""

    list_display = ("district", "yellow_fraction", "rating_window_days", "case_days", "min_ranking_sample")
    list_select_related = ("district",)
    ordering = ("district__path",)
    fk_filters = {"district": {"kind": UnitKind.DISTRICT}}

    def visible(self, user: User) -> QuerySet[SlaSettings]:
        return catalog.sla_visible_to(user)

    def may_view(self, user: User) -> bool:
        return _edits_catalogs(user)

    def may_add(self, user: User) -> bool:
        return _edits_catalogs(user)

    def may_change(self, user: User, obj: SlaSettings | None) -> bool:
        return catalog.can_edit_catalog(user, obj.district) if obj is not None else _edits_catalogs(user)

    def get_fields(self, request: HttpRequest, obj: SlaSettings | None = None) -> Any:
        return ("district", *catalog.SLA_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: SlaSettings | None = None) -> Any:
        return ("district",) if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> SlaSettings:
        values = {name: data[name] for name in catalog.SLA_FIELDS if data.get(name) is not None}
        return catalog.update_sla_settings(actor=actor_of(request), district=data["district"], **values)

    def update(self, request: HttpRequest, obj: SlaSettings, changes: dict[str, Any]) -> SlaSettings:
        return catalog.update_sla_settings(actor=actor_of(request), district=obj.district, **changes)
