"""Admin for people and places: households, residents, party members, organisations, facilities.

Reads start from ``people.access.*_visible_to``; a record may be changed by whoever
``org.access.can_edit_people_in`` its unit; every save calls ``people.actions`` (see
``grassroots.core.admin_site``). ID numbers and phones are shown masked; the forms take a new
value in a write-only field, and a "full view" asks for a purpose and calls
``people.actions.reveal_personal_data``, which writes the audit record (docs/domain.md §8).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import pii
from grassroots.core.admin_site import ActionForm, ScopedModelAdmin, actor_of, signed_in, write_only_field
from grassroots.core.errors import ValidationError
from grassroots.core.models import User
from grassroots.core.validators import normalize_phone, parse_id_number
from grassroots.org import access as org_access
from grassroots.org.admin import NON_PLACE_KINDS, is_people_editor
from grassroots.org.choices import UnitKind
from grassroots.people import access
from grassroots.people import actions as people_actions
from grassroots.people.choices import ResidentTag
from grassroots.people.models import Facility, Household, Organization, PartyMember, Resident

COMMUNITY_KINDS = {"kind__in": [UnitKind.COMMUNITY, UnitKind.VILLAGE]}
SEALED_LABELS = {"id_number": gettext_lazy("ID number"), "phone": gettext_lazy("phone")}


def sealed_lookup(term: str) -> Q | None:
    """An exact match on the keyed hash when the search term is a valid ID number or phone."""
    term = term.strip()
    try:
        return Q(id_number_hash=pii.blind_index(parse_id_number(term).value, kind="id_number"))
    except ValidationError:
        pass
    try:
        return Q(phone_hash=pii.blind_index(normalize_phone(term), kind="phone"))
    except ValidationError:
        return None


class AccountField(forms.CharField):
    """A sign-in account named by its user name (empty: none)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("account (user name)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> User | None:
        name = str(super().clean(value) or "").strip()
        if not name:
            return None
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user

    def has_changed(self, initial: Any, data: Any) -> bool:
        return str(initial or "").strip() != str(data or "").strip()


class PeopleAdmin(ScopedModelAdmin[Any]):
    """Shared rules: people editors enter; a record changes where its unit may be edited; ID
    numbers and phones are masked, searchable by exact value, and revealed only with a purpose."""

    revealable: tuple[str, ...] = ()
    unit_field = "unit"

    def may_view(self, user: User) -> bool:
        return is_people_editor(user)

    def may_add(self, user: User) -> bool:
        return is_people_editor(user)

    def may_change(self, user: User, obj: Any | None) -> bool:
        if obj is None:
            return is_people_editor(user)
        return org_access.can_edit_people_in(user, getattr(obj, self.unit_field))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if self.revealable and search_term:
            exact = sealed_lookup(search_term)
            if exact is not None:
                return queryset.filter(exact), False
        return super().get_search_results(request, queryset, search_term)

    # -- masked values with a "full view" ---------------------------------------------------------
    def _sealed_display(self, obj: Any, attribute: str) -> str:
        masked = getattr(obj, f"{attribute}_masked", "")
        if not masked:
            return "—"
        if obj.pk is None or attribute not in self.revealable:
            return str(masked)
        url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_reveal",
            args=(quote(obj.pk), attribute),
        )
        return format_html('{} <a class="button" href="{}">{}</a>', masked, url, _("Full view"))

    @admin.display(description=gettext_lazy("ID number"))
    def id_number_display(self, obj: Any) -> str:
        return self._sealed_display(obj, "id_number")

    @admin.display(description=gettext_lazy("phone"))
    def phone_display(self, obj: Any) -> str:
        return self._sealed_display(obj, "phone")

    def get_urls(self) -> list[URLPattern]:
        if not self.revealable:
            return super().get_urls()
        name = f"{self.opts.app_label}_{self.opts.model_name}_reveal"
        reveal = path(
            "<path:object_id>/reveal/<str:attribute>/",
            self.admin_site.admin_view(self.reveal_view),
            name=name,
        )
        return [reveal, *super().get_urls()]

    def reveal_view(self, request: HttpRequest, object_id: str, attribute: str) -> HttpResponse:
        """Full view of one ID number or phone: asks for the purpose, shows the value once, and
        leaves an audit record (``people.actions.reveal_personal_data``, docs/domain.md §8)."""
        if attribute not in self.revealable:
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not getattr(obj, f"{attribute}_cipher", ""):
            raise Http404
        form = PurposeForm(request.POST or None)
        value = ""
        if request.method == "POST" and form.is_valid():
            try:
                value = people_actions.reveal_personal_data(
                    actor=actor_of(request),
                    obj=obj,
                    attribute=attribute,
                    purpose=form.cleaned_data["purpose"],
                )
            except ValidationError as exc:
                form.add_error("purpose", exc.message_dict.get("purpose", exc.messages))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Full view of personal data"),
            "subtitle": str(obj),
            "field_label": SEALED_LABELS[attribute],
            "masked": getattr(obj, f"{attribute}_masked"),
            "value": value,
            "form": form,
            "change_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(quote(obj.pk),),
            ),
        }
        response = TemplateResponse(request, "admin/grassroots/reveal.html", context)
        response["Cache-Control"] = "no-store"
        return response


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=gettext_lazy("Why you need the full value; it is kept in the audit log."),
    )


