"""Admin for core: user accounts (superusers only) and the read-only audit log.

The audit log's admin class is defined here and registered by ``grassroots.org.admin``, because
who reads which audit records is decided by the posts (``org.access.audit_records_visible_to``)
and core imports no other app.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grassroots.core import audit
from grassroots.core.admin_site import ScopedModelAdmin, signed_in
from grassroots.core.models import AuditAction, AuditRecord, User

# What a user may do comes from posts, never from Django groups or model permissions.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts, for system administrators only. Posts (what an account may do) are assigned in
    the organisation admin; accounts are deactivated, never deleted, so history keeps its names.
    Every change writes an audit record (scope: none, so only superusers read it)."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email", "uid")}),
        (_("Permissions"), {"fields": ("is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("uid", "last_login", "date_joined")
    list_display = ("username", "display_name", "email", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "display_name", "email")
    filter_horizontal = ()
    actions = []
    show_full_result_count = False

    def _superuser(self, request: HttpRequest) -> bool:
        user = signed_in(request.user)
        return user is not None and user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Django's admin history is replaced by audit records (docs/domain.md §8: every write is recorded).
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        audit.record(actor=signed_in(request.user), action=AuditAction.CREATE, target=obj)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:  # type: ignore[override]
        # The message names changed fields only ("Changed password."), never their values.
        changed = message if isinstance(message, list) else [str(message)]
        audit.record(
            actor=signed_in(request.user),
            action=AuditAction.UPDATE,
            target=obj,
            changes={"changed": json.loads(json.dumps(changed, default=str))},
        )

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:  # type: ignore[override]
        return None


class AuditRecordAdmin(ScopedModelAdmin[AuditRecord]):
    """The audit log: read-only for everyone; which records a user reads is the subclass's
    ``visible`` (registered in ``grassroots.org.admin``)."""

    list_display = ("at", "actor_label", "action", "target_type", "target_id", "target_label", "source", "ip")
    list_filter = ("action", ("at", admin.DateFieldListFilter), "target_type", "source")
    search_fields = ("=target_id", "actor_label", "=actor__username")
    fields = (
        "at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "scope_path",
        "changes_pretty",
        "purpose",
        "source",
        "ip",
        "user_agent",
    )
    readonly_fields = fields
    ordering = ("-at", "-id")
    list_per_page = 100
    actions = []

    @admin.display(description=_("changes"))
    def changes_pretty(self, obj: AuditRecord) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.changes, ensure_ascii=False, indent=2))
