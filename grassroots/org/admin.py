"""Admin for the organisation: units, departments, party organisations, posts, and the audit log.

Reads start from ``org.access.*_visible_to``; permissions come from posts (``can_administer``,
``can_add_under``, ``can_manage_departments``); every save calls ``org.actions`` (see
``grassroots.core.admin_site``). Who may enter the admin through these models: superusers and
holders of a people-editor post (grid manager, grid leader, community worker, street staff,
district administrator); the audit log: district administrators and superusers.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.admin import AuditRecordAdmin
from grassroots.core.admin_site import ActionForm, ScopedModelAdmin, actor_of
from grassroots.core.errors import ValidationError
from grassroots.core.models import AuditRecord, User
from grassroots.org import access, boundaries
from grassroots.org import actions as org_actions
from grassroots.org.choices import (
    GRID_CORE_ROLES,
    PEOPLE_EDITOR_ROLES,
    PLACE_KINDS,
    STRUCTURE_ADMIN_ROLES,
    Role,
    UnitKind,
)
from grassroots.org.models import Department, PartyOrg, Post, Unit

_MISSING = object()
NON_PLACE_KINDS = sorted(set(UnitKind.values) - set(PLACE_KINDS))


def is_people_editor(user: User) -> bool:
    """Holds a post that registers and edits people records: the admin's door (module docstring)."""
    return access.is_superuser(user) or access.has_role(user, *PEOPLE_EDITOR_ROLES)


def is_structure_admin(user: User) -> bool:
    return access.is_superuser(user) or access.has_role(user, *STRUCTURE_ADMIN_ROLES)


def is_district_admin(user: User) -> bool:
    return access.is_superuser(user) or access.has_role(user, Role.DISTRICT_ADMIN)


def tree_label(name: str, depth: int) -> str:
    return format_html('<span style="padding-inline-start:{}em">{}</span>', depth * 1.5, name)


# -- units --------------------------------------------------------------------------------------------