# -- households ---------------------------------------------------------------------------------------


@admin.register(Household)
class HouseholdAdmin(PeopleAdmin):
    """Households (户) in grids; their members are listed (masked) on the change page."""

    list_display = ("address", "door", "grid", "building", "members_count", "is_active")
    list_select_related = ("grid", "building")
    list_filter = ("is_active",)
    search_fields = ("address", "door")
    ordering = ("grid__path", "building_id", "door", "id")
    autocomplete_fields = ("grid", "building")
    fk_filters = {
        "grid": {"kind": UnitKind.GRID},
        "building": {"kind__in": [UnitKind.BUILDING, UnitKind.COURTYARD]},
    }
    unit_field = "grid"
    change_form_template = "admin/grassroots/change_form_with_rows.html"

    def visible(self, user: User) -> QuerySet[Household]:
        members = (
            Resident.objects.filter(household=OuterRef("pk"), is_active=True)
            .order_by()
            .values("household")
            .annotate(n=Count("id"))
            .values("n")
        )
        return access.households_visible_to(user).annotate(
            active_members=Subquery(members, output_field=IntegerField())
        )

    def choice_label(self, obj: Household) -> str:
        return f"{obj.address} {obj.door}".strip()

    @admin.display(description=gettext_lazy("members"))
    def members_count(self, obj: Household) -> int:
        return getattr(obj, "active_members", None) or 0

    def get_fields(self, request: HttpRequest, obj: Household | None = None) -> Any:
        if obj is None:
            return ("grid", "building", "door", "address")
        return ("grid", "building", "door", "address", "is_active")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        user = signed_in(request.user)
        household = self.get_object(request, unquote(object_id))
        rows: list[dict[str, Any]] = []
        if user is not None and household is not None:
            resident_admin = self.admin_site._registry.get(Resident)
            members = access.residents_visible_to(user).filter(household=household).order_by("id")
            for member in members:
                url = ""
                if resident_admin is not None and resident_admin.has_view_permission(request, member):
                    url = reverse(f"{self.admin_site.name}:people_resident_change", args=(quote(member.pk),))
                rows.append(
                    {
                        "url": url,
                        "cells": [
                            member.name,
                            member.get_relation_display(),
                            member.birth_year,
                            member.id_number_masked or "—",
                            member.phone_masked or "—",
                            _("yes") if member.is_active else _("no"),
                        ],
                    }
                )
        context = {
            "related_title": _("Members"),
            "related_headers": [
                _("name"),
                _("relation to head"),
                _("birth year"),
                _("ID number"),
                _("phone"),
                _("active"),
            ],
            "related_rows": rows,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Household:
        return people_actions.register_household(
            actor=actor_of(request),
            grid=data["grid"],
            building=data.get("building"),
            door=data.get("door") or "",
            address=data.get("address") or "",
        )

    def update(self, request: HttpRequest, obj: Household, changes: dict[str, Any]) -> Household:
        return people_actions.update_household(actor=actor_of(request), household=obj, **changes)


# -- residents ----------------------------------------------------------------------------------------


class CareTagFilter(admin.SimpleListFilter):
    title = gettext_lazy("care tag")
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(ResidentTag.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(tags__tag=value) if value in ResidentTag.values else queryset


class ResidentForm(ActionForm):
    id_number = write_only_field(gettext_lazy("new ID number"))
    phone = write_only_field(gettext_lazy("new phone"))
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("care tags"),
        choices=ResidentTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    account = AccountField(help_text=gettext_lazy("Lets the resident sign in and see their own household."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = sorted(self.instance.tags.values_list("tag", flat=True))
            self.initial["account"] = self.instance.user.username if self.instance.user_id else ""


@admin.register(Resident)
class ResidentAdmin(PeopleAdmin):
    """Residents with masked ID numbers and phones, care tags, and the account they sign in with."""

    form = ResidentForm
    list_display = (
        "name",
        "gender",
        "birth_year",
        "relation",
        "household",
        "id_number_masked",
        "phone_masked",
        "tag_list",
        "is_active",
    )
    list_select_related = ("household",)
    list_filter = ("gender", "relation", "residency", CareTagFilter, "is_active")
    search_fields = ("name",)
    ordering = ("household_id", "id")
    autocomplete_fields = ("household",)
    unit_field = "grid"
    revealable = ("id_number", "phone")

    def visible(self, user: User) -> QuerySet[Resident]:
        return access.residents_visible_to(user).prefetch_related("tags")

    def choice_label(self, obj: Resident) -> str:
        return f"{obj.name} {obj.id_number_masked}".strip()

    @admin.display(description=gettext_lazy("care tags"))
    def tag_list(self, obj: Resident) -> str:
        return format_html_join(", ", "{}", ((tag.get_tag_display(),) for tag in obj.tags.all())) or "—"

    def get_fields(self, request: HttpRequest, obj: Resident | None = None) -> Any:
        if obj is None:
            return (
                "household",
                "name",
                "gender",
                "birth_year",
                "relation",
                "residency",
                "id_number",
                "phone",
                "tags",
                "account",
            )
        return (
            "household",
            "name",
            "gender",
            "birth_year",
            "relation",
            "residency",
            "id_number_display",
            "id_number",
            "phone_display",
            "phone",
            "tags",
            "account",
            "is_active",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Resident | None = None) -> Any:
        return ("id_number_display", "phone_display") if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Resident:
        return people_actions.register_resident(
            actor=actor_of(request),
            household=data["household"],
            name=data.get("name") or "",
            gender=data.get("gender") or "",
            birth_year=data.get("birth_year"),
            id_number=data.get("id_number") or "",
            phone=data.get("phone") or "",
            relation=data.get("relation") or "",
            residency=data.get("residency") or "",
            tags=data.get("tags") or [],
            user=data.get("account"),
        )

    def update(self, request: HttpRequest, obj: Resident, changes: dict[str, Any]) -> Resident:
        actor = actor_of(request)
        changes = dict(changes)
        relink = "account" in changes
        account = changes.pop("account", None)
        if changes:
            obj = people_actions.update_resident(actor=actor, resident=obj, **changes)
        if relink:
            obj = people_actions.link_resident_account(actor=actor, resident=obj, user=account)
        return obj


# -- party members ------------------------------------------------------------------------------------


class PartyMemberForm(ActionForm):
    id_number = write_only_field(gettext_lazy("new ID number"))
    phone = write_only_field(gettext_lazy("new phone"))
    account = AccountField()
    error_fields = {"community": "registered_community", "user": "account"}


@admin.register(PartyMember)
class PartyMemberAdmin(PeopleAdmin):
    """Party members in their branches, with 双报到 registration (docs/domain.md §5)."""

    form = PartyMemberForm
    list_display = (
        "name",
        "party_org",
        "unit",
        "status",
        "is_in_service",
        "registered_community",
        "phone_masked",
        "is_active",
    )
    list_select_related = ("party_org", "unit", "registered_community")
    list_filter = ("status", "is_in_service", "is_active")
    search_fields = ("name", "workplace")
    ordering = ("party_org__path", "id")
    autocomplete_fields = ("party_org", "resident", "registered_community")
    fk_filters = {"registered_community": COMMUNITY_KINDS}
    revealable = ("id_number", "phone")

    def visible(self, user: User) -> QuerySet[PartyMember]:
        return access.party_members_visible_to(user)

    def get_fields(self, request: HttpRequest, obj: PartyMember | None = None) -> Any:
        common = (
            "party_org",
            "name",
            "gender",
            "birth_year",
            "status",
            "joined_on",
            "is_in_service",
            "workplace",
        )
        if obj is None:
            return (*common, "resident", "id_number", "phone", "registered_community", "account")
        return (
            *common,
            "resident",
            "id_number_display",
            "id_number",
            "phone_display",
            "phone",
            "registered_community",
            "registered_on",
            "user",
            "unit",
            "is_active",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: PartyMember | None = None) -> Any:
        if obj is None:
            return ()
        return ("id_number_display", "phone_display", "registered_on", "user", "unit")

    def create(self, request: HttpRequest, data: dict[str, Any]) -> PartyMember:
        actor = actor_of(request)
        member = people_actions.register_party_member(
            actor=actor,
            party_org=data["party_org"],
            name=data.get("name") or "",
            gender=data.get("gender") or "",
            birth_year=data.get("birth_year"),
            status=data.get("status") or "",
            joined_on=data.get("joined_on"),
            id_number=data.get("id_number") or "",
            phone=data.get("phone") or "",
            resident=data.get("resident"),
            user=data.get("account"),
            is_in_service=bool(data.get("is_in_service")),
            workplace=data.get("workplace") or "",
        )
        community = data.get("registered_community")
        if community is not None:
            member = people_actions.register_with_community(actor=actor, member=member, community=community)
        return member

    def update(self, request: HttpRequest, obj: PartyMember, changes: dict[str, Any]) -> PartyMember:
        actor = actor_of(request)
        changes = dict(changes)
        community = changes.pop("registered_community", False)
        if changes:
            obj = people_actions.update_party_member(actor=actor, member=obj, **changes)
        if community is not False:
            if community is None:
                raise ValidationError(
                    {
                        "registered_community": [
                            _("A registration cannot be withdrawn here; register elsewhere.")
                        ]
                    }
                )
            obj = people_actions.register_with_community(actor=actor, member=obj, community=community)
        return obj


# -- organisations ------------------------------------------------------------------------------------


class OrganizationForm(ActionForm):
    contact_phone = write_only_field(gettext_lazy("new contact phone"))
    error_fields = {"community": "registered_community", "phone": "contact_phone"}


@admin.register(Organization)
class OrganizationAdmin(PeopleAdmin):
    """In-area organisations (驻区单位), social organisations and shops; the contact phone is sealed."""

    form = OrganizationForm
    list_display = (
        "name",
        "category",
        "kind",
        "unit",
        "contact_name",
        "phone_masked",
        "registered_community",
        "is_active",
    )
    list_select_related = ("unit", "registered_community")
    list_filter = ("category", "is_active")
    search_fields = ("name", "kind", "address")
    ordering = ("unit__path", "category", "name")
    autocomplete_fields = ("unit", "party_org", "registered_community")
    fk_filters = {"unit": {"kind__in": NON_PLACE_KINDS}, "registered_community": COMMUNITY_KINDS}
    revealable = ("phone",)

    def visible(self, user: User) -> QuerySet[Organization]:
        return access.organizations_visible_to(user)

    def get_fields(self, request: HttpRequest, obj: Organization | None = None) -> Any:
        details = ("kind", "name", "address", "lat", "lng", "contact_name")
        if obj is None:
            return ("unit", "category", *details, "contact_phone", "party_org", "registered_community")
        return (
            "unit",
            "category",
            *details,
            "phone_display",
            "contact_phone",
            "party_org",
            "registered_community",
            "registered_on",
            "is_active",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Organization | None = None) -> Any:
        return ("unit", "category", "phone_display", "registered_on") if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Organization:
        actor = actor_of(request)
        organization = people_actions.register_organization(
            actor=actor,
            unit=data["unit"],
            category=data.get("category") or "",
            name=data.get("name") or "",
            kind=data.get("kind") or "",
            address=data.get("address") or "",
            lat=data.get("lat"),
            lng=data.get("lng"),
            contact_name=data.get("contact_name") or "",
            contact_phone=data.get("contact_phone") or "",
            party_org=data.get("party_org"),
        )
        community = data.get("registered_community")
        if community is not None:
            organization = people_actions.register_organization_with_community(
                actor=actor, organization=organization, community=community
            )
        return organization

    def update(self, request: HttpRequest, obj: Organization, changes: dict[str, Any]) -> Organization:
        actor = actor_of(request)
        changes = dict(changes)
        community = changes.pop("registered_community", False)
        if changes:
            obj = people_actions.update_organization(actor=actor, organization=obj, **changes)
        if community is not False:
            if community is None:
                raise ValidationError(
                    {
                        "registered_community": [
                            _("A registration cannot be withdrawn here; register elsewhere.")
                        ]
                    }
                )
            obj = people_actions.register_organization_with_community(
                actor=actor, organization=obj, community=community
            )
        return obj


# -- facilities ---------------------------------------------------------------------------------------


@admin.register(Facility)
class FacilityAdmin(PeopleAdmin):
    """Service facilities (一有七中心) with their location."""

    list_display = ("name", "kind", "unit", "address", "service_phone", "opening_hours", "is_active")
    list_select_related = ("unit",)
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
    ordering = ("unit__path", "kind", "name")
    autocomplete_fields = ("unit",)
    fk_filters = {"unit": {"kind__in": NON_PLACE_KINDS}}

    def visible(self, user: User) -> QuerySet[Facility]:
        return access.facilities_visible_to(user)

    def get_fields(self, request: HttpRequest, obj: Facility | None = None) -> Any:
        details = ("kind", "name", "address", "lat", "lng", "service_phone", "opening_hours")
        return ("unit", *details) if obj is None else ("unit", *details, "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Facility | None = None) -> Any:
        return ("unit",) if obj is not None else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Facility:
        return people_actions.register_facility(
            actor=actor_of(request),
            unit=data["unit"],
            kind=data.get("kind") or "",
            name=data.get("name") or "",
            lat=data.get("lat"),
            lng=data.get("lng"),
            address=data.get("address") or "",
            service_phone=data.get("service_phone") or "",
            opening_hours=data.get("opening_hours") or "",
        )

    def update(self, request: HttpRequest, obj: Facility, changes: dict[str, Any]) -> Facility:
        return people_actions.update_facility(actor=actor_of(request), facility=obj, **changes)
