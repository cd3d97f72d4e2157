"""The admin site and the base of every model admin: scoped reads, post-based permissions, writes
through the actions (docs/architecture.md).

Who may enter the admin
    An active superuser, or an active user for whom at least one registered ``ScopedModelAdmin``
    answers ``may_view``. Each app's admin derives ``may_view`` from the user's posts (for the org
    and people admins: a post in ``PEOPLE_EDITOR_ROLES`` — grid manager, grid leader, community
    worker, street staff, district administrator; for the ledger also a department handler, who
    sees only the ledger's models; for the audit log: a district administrator), so "who may
    enter" follows from "is there anything inside for you" and needs no list of its own.
    Residents, party members, volunteers, party-building guides and micro-grid workers hold none
    of those posts and are kept out. The ``is_staff`` flag is not
    consulted anywhere: nobody has to set it by hand when a post is assigned or ended, and a
    stale flag cannot open the admin to someone whose posts have ended.

Reads
    ``ScopedModelAdmin.get_queryset`` starts from the app's ``*_visible_to(user)`` function
    (``visible``), so change lists, change views, autocomplete answers and foreign-key choices see
    exactly what pages and the API see; an object outside the scope is "not found".

Writes
    ``ActionForm`` replaces model validation with a call to the app's action (``create`` or
    ``update`` of the model admin) inside one transaction: a domain ``ValidationError`` becomes
    inline field errors, ``NotAllowed`` a form-level "not allowed" message, never a 500. The
    admin's own ``save_model``/``save_related`` then have nothing left to do, deletion is
    disabled everywhere (the domain has no delete actions; records are deactivated), and the
    admin's ``LogEntry`` history is replaced by the audit records the actions write.

Object-level checks: ``has_change_permission(request, obj)`` asks the posts about that object
(``may_change``); viewing needs no per-object check because every object an admin view or action
receives was fetched through ``get_queryset``, i.e. through the scope.

URLs: the admin addresses objects by primary key, as Django's admin does throughout (its links,
redirects and templates); pages and the API use public identifiers. The admin is a back office
behind the post check, and an id outside the user's scope is "not found" like an unknown one.

This module lives in ``core`` and imports no other app: the scoping functions and actions come
in through the hooks each app's ``admin.py`` implements.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.audit import public_id
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import AuditRecord, User

M = TypeVar("M", bound=models.Model)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    _ModelAdminBase = admin.ModelAdmin[M]
    _ModelFormBase = forms.ModelForm[Any]
else:

    class _ModelAdminBase(Generic[M], admin.ModelAdmin):
        pass

    _ModelFormBase = forms.ModelForm


def signed_in(user: AbstractBaseUser | AnonymousUser) -> User | None:
    """The user as the access functions and actions want it, or None when not an active account."""
    if isinstance(user, User) and user.is_active:
        return user
    return None


def actor_of(request: HttpRequest) -> User:
    """The acting user of an admin request (the site lets in active accounts only)."""
    user = signed_in(request.user)
    if user is None:
        raise PermissionDenied
    return user


# -- the site -----------------------------------------------------------------------------------------


class AdmissionForm(AdminAuthenticationForm):
    """The admin's sign-in form: admits by posts (``GrassrootsAdminSite.admits``), not ``is_staff``."""

    site: ClassVar[GrassrootsAdminSite]

    def confirm_login_allowed(self, user: AbstractBaseUser) -> None:
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not self.site.admits(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ScopedAutocompleteView(AutocompleteJsonView):
    """Autocomplete answers from the target admin's scoped queryset, narrowed to the kinds the
    source field accepts (``ScopedModelAdmin.fk_filters``) and labelled by ``choice_label``."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        source_admin = self.admin_site._registry.get(self.source_field.model) if self.admin_site else None
        narrowing = getattr(source_admin, "fk_filters", {}).get(self.source_field.name)
        return queryset.filter(**narrowing) if narrowing else queryset

    def serialize_result(self, obj: models.Model, to_field_name: str) -> dict[str, str]:
        label: Callable[[Any], str] = getattr(self.model_admin, "choice_label", str)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj)}


class GrassrootsAdminSite(admin.AdminSite):
    """The project's admin site, installed as Django's default site (``core.apps.GrassrootsAdminConfig``)."""

    site_header = gettext_lazy("Grassroots governance platform")
    site_title = gettext_lazy("Grassroots administration")
    index_title = gettext_lazy("Records and structure")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.login_form = type("AdmissionForm", (AdmissionForm,), {"site": self})

    def admits(self, user: AbstractBaseUser | AnonymousUser) -> bool:
        account = signed_in(user)
        if account is None:
            return False
        if account.is_superuser:
            return True
        return any(
            model_admin.may_view(account)
            for model_admin in self._registry.values()
            if isinstance(model_admin, ScopedModelAdmin)
        )

    def has_permission(self, request: HttpRequest) -> bool:
        return self.admits(request.user)

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return cast(HttpResponse, ScopedAutocompleteView.as_view(admin_site=self)(request))


# -- forms --------------------------------------------------------------------------------------------


class WriteOnlyInput(forms.TextInput):
    """A text input that never sends its value back to the browser.

    Used for ID numbers and phones: the plaintext travels from the form to the action once; a form
    shown again (after an error elsewhere) asks for it again rather than echoing it (docs/domain.md §8).
    """

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


def write_only_field(label: _StrOrPromise, help_text: _StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=WriteOnlyInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=help_text or gettext_lazy("Leave empty to keep the stored value; it is shown masked."),
    )


class ActionForm(_ModelFormBase):
    """A model form whose saving is a call to an action (see the module docstring).

    ``error_fields`` maps a domain error key onto the form field that carries it when the names
    differ; errors for fields the form does not show become form-level errors, labelled.
    """

    request: ClassVar[HttpRequest]
    model_admin: ClassVar[ScopedModelAdmin[Any]]
    error_fields: ClassVar[Mapping[str, str]] = {}

    def _post_clean(self) -> None:
        # Model validation is the action's business; the action also checks permission and writes.
        if self.errors:
            return
        creating = self.instance.pk is None
        try:
            with transaction.atomic():
                if creating:
                    obj = self.model_admin.create(self.request, dict(self.cleaned_data))
                else:
                    changes = {name: self.cleaned_data[name] for name in self.changed_data}
                    obj = self.model_admin.update(self.request, self.instance, changes)
        except ValidationError as exc:
            self._add_domain_errors(exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or _("You are not allowed to make this change."))
        except Conflict as exc:
            self.add_error(None, exc.message)
        else:
            self.instance = obj
            return
        if not creating:
            # An action may have touched the instance before failing; show the stored state.
            self.instance.refresh_from_db()

    def _add_domain_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.error_dict.items():
            name = self.error_fields.get(key, key)
            if name in self.fields and name != NON_FIELD_ERRORS:
                self.add_error(name, errors)
                continue
            messages_ = [message for error in errors for message in error.messages]
            if key == NON_FIELD_ERRORS:
                self.add_error(None, messages_)
            else:
                label = self._label_for(key)
                self.add_error(None, [f"{label}: {message}" for message in messages_])

    def _label_for(self, key: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return key


# -- model admins -------------------------------------------------------------------------------------


class ScopedModelAdmin(_ModelAdminBase[M]):
    """Base of every model admin of the project (see the module docstring).

    Subclasses implement ``visible`` (the app's ``*_visible_to``), ``may_view``/``may_add``/
    ``may_change`` (from the user's posts), and ``create``/``update`` (calling the app's actions).
    ``fk_filters`` narrows a foreign key's choices (and its autocomplete) beyond the related
    admin's scope, e.g. ``{"grid": {"kind": "grid"}}``.
    """

    form = ActionForm
    fk_filters: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    save_as = False
    show_full_result_count = False  # a second COUNT(*) over a city's table buys nothing

    # -- hooks ------------------------------------------------------------------------------------
    def visible(self, user: User) -> QuerySet[M]:
        raise NotImplementedError

    def may_view(self, user: User) -> bool:
        raise NotImplementedError

    def may_add(self, user: User) -> bool:
        return False

    def may_change(self, user: User, obj: M | None) -> bool:
        """Whether ``user`` may change ``obj`` (``None``: some object of this model)."""
        return False

    def create(self, request: HttpRequest, data: dict[str, Any]) -> M:
        raise PermissionDenied

    def update(self, request: HttpRequest, obj: M, changes: dict[str, Any]) -> M:
        raise PermissionDenied

    def choice_label(self, obj: M) -> str:
        """How an object of this model reads in another form's choice list or autocomplete."""
        return str(obj)

    # -- reads ------------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        user = signed_in(request.user)
        if user is None:
            return self.model._default_manager.none()
        queryset = self.visible(user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related, ScopedModelAdmin) and "queryset" not in kwargs:
            queryset = related.get_queryset(request)
            narrowing = self.fk_filters.get(db_field.name)
            kwargs["queryset"] = queryset.filter(**narrowing) if narrowing else queryset
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and isinstance(related, ScopedModelAdmin):
            field.label_from_instance = related.choice_label  # type: ignore[method-assign]
        return field

    # -- permissions: from posts, never from Django's permission tables -----------------------------
    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        user = signed_in(request.user)
        return user is not None and self.may_view(user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        user = signed_in(request.user)
        return user is not None and self.may_view(user) and self.may_add(user)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        user = signed_in(request.user)
        return user is not None and self.may_view(user) and self.may_change(user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    # -- writes: the form has called the action already ---------------------------------------------
    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"request": request, "model_admin": self, "__module__": type(self).__module__}
        form = cast("type[forms.ModelForm[M]]", type(form.__name__, (form,), attrs))
        # Fresh field objects per request, so a subclass may narrow a declared field's choices
        # without touching the form class other requests share; declared fields the add or
        # change form does not show are dropped (Django keeps them, and would validate them).
        shown = kwargs.get("fields")
        form.base_fields = {
            name: copy.deepcopy(field)
            for name, field in form.base_fields.items()
            if shown is None or name in shown
        }
        return form

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        raise PermissionDenied

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        raise PermissionDenied

    # The audit records written by the actions are the history; the admin keeps no second one.
    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> None:  # type: ignore[override]
        return None

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> None:  # type: ignore[override]
        return None

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[M]) -> None:  # type: ignore[override]
        return None

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """An object's history is its audit records (readable by whoever may read the audit log)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        try:
            url = reverse(f"{self.admin_site.name}:core_auditrecord_changelist")
        except NoReverseMatch:
            raise PermissionDenied from None
        audit_admin = self.admin_site._registry.get(AuditRecord)
        if audit_admin is None or not audit_admin.has_view_permission(request):
            raise PermissionDenied
        query = {"target_type": f"{self.opts.app_label}.{self.opts.model_name}", "target_id": public_id(obj)}
        return HttpResponseRedirect(f"{url}?{urlencode(query)}")

    # -- bulk acts --------------------------------------------------------------------------------
    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self._has_active_flag():
            actions.pop("deactivate_selected", None)
            actions.pop("activate_selected", None)
        return actions

    def _has_active_flag(self) -> bool:
        return any(field.name == "is_active" for field in self.opts.get_fields())

    def apply_each(
        self,
        request: HttpRequest,
        objects: Iterable[M],
        act: Callable[[M], object],
        *,
        done_message: str,
    ) -> None:
        """Run ``act`` on each object in its own transaction; report successes and refusals."""
        done = 0
        failures: list[str] = []
        for obj in objects:
            try:
                with transaction.atomic():
                    act(obj)
            except ValidationError as exc:
                failures.append(f"{obj}: {' '.join(exc.messages)}")
            except PermissionDenied as exc:
                reason = str(exc) or _("not allowed")
                failures.append(f"{obj}: {reason}")
            except Conflict as exc:
                failures.append(f"{obj}: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=gettext_lazy("Deactivate selected records"), permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        self.apply_each(
            request,
            queryset,
            lambda obj: self.update(request, obj, {"is_active": False}),
            done_message=_("%(count)s records deactivated."),
        )

    @admin.action(description=gettext_lazy("Reactivate selected records"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        self.apply_each(
            request,
            queryset,
            lambda obj: self.update(request, obj, {"is_active": True}),
            done_message=_("%(count)s records reactivated."),
        )

    actions = ["deactivate_selected", "activate_selected"]


__all__ = [
    "ActionForm",
    "GrassrootsAdminSite",
    "ScopedModelAdmin",
    "WriteOnlyInput",
    "actor_of",
    "signed_in",
    "write_only_field",
]