class UnitForm(ActionForm):
    code = forms.CharField(
        label=gettext_lazy("code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Leave empty when adding to number the unit after its parent."),
    )
    boundary = forms.JSONField(
        label=gettext_lazy("boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text=gettext_lazy("A GeoJSON Polygon or MultiPolygon in longitude/latitude; empty: none."),
    )


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy(
            "A FeatureCollection; each feature names its unit by properties.code (or parent_code and name)."
        ),
    )
    create_missing = forms.BooleanField(
        label=gettext_lazy("Create units that do not exist yet"), required=False
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (write nothing)"), required=False, initial=True
    )


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin[Unit]):
    """The unit tree in tree order, indented by depth; structure changes through ``org.actions``."""

    form = UnitForm
    list_display = ("tree_name", "kind", "code", "parent", "has_boundary", "is_active")
    list_select_related = ("parent",)
    list_filter = ("kind", "is_active")
    search_fields = ("^code", "name")
    ordering = ("path",)
    list_per_page = 100
    autocomplete_fields = ("parent",)
    fk_filters = {"parent": {"kind__in": sorted(set(UnitKind.values) - {UnitKind.BUILDING})}}

    def visible(self, user: User) -> QuerySet[Unit]:
        # Lists and choices need only whether a boundary exists, not the polygon itself.
        has_boundary = ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
        return access.units_visible_to(user).annotate(boundary_set=has_boundary).defer("boundary")

    def may_view(self, user: User) -> bool:
        return is_people_editor(user)

    def may_add(self, user: User) -> bool:
        return is_structure_admin(user)

    def may_change(self, user: User, obj: Unit | None) -> bool:
        return access.can_administer(user, obj) if obj is not None else is_structure_admin(user)

    def choice_label(self, obj: Unit) -> str:
        return f"{obj.name} · {obj.code}"

    @admin.display(description=gettext_lazy("name"), ordering="path")
    def tree_name(self, obj: Unit) -> str:
        return tree_label(obj.name, obj.depth)

    @admin.display(description=gettext_lazy("boundary"), boolean=True)
    def has_boundary(self, obj: Unit) -> bool:
        return bool(getattr(obj, "boundary_set", False))

    def get_fieldsets(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        place = (gettext_lazy("Location"), {"fields": ("address", "lat", "lng", "boundary")})
        if obj is None:
            return ((None, {"fields": ("parent", "kind", "name", "code", "sort_order")}), place)
        return (
            (None, {"fields": ("name", "kind", "parent", "code", "district", "sort_order", "is_active")}),
            place,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        return ("kind", "district") if obj is not None else ()

    # -- boundaries as GeoJSON (``org.boundaries``: scoped, checked, audited) -----------------------
    actions = ["deactivate_selected", "activate_selected", "export_geojson"]
    change_list_template = "admin/grassroots/change_list_with_tools.html"

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_boundaries"
        view = path("import-boundaries/", self.admin_site.admin_view(self.import_view), name=name)
        return [view, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        tools = []
        if self.has_add_permission(request):
            url = reverse(f"{self.admin_site.name}:org_unit_import_boundaries")
            tools.append({"url": url, "label": _("Import boundaries (GeoJSON)")})
        return super().changelist_view(request, {"object_tools": tools, **(extra_context or {})})

    @admin.action(description=gettext_lazy("Export the boundaries of the selected subtrees as GeoJSON"))
    def export_geojson(self, request: HttpRequest, queryset: QuerySet[Unit]) -> HttpResponse:
        actor = actor_of(request)
        roots: list[Unit] = []
        for unit in queryset.order_by("path"):
            if not any(root.is_ancestor_of(unit) for root in roots):
                roots.append(unit)
        features: list[dict[str, Any]] = []
        for root in roots:
            features += boundaries.export_boundaries(actor=actor, root=root)["features"]
        body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
        name = roots[0].code if len(roots) == 1 else "units"
        response["Content-Disposition"] = (
            f'attachment; filename="boundaries-{slugify(name) or "units"}.geojson"'
        )
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a FeatureCollection; ``org.boundaries.import_boundaries`` checks every feature and
        writes all or nothing, through the actions (permission and audit per unit)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BoundaryImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = boundaries.import_boundaries(
                actor=actor_of(request),
                data=form.cleaned_data["file"],
                create_missing=form.cleaned_data["create_missing"],
                dry_run=form.cleaned_data["dry_run"],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import boundaries (GeoJSON)"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/grassroots/import_boundaries.html", context)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Unit:
        return org_actions.create_unit(
            actor=actor_of(request),
            kind=data["kind"],
            name=data["name"],
            parent=data.get("parent"),
            code=data.get("code") or "",
            address=data.get("address") or "",
            lat=data.get("lat"),
            lng=data.get("lng"),
            boundary=data.get("boundary"),
            sort_order=data.get("sort_order") or 0,
        )

    def update(self, request: HttpRequest, obj: Unit, changes: dict[str, Any]) -> Unit:
        actor = actor_of(request)
        changes = dict(changes)
        parent = changes.pop("parent", _MISSING)
        boundary = changes.pop("boundary", _MISSING)
        if "code" in changes and not changes["code"]:
            raise ValidationError({"code": [_("A code is required.")]})
        if changes:
            obj = org_actions.update_unit(actor=actor, unit=obj, **changes)
        if parent is not _MISSING:
            if not isinstance(parent, Unit):
                raise ValidationError({"parent": [_("A unit stays under a parent; choose one.")]})
            obj = org_actions.move_unit(actor=actor, unit=obj, new_parent=parent)
        if boundary is not _MISSING:
            try:
                obj = org_actions.set_boundary(actor=actor, unit=obj, boundary=boundary)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                raise ValidationError({"boundary": exc.messages}) from None
        return obj


# -- departments --------------------------------------------------------------------------------------


@admin.register(Department)
class DepartmentAdmin(ScopedModelAdmin[Department]):
    """District departments (职能部门); managed by district administrators."""

    list_display = ("name", "short_name", "code", "district", "is_active")
    list_select_related = ("district",)
    list_filter = ("is_active",)
    search_fields = ("name", "short_name", "^code")
    ordering = ("district__path", "code")
    fk_filters = {"district": {"kind": UnitKind.DISTRICT}}

    def visible(self, user: User) -> QuerySet[Department]:
        return access.departments_visible_to(user)

    def may_view(self, user: User) -> bool:
        return is_people_editor(user)

    def may_add(self, user: User) -> bool:
        return is_district_admin(user)

    def may_change(self, user: User, obj: Department | None) -> bool:
        if obj is None:
            return is_district_admin(user)
        return access.can_manage_departments(user, obj.district)

    def get_fields(self, request: HttpRequest, obj: Department | None = None) -> Any:
        if obj is None:
            return ("district", "name", "short_name", "code")
        return ("district", "name", "short_name", "code", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Department | None = None) -> Any:
        return ("district",) if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Department:
        return org_actions.create_department(
            actor=actor_of(request),
            district=data["district"],
            name=data["name"],
            code=data["code"],
            short_name=data.get("short_name") or "",
        )

    def update(self, request: HttpRequest, obj: Department, changes: dict[str, Any]) -> Department:
        return org_actions.update_department(actor=actor_of(request), department=obj, **changes)


# -- party organisations ------------------------------------------------------------------------------


class PartyOrgForm(ActionForm):
    code = forms.CharField(
        label=gettext_lazy("code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Leave empty to number the organisation after its parent."),
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("district"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("Needed only for a top-level organisation; otherwise taken from the parent."),
    )


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedModelAdmin[PartyOrg]):
    """The party organisation tree (党工委 → 大党委 → 支部 → 党小组), in tree order."""

    form = PartyOrgForm
    list_display = ("tree_name", "kind", "code", "serves", "is_active")
    list_select_related = ("serves",)
    list_filter = ("kind", "is_active")
    search_fields = ("^code", "name")
    ordering = ("path",)
    list_per_page = 100
    autocomplete_fields = ("parent", "serves")
    fk_filters = {"serves": {"kind__in": NON_PLACE_KINDS}, "district": {"kind": UnitKind.DISTRICT}}

    def visible(self, user: User) -> QuerySet[PartyOrg]:
        return access.party_orgs_visible_to(user)

    def may_view(self, user: User) -> bool:
        return is_people_editor(user)

    def may_add(self, user: User) -> bool:
        return is_structure_admin(user)

    def may_change(self, user: User, obj: PartyOrg | None) -> bool:
        if obj is None:
            return is_structure_admin(user)
        return access.can_add_under(user, obj.serves or obj.district)

    def choice_label(self, obj: PartyOrg) -> str:
        return f"{obj.name} · {obj.code}"

    @admin.display(description=gettext_lazy("name"), ordering="path")
    def tree_name(self, obj: PartyOrg) -> str:
        return tree_label(obj.name, obj.depth)

    def get_form(
        self, request: HttpRequest, obj: PartyOrg | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "district" in form.base_fields:
            unit_admin = self.admin_site._registry[Unit]
            field = form.base_fields["district"]
            field.queryset = unit_admin.get_queryset(request).filter(kind=UnitKind.DISTRICT)  # type: ignore[attr-defined]
        return form

    def get_fields(self, request: HttpRequest, obj: PartyOrg | None = None) -> Any:
        if obj is None:
            return ("parent", "kind", "name", "serves", "district", "code")
        return ("name", "kind", "parent", "code", "district", "serves", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: PartyOrg | None = None) -> Any:
        return ("kind", "parent", "code", "district") if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> PartyOrg:
        parent: PartyOrg | None = data.get("parent")
        serves: Unit | None = data.get("serves")
        district: Unit | None = data.get("district")
        if district is None:
            if parent is not None:
                district = parent.district
            elif serves is not None and serves.district is not None:
                district = serves.district
            else:
                raise ValidationError({"district": [_("Choose the district, a parent or a served unit.")]})
        return org_actions.create_party_org(
            actor=actor_of(request),
            kind=data["kind"],
            name=data["name"],
            district=district,
            parent=parent,
            serves=serves,
            code=data.get("code") or "",
        )

    def update(self, request: HttpRequest, obj: PartyOrg, changes: dict[str, Any]) -> PartyOrg:
        return org_actions.update_party_org(actor=actor_of(request), org=obj, **changes)


# -- posts --------------------------------------------------------------------------------------------


class PostForm(ActionForm):
    username = forms.CharField(
        label=gettext_lazy("user name"),
        max_length=150,
        help_text=gettext_lazy("The sign-in name of the person who takes the post."),
    )
    error_fields = {"user": "username"}

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user


class ActivePostFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", _("In post")), ("ended", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "active":
            return queryset.filter(ended_on__isnull=True)
        if self.value() == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset


@admin.register(Post)
class PostAdmin(ScopedModelAdmin[Post]):
    """Posts (role @ unit): assigned, ended and made primary through ``org.actions``; never deleted."""

    form = PostForm
    list_display = ("user", "role", "place", "is_primary", "title", "started_on", "ended_on")
    list_select_related = ("user", "unit", "department")
    list_filter = ("role", ActivePostFilter, "is_primary")
    search_fields = ("=user__username", "user__display_name", "^unit__code")
    ordering = ("unit__path", "role", "id")
    autocomplete_fields = ("unit",)
    fk_filters = {"unit": {"kind__in": NON_PLACE_KINDS}}
    actions = ["end_selected", "make_primary"]

    def visible(self, user: User) -> QuerySet[Post]:
        return access.posts_visible_to(user)

    def may_view(self, user: User) -> bool:
        return is_people_editor(user)

    def may_add(self, user: User) -> bool:
        return is_structure_admin(user)

    def may_change(self, user: User, obj: Post | None) -> bool:
        if obj is None:
            return is_structure_admin(user)
        if obj.ended_on is not None:
            return False
        if obj.unit is not None:
            return access.can_administer(user, obj.unit)
        return obj.department is not None and access.can_manage_departments(user, obj.department.district)

    @admin.display(description=gettext_lazy("unit or department"))
    def place(self, obj: Post) -> str:
        return str(obj.department if obj.department_id else obj.unit)

    def get_fields(self, request: HttpRequest, obj: Post | None = None) -> Any:
        if obj is None:
            return ("username", "role", "unit", "department", "is_primary", "title", "started_on")
        return ("user", "role", "unit", "department", "title", "started_on", "is_primary", "ended_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Post | None = None) -> Any:
        if obj is None:
            return ()
        return ("user", "role", "unit", "department", "title", "started_on")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"started_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Post:
        return org_actions.assign_post(
            actor=actor_of(request),
            user=data["username"],
            role=data["role"],
            unit=data.get("unit"),
            department=data.get("department"),
            is_primary=True if data.get("is_primary") else None,
            title=data.get("title") or "",
            started_on=data.get("started_on"),
        )

    def update(self, request: HttpRequest, obj: Post, changes: dict[str, Any]) -> Post:
        actor = actor_of(request)
        if "is_primary" in changes:
            if not changes["is_primary"]:
                raise ValidationError(
                    {"is_primary": [_("To hand the primary over, make another of the grid's posts primary.")]}
                )
            obj = org_actions.set_primary(actor=actor, post=obj)
        if "ended_on" in changes and changes["ended_on"] is not None:
            obj = org_actions.end_post(actor=actor, post=obj, ended_on=changes["ended_on"])
        return obj

    @admin.action(description=gettext_lazy("End the selected posts today"), permissions=["change"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        actor = actor_of(request)
        self.apply_each(
            request,
            queryset.filter(ended_on__isnull=True),
            lambda post: org_actions.end_post(actor=actor, post=post),
            done_message=_("%(count)s posts ended."),
        )

    @admin.action(
        description=gettext_lazy("Make the selected post its grid's primary owner"), permissions=["change"]
    )
    def make_primary(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        actor = actor_of(request)
        posts = list(queryset.filter(role__in=sorted(GRID_CORE_ROLES), ended_on__isnull=True)[:2])
        if len(posts) != 1:
            self.message_user(
                request, _("Select exactly one active post of a grid's 一长两员."), level="error"
            )
            return
        self.apply_each(
            request,
            posts,
            lambda post: org_actions.set_primary(actor=actor, post=post),
            done_message=_("The primary owner was changed."),
        )


# -- the audit log ------------------------------------------------------------------------------------


@admin.register(AuditRecord)
class ScopedAuditRecordAdmin(AuditRecordAdmin):
    """Audit records of the subtrees where the user is a district administrator (docs/domain.md §8)."""

    def visible(self, user: User) -> QuerySet[AuditRecord]:
        return access.audit_records_visible_to(user)

    def may_view(self, user: User) -> bool:
        return is_district_admin(user)
